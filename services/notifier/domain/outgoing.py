"""What the notifier tells the other services: the facts its events are built from (the contract
models themselves are built in one place, ``adapters/kafka_out.py``)."""

from dataclasses import dataclass
from datetime import date, datetime, time

from services.notifier.domain.announcements import Announcement, TrackedHabit
from services.notifier.domain.campus import Fact, Week
from services.notifier.domain.nudges import NudgeKind


@dataclass(frozen=True)
class StreakNews:
    """A habit's streak changed: extended, a milestone, broken."""

    habit: TrackedHabit
    announcement: Announcement


@dataclass(frozen=True)
class NudgeOutcome:
    """A nudge went out through ``channels``, or failed for ``reason``."""

    nudge_id: str
    owner_id: str
    kind: NudgeKind
    subject_id: str
    attempts: int
    at: datetime
    channels: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def sent(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class OwnerDayChanged:
    """The owner set their zone or the time their day starts (every service follows them)."""

    owner_id: str
    timezone: str
    day_start: time
    at: datetime


@dataclass(frozen=True)
class SharingChanged:
    """The owner opted in to share with their campus, or out (the other services follow it)."""

    owner_id: str
    sharing: bool
    at: datetime


@dataclass(frozen=True)
class MembershipShared:
    """What the public stream says of an opt-in (joined) or opt-out (left), on the owner's day."""

    owner_id: str
    joined: bool
    on: date
    at: datetime


@dataclass(frozen=True)
class FactShared:
    """A fact about a sharing owner, for the public stream: new, changed or deleted."""

    fact: Fact
    new: bool
    at: datetime


@dataclass(frozen=True)
class WeekShared:
    week: Week
    at: datetime


@dataclass(frozen=True)
class Erased:
    """Everything about the owner was erased here."""

    owner_id: str
    at: datetime


Outgoing = (
    StreakNews
    | NudgeOutcome
    | OwnerDayChanged
    | SharingChanged
    | MembershipShared
    | FactShared
    | WeekShared
    | Erased
)
