"""Contract events built from what the notifier tells the other services and the campus: streak
news, nudge outcomes, the owner's settings, and the public stream of students who share with their
campus. Every event that leaves the notifier is built here."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime

from services.notifier.domain.announcements import Kind
from services.notifier.domain.campus import FactKind
from services.notifier.domain.outgoing import (
    Erased,
    FactShared,
    MembershipShared,
    NudgeOutcome,
    Outgoing,
    OwnerDayChanged,
    SharingChanged,
    StreakNews,
    WeekShared,
)
from shared.contracts import notifier as contract
from shared.contracts import public
from shared.contracts.base import Event

SOURCE = "/keepwarm/notifier"


@dataclass(frozen=True)
class Pseudonyms:
    """The campus's key: a student's pseudonym is HMAC-SHA256 of their id under it (32 hex
    digits), and so is an interaction's, so the campus can follow one without learning it."""

    key: bytes
    key_id: str

    def of(self, kind: str, identifier: str) -> str:
        return hmac.new(self.key, f"{kind}:{identifier}".encode(), hashlib.sha256).hexdigest()[:32]

    def student(self, owner_id: str) -> str:
        return self.of("student", owner_id)


def event_of(change: Outgoing, *, now: datetime, pseudonyms: Pseudonyms) -> Event:
    match change:
        case Erased():
            return contract.NotifierErased(
                owner_id=change.owner_id, occurred_at=change.at, recorded_at=change.at
            )
        case SharingChanged():
            return contract.CampusSharingChanged(
                owner_id=change.owner_id, occurred_at=change.at, recorded_at=change.at, sharing=change.sharing
            )
        case MembershipShared() | FactShared() | WeekShared():
            return public_event(change, pseudonyms=pseudonyms)
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


def public_event(change: MembershipShared | FactShared | WeekShared, *, pseudonyms: Pseudonyms) -> Event:
    """The public stream's event for ``change``: the pseudonym instead of the owner, and only the
    fields a campus may know."""
    on: date | None
    match change:
        case MembershipShared():
            owner_id, on = change.owner_id, change.on
        case FactShared():
            owner_id, on = change.fact.owner_id, change.fact.on
        case WeekShared():
            owner_id, on = change.week.owner_id, change.week.monday
    assert on is not None, "a shared fact is dated"
    common: dict[str, object] = {
        "student": pseudonyms.student(owner_id),
        "pseudonym_key": pseudonyms.key_id,
        "on": on,
        "recorded_at": change.at,
    }
    match change:
        case MembershipShared(joined=True):
            return public.StudentJoined(**common)
        case MembershipShared():
            return public.StudentLeft(**common)
        case WeekShared(week=week):
            return public.WeekSummarized(
                **common,
                interactions=week.interactions,
                outbound=week.outbound,
                answered=week.answered,
                contacts_added=week.contacts_added,
                follow_ups_done=week.follow_ups_done,
                longest_streak=week.longest_streak,
            )
        case FactShared():
            return _fact_event(change, common, pseudonyms)


def _fact_event(change: FactShared, common: dict[str, object], pseudonyms: Pseudonyms) -> Event:
    fact = change.fact
    match fact.kind:
        case FactKind.CONTACT:
            return public.ContactMade(
                **common,
                category=fact.category,
                tie=fact.tie,
                warmth=fact.warmth,
                from_campus=fact.from_campus,
            )
        case FactKind.FOLLOW_UP:
            return public.FollowUpKept(**common)
        case FactKind.MILESTONE:
            return public.MilestoneReached(**common, milestone=fact.milestone)
        case FactKind.INTERACTION if fact.deleted:
            return public.InteractionWithdrawn(**common, interaction=pseudonyms.of("interaction", fact.id))
        case FactKind.INTERACTION:
            facts = {
                "interaction": pseudonyms.of("interaction", fact.id),
                "kind": fact.interaction_kind,
                "give_first_kind": fact.give_first_kind,
                "direction": fact.direction,
                "tie": fact.tie,
                "category": fact.category,
                "outcome": fact.outcome,
                "from_campus": fact.from_campus,
            }
            if change.new:
                return public.InteractionRecorded(**common, **facts)
            return public.InteractionCorrected(**common, **facts)
