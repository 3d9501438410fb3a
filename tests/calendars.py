"""Reading feeds the way calendar apps do, with parsers we did not write.

Every feed a test reads goes through :func:`parse`, which hands it to three independent readers
and checks that they agree with ``zoneinfo`` before the test looks at it:

- **ical.js**, Thunderbird's parser (JavaScript, ``tests/icaljs``), with only the feed's own
  VTIMEZONE blocks as zone data;
- **dateutil**: ``tzical`` reads the VTIMEZONE blocks, ``rrule`` expands the events;
- **icalendar** with **recurring-ical-events**, as Python calendar tools read feeds.

The oracle needs no parser: each recurring event's local wall times (its DTSTART, RRULE and
EXDATE, expanded as floating times) are placed in its zone by ``zoneinfo`` and converted to UTC.
"""

import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events  # type: ignore[import-untyped]
from dateutil import rrule as dateutil_rrule  # type: ignore[import-untyped]
from dateutil import tz as dateutil_tz

from tests.node_tools import run_node

ICALJS = Path(__file__).parent / "icaljs"
HORIZON = timedelta(days=800)
"""How far after its first occurrence a recurring event is compared: two years of DST changes."""

Occurrences = dict[str, list[datetime]]


def parse(text: str) -> Any:
    """The parsed calendar, loosely typed (icalendar's property union has no common ``dt``),
    after every reader agreed on every event's occurrences."""
    calendar: Any = icalendar.Calendar.from_ical(text)
    first, last = _window(calendar)
    expected = oracle(calendar, first, last)
    for name, reader in READERS.items():
        found = reader(text, first, last)
        for uid, moments in expected.items():
            differs = _diff(found.get(uid), moments)
            assert found.get(uid) == moments, f"{name} reads {uid} otherwise than zoneinfo: {differs}"
    return calendar


def expand(text: str, first: date, last: date) -> list[Any]:
    """Every event occurring between ``first`` and ``last``, recurrences expanded."""
    found: list[Any] = recurring_ical_events.of(parse(text)).between(first, last)
    return found


def oracle(calendar: Any, first: datetime, last: datetime) -> Occurrences:
    """Each event's occurrences in UTC: floating wall times placed by ``zoneinfo``."""
    result: Occurrences = {}
    for event in calendar.walk("VEVENT"):
        start = event["DTSTART"].dt
        if "RRULE" not in event:
            result[str(event["UID"])] = [start.astimezone(UTC)] if first <= start <= last else []
            continue
        # dateutil keeps wall times when it steps a zone-aware start: zoneinfo alone places them.
        zone = ZoneInfo(str(event["DTSTART"].params["TZID"]))
        wall = start.replace(tzinfo=zone)
        rule = dateutil_rrule.rrulestr(event["RRULE"].to_ical().decode(), dtstart=wall, forceset=True)
        assert isinstance(rule, dateutil_rrule.rruleset)
        for moment in _exdates(event):
            rule.exdate(moment.replace(tzinfo=zone))
        around = rule.between(first - timedelta(days=1), last + timedelta(days=1))
        moments = (moment.astimezone(UTC) for moment in around)
        result[str(event["UID"])] = [m for m in moments if first <= m <= last]
    return result


def read_with_icaljs(text: str, first: datetime, last: datetime) -> Occurrences:
    out = run_node(
        ICALJS, "occurrences.mjs", first.isoformat(), last.isoformat(), stdin=text.encode(), what="ical.js"
    )
    return {
        event["uid"]: [datetime.fromisoformat(moment) for moment in event["occurrences"]]
        for event in json.loads(out)
    }


def read_with_dateutil(text: str, first: datetime, last: datetime) -> Occurrences:
    calendar: Any = icalendar.Calendar.from_ical(text)
    zones = dateutil_tz.tzical(io.StringIO(text)) if calendar.walk("VTIMEZONE") else None
    result: Occurrences = {}
    for event in calendar.walk("VEVENT"):
        start = event["DTSTART"].dt
        if "TZID" in event["DTSTART"].params:
            assert zones is not None
            start = start.replace(tzinfo=zones.get(str(event["DTSTART"].params["TZID"])))
        if "RRULE" not in event:
            result[str(event["UID"])] = [start.astimezone(UTC)] if first <= start <= last else []
            continue
        rule = dateutil_rrule.rrulestr(event["RRULE"].to_ical().decode(), dtstart=start, forceset=True)
        assert isinstance(rule, dateutil_rrule.rruleset)
        for moment in _exdates(event):
            rule.exdate(moment.replace(tzinfo=start.tzinfo))
        result[str(event["UID"])] = [m.astimezone(UTC) for m in rule.between(first, last, inc=True)]
    return result


def read_with_icalendar(text: str, first: datetime, last: datetime) -> Occurrences:
    result: Occurrences = {}
    calendar: Any = icalendar.Calendar.from_ical(text)
    for event in calendar.walk("VEVENT"):
        result.setdefault(str(event["UID"]), [])
    for event in recurring_ical_events.of(calendar).between(first, last + timedelta(seconds=1)):
        moment = event["DTSTART"].dt.astimezone(UTC)
        if first <= moment <= last:
            result[str(event["UID"])].append(moment)
    return {uid: sorted(moments) for uid, moments in result.items()}


READERS: dict[str, Callable[[str, datetime, datetime], Occurrences]] = {
    "ical.js": read_with_icaljs,
    "dateutil": read_with_dateutil,
    "icalendar": read_with_icalendar,
}


def _window(calendar: Any) -> tuple[datetime, datetime]:
    starts = [event["DTSTART"].dt.astimezone(UTC) for event in calendar.walk("VEVENT")]
    first = min(starts, default=datetime(2026, 1, 1, tzinfo=UTC))
    return first, max(starts, default=first) + HORIZON


def _exdates(event: Any) -> list[datetime]:
    found = event.get("EXDATE")
    if found is None:
        return []
    groups = found if isinstance(found, list) else [found]
    return [moment.dt for group in groups for moment in group.dts]


def _diff(found: list[datetime] | None, expected: list[datetime]) -> str:
    if found is None:
        return "the event is missing"
    extra = sorted(set(found) - set(expected))[:3]
    missing = sorted(set(expected) - set(found))[:3]
    return f"{len(found)} vs {len(expected)} occurrences; extra {extra}, missing {missing}"
