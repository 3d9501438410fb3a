"""Sharing with the campus: which facts about a student may leave KeepWarm, for whom, and how
they are counted.

Only students who opted in share; a fact is what a campus may know (a kind, a direction, a tie,
a category, an outcome, a day, a count), never who or what was said. Cohort figures come from
opted-in students only, and a cell built from fewer than :data:`MIN_STUDENTS` students shows no
figure at all.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from shared.schedules import local_date
from shared.vocabulary import Category, Direction, GiveFirstKind, InteractionKind, Outcome, Tie, Warmth

MIN_STUDENTS = 5
"""The smallest group a cohort figure may describe."""

STREAK_BUCKETS = ((0, 0), (1, 2), (3, 6), (7, 13), (14, 29), (30, None))
"""Current-streak ranges (in periods, inclusive; None: no upper bound) of the distribution."""


class FactKind(StrEnum):
    CONTACT = "contact"
    INTERACTION = "interaction"
    FOLLOW_UP = "follow_up"
    MILESTONE = "milestone"


@dataclass(frozen=True)
class Fact:
    """One thing a sharing student did, as the campus may know it. ``id`` is the entity's own
    (a contact, an interaction, a follow-up, a habit's milestone); ``version`` orders changes."""

    id: str
    owner_id: str
    kind: FactKind
    at: datetime
    version: int = 1
    on: date | None = None
    """The local day, once the owner's zone is known (:func:`dated`)."""
    interaction_kind: InteractionKind | None = None
    give_first_kind: GiveFirstKind | None = None
    direction: Direction | None = None
    tie: Tie | None = None
    category: Category | None = None
    warmth: Warmth | None = None
    outcome: Outcome | None = None
    from_campus: bool = False
    deleted: bool = False
    milestone: int | None = None

    def differs_from(self, stored: "Fact") -> bool:
        """Whether it tells the campus anything the stored version did not."""
        return replace(self, at=stored.at, version=stored.version) != stored


def dated(fact: Fact, *, timezone: str, day_start: time) -> Fact:
    """The fact with its local day (one it already has stays)."""
    return fact if fact.on is not None else replace(fact, on=local_date(fact.at, timezone, day_start))


def week_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_end(monday: date, *, timezone: str, day_start: time) -> datetime:
    """The moment (UTC) the week starting ``monday`` ends in the owner's zone."""
    end = datetime.combine(monday + timedelta(days=7), day_start, ZoneInfo(timezone))
    return end.astimezone(ZoneInfo("UTC"))


@dataclass(frozen=True)
class Week:
    """A sharing student's week, as the public stream summarises it."""

    owner_id: str
    monday: date
    interactions: int = 0
    outbound: int = 0
    answered: int = 0
    contacts_added: int = 0
    follow_ups_done: int = 0
    longest_streak: int = 0


def week_summary(owner_id: str, monday: date, facts: Sequence[Fact], longest_streak: int) -> Week:
    """Count the week's facts (those dated within it and not deleted)."""
    within = [f for f in facts if f.on is not None and monday <= f.on < monday + timedelta(days=7)]
    live = [f for f in within if not f.deleted]
    talks = [f for f in live if f.kind is FactKind.INTERACTION]
    outbound = [f for f in talks if f.direction is Direction.OUTBOUND]
    return Week(
        owner_id=owner_id,
        monday=monday,
        interactions=len(talks),
        outbound=len(outbound),
        answered=sum(1 for f in outbound if f.outcome is not None and f.outcome.answered),
        contacts_added=sum(1 for f in live if f.kind is FactKind.CONTACT),
        follow_ups_done=sum(1 for f in live if f.kind is FactKind.FOLLOW_UP),
        longest_streak=longest_streak,
    )


@dataclass(frozen=True)
class Cell:
    """One figure of a cohort table: ``students`` behind it, and its values, or no values (and
    no count) when fewer than :data:`MIN_STUDENTS` students are behind it."""

    labels: tuple[str, ...]
    students: int | None
    values: dict[str, float | int] | None

    @classmethod
    def of(cls, labels: tuple[str, ...], students: int, values: dict[str, float | int]) -> "Cell":
        if students < MIN_STUDENTS:
            return cls(labels, None, None)
        return cls(labels, students, values)


def reply_rate(outbound: int, answered: int) -> float:
    return round(answered / outbound, 3) if outbound else 0.0


def bucket_of(streak: int) -> str:
    for low, high in STREAK_BUCKETS:
        if streak >= low and (high is None or streak <= high):
            return f"{low}+" if high is None else (f"{low}" if low == high else f"{low}-{high}")
    raise AssertionError("the buckets cover every streak")


def streak_distribution(longest_current: Sequence[int]) -> list[Cell]:
    """How many students have their best current streak in each bucket."""
    counts: dict[str, int] = {bucket_of(low): 0 for low, _ in STREAK_BUCKETS}
    for streak in longest_current:
        counts[bucket_of(streak)] += 1
    return [Cell.of((bucket,), n, {"students": n}) for bucket, n in counts.items()]


@dataclass(frozen=True)
class Member:
    """A student's choice to share with their campus, and the next week to summarise for them."""

    owner_id: str
    sharing: bool
    changed_at: datetime
    week_from: date | None = None
    summary_at: datetime | None = None


def joined(owner_id: str, *, now: datetime, timezone: str, day_start: time) -> Member:
    """Opted in at ``now``: the week in progress is the first to be summarised."""
    monday = week_of(local_date(now, timezone, day_start))
    return Member(owner_id, True, now, monday, week_end(monday, timezone=timezone, day_start=day_start))


def left(owner_id: str, *, now: datetime) -> Member:
    return Member(owner_id, False, now)


def next_week(member: Member, *, timezone: str, day_start: time) -> Member:
    assert member.week_from is not None
    monday = member.week_from + timedelta(days=7)
    return replace(
        member, week_from=monday, summary_at=week_end(monday, timezone=timezone, day_start=day_start)
    )
