"""Habits, their pauses, and check-ins."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

from services.habits.domain.credit import DEFAULT_RULES, CreditRule
from shared.entity import Archivable
from shared.errors import DomainError, InvalidTransition
from shared.partial_update import checked_changes
from shared.schedules import MIDNIGHT, InvalidSchedule, Schedule, local_date, period_containing, zone
from shared.vocabulary import CheckInSource, HabitMeasure

EARLIEST_START = timedelta(days=3653)
LATEST_START = timedelta(days=366)


@dataclass(frozen=True)
class OwnerSettings:
    """The owner's time zone and the time their day starts, set once in their preferences (the
    habits service learns them from the notifier stream); UTC and midnight until then."""

    timezone: str = "UTC"
    day_start: time = MIDNIGHT


@dataclass(frozen=True)
class Pause:
    start: date
    end: date | None = None  # inclusive; None while the pause runs

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass
class Habit(Archivable):
    KIND: ClassVar[str] = "habit"
    id: str
    owner_id: str
    name: str
    measure: HabitMeasure
    schedule: Schedule
    timezone: str
    start_date: date
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    reminder_time: time | None = None
    rule: CreditRule | None = None
    pauses: tuple[Pause, ...] = ()
    archived: bool = False
    version: int = 1
    day_start: time = time(0)
    """When the owner's day starts (their preference): earlier moments count for the day before."""
    zone_is_owners: bool = False
    """The habit has no zone of its own: it follows the owner's (their preference)."""

    EDITABLE = (
        "name",
        "description",
        "measure",
        "schedule",
        "timezone",
        "reminder_time",
        "start_date",
        "rule",
    )
    REQUIRED = ("name", "measure", "schedule", "timezone", "start_date")

    def __post_init__(self) -> None:
        self.name = self.name.strip()
        if not self.name:
            raise DomainError("a habit needs a name", field="name")
        try:
            zone(self.timezone)
        except InvalidSchedule as error:
            raise DomainError(str(error), field=error.field) from error

    @property
    def credit_rule(self) -> CreditRule | None:
        """The rule that earns automatic check-ins: the habit's own, else its measure's default."""
        return self.rule if self.rule is not None else DEFAULT_RULES[self.measure]

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].end is None

    def counts_on(self, day: date) -> bool:
        """Whether a check-in on ``day`` counts: active, started, not paused, and a due day."""
        return (
            not self.archived
            and not any(pause.covers(day) for pause in self.pauses)
            and period_containing(self.schedule, self.start_date, day) is not None
        )

    def edit(self, changes: Mapping[str, object], *, now: datetime) -> tuple[str, ...]:
        self._require_active()
        checked_changes(changes, editable=self.EDITABLE, required=self.REQUIRED)
        values: dict[str, Any] = dict(changes)
        candidate = replace(self, **values)
        if "timezone" in changes:
            candidate.zone_is_owners = False  # a zone chosen for this habit is its own from now on
        changed = tuple(name for name in changes if getattr(candidate, name) != getattr(self, name))
        self.zone_is_owners = candidate.zone_is_owners
        if changed:
            for name in changed:
                setattr(self, name, getattr(candidate, name))
            self._touch(now)
        return changed

    def follow_owner(self, *, timezone: str, day_start: time, now: datetime) -> tuple[str, ...]:
        """Take the owner's new settings: their day start always, their zone unless the habit has
        its own; returns what changed."""
        changed = []
        if self.zone_is_owners and timezone != self.timezone:
            zone(timezone)
            self.timezone = timezone
            changed.append("timezone")
        if day_start != self.day_start:
            self.day_start = day_start
            changed.append("day_start")
        if changed and not self.archived:
            self._touch(now)
        return tuple(changed)

    def check_start(self, today: date) -> None:
        """A habit starts at most ``EARLIEST_START`` back and ``LATEST_START`` ahead: enough to log
        a habit kept for years, and no history so long that every streak read must walk it."""
        if not today - EARLIEST_START <= self.start_date <= today + LATEST_START:
            raise DomainError("a habit starts within the last ten years or the next one", field="start_date")

    def today(self, now: datetime) -> date:
        """The owner's day at ``now``, in the habit's zone."""
        return local_date(now, self.timezone, self.day_start)

    def pause(self, *, since: date, now: datetime) -> None:
        self._require_active()
        if self.paused:
            raise InvalidTransition("the habit is paused already")
        if self.pauses and self.pauses[-1].end is not None and since <= self.pauses[-1].end:
            raise DomainError("a pause cannot start inside the previous one", field="since")
        self.pauses = (*self.pauses, Pause(since))
        self._touch(now)

    def resume(self, *, last_paused_day: date, now: datetime) -> None:
        self._require_active()
        if not self.paused:
            raise InvalidTransition("the habit is not paused")
        running = self.pauses[-1]
        if last_paused_day < running.start:
            # Resumed on the day it was paused: the pause covers no day at all.
            self.pauses = self.pauses[:-1]
        else:
            self.pauses = (*self.pauses[:-1], Pause(running.start, last_paused_day))
        self._touch(now)

    def archive(self, *, now: datetime) -> None:
        self._require_active()
        self.archived = True
        self._touch(now)


@dataclass
class CheckIn:
    id: str
    owner_id: str
    habit_id: str
    local_date: date
    count: int
    source: CheckInSource
    created_at: datetime
    source_event_id: str | None = None
    interaction_id: str | None = field(default=None, compare=False)
    reverted: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.count <= 100:
            raise DomainError("count must be between 1 and 100", field="count")

    def revert(self) -> None:
        if self.reverted:
            raise InvalidTransition("the check-in was undone already")
        self.reverted = True
