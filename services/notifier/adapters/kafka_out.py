"""Contract events built from streak announcements: what leaves the notifier."""

from datetime import datetime

from services.notifier.domain.announcements import Announcement, Kind, TrackedHabit
from shared.contracts import notifier as contract

SOURCE = "/keepwarm/notifier"


def event_of(habit: TrackedHabit, announcement: Announcement, *, now: datetime) -> contract.StreakEvent:
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
