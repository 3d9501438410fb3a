"""Events of the notifier, on the notifier stream: what happened to a student's streaks."""

from datetime import date
from typing import ClassVar

from pydantic import Field

from shared.contracts.base import EventData
from shared.contracts.topics import Stream


class StreakEvent(EventData):
    stream: ClassVar[Stream] = Stream.NOTIFIER
    habit_id: str
    habit_name: str
    period_start: date = Field(description="First day (local) of the period the event is about.")
    period_end: date = Field(description="Last day (local) of that period, inclusive.")
    current: int = Field(ge=0, description="The current streak, in periods, after the event.")
    longest: int = Field(ge=0, description="The longest streak so far, in periods.")

    @property
    def subject(self) -> str:
        return self.habit_id


class StreakExtended(StreakEvent):
    """The period ``period_start``…``period_end`` met its target and the streak grew."""

    event_type: ClassVar[str] = "keepwarm.streak.extended.v1"


class StreakMilestoneReached(StreakEvent):
    """The streak reached a milestone (3, 7, 14, 30, 60, 100 … periods)."""

    event_type: ClassVar[str] = "keepwarm.milestone.reached.v1"
    milestone: int = Field(gt=0)


class StreakBroken(StreakEvent):
    """The period ``period_start``…``period_end`` closed short of its target: the streak ended.
    Emitted once per such period, when the clock passes its end."""

    event_type: ClassVar[str] = "keepwarm.streak.broken.v1"
    previous: int = Field(gt=0, description="The streak that was broken.")
