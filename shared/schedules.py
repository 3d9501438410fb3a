"""When a habit is due, as periods of local dates in the owner's time zone (pure: standard library only).

Shared by the habits service (history, what counts) and the notifier (streaks), so both count
the same periods.

- daily: every day is a period with a target of ``times`` (default 1);
- N times per week: ISO weeks, Monday to Sunday;
- N times per month: calendar months;
- every N days: consecutive blocks of N days counted from the start date;
- on chosen weekdays: each chosen weekday is a period of one day.

A first period that began before the habit started (created mid-week, mid-month, mid-block) gets
a proportional target: ``ceil(times * days left / days in the period)``, at least 1, so "3 a week"
created on a Friday asks for 2 that week, not 3.

Days are local dates: an instant becomes a date in the owner's zone (``local_date``), so a week
that contains a DST change still has exactly seven days. An owner may start their day later than
midnight (``day_start``, up to 06:00): a meetup that ends at 00:30 still counts for the evening
it began.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.vocabulary import ScheduleKind


class InvalidSchedule(ValueError):
    def __init__(self, message: str, *, field: str = "schedule") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Schedule:
    kind: ScheduleKind
    times: int = 1
    every_days: int | None = None
    weekdays: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.times <= 100:
            raise InvalidSchedule("times must be between 1 and 100")
        if self.kind is ScheduleKind.EVERY_N_DAYS and not (self.every_days and 1 <= self.every_days <= 365):
            raise InvalidSchedule("every_n_days needs every_days between 1 and 365")
        if self.kind is not ScheduleKind.EVERY_N_DAYS and self.every_days is not None:
            raise InvalidSchedule("only every_n_days takes every_days")
        if self.kind is ScheduleKind.WEEKDAYS:
            if not self.weekdays or any(day not in range(1, 8) for day in self.weekdays):
                raise InvalidSchedule("weekdays needs ISO weekday numbers 1 (Monday) … 7 (Sunday)")
            object.__setattr__(self, "weekdays", tuple(sorted(set(self.weekdays))))
        elif self.weekdays:
            raise InvalidSchedule("only the weekdays schedule takes weekdays")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    target: int

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidSchedule(f"{name!r} is not an IANA time zone", field="timezone") from None


MIDNIGHT = time(0)
LATEST_DAY_START = time(6)


def local_date(instant: datetime, timezone: str, day_start: time = MIDNIGHT) -> date:
    """The owner's day ``instant`` belongs to: its local date, or the day before when it falls
    before ``day_start``."""
    local = instant.astimezone(zone(timezone))
    return local.date() - timedelta(days=1) if local.time() < day_start else local.date()


def day_begins(day: date, timezone: str, day_start: time = MIDNIGHT) -> datetime:
    """The instant ``day`` begins for the owner (``day_start`` local; after a DST gap, its end)."""
    tz = zone(timezone)
    moment = datetime.combine(day, day_start, tz)
    return moment.astimezone(ZoneInfo("UTC")).astimezone(tz)


def period_containing(schedule: Schedule, start_date: date, day: date) -> Period | None:
    """The period ``day`` falls in, or None when it falls in none (before the start, or not a
    chosen weekday)."""
    if day < start_date:
        return None
    match schedule.kind:
        case ScheduleKind.DAILY:
            first, last = day, day
        case ScheduleKind.WEEKDAYS:
            if day.isoweekday() not in schedule.weekdays:
                return None
            first, last = day, day
        case ScheduleKind.TIMES_PER_WEEK:
            first = day - timedelta(days=day.weekday())
            last = first + timedelta(days=6)
        case ScheduleKind.TIMES_PER_MONTH:
            first = day.replace(day=1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        case ScheduleKind.EVERY_N_DAYS:
            assert schedule.every_days is not None
            block = (day - start_date).days // schedule.every_days
            first = start_date + timedelta(days=block * schedule.every_days)
            last = first + timedelta(days=schedule.every_days - 1)
    return Period(first, last, _target(schedule.times, first, last, start_date))


def periods_between(schedule: Schedule, start_date: date, first: date, last: date) -> list[Period]:
    """Every period that overlaps ``first``…``last``, in order."""
    periods: list[Period] = []
    day = max(first, start_date)
    while day <= last:
        period = period_containing(schedule, start_date, day)
        if period is None:
            day += timedelta(days=1)
            continue
        periods.append(period)
        day = period.end + timedelta(days=1)
    return periods


def _target(times: int, first: date, last: date, start_date: date) -> int:
    if start_date <= first:
        return times
    length = (last - first).days + 1
    remaining = (last - start_date).days + 1
    return max(1, math.ceil(times * remaining / length))
