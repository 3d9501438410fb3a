"""Streaks: how many periods in a row a habit's target was met.

A habit's schedule cuts time into periods of local dates (``shared.schedules``). Each period ends
in one of four ways:

- **met**: the check-ins on its counting days reach its target;
- **missed**: it closed (its last day is before today) short of its target;
- **rested**: every day of it was paused; it neither counts nor breaks a streak;
- **open**: it is still in progress and not met yet; it never breaks a streak.

Paused days inside a period lower its target in proportion, like a partial first period:
``ceil(target * counting days / days)``, and check-ins on paused days do not count.

The *current* streak counts met periods back from the newest one, skipping rested ones, and stops
at the first missed one (an open period is skipped too; a met one in progress counts). The
*longest* streak is the longest such run anywhere in the history.

A :class:`Checkpoint` folds the periods that can no longer change, so a recomputation reads only
the check-ins after it: closed periods change only when a check-in on one of their days, or the
plan itself, changes, and the caller then starts again from the habit's start.
"""

import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from shared.schedules import Period, Schedule, periods_between

MILESTONES = (3, 7, 14, 30, 60, 100, 150, 200, 250, 300, 365)


class Outcome(StrEnum):
    MET = "met"
    MISSED = "missed"
    RESTED = "rested"
    OPEN = "open"


@dataclass(frozen=True)
class HabitPlan:
    """What streaks depend on: the schedule, its start, and the rest days."""

    schedule: Schedule
    start_date: date
    pauses: tuple[tuple[date, date | None], ...] = ()

    def paused(self, day: date) -> bool:
        return bool(self.pauses) and any(
            start <= day and (end is None or day <= end) for start, end in self.pauses
        )


@dataclass(frozen=True)
class PeriodResult:
    period: Period
    target: int
    done: int
    outcome: Outcome


@dataclass(frozen=True)
class Streaks:
    current: int
    longest: int
    last_closed: PeriodResult | None
    in_progress: PeriodResult | None
    is_last_day: bool = False  # today is the last day of the period in progress

    @property
    def at_risk(self) -> bool:
        """Due by the end of today and not done yet."""
        return self.in_progress is not None and self.in_progress.outcome is Outcome.OPEN and self.is_last_day


@dataclass(frozen=True)
class Checkpoint:
    """The streaks of every period through ``through`` (the last day of a closed period): ``run``
    met periods in a row at its end, ``longest`` anywhere before it. None: nothing folded yet."""

    through: date | None = None
    run: int = 0
    longest: int = 0


def period_results(
    plan: HabitPlan, counts: Mapping[date, int], today: date, *, after: date | None = None
) -> list[PeriodResult]:
    """Every period from the habit's start (or from the day after ``after``) through the one
    containing ``today``."""
    first = plan.start_date if after is None else max(plan.start_date, after + timedelta(days=1))
    periods = periods_between(plan.schedule, plan.start_date, first, today)
    starts = [period.start for period in periods]
    done = [0] * len(periods)
    for day, count in counts.items():
        index = bisect_right(starts, day) - 1
        if index >= 0 and day <= periods[index].end and not plan.paused(day):
            done[index] += count
    results = []
    for index, period in enumerate(periods):
        length = (period.end - period.start).days + 1
        counting = length
        if plan.pauses:
            counting = sum(1 for n in range(length) if not plan.paused(period.start + timedelta(days=n)))
        if not counting:
            results.append(PeriodResult(period, 0, 0, Outcome.RESTED))
            continue
        target = max(1, math.ceil(period.target * counting / length))
        results.append(
            PeriodResult(period, target, done[index], _outcome(done[index], target, period, today))
        )
    return results


def recount(results: list[PeriodResult], plan: HabitPlan, day: date, delta: int, today: date) -> None:
    """Change ``results`` in place as :func:`period_results` would after ``delta`` more
    check-ins on ``day``."""
    index = bisect_right([result.period.start for result in results], day) - 1
    if index < 0 or day > results[index].period.end or plan.paused(day):
        return
    result = results[index]
    if result.outcome is Outcome.RESTED:
        return
    done = result.done + delta
    outcome = _outcome(done, result.target, result.period, today)
    results[index] = PeriodResult(result.period, result.target, done, outcome)


def _outcome(done: int, target: int, period: Period, today: date) -> Outcome:
    if done >= target:
        return Outcome.MET
    return Outcome.MISSED if period.end < today else Outcome.OPEN


def streaks(results: Sequence[PeriodResult], today: date, start: Checkpoint = Checkpoint()) -> Streaks:
    """The streaks of ``results``, the periods after ``start``."""
    longest, _ = _fold(results, start.run, start.longest)
    current = 0
    for result in reversed(results):
        if result.outcome is Outcome.MET:
            current += 1
        elif result.outcome is Outcome.MISSED:
            break
    else:
        current += start.run
    closed = [result for result in results if result.period.end < today]
    in_progress = results[-1] if results and results[-1].period.end >= today else None
    return Streaks(
        current=current,
        longest=longest,
        last_closed=closed[-1] if closed else None,
        in_progress=in_progress,
        is_last_day=in_progress is not None and in_progress.period.end == today,
    )


def settle(results: Sequence[PeriodResult], today: date, start: Checkpoint = Checkpoint()) -> Checkpoint:
    """Move ``start`` forward over the closed periods of ``results`` except the newest closed one,
    which is kept out so the next recomputation still sees it (a missed period is announced as
    broken when it is the newest closed one)."""
    closed = [result for result in results if result.period.end < today]
    if len(closed) < 2:
        return start
    folded = closed[:-1]
    longest, run = _fold(folded, start.run, start.longest)
    return Checkpoint(through=folded[-1].period.end, run=run, longest=longest)


def _fold(results: Sequence[PeriodResult], run: int, longest: int) -> tuple[int, int]:
    for result in results:
        if result.outcome is Outcome.MET:
            run += 1
            longest = max(longest, run)
        elif result.outcome is Outcome.MISSED:
            run = 0
    return longest, run


def milestones_between(before: int, after: int) -> list[int]:
    """Milestones a streak passed on its way from ``before`` to ``after``."""
    return [milestone for milestone in MILESTONES if before < milestone <= after]
