"""Streaks match a brute-force reference on random histories: random schedules, pauses and
check-ins across DST changes in four zones, and across a change of the owner's time zone.

The reference groups days by a naive period key and knows nothing of ``shared.schedules``.
"""

import calendar
import math
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from services.notifier.domain.streaks import HabitPlan, Outcome, period_results, settle, streaks
from shared.schedules import Schedule
from shared.vocabulary import ScheduleKind

ZONES = ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata"]
BASE = date(2026, 1, 1)


def reference(plan: HabitPlan, counts: dict[date, int], today: date) -> tuple[list[str], int, int]:
    schedule, start = plan.schedule, plan.start_date

    def key(day: date) -> object:
        match schedule.kind:
            case ScheduleKind.DAILY:
                return day
            case ScheduleKind.WEEKDAYS:
                return day if day.isoweekday() in schedule.weekdays else None
            case ScheduleKind.TIMES_PER_WEEK:
                return day.isocalendar()[:2]
            case ScheduleKind.TIMES_PER_MONTH:
                return (day.year, day.month)
            case _:
                assert schedule.every_days
                return (day - start).days // schedule.every_days

    def full_days(day: date) -> list[date]:
        match schedule.kind:
            case ScheduleKind.TIMES_PER_WEEK:
                monday = day - timedelta(days=day.isoweekday() - 1)
                return [monday + timedelta(days=n) for n in range(7)]
            case ScheduleKind.TIMES_PER_MONTH:
                size = calendar.monthrange(day.year, day.month)[1]
                return [date(day.year, day.month, n) for n in range(1, size + 1)]
            case ScheduleKind.EVERY_N_DAYS:
                assert schedule.every_days
                first = start + timedelta(
                    days=(day - start).days // schedule.every_days * schedule.every_days
                )
                return [first + timedelta(days=n) for n in range(schedule.every_days)]
            case _:
                return [day]

    groups: dict[object, date] = {}
    day = start
    while day <= today:
        group = key(day)
        if group is not None and group not in groups:
            groups[group] = day
        day += timedelta(days=1)
    outcomes = []
    for first_day in groups.values():
        days = full_days(first_day)
        started = [d for d in days if d >= start]
        base = (
            schedule.times
            if days[0] >= start
            else max(1, math.ceil(schedule.times * len(started) / len(days)))
        )
        counting = [d for d in days if not plan.paused(d)]
        if not counting:
            outcomes.append("rested")
            continue
        target = max(1, math.ceil(base * len(counting) / len(days)))
        done = sum(counts.get(d, 0) for d in counting)
        outcomes.append("met" if done >= target else "missed" if days[-1] < today else "open")
    longest = run = 0
    for outcome in outcomes:
        run = run + 1 if outcome == "met" else 0 if outcome == "missed" else run
        longest = max(longest, run)
    current = 0
    for outcome in reversed(outcomes):
        if outcome == "missed":
            break
        current += outcome == "met"
    return outcomes, current, longest


schedules = st.one_of(
    st.builds(Schedule, kind=st.just(ScheduleKind.DAILY), times=st.integers(1, 2)),
    st.builds(Schedule, kind=st.just(ScheduleKind.TIMES_PER_WEEK), times=st.integers(1, 5)),
    st.builds(Schedule, kind=st.just(ScheduleKind.TIMES_PER_MONTH), times=st.integers(1, 8)),
    st.builds(Schedule, kind=st.just(ScheduleKind.EVERY_N_DAYS), every_days=st.integers(2, 5)),
    st.builds(
        Schedule,
        kind=st.just(ScheduleKind.WEEKDAYS),
        weekdays=st.lists(st.integers(1, 7), min_size=1, max_size=7, unique=True).map(tuple),
    ),
)


@st.composite
def histories(draw: st.DrawFn) -> tuple[HabitPlan, dict[date, int], date]:
    schedule = draw(schedules)
    # starts spread over the year, so spring and autumn DST changes of every zone fall inside
    start = BASE + timedelta(days=draw(st.integers(0, 330)))
    span = draw(st.integers(0, 100))
    first_zone, second_zone = draw(st.sampled_from(ZONES)), draw(st.sampled_from(ZONES))
    opening = datetime.combine(start, datetime.min.time(), ZoneInfo(first_zone)).astimezone(UTC)
    now = opening + timedelta(days=span, hours=draw(st.integers(0, 23)), minutes=draw(st.integers(0, 59)))
    zone_change = opening + timedelta(hours=draw(st.integers(0, (span + 1) * 24)))

    def local(instant: datetime) -> date:
        return instant.astimezone(ZoneInfo(first_zone if instant < zone_change else second_zone)).date()

    today = local(now)
    counts: dict[date, int] = defaultdict(int)
    for minutes, count in draw(
        st.lists(
            st.tuples(st.integers(0, int((now - opening).total_seconds() // 60)), st.integers(1, 2)),
            max_size=60,
        )
    ):
        day = local(opening + timedelta(minutes=minutes))
        if start <= day <= today:
            counts[day] += count
    pauses: list[tuple[date, date | None]] = []
    cursor = start
    for length, gap in draw(st.lists(st.tuples(st.integers(1, 15), st.integers(0, 30)), max_size=2)):
        begin = cursor + timedelta(days=gap)
        pauses.append((begin, begin + timedelta(days=length - 1)))
        cursor = begin + timedelta(days=length + 1)
    still_running: bool = draw(st.booleans())
    if pauses and still_running:
        pauses[-1] = (pauses[-1][0], None)  # a pause still running
    return HabitPlan(schedule, start, tuple(pauses)), dict(counts), max(today, start)


@settings(max_examples=400, deadline=None)
@given(histories())
def test_streaks_match_a_brute_force_reference(history: tuple[HabitPlan, dict[date, int], date]) -> None:
    plan, counts, today = history
    results = period_results(plan, counts, today)
    found = streaks(results, today)
    outcomes, current, longest = reference(plan, counts, today)
    assert [result.outcome.value for result in results] == outcomes
    assert (found.current, found.longest) == (current, longest)
    assert found.longest >= found.current
    assert all(result.outcome is not Outcome.OPEN for result in results[:-1])


@settings(max_examples=300, deadline=None)
@given(histories(), st.lists(st.floats(0, 1), min_size=1, max_size=3))
def test_resuming_from_checkpoints_gives_the_full_recomputation(
    history: tuple[HabitPlan, dict[date, int], date], moments: list[float]
) -> None:
    """Recomputations on earlier days, each seeing only the check-ins up to its day and folding
    what closed into a checkpoint, end where one recomputation of the whole history ends."""
    plan, counts, today = history
    span = (today - plan.start_date).days
    checkpoint = settle([], today)
    for moment in sorted(moments):
        day = plan.start_date + timedelta(days=round(span * moment))
        if checkpoint.through is not None and day <= checkpoint.through:
            continue
        seen = {d: n for d, n in counts.items() if d <= day}
        checkpoint = settle(period_results(plan, seen, day, after=checkpoint.through), day, checkpoint)
    resumed = streaks(period_results(plan, counts, today, after=checkpoint.through), today, checkpoint)
    full = streaks(period_results(plan, counts, today), today)
    assert resumed == full
    if checkpoint.through is not None:
        assert checkpoint.through < today


def test_an_open_period_never_breaks_and_a_rested_one_is_skipped() -> None:
    plan = HabitPlan(
        Schedule(ScheduleKind.DAILY), date(2026, 3, 1), pauses=((date(2026, 3, 4), date(2026, 3, 5)),)
    )
    counts = {date(2026, 3, d): 1 for d in (1, 2, 3, 6)}
    results = period_results(plan, counts, date(2026, 3, 7))
    assert [r.outcome.value for r in results] == ["met", "met", "met", "rested", "rested", "met", "open"]
    found = streaks(results, date(2026, 3, 7))
    assert (found.current, found.longest, found.at_risk) == (4, 4, True)
