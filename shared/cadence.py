"""When a contact is due for a touch: the one rule the contacts service ("going cold") and the
notifier (keep-alive prompts) both follow.

Each tie has a keep-in-touch cadence (strong 21 days, weak 60, dormant 180); a contact may have
its own. A contact is due one cadence after the last interaction with them (when it happened,
not when it was logged); a contact never met yet counts from when it was added, so a fresh
import does not turn into a wall of reminders on its first day.
"""

from datetime import datetime, timedelta
from enum import StrEnum

from shared.vocabulary import Tie

DEFAULT_CADENCE_DAYS: dict[Tie, int] = {Tie.STRONG: 21, Tie.WEAK: 60, Tie.DORMANT: 180}


def due_at(*, last_interaction_at: datetime | None, added_at: datetime, cadence_days: int) -> datetime:
    """The moment a contact becomes due: one cadence after the last touch."""
    return (last_interaction_at or added_at) + timedelta(days=cadence_days)


class Band(StrEnum):
    """How warm a contact is, at a glance: fine, due soon (within a week, or the last quarter of
    a shorter cadence), or overdue (past the cadence: going cold)."""

    FINE = "fine"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


DUE_SOON = timedelta(days=7)


def band(*, due: datetime, cadence_days: int, now: datetime) -> Band:
    if now >= due:
        return Band.OVERDUE
    if now >= due - min(DUE_SOON, timedelta(days=cadence_days) / 4):
        return Band.DUE_SOON
    return Band.FINE
