"""Feeds as real parsers read them: icalendar parses them, recurring-ical-events expands the
habit reminders, which stay at their local time across DST in every zone."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

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
from tests.calendars import expand, parse

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
