"""Contract events built from what the notifier tells the other services: streak news, nudge
outcomes and the owner's day settings. Every event that leaves the notifier is built here."""

from datetime import datetime

from services.notifier.domain.announcements import Kind
from services.notifier.domain.outgoing import NudgeOutcome, Outgoing, OwnerDayChanged, StreakNews
from shared.contracts import notifier as contract
from shared.contracts.base import EventData

SOURCE = "/keepwarm/notifier"


def event_of(change: Outgoing, *, now: datetime) -> EventData:
    match change:
        case StreakNews():
            return streak_event(change, now=now)
        case NudgeOutcome(sent=True):
            return contract.NudgeSent(**_nudge(change), channels=change.channels)
        case NudgeOutcome():
            return contract.NudgeFailed(**_nudge(change), reason=change.reason or "")
        case OwnerDayChanged():
            return contract.PreferencesChanged(
                owner_id=change.owner_id,
                occurred_at=change.at,
                recorded_at=change.at,
                timezone=change.timezone,
                day_start=change.day_start,
            )


def _nudge(outcome: NudgeOutcome) -> dict[str, object]:
    return {
        "owner_id": outcome.owner_id,
        "occurred_at": outcome.at,
        "recorded_at": outcome.at,
        "nudge_id": outcome.nudge_id,
        "kind": outcome.kind.value,
        "subject_id": outcome.subject_id,
        "attempts": outcome.attempts,
    }


def streak_event(news: StreakNews, *, now: datetime) -> contract.StreakEvent:
    habit, announcement = news.habit, news.announcement
    period = announcement.period.period
    common = {
        "owner_id": habit.owner_id,
        "occurred_at": now,
        "recorded_at": now,
        "habit_id": habit.id,
        "habit_name": habit.name,
        "period_start": period.start,
        "period_end": period.end,
        "current": announcement.current,
        "longest": announcement.longest,
    }
    match announcement.kind:
        case Kind.EXTENDED:
            return contract.StreakExtended(**common)
        case Kind.MILESTONE:
            assert announcement.milestone is not None
            return contract.StreakMilestoneReached(**common, milestone=announcement.milestone)
        case Kind.BROKEN:
            assert announcement.previous is not None
            return contract.StreakBroken(**common, previous=announcement.previous)
