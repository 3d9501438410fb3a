"""Schedule semantics: periods of local dates, partial first periods, DST and time-zone changes."""

from datetime import UTC, date, datetime, timedelta

import pytest

from services.habits.domain.model import Habit
from shared.errors import DomainError, InvalidTransition
from shared.schedules import (
    InvalidSchedule,
    Period,
    Schedule,
    local_date,
    period_containing,
    periods_between,
)
from shared.vocabulary import HabitMeasure, ScheduleKind

WEEKLY_3 = Schedule(ScheduleKind.TIMES_PER_WEEK, times=3)
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_a_weekly_habit_created_on_friday_asks_for_a_proportional_first_week() -> None:
    friday = date(2026, 3, 6)
    first, second = periods_between(WEEKLY_3, friday, friday, date(2026, 3, 15))
    assert first == Period(date(2026, 3, 2), date(2026, 3, 8), target=2)  # 3 days of 7 left: ceil(9/7)
    assert second == Period(date(2026, 3, 9), date(2026, 3, 15), target=3)
    assert period_containing(WEEKLY_3, friday, date(2026, 3, 5)) is None  # before the start


def test_a_monthly_habit_started_late_in_the_month_still_asks_for_at_least_one() -> None:
    monthly = Schedule(ScheduleKind.TIMES_PER_MONTH, times=1)
    assert period_containing(monthly, date(2026, 2, 27), date(2026, 2, 28)) == Period(
        date(2026, 2, 1), date(2026, 2, 28), target=1
    )
    assert period_containing(monthly, date(2026, 2, 27), date(2026, 3, 31)) == Period(
        date(2026, 3, 1), date(2026, 3, 31), target=1
    )


def test_every_n_days_counts_blocks_from_the_start_and_weekdays_only_their_days() -> None:
    every_3 = Schedule(ScheduleKind.EVERY_N_DAYS, every_days=3)
    start = date(2026, 3, 4)
    assert [(p.start.day, p.end.day) for p in periods_between(every_3, start, start, date(2026, 3, 12))] == [
        (4, 6),
        (7, 9),
        (10, 12),
    ]
    tue_thu = Schedule(ScheduleKind.WEEKDAYS, weekdays=(4, 2, 2))
    assert tue_thu.weekdays == (2, 4)
    days = periods_between(tue_thu, date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 14))
    assert [p.start.isoformat() for p in days] == ["2026-03-03", "2026-03-05", "2026-03-10", "2026-03-12"]


@pytest.mark.parametrize(
    ("timezone", "instant", "expected"),
    [
        # The Berlin week of the spring DST change (29 March 2026) still has seven days.
        ("Europe/Berlin", datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 29)),
        ("Europe/Berlin", datetime(2026, 3, 29, 21, 59, tzinfo=UTC), date(2026, 3, 29)),
        ("Europe/Berlin", datetime(2026, 3, 29, 22, 0, tzinfo=UTC), date(2026, 3, 30)),
        ("America/New_York", datetime(2026, 11, 1, 4, 30, tzinfo=UTC), date(2026, 11, 1)),
        ("America/New_York", datetime(2026, 11, 2, 4, 59, tzinfo=UTC), date(2026, 11, 1)),
        ("America/New_York", datetime(2026, 11, 2, 5, 0, tzinfo=UTC), date(2026, 11, 2)),
        ("Australia/Sydney", datetime(2026, 4, 4, 13, 30, tzinfo=UTC), date(2026, 4, 5)),
    ],
)
def test_instants_become_local_days_across_dst(timezone: str, instant: datetime, expected: date) -> None:
    assert local_date(instant, timezone) == expected


def test_the_dst_week_is_an_ordinary_seven_day_week() -> None:
    [week] = periods_between(WEEKLY_3, date(2026, 1, 1), date(2026, 3, 23), date(2026, 3, 29))
    assert (week.start, week.end, week.target) == (date(2026, 3, 23), date(2026, 3, 29), 3)


def test_a_time_zone_change_moves_later_days_but_not_earlier_ones() -> None:
    habit = Habit(
        id="h1",
        owner_id="o1",
        name="One outreach a day",
        measure=HabitMeasure.OUTREACH_MESSAGES,
        schedule=Schedule(ScheduleKind.DAILY),
        timezone="America/New_York",
        start_date=date(2026, 3, 1),
        created_at=NOW,
        updated_at=NOW,
    )
    late_evening = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)  # 21:00 on the 2nd in New York
    before = local_date(late_evening, habit.timezone)
    assert habit.edit({"timezone": "Europe/Berlin"}, now=NOW) == ("timezone",)
    assert (before, local_date(late_evening, habit.timezone)) == (date(2026, 3, 2), date(2026, 3, 3))
    with pytest.raises(DomainError, match="IANA"):
        habit.edit({"timezone": "Mars/Olympus_Mons"}, now=NOW)


def test_pauses_are_rest_days_and_a_same_day_resume_leaves_none() -> None:
    habit = Habit(
        id="h1",
        owner_id="o1",
        name="Meetup",
        measure=HabitMeasure.EVENTS_ATTENDED,
        schedule=Schedule(ScheduleKind.DAILY),
        timezone="UTC",
        start_date=date(2026, 3, 1),
        created_at=NOW,
        updated_at=NOW,
    )
    habit.pause(since=date(2026, 3, 5), now=NOW)
    with pytest.raises(InvalidTransition):
        habit.pause(since=date(2026, 3, 6), now=NOW)
    assert not habit.counts_on(date(2026, 3, 9))
    habit.resume(last_paused_day=date(2026, 3, 7), now=NOW)
    assert [habit.counts_on(date(2026, 3, d)) for d in (4, 5, 7, 8)] == [True, False, False, True]
    habit.pause(since=date(2026, 3, 10), now=NOW)
    habit.resume(last_paused_day=date(2026, 3, 9), now=NOW)
    assert len(habit.pauses) == 1
    assert habit.version == 5


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": ScheduleKind.EVERY_N_DAYS}, "every_days"),
        ({"kind": ScheduleKind.WEEKDAYS, "weekdays": (0,)}, "ISO weekday"),
        ({"kind": ScheduleKind.DAILY, "weekdays": (1,)}, "only the weekdays"),
        ({"kind": ScheduleKind.DAILY, "times": 0}, "between 1 and 100"),
    ],
)
def test_impossible_schedules_are_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidSchedule, match=message):
        Schedule(**fields)  # type: ignore[arg-type]


def test_history_days_are_counted_inclusively() -> None:
    assert date(2026, 3, 8) in Period(date(2026, 3, 2), date(2026, 3, 8), 1)
    assert date(2026, 3, 9) not in Period(date(2026, 3, 2), date(2026, 3, 8), 1)
    assert timedelta(days=6) == Period(date(2026, 3, 2), date(2026, 3, 8), 1).end - date(2026, 3, 2)
