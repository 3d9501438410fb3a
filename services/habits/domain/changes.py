"""What happened to a habit, as the use cases report it; adapters turn these into events."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.habits.domain.model import CheckIn, Habit


class ChangeKind(StrEnum):
    HABIT_CREATED = "habit_created"
    HABIT_UPDATED = "habit_updated"
    HABIT_PAUSED = "habit_paused"
    HABIT_RESUMED = "habit_resumed"
    HABIT_ARCHIVED = "habit_archived"
    CHECKED_IN = "checked_in"
    CHECK_IN_REVERTED = "check_in_reverted"


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    habit: Habit
    occurred_at: datetime
    recorded_at: datetime
    check_in: CheckIn | None = None
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Erased:
    """Everything about the owner was erased here."""

    owner_id: str
    at: datetime
