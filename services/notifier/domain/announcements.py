"""What the notifier announces when a habit's streak changes: extended, milestones, broken.

Announcements compare the streak as last announced with the streak now, so recomputing twice
announces nothing new, and a missed period is announced as broken once.

A consumer batch may carry many check-ins (and reverts) of one habit. They are replayed one by
one, in the order they happened on the stream (:func:`replay`), so the streak state and the
announcements are a function of the check-ins alone: however the stream was cut into batches,
they come out the same.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from services.notifier.domain.streaks import (
    Checkpoint,
    HabitPlan,
    Outcome,
    PeriodResult,
    Streaks,
    milestones_between,
    period_results,
    recount,
    settle,
    streaks,
)
from shared.schedules import day_begins, local_date


@dataclass(frozen=True)
class TrackedHabit:
    """A habit as the notifier knows it from the habits stream."""

    id: str
    owner_id: str
    name: str
    timezone: str
    plan: HabitPlan
    archived: bool
    version: int
    changed_at: datetime | None = None
    day_start: time = time(0)
    """When the owner's day starts: the period in progress closes then, not at midnight."""

    def today(self, now: datetime) -> date:
        """The owner's day at ``now``, never before the habit started."""
        return max(local_date(now, self.timezone, self.day_start), self.plan.start_date)


@dataclass(frozen=True)
class StreakState:
    """The streak as last announced, when the clock must look again, and the periods folded so
    far under version ``plan_version`` of the habit."""

    current: int = 0
    longest: int = 0
    broken_period_start: date | None = None
    next_check_at: datetime | None = None
    checkpoint: Checkpoint = field(default_factory=Checkpoint)
    plan_version: int | None = None
    risk_at: datetime | None = None
    """When to remind that the period in progress is still to do."""

    def resume_from(self, *, version: int, earliest_change: date, today: date) -> Checkpoint:
        """Where a recomputation may start: the checkpoint, unless the habit has a new version
        (a new plan) or a change reaches back into its periods; then the habit's start."""
        through = self.checkpoint.through
        if through is not None and self.plan_version == version and through < min(earliest_change, today):
            return self.checkpoint
        return Checkpoint()


AT_RISK_TIME = time(18, 0)
"""Local time, on the last day of a habit's period, of the reminder that it is still to do."""


class Kind(StrEnum):
    EXTENDED = "extended"
    MILESTONE = "milestone"
    BROKEN = "broken"


@dataclass(frozen=True)
class Announcement:
    kind: Kind
    period: PeriodResult
    current: int
    longest: int
    milestone: int | None = None
    previous: int | None = None


def announce(before: StreakState, now: Streaks, results: list[PeriodResult]) -> list[Announcement]:
    found: list[Announcement] = []
    met = [result for result in results if result.outcome is Outcome.MET]
    if now.current > before.current and met:
        newest = met[-1]
        found.append(Announcement(Kind.EXTENDED, newest, now.current, now.longest))
        found += [
            Announcement(Kind.MILESTONE, newest, now.current, now.longest, milestone=milestone)
            for milestone in milestones_between(before.current, now.current)
        ]
    missed = now.last_closed
    if (
        missed is not None
        and missed.outcome is Outcome.MISSED
        and now.current == 0
        and before.current > 0
        and before.broken_period_start != missed.period.start
    ):
        found.append(Announcement(Kind.BROKEN, missed, 0, now.longest, previous=before.current))
    return found


def next_check(habit: TrackedHabit, now: Streaks) -> datetime | None:
    """The instant the period in progress closes: the start of the owner's day after its last."""
    if now.in_progress is None or habit.archived:
        return None
    closes = day_begins(now.in_progress.period.end + timedelta(days=1), habit.timezone, habit.day_start)
    return closes.astimezone(ZoneInfo("UTC"))


def risk_check(habit: TrackedHabit, now: Streaks) -> datetime | None:
    """``AT_RISK_TIME`` (local) on the last day of the period in progress, while it is not met."""
    period = now.in_progress
    if period is None or habit.archived or period.outcome is not Outcome.OPEN:
        return None
    moment = datetime.combine(period.period.end, AT_RISK_TIME, ZoneInfo(habit.timezone))
    return moment.astimezone(ZoneInfo("UTC"))


def after(
    before: StreakState,
    now: Streaks,
    habit: TrackedHabit,
    announced: list[Announcement],
    checkpoint: Checkpoint,
) -> StreakState:
    broken = next(
        (a.period.period.start for a in announced if a.kind is Kind.BROKEN), before.broken_period_start
    )
    return StreakState(
        current=now.current,
        longest=now.longest,
        broken_period_start=broken,
        next_check_at=next_check(habit, now),
        checkpoint=checkpoint,
        plan_version=habit.version,
        risk_at=risk_check(habit, now),
    )


@dataclass(frozen=True)
class Replayed:
    results: list[PeriodResult]
    streaks: Streaks
    state: StreakState
    announcements: list[Announcement]


def replay(
    habit: TrackedHabit,
    before: StreakState,
    *,
    start: Checkpoint,
    counts: Mapping[date, int],
    changes: Sequence[tuple[date, int]],
    today: date,
) -> Replayed:
    """The streak after ``changes`` (each a local day and how much its count changed, in stream
    order), whose effect ``counts`` already holds: the state before them is recomputed first
    (the clock may have closed a period), then each change is applied and announced in turn."""
    running = dict(counts)
    for day, delta in changes:
        running[day] = running.get(day, 0) - delta
    results = period_results(habit.plan, running, today, after=start.through)
    state, announced = before, []
    steps: list[tuple[date, int] | None] = [None, *changes]
    for step in steps:
        if step is not None:
            day, delta = step
            if not delta or (start.through is not None and day <= start.through):
                continue
            recount(results, habit.plan, day, delta, today)
        now = streaks(results, today, start)
        news = [] if habit.archived else announce(state, now, results)
        announced += news
        state = after(state, now, habit, news, state.checkpoint)
    return Replayed(results, now, replace(state, checkpoint=settle(results, today, start)), announced)
