"""Events of the notifier, on the notifier stream: what happened to a student's streaks and
nudges, and the settings of theirs that the other services follow."""

from datetime import date, time
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


class NudgeEvent(EventData):
    """What became of a nudge (a message to the student). Carries no message text, no address
    and no channel URL: only what a dashboard may count."""

    stream: ClassVar[Stream] = Stream.NOTIFIER
    nudge_id: str
    kind: str = Field(description="prompt, follow_up, habit_at_risk, milestone, digest or channel_paused.")
    subject_id: str = Field(description="The contact, follow-up, habit or channel it is about.")
    attempts: int = Field(ge=1, description="Delivery attempts made.")

    @property
    def subject(self) -> str:
        return self.nudge_id


class NudgeSent(NudgeEvent):
    """The nudge reached at least one of the student's channels."""

    event_type: ClassVar[str] = "keepwarm.nudge.sent.v1"
    channels: tuple[str, ...] = Field(description="The kinds (URL schemes) of the channels it reached.")


class NudgeFailed(NudgeEvent):
    """No channel took the nudge after every attempt (or no channel was left to try)."""

    event_type: ClassVar[str] = "keepwarm.nudge.failed.v1"
    reason: str = Field(description="The last error, without addresses or secrets.")


class PreferencesChanged(EventData):
    """The owner's time zone or the time their day starts changed: the one place a student sets
    them, followed by every service (habits without a zone of their own move with it)."""

    stream: ClassVar[Stream] = Stream.NOTIFIER
    event_type: ClassVar[str] = "keepwarm.preferences.changed.v1"
    timezone: str = Field(min_length=1, max_length=64, description="The owner's IANA time zone.")
    day_start: time = Field(
        le=time(6),
        description="When the owner's day starts (local, 00:00 to 06:00): earlier moments count for "
        "the day before.",
    )

    @property
    def subject(self) -> str:
        return self.owner_id


class CampusSharingChanged(EventData):
    """The owner opted in to share with their campus, or out: the services that take in what
    campus tools send follow it (a student who does not share is never changed by them)."""

    stream: ClassVar[Stream] = Stream.NOTIFIER
    event_type: ClassVar[str] = "keepwarm.campus_sharing.changed.v1"
    sharing: bool = Field(description="Whether the owner shares with their campus from now on.")

    @property
    def subject(self) -> str:
        return self.owner_id


class NotifierErased(EventData):
    """The notifier deleted everything it held about the owner (an erasure), after the contacts
    and habits streams both told it so."""

    stream: ClassVar[Stream] = Stream.NOTIFIER
    event_type: ClassVar[str] = "keepwarm.notifier.erased.v1"

    @property
    def subject(self) -> str:
        return self.owner_id
