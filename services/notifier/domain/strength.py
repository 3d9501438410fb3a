"""Habit strength: a score from 0 to 1 that rises with regular check-ins and decays slowly when
they are missed, in the manner of Loop Habit Tracker's score.

Every day from the habit's start through today updates the score:

    score = score * m + value * (1 - m),   m = 0.5 ** (sqrt(f) / 13)

where ``f`` is the habit's frequency in check-ins per day (``times / days in the period``: 1 for a
daily habit, 3/7 for "3 a week") and ``value`` is the share of the day's period target achieved
(capped at 1). Frequent habits therefore move faster than rare ones: a daily habit closes half of
the gap to its new level in about 13 days, "3 a week" in about 20, "once a week" in about 34.
Paused days leave the score as it is. Unlike Loop, a closed period's achievement counts for each
of its days, so meeting "3 a week" on Sunday is as good as on Monday; the period in progress counts
what is done so far.
"""

import math
from collections.abc import Sequence
from datetime import date, timedelta

from services.notifier.domain.streaks import HabitPlan, Outcome, PeriodResult


def strength(plan: HabitPlan, results: Sequence[PeriodResult], today: date) -> float:
    history = strength_history(plan, results, today)
    return history[-1][1] if history else 0.0


def strength_history(
    plan: HabitPlan, results: Sequence[PeriodResult], today: date
) -> list[tuple[date, float]]:
    """The score at the end of each period (the period in progress: today), oldest first; rested
    periods leave it as it was."""
    score = 0.0
    history = []
    for result in results:
        if result.outcome is not Outcome.RESTED:
            length = (result.period.end - result.period.start).days + 1
            multiplier = 0.5 ** (math.sqrt(result.period.target / length) / 13)
            value = min(1.0, result.done / result.target) if result.target else 0.0
            # Every counting day of a period applies the same step, so n of them in a row are one
            # step with the multiplier to the n-th power: the result equals the day-by-day rule.
            decay = multiplier ** _counting_days(plan, result, today)
            score = score * decay + value * (1 - decay)
        history.append((min(result.period.end, today), round(score, 4)))
    return history


def _counting_days(plan: HabitPlan, result: PeriodResult, today: date) -> int:
    first, last = max(result.period.start, plan.start_date), min(result.period.end, today)
    if last < first:
        return 0
    days = (last - first).days + 1
    if not plan.pauses:
        return days
    return sum(1 for n in range(days) if not plan.paused(first + timedelta(days=n)))
