"""iCalendar (RFC 5545) feeds: follow-ups as timed events with an alarm, habit reminders as
recurring events in the habit's own time zone.

The text is written directly (escaping, 75-octet folding, CRLF) instead of through a tree of
``icalendar`` objects, which is several times slower for a feed of a thousand items; the zones'
``VTIMEZONE`` blocks come from ``icalendar`` once per zone and year. Rendering is deterministic:
the same items give the same bytes, so a feed's ETag can be derived from what changed.

Change tracking follows RFC 5545 and what subscribing clients honour: a stable ``UID`` per item,
``SEQUENCE`` rising with each change (the sum of the versions it depends on), ``LAST-MODIFIED``
and ``DTSTAMP`` the newest of those changes. Done, cancelled and archived items leave the feed.

Habit reminders: a schedule becomes an RRULE at the feed's reminder time of day, in the habit's
zone, so it stays at that local time across DST. "N times a week" and "N times a month" have
no fixed days, so the reminder is spread over the period (3 a week: Monday, Wednesday, Friday;
3 a month: the 1st, 10th and 19th). Pauses that ended become EXDATEs; a running pause ends the
rule the day before it began.

No stored value can break a feed: text loses the control characters a content line may not hold
(and unpaired surrogates, which no encoding can write), and moments are written with four-digit
years, clamped to the years 1970 to 9000 that a calendar can show.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.notifier.domain.timezones import vtimezone
from shared.schedules import Schedule
from shared.vocabulary import ScheduleKind

PRODID = "-//KeepWarm//Calendar feeds 1.0//EN"
REFRESH = "PT1H"
FOLLOW_UP_MINUTES = 30
REMINDER_MINUTES = 15
ALARM_BEFORE = "-PT15M"
MAX_EXDATES = 366
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 12, 31, tzinfo=UTC)
_CONTROLS = {code: None for code in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F)} | {0x0A: "\\n"}


@dataclass(frozen=True)
class FollowUpItem:
    id: str
    contact_id: str
    contact_name: str
    title: str
    due_at: datetime
    proposed_times: tuple[datetime, ...]
    takeaway: str | None
    sequence: int
    modified_at: datetime


@dataclass(frozen=True)
class ReminderItem:
    id: str
    name: str
    schedule: Schedule
    timezone: str
    start_date: date
    pauses: tuple[tuple[date, date | None], ...]
    sequence: int
    modified_at: datetime


@dataclass(frozen=True)
class FeedView:
    """How a feed shows its items: its name, the zone for times written in descriptions, and
    the local time of day of habit reminders."""

    name: str
    timezone: str = "UTC"
    reminder_time: time = time(18, 0)


def render_feed(view: FeedView, follow_ups: Sequence[FollowUpItem], reminders: Sequence[ReminderItem]) -> str:
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(view.name)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
    ]
    since = min((reminder.start_date.year for reminder in reminders), default=0)
    zones = [line for zone in sorted({r.timezone for r in reminders}) for line in vtimezone(zone, since)]
    events: list[str] = []
    for follow_up in follow_ups:
        events += follow_up_event(follow_up, ZoneInfo(view.timezone))
    for reminder in reminders:
        events += reminder_event(reminder, view.reminder_time)
    return _content([*head, *zones, *events, "END:VCALENDAR"])


def sequence(*versions: int) -> int:
    """SEQUENCE of an item shown from entities at these versions (each starting at 1): it rises
    with every change of any of them."""
    return sum(versions) - len(versions)


def render_follow_up(follow_up: FollowUpItem, timezone: str = "UTC") -> str:
    """A single follow-up as a downloadable calendar object."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *follow_up_event(follow_up, ZoneInfo(timezone)),
        "END:VCALENDAR",
    ]
    return _content(lines)


def follow_up_summary(contact_name: str) -> str:
    return f"Follow up with {contact_name}"


def follow_up_description(follow_up: FollowUpItem, zone: ZoneInfo) -> str:
    parts = [follow_up.title]
    if follow_up.takeaway:
        parts.append(f"Takeaway: {follow_up.takeaway}")
    if follow_up.proposed_times:
        offered = ", ".join(_local(moment, zone) for moment in follow_up.proposed_times)
        parts.append(f"Proposed times: {offered}")
    return "\n\n".join(parts)


def follow_up_event(follow_up: FollowUpItem, zone: ZoneInfo) -> list[str]:
    summary = _text(follow_up_summary(follow_up.contact_name))
    stamp = _utc(follow_up.modified_at)
    return [
        "BEGIN:VEVENT",
        f"UID:follow-up-{follow_up.id}@keepwarm",
        f"DTSTAMP:{stamp}",
        f"LAST-MODIFIED:{stamp}",
        f"SEQUENCE:{follow_up.sequence}",
        f"DTSTART:{_utc(follow_up.due_at)}",
        f"DURATION:PT{FOLLOW_UP_MINUTES}M",
        f"SUMMARY:{summary}",
        f"DESCRIPTION:{_text(follow_up_description(follow_up, zone))}",
        "CATEGORIES:KeepWarm,Follow-up",
        "STATUS:CONFIRMED",
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{summary}",
        f"TRIGGER:{ALARM_BEFORE}",
        "END:VALARM",
        "END:VEVENT",
    ]


def reminder_summary(name: str) -> str:
    return f"Habit: {name}"


def reminder_event(reminder: ReminderItem, at: time) -> list[str]:
    stamp = _utc(reminder.modified_at)
    tzid = reminder.timezone
    start = _day(reminder.start_date)
    first = datetime.combine(first_occurrence(reminder.schedule, start), at)
    rule = rrule(reminder.schedule, start)
    running = [_day(begun) for begun, end in reminder.pauses if end is None]
    if running:
        until = datetime.combine(min(running) - timedelta(days=1), at, ZoneInfo(tzid))
        rule += f";UNTIL={_utc(until)}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:habit-{reminder.id}@keepwarm",
        f"DTSTAMP:{stamp}",
        f"LAST-MODIFIED:{stamp}",
        f"SEQUENCE:{reminder.sequence}",
        f"DTSTART;TZID={tzid}:{_local_stamp(first)}",
        f"DURATION:PT{REMINDER_MINUTES}M",
        f"RRULE:{rule}",
    ]
    excluded = list(_paused_days(reminder))
    if excluded:
        stamps = ",".join(_local_stamp(datetime.combine(day, at)) for day in excluded)
        lines.append(f"EXDATE;TZID={tzid}:{stamps}")
    lines += [
        f"SUMMARY:{_text(reminder_summary(reminder.name))}",
        f"DESCRIPTION:{_text(f'{describe(reminder.schedule)}. A small step keeps your network warm.')}",
        "CATEGORIES:KeepWarm,Habit",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]
    return lines


def rrule(schedule: Schedule, start_date: date) -> str:
    match schedule.kind:
        case ScheduleKind.DAILY:
            return "FREQ=DAILY"
        case ScheduleKind.WEEKDAYS:
            return "FREQ=WEEKLY;BYDAY=" + ",".join(WEEKDAYS[day - 1] for day in sorted(schedule.weekdays))
        case ScheduleKind.TIMES_PER_WEEK:
            return "FREQ=WEEKLY;BYDAY=" + ",".join(WEEKDAYS[day] for day in spread(schedule.times, 7))
        case ScheduleKind.TIMES_PER_MONTH:
            return "FREQ=MONTHLY;BYMONTHDAY=" + ",".join(str(day + 1) for day in spread(schedule.times, 28))
        case ScheduleKind.EVERY_N_DAYS:
            return f"FREQ=DAILY;INTERVAL={schedule.every_days}"
    raise ValueError(schedule.kind)


def first_occurrence(schedule: Schedule, start_date: date) -> date:
    """The first day from ``start_date`` on that the rule of :func:`rrule` falls on (DTSTART must
    be one of its occurrences)."""
    match schedule.kind:
        case ScheduleKind.WEEKDAYS:
            days = {day - 1 for day in schedule.weekdays}
        case ScheduleKind.TIMES_PER_WEEK:
            days = set(spread(schedule.times, 7))
        case ScheduleKind.TIMES_PER_MONTH:
            monthdays = set(spread(schedule.times, 28))
            day = start_date
            while day.day - 1 not in monthdays:
                day += timedelta(days=1)
            return day
        case _:
            return start_date
    day = start_date
    while day.weekday() not in days:
        day += timedelta(days=1)
    return day


def spread(times: int, length: int) -> list[int]:
    """``times`` distinct offsets spread evenly over ``length`` days, starting at 0."""
    times = max(1, min(times, length))
    return sorted({math.floor(n * length / times) for n in range(times)})


def describe(schedule: Schedule) -> str:
    match schedule.kind:
        case ScheduleKind.DAILY:
            return "Every day"
        case ScheduleKind.WEEKDAYS:
            return "On " + ", ".join(WEEKDAYS[day - 1].title() for day in sorted(schedule.weekdays))
        case ScheduleKind.TIMES_PER_WEEK:
            return f"{schedule.times} times a week"
        case ScheduleKind.TIMES_PER_MONTH:
            return f"{schedule.times} times a month"
        case ScheduleKind.EVERY_N_DAYS:
            return f"Every {schedule.every_days} days"
    raise ValueError(schedule.kind)


def _paused_days(reminder: ReminderItem) -> Iterable[date]:
    """Days of ended pauses, at most MAX_EXDATES (older ones first, then cut)."""
    count = 0
    for start, end in reminder.pauses:
        if end is None:
            continue
        day, end = max(_day(start), _day(reminder.start_date)), _day(end)
        while day <= end and count < MAX_EXDATES:
            yield day
            count += 1
            day += timedelta(days=1)


def _local(moment: datetime, zone: ZoneInfo) -> str:
    local = _clamped(moment).astimezone(zone)
    return f"{local:%a %d %b} {local.year:04d} {local:%H:%M} ({zone.key})"


def _utc(moment: datetime) -> str:
    return _local_stamp(_clamped(moment).astimezone(UTC)) + "Z"


def _clamped(moment: datetime) -> datetime:
    """The moment within the years a calendar shows (a stored year 1 or 9999 would otherwise
    overflow when converted, or be written with fewer than four digits)."""
    try:
        return min(max(moment, EARLIEST), LATEST)
    except (OverflowError, TypeError):
        return EARLIEST


def _day(day: date) -> date:
    return min(max(day, EARLIEST.date()), LATEST.date())


def _local_stamp(moment: datetime) -> str:
    return f"{moment.year:04d}{moment:%m%dT%H%M%S}"


def _text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11); control characters other than tab and line breaks
    are dropped, unpaired surrogates replaced."""
    value = value.encode("utf-8", "replace").decode().replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").translate(_CONTROLS)


def _content(lines: Iterable[str]) -> str:
    return "".join(_fold(line) for line in lines)


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line + "\r\n"
    parts = []
    limit = 75
    while encoded:
        cut = min(limit, len(encoded))
        while cut < len(encoded) and (encoded[cut] & 0xC0) == 0x80:
            cut -= 1
        parts.append(encoded[:cut].decode())
        encoded = encoded[cut:]
        limit = 74  # continuation lines begin with a space
    return "\r\n ".join(parts) + "\r\n"
