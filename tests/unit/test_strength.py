"""Habit strength: the closed form per period equals the day-by-day rule, and behaves as a score should."""

import math
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.notifier.domain.streaks import HabitPlan, Outcome, period_results
from services.notifier.domain.strength import strength
from shared.schedules import Schedule
from shared.vocabulary import ScheduleKind

START = date(2026, 3, 2)


def day_by_day(plan: HabitPlan, counts: dict[date, int], today: date) -> float:
    """The rule as the module's documentation states it, one day at a time."""
    score = 0.0
    for result in period_results(plan, counts, today):
        if result.outcome is Outcome.RESTED:
            continue
        length = (result.period.end - result.period.start).days + 1
        m = 0.5 ** (math.sqrt(result.period.target / length) / 13)
        value = min(1.0, result.done / result.target)
        day = max(result.period.start, plan.start_date)
        while day <= min(result.period.end, today):
            if not plan.paused(day):
                score = score * m + value * (1 - m)
            day += timedelta(days=1)
    return round(score, 4)


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from([ScheduleKind.DAILY, ScheduleKind.TIMES_PER_WEEK, ScheduleKind.TIMES_PER_MONTH]),
    done_days=st.sets(st.integers(0, 120)),
    pause=st.none() | st.tuples(st.integers(0, 100), st.integers(0, 20)),
    span=st.integers(0, 120),
)
def test_the_closed_form_equals_the_daily_rule(
    kind: ScheduleKind, done_days: set[int], pause: tuple[int, int] | None, span: int
) -> None:
    pauses = (
        () if pause is None else ((START + timedelta(days=pause[0]), START + timedelta(days=sum(pause))),)
    )
    plan = HabitPlan(Schedule(kind, times=2 if kind is not ScheduleKind.DAILY else 1), START, pauses)
    today = START + timedelta(days=span)
    counts = {START + timedelta(days=n): 1 for n in done_days if n <= span}
    results = period_results(plan, counts, today)
    assert abs(strength(plan, results, today) - day_by_day(plan, counts, today)) <= 0.0002


def test_strength_rises_with_regular_check_ins_and_decays_slowly_when_missed() -> None:
    plan = HabitPlan(Schedule(ScheduleKind.DAILY), START)

    def score(done: range, today: int) -> float:
        counts = {START + timedelta(days=n): 1 for n in done}
        end = START + timedelta(days=today)
        return strength(plan, period_results(plan, counts, end), end)

    month = score(range(30), 29)
    assert 0.75 < month < 0.85  # 1 - 0.5 ** (30 / 13) ≈ 0.80
    assert 0.35 < score(range(30), 42) < 0.45  # 13 days missed: about half is left
    assert score(range(0, 30, 2), 29) < month
    assert score(range(0), 29) == 0.0
