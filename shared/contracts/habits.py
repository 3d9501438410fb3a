"""Events of the habits service, on the habits stream.

Each carries the habit's snapshot, with everything the notifier needs to compute streaks on its
own: the schedule, the owner's time zone, pause periods.
"""

from datetime import date, time
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.base import EventData, entity_key
from shared.contracts.topics import Stream
from shared.vocabulary import CheckInSource, HabitMeasure, ScheduleKind


class Schedule(BaseModel):
    """When a habit is due: daily; N times a week or month; every N days; on chosen weekdays."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: ScheduleKind
    times: int = Field(default=1, ge=1, description="Target count per period.")
    every_days: int | None = Field(default=None, ge=1, description="For every_n_days.")
    weekdays: tuple[int, ...] = Field(
        default=(),
        description="For weekdays: ISO weekday numbers, 1 = Monday … 7 = Sunday.",
    )


class PausePeriod(BaseModel):
    """Rest days, inclusive, in the owner's zone: they neither count nor break a streak."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    start: date
    end: date | None = Field(default=None, description="None while the pause is still on.")


class HabitSnapshot(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(max_length=36, description="Opaque habit id.")
    name: str = Field(max_length=200)
    measure: HabitMeasure = Field(description="What the habit counts.")
    schedule: Schedule
    timezone: str = Field(max_length=64, description="The owner's IANA time zone, e.g. Europe/Berlin.")
    day_start: time = Field(
        default=time(0),
        description="When the owner's day starts (local): earlier moments count for the day before.",
    )
    reminder_time: time | None = Field(default=None, description="Local time of day to remind.")
    start_date: date
    pauses: tuple[PausePeriod, ...] = ()
    archived: bool = False
    version: int = Field(ge=1, description="Rises with every change of this habit.")


class HabitEvent(EventData):
    stream: ClassVar[Stream] = Stream.HABITS
    habit: HabitSnapshot

    @property
    def subject(self) -> str:
        return self.habit.id

    @property
    def states(self) -> tuple[str, ...]:
        return (entity_key("habit", self.habit.id),)


class HabitCreated(HabitEvent):
    event_type: ClassVar[str] = "keepwarm.habit.created.v1"


class HabitUpdated(HabitEvent):
    event_type: ClassVar[str] = "keepwarm.habit.updated.v1"
    changed: tuple[str, ...] = Field(default=(), description="Names of the fields that changed.")


class HabitPaused(HabitEvent):
    """A pause began (its period is the last of ``habit.pauses``)."""

    event_type: ClassVar[str] = "keepwarm.habit.paused.v1"


class HabitResumed(HabitEvent):
    """The running pause ended (its ``end`` is now set)."""

    event_type: ClassVar[str] = "keepwarm.habit.resumed.v1"


class HabitArchived(HabitEvent):
    event_type: ClassVar[str] = "keepwarm.habit.archived.v1"


class CheckIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(max_length=36, description="Opaque check-in id.")
    habit_id: str = Field(max_length=36)
    local_date: date = Field(description="The day it counts for, in the owner's time zone.")
    count: int = Field(ge=1)
    source: CheckInSource
    source_event_id: str | None = Field(
        default=None,
        description="For an automatic check-in: the event id that earned it.",
    )


class CheckInEvent(HabitEvent):
    check_in: CheckIn

    @property
    def subject(self) -> str:
        return self.check_in.id

    @property
    def states(self) -> tuple[str, ...]:
        return (*super().states, entity_key("check_in", self.check_in.id))


class HabitCheckedIn(CheckInEvent):
    """A check-in counted toward a habit."""

    event_type: ClassVar[str] = "keepwarm.habit.checked_in.v1"


class HabitCheckInReverted(CheckInEvent):
    """A check-in no longer counts: undone by the owner, or its interaction changed or was deleted."""

    event_type: ClassVar[str] = "keepwarm.check_in.reverted.v1"

    @property
    def states(self) -> tuple[str, ...]:
        return (entity_key("habit", self.habit.id),)

    @property
    def ends(self) -> tuple[str, ...]:
        return (entity_key("check_in", self.check_in.id),)


class HabitsErased(EventData):
    """The habits service deleted everything it held about the owner (an erasure)."""

    stream: ClassVar[Stream] = Stream.HABITS
    event_type: ClassVar[str] = "keepwarm.habits.erased.v1"

    @property
    def subject(self) -> str:
        return self.owner_id
