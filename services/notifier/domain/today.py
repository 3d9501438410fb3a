"""The owner's day as the page's Today screen shows it: which follow-ups are overdue and which are
due before the day ends, and why a prompt is held back."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from services.notifier.domain.calendar import FollowUpItem
from services.notifier.domain.prompts import PromptStatus
from shared.schedules import day_begins, local_date


@dataclass(frozen=True)
class Day:
    """The owner's current day and the instants it begins and ends (its next day's start)."""

    day: date
    begins: datetime
    ends: datetime


def day_of(now: datetime, *, timezone: str, day_start: time) -> Day:
    today = local_date(now, timezone, day_start)
    return Day(
        today,
        day_begins(today, timezone, day_start),
        day_begins(today + timedelta(days=1), timezone, day_start),
    )


@dataclass(frozen=True)
class FollowUpsDue:
    overdue: list[FollowUpItem]
    today: list[FollowUpItem]


def follow_ups_due(items: Sequence[FollowUpItem], *, day: Day, now: datetime) -> FollowUpsDue:
    """Open follow-ups past their due time, and those due before the day ends, each by due time."""
    ordered = sorted(items, key=lambda item: (item.due_at, item.id))
    return FollowUpsDue(
        overdue=[item for item in ordered if item.due_at < now],
        today=[item for item in ordered if now <= item.due_at < day.ends],
    )


HOLD_REASONS = {
    PromptStatus.HELD: "Two messages in a row got no answer: wait for a reply, or reset to prompt again.",
    PromptStatus.SNOOZED: "Snoozed: it comes back when the snooze ends.",
    PromptStatus.DISMISSED: "Dismissed: no more prompts until you next log a conversation.",
}
"""Why a prompt that would otherwise be due is not on the list to reach out to."""
