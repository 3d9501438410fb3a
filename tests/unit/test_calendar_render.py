"""Feeds as real parsers read them. Every feed here goes through ``tests.calendars.parse``, where
ical.js (Thunderbird's parser), dateutil and icalendar with recurring-ical-events must each place
every occurrence at the UTC instant ``zoneinfo`` gives; the tests then look at what they read."""

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, available_timezones

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.notifier.domain.calendar import (
    FeedView,
    FollowUpItem,
    ReminderItem,
    render_feed,
    render_follow_up,
    spread,
)
from shared.schedules import Schedule
from shared.vocabulary import ScheduleKind
from tests.calendars import READERS, expand, parse

CHANGED = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


def reminder(schedule: Schedule, zone: str = "Europe/Berlin", **fields: object) -> ReminderItem:
    values: dict[str, object] = {
        "id": "h1",
        "name": "Message a weak tie",
        "schedule": schedule,
        "timezone": zone,
        "start_date": date(2026, 3, 2),
        "pauses": (),
        "sequence": 0,
        "modified_at": CHANGED,
    }
    values.update(fields)
    return ReminderItem(**values)  # type: ignore[arg-type]


def follow_up(**fields: object) -> FollowUpItem:
    values: dict[str, object] = {
        "id": "f1",
        "contact_id": "c1",
        "contact_name": "Ada Lovelace",
        "title": "Send the notes; ask about the engine, as promised",
        "due_at": datetime(2026, 3, 30, 15, tzinfo=UTC),
        "proposed_times": (datetime(2026, 4, 1, 9, tzinfo=UTC),),
        "takeaway": "Analytical engines need patient funders, so ask who else to meet ✨",
        "sequence": 2,
        "modified_at": CHANGED,
    }
    values.update(fields)
    return FollowUpItem(**values)  # type: ignore[arg-type]


def occurrences(text: str, first: date, last: date) -> list[datetime]:
    return sorted(
        event["DTSTART"].dt
        for event in expand(text, first, last)
        if str(event["SUMMARY"]).startswith("Habit")
    )


def test_a_feed_parses_with_its_refresh_hints_alarm_and_escaped_text() -> None:
    text = render_feed(
        FeedView("KeepWarm: mine", "Europe/Berlin"), [follow_up()], [reminder(Schedule(ScheduleKind.DAILY))]
    )
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    calendar = parse(text)
    assert str(calendar["X-WR-CALNAME"]) == "KeepWarm: mine"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    event = next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == "follow-up-f1@keepwarm")
    assert str(event["SUMMARY"]) == "Follow up with Ada Lovelace"
    assert event["DTSTART"].dt == datetime(2026, 3, 30, 15, tzinfo=UTC)
    assert event["SEQUENCE"] == 2
    assert event["LAST-MODIFIED"].dt == CHANGED
    assert event["DTSTAMP"].dt == CHANGED
    description = str(event["DESCRIPTION"])
    assert description.startswith("Send the notes; ask about the engine, as promised\n\nTakeaway: ")
    assert "who else to meet ✨" in description
    assert "Proposed times: Wed 01 Apr 2026 11:00 (Europe/Berlin)" in description
    alarm = event.walk("VALARM")[0]
    assert alarm["TRIGGER"].dt == timedelta(minutes=-15)
    assert str(alarm["ACTION"]) == "DISPLAY"


@pytest.mark.parametrize(
    ("zone", "before", "after", "switch"),
    [
        ("America/New_York", -5, -4, date(2026, 3, 8)),
        ("Europe/Berlin", 1, 2, date(2026, 3, 29)),
        ("Australia/Sydney", 11, 10, date(2026, 4, 5)),
        ("Asia/Kolkata", 5.5, 5.5, date(2026, 3, 29)),
    ],
)
def test_daily_reminders_stay_at_local_time_across_dst(
    zone: str, before: float, after: float, switch: date
) -> None:
    text = render_feed(FeedView("f"), [], [reminder(Schedule(ScheduleKind.DAILY), zone)])
    found = occurrences(text, date(2026, 3, 2), date(2026, 4, 10))
    assert len(found) == 39
    assert all(moment.astimezone(ZoneInfo(zone)).time() == time(18, 0) for moment in found)
    offsets = {moment.date(): moment.utcoffset() for moment in found}
    assert offsets[switch - timedelta(days=1)] == timedelta(hours=before)
    assert offsets[switch + timedelta(days=1)] == timedelta(hours=after)


@pytest.mark.parametrize(
    ("zone", "start", "local_day", "utc"),
    [
        # DST in the north, a day after the change (the Thunderbird report)
        ("America/New_York", date(2026, 3, 2), date(2026, 3, 9), datetime(2026, 3, 9, 22, tzinfo=UTC)),
        ("Europe/Berlin", date(2026, 3, 2), date(2026, 3, 30), datetime(2026, 3, 30, 16, tzinfo=UTC)),
        # DST in the south: Sydney leaves it in April, Santiago on a Sunday after the 2nd
        ("Australia/Sydney", date(2026, 3, 2), date(2026, 4, 6), datetime(2026, 4, 6, 8, tzinfo=UTC)),
        ("America/Santiago", date(2026, 3, 2), date(2026, 4, 6), datetime(2026, 4, 6, 22, tzinfo=UTC)),
        # half-hour and quarter-hour offsets, with DST (Adelaide, Lord Howe's half-hour DST) and without
        ("Australia/Adelaide", date(2026, 3, 2), date(2026, 10, 5), datetime(2026, 10, 5, 7, 30, tzinfo=UTC)),
        ("Australia/Lord_Howe", date(2026, 3, 2), date(2026, 4, 6), datetime(2026, 4, 6, 7, 30, tzinfo=UTC)),
        ("Asia/Kolkata", date(2026, 3, 2), date(2026, 7, 1), datetime(2026, 7, 1, 12, 30, tzinfo=UTC)),
        ("Asia/Kathmandu", date(2026, 3, 2), date(2026, 7, 1), datetime(2026, 7, 1, 12, 15, tzinfo=UTC)),
        # no DST at all
        ("Asia/Tokyo", date(2026, 3, 2), date(2026, 7, 1), datetime(2026, 7, 1, 9, tzinfo=UTC)),
        ("UTC", date(2026, 3, 2), date(2026, 7, 1), datetime(2026, 7, 1, 18, tzinfo=UTC)),
        # a rule of "the Friday before the last Sunday"; a zone that gave DST up in 2019
        ("Asia/Jerusalem", date(2026, 3, 2), date(2026, 3, 28), datetime(2026, 3, 28, 15, tzinfo=UTC)),
        ("America/Sao_Paulo", date(2017, 1, 2), date(2019, 11, 20), datetime(2019, 11, 20, 21, tzinfo=UTC)),
        # a habit begun before the US rule changed in 2007
        ("America/New_York", date(2005, 1, 3), date(2006, 4, 3), datetime(2006, 4, 3, 22, tzinfo=UTC)),
    ],
)
def test_every_reader_puts_a_daily_reminder_at_its_local_time(
    zone: str, start: date, local_day: date, utc: datetime
) -> None:
    text = render_feed(FeedView("f"), [], [reminder(Schedule(ScheduleKind.DAILY), zone, start_date=start)])
    assert "RDATE:" not in text or all(
        "," not in line for line in text.split("\r\n") if line.startswith("RDATE")
    )
    last = datetime.combine(local_day, time(23, 59), UTC)
    for name, read in READERS.items():
        found = read(text, datetime.combine(local_day, time(0), UTC) - timedelta(days=1), last)
        assert utc in found["habit-h1@keepwarm"], f"{name}: {found['habit-h1@keepwarm']}"


def test_every_zone_reads_alike_in_every_reader() -> None:
    """One feed with a weekly reminder in each IANA zone: ``parse`` checks them all."""
    zones = sorted(available_timezones() - {"Factory", "localtime"})
    reminders = [
        reminder(
            Schedule(ScheduleKind.WEEKDAYS, weekdays=(3,)), zone, id=f"z{index}", start_date=date(2024, 1, 1)
        )
        for index, zone in enumerate(zones)
    ]
    text = render_feed(FeedView("f"), [], reminders)
    calendar = parse(text)
    assert len(calendar.walk("VTIMEZONE")) == len(zones)

    blocks = text.split("BEGIN:VTIMEZONE")[1:]
    sizes = {block.split("\r\n")[1][len("TZID:") :]: len(block.split("END:VTIMEZONE")[0]) for block in blocks}
    # A short window: a zone with a rule is two observances and a first one; one without a rule
    # (Casablanca's Ramadan changes) lists its onsets for the years up to the rules' horizon.
    assert sizes["America/New_York"] < 700
    assert max(sizes.values()) < 6_000


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (Schedule(ScheduleKind.WEEKDAYS, weekdays=(2, 4)), [3, 5, 10, 12]),
        (Schedule(ScheduleKind.TIMES_PER_WEEK, times=3), [2, 4, 6, 9, 11, 13]),
        (Schedule(ScheduleKind.EVERY_N_DAYS, every_days=4), [2, 6, 10, 14]),
        (Schedule(ScheduleKind.TIMES_PER_MONTH, times=2), [15]),
    ],
)
def test_schedules_become_rules_on_the_expected_days(schedule: Schedule, expected: list[int]) -> None:
    text = render_feed(FeedView("f"), [], [reminder(schedule)])
    assert [moment.day for moment in occurrences(text, date(2026, 3, 2), date(2026, 3, 16))] == expected


def test_pauses_leave_out_their_days_and_a_running_pause_ends_the_rule() -> None:
    pauses = ((date(2026, 3, 4), date(2026, 3, 5)), (date(2026, 3, 9), None))
    text = render_feed(FeedView("f"), [], [reminder(Schedule(ScheduleKind.DAILY), pauses=pauses)])
    assert [moment.day for moment in occurrences(text, date(2026, 3, 1), date(2026, 3, 31))] == [
        2,
        3,
        6,
        7,
        8,
    ]


def test_the_reminder_time_is_the_feeds() -> None:
    text = render_feed(FeedView("f", reminder_time=time(7, 45)), [], [reminder(Schedule(ScheduleKind.DAILY))])
    first = occurrences(text, date(2026, 3, 2), date(2026, 3, 3))[0]
    assert first == datetime(2026, 3, 2, 7, 45, tzinfo=ZoneInfo("Europe/Berlin"))


def test_a_single_follow_up_downloads_as_its_own_calendar() -> None:
    calendar = parse(render_follow_up(follow_up(proposed_times=(), takeaway=None)))
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == "follow-up-f1@keepwarm"
    assert str(event["DESCRIPTION"]) == "Send the notes; ask about the engine, as promised"


def test_rendering_is_deterministic() -> None:
    items = ([follow_up()], [reminder(Schedule(ScheduleKind.DAILY))])
    assert render_feed(FeedView("f"), *items) == render_feed(FeedView("f"), *items)


def test_spread_gives_distinct_days_from_the_first() -> None:
    assert spread(3, 7) == [0, 2, 4]
    assert spread(7, 7) == list(range(7))
    assert spread(9, 7) == list(range(7))
    assert spread(1, 28) == [0]


CONTENT_LINE = re.compile(
    r'[A-Za-z0-9-]+(;[A-Za-z0-9-]+=("[^\x00-\x08\x0a-\x1f\x7f"]*"|[^\x00-\x08\x0a-\x1f\x7f";:,]*))*'
    r":[^\x00-\x08\x0a-\x1f\x7f]*"
)
"""RFC 5545 3.1: a content line, with no control character but tab in its value."""
STAMP = re.compile(r"(DTSTART|DTSTAMP|LAST-MODIFIED|EXDATE|RDATE)[^:]*:\d{8}T\d{6}Z?(,\d{8}T\d{6}Z?)*")


def content_lines(text: str) -> list[str]:
    assert text.endswith("\r\n")
    return text[:-2].replace("\r\n ", "").split("\r\n")


def assert_valid(text: str) -> None:
    text.encode()  # no unpaired surrogate
    for line in content_lines(text):
        assert CONTENT_LINE.fullmatch(line), repr(line)
        if line.split(":")[0].split(";")[0] in ("DTSTART", "DTSTAMP", "LAST-MODIFIED", "EXDATE", "RDATE"):
            assert STAMP.fullmatch(line), repr(line)


HOSTILE = 'Ada\x00\x01\x08\x0b\x1b\x7f\ud800 "Lovelace"; <b>\\,\r\n\tok'


def test_values_no_calendar_can_hold_still_give_a_valid_feed_that_every_reader_reads() -> None:
    early = render_feed(
        FeedView(HOSTILE, "Pacific/Kiritimati"),
        [
            follow_up(
                contact_name=HOSTILE,
                title=HOSTILE,
                takeaway=HOSTILE,
                due_at=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
                proposed_times=(datetime(1, 1, 1, tzinfo=UTC),),
            )
        ],
        [
            reminder(
                Schedule(ScheduleKind.TIMES_PER_MONTH, times=3),
                name=HOSTILE,
                start_date=date(1, 1, 1),
                pauses=((date(1, 1, 1), date(1, 1, 3)), (date(1, 1, 9), None)),
            )
        ],
    )
    late = render_feed(
        FeedView("late", "Etc/GMT+12"),
        [follow_up(due_at=datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-12))))],
        [reminder(Schedule(ScheduleKind.TIMES_PER_MONTH, times=3), start_date=date(9999, 12, 31))],
    )
    for text in (early, late):
        assert_valid(text)
        calendar = parse(text)  # ical.js, dateutil and icalendar agree with zoneinfo
        assert len(calendar.walk("VEVENT")) == 2
    assert "DTSTART:19700101T000000Z" in early
    event = parse(early).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == 'Follow up with Ada? "Lovelace"; <b>\\,\n\tok'


@settings(max_examples=150, deadline=None)
@given(
    name=st.text(),
    title=st.text(),
    due=st.datetimes(timezones=st.timezones()),
    start=st.dates(),
    zone=st.sampled_from(["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]),
)
def test_no_stored_value_gives_an_invalid_content_line(
    name: str, title: str, due: datetime, start: date, zone: str
) -> None:
    text = render_feed(
        FeedView(name, zone),
        [follow_up(contact_name=name, title=title, takeaway=name, due_at=due, proposed_times=(due,))],
        [reminder(Schedule(ScheduleKind.EVERY_N_DAYS, every_days=3), zone, name=name, start_date=start)],
    )
    assert_valid(text)
    assert len(icalendar.Calendar.from_ical(text).walk("VEVENT")) == 2
