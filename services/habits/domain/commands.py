"""What callers may ask of the habits use cases, typed: the fields of a new habit, and the fields
a partial update changes (``None`` clears a field where the habit allows it: see ``REQUIRED``)."""

from datetime import date, time
from typing import NotRequired, TypedDict

from services.habits.domain.credit import CreditRule
from shared.schedules import Schedule
from shared.vocabulary import HabitMeasure


class NewHabit(TypedDict):
    name: str
    measure: HabitMeasure
    schedule: Schedule
    timezone: NotRequired[str | None]
    """None: the owner's zone, which the habit then follows."""
    start_date: NotRequired[date | None]
    """None: the owner's today."""
    description: NotRequired[str | None]
    reminder_time: NotRequired[time | None]
    rule: NotRequired[CreditRule | None]


class HabitChanges(TypedDict, total=False):
    name: str | None
    description: str | None
    measure: HabitMeasure | None
    schedule: Schedule | None
    timezone: str | None
    reminder_time: time | None
    start_date: date | None
    rule: CreditRule | None
