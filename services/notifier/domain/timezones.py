"""VTIMEZONE blocks written the way mainstream calendar servers write them, from ``zoneinfo``.

Calendar clients place a feed's local times with the feed's own VTIMEZONE, and they do not all
read the same subset of RFC 5545: Thunderbird's parser (ical.js) takes only the first value of an
``RDATE`` property, and Outlook is reported to misread date lists as well. So a zone is written
in the form every client understands:

- where the zone follows a yearly rule (as most zones with DST do), one ``STANDARD`` and one
  ``DAYLIGHT`` observance with an ``RRULE`` ("the second Sunday of March at 02:00"), found from
  the zone's own transitions and checked against every one of them in the window;
- transitions that follow no rule (a zone that changed its rules or gave up DST in the window)
  as observances whose onsets are the ``DTSTART`` and one ``RDATE`` property per further onset;
- a first observance at the start of the window, holding the offset in force then.

The window starts the year before the feed's earliest local time and reaches past the last
transition tzdata lists explicitly, so the rule found is the one in force from then on.
"""

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

FIRST_YEAR = 1970
LAST_YEAR = 2100
RULES_SETTLED = 2040
"""tzdata lists transitions explicitly up to 2037; from then on a zone follows its rule."""
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_STEP = timedelta(days=1)


@dataclass(frozen=True)
class Transition:
    at: datetime
    """The UTC instant of the change."""
    before: timedelta
    after: timedelta
    daylight: bool
    name: str

    @property
    def onset(self) -> datetime:
        """The wall time of the change in the offset before it (how VTIMEZONE writes onsets)."""
        return (self.at + self.before).replace(tzinfo=None)

    @property
    def kind(self) -> tuple[timedelta, timedelta, bool, str]:
        return self.before, self.after, self.daylight, self.name


@dataclass(frozen=True)
class YearlyRule:
    """The change happens each year in ``month`` on ``weekday`` falling on or after ``day``
    (``day`` -7 means in the last seven days), or on ``day`` itself when ``weekday`` is None,
    at the wall time ``at``."""

    month: int
    weekday: int | None
    day: int
    at: time

    def onset(self, year: int) -> date:
        if self.weekday is None:
            return date(year, self.month, self.day)
        length = calendar.monthrange(year, self.month)[1]
        first = length - 6 if self.day == -7 else self.day
        start = date(year, self.month, first)
        return start + timedelta(days=(self.weekday - start.weekday()) % 7)

    def rrule(self) -> str:
        head = f"FREQ=YEARLY;BYMONTH={self.month}"
        if self.weekday is None:
            return f"{head};BYMONTHDAY={self.day}"
        weekday = WEEKDAYS[self.weekday]
        if self.day == -7:
            return f"{head};BYDAY=-1{weekday}"
        if (self.day - 1) % 7 == 0:
            return f"{head};BYDAY={(self.day - 1) // 7 + 1}{weekday}"
        days = ",".join(str(day) for day in range(self.day, self.day + 7))
        return f"{head};BYDAY={weekday};BYMONTHDAY={days}"


@lru_cache(maxsize=512)
def vtimezone(tzid: str, since_year: int) -> tuple[str, ...]:
    """The VTIMEZONE of ``tzid`` for local times from ``since_year`` on, as content lines."""
    zone = ZoneInfo(tzid)
    first_year = min(max(since_year - 1, FIRST_YEAR), LAST_YEAR)
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(max(first_year + 2, RULES_SETTLED), 12, 31, tzinfo=UTC)
    changes = list(transitions(zone, start, end))
    explicit, rules = split_rules(changes, end)
    local = start.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tzid}"]
    lines += _observance(
        _daylight(local), local.tzname() or tzid, offset, offset, [(start + offset).replace(tzinfo=None)]
    )
    groups: dict[tuple[timedelta, timedelta, bool, str], list[datetime]] = {}
    for change in explicit:
        groups.setdefault(change.kind, []).append(change.onset)
    for (before, after, daylight, name), onsets in groups.items():
        lines += _observance(daylight, name, before, after, onsets)
    for change, rule in rules:
        lines += _observance(change.daylight, change.name, change.before, change.after, [change.onset], rule)
    lines.append("END:VTIMEZONE")
    return tuple(lines)


def transitions(zone: ZoneInfo, start: datetime, end: datetime) -> Iterator[Transition]:
    """Every change of ``zone``'s UTC offset between two UTC instants, to the second."""
    moment, offset = start, _offset(zone, start)
    while moment < end:
        later = moment + _STEP
        changed = _offset(zone, later)
        if changed != offset:
            low, high = moment, later
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if _offset(zone, middle) == offset:
                    low = middle
                else:
                    high = middle
            local = high.astimezone(zone)
            yield Transition(high, offset, changed, _daylight(local), local.tzname() or zone.key)
            offset = changed
        moment = later


def split_rules(
    changes: list[Transition], end: datetime
) -> tuple[list[Transition], list[tuple[Transition, YearlyRule]]]:
    """The changes that follow no rule, and the zone's yearly rules still in force at ``end``,
    each with the first change it covers."""
    kinds = {change.kind for change in changes[-2:]}
    if len(kinds) != 2 or changes[-1].at < end - timedelta(days=400):
        return changes, []
    rules: dict[tuple[timedelta, timedelta, bool, str], YearlyRule] = {}
    starts_of: dict[tuple[timedelta, timedelta, bool, str], int] = {}
    for kind in kinds:
        ofkind = [index for index, change in enumerate(changes) if change.kind == kind]
        found = _longest_rule([changes[index] for index in ofkind])
        if found is None:
            return changes, []
        rules[kind], covered = found
        starts_of[kind] = ofkind[-covered]
    first = max(starts_of.values())
    # Reach back over changes their rule explains, but never past one that no rule explains.
    while first > 0 and first - 1 >= starts_of.get(changes[first - 1].kind, len(changes)):
        first -= 1
    starts: dict[tuple[timedelta, timedelta, bool, str], Transition] = {}
    for change in changes[first:]:
        starts.setdefault(change.kind, change)
    if len(starts) != 2:
        return changes, []
    return changes[:first], [(change, rules[kind]) for kind, change in starts.items()]


def _longest_rule(changes: list[Transition]) -> tuple[YearlyRule, int] | None:
    """The rule that explains the most of the newest changes of one kind (one a year, in a row),
    and how many it explains."""
    best: tuple[YearlyRule, int] | None = None
    for rule in _candidates(changes[-1].onset):
        covered = 0
        for change in reversed(changes):
            try:
                expected = datetime.combine(rule.onset(changes[-1].onset.year - covered), rule.at)
            except ValueError:  # the 29th of February, or the year before year 1
                break
            if change.onset != expected:
                break
            covered += 1
        if covered >= 2 and (best is None or covered > best[1]):
            best = (rule, covered)
    return best


def _candidates(onset: datetime) -> Iterator[YearlyRule]:
    day, at, month, weekday = onset.day, onset.time(), onset.month, onset.weekday()
    if day <= 28:
        yield YearlyRule(month, weekday, (day - 1) // 7 * 7 + 1, at)
    if day > calendar.monthrange(onset.year, month)[1] - 7:
        yield YearlyRule(month, weekday, -7, at)
    length = calendar.monthrange(onset.year, month)[1]
    for first in range(max(1, day - 6), min(day, length - 6) + 1):
        yield YearlyRule(month, weekday, first, at)
    yield YearlyRule(month, None, day, at)


def _observance(
    daylight: bool,
    name: str,
    before: timedelta,
    after: timedelta,
    onsets: list[datetime],
    rule: YearlyRule | None = None,
) -> list[str]:
    kind = "DAYLIGHT" if daylight else "STANDARD"
    lines = [f"BEGIN:{kind}", f"DTSTART:{_stamp(onsets[0])}"]
    if rule is not None:
        lines.append(f"RRULE:{rule.rrule()}")
    lines += [f"RDATE:{_stamp(onset)}" for onset in onsets[1:]]
    lines += [
        f"TZNAME:{_name(name)}",
        f"TZOFFSETFROM:{_offset_text(before)}",
        f"TZOFFSETTO:{_offset_text(after)}",
        f"END:{kind}",
    ]
    return lines


def _daylight(local: datetime) -> bool:
    """Summer time (Dublin's negative winter saving counts as standard time, as servers write it)."""
    return (local.dst() or timedelta(0)) > timedelta(0)


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta(0)


def _offset_text(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")


def _stamp(moment: datetime) -> str:
    return f"{moment.year:04d}{moment:%m%dT%H%M%S}"


def _name(name: str) -> str:
    return "".join(char for char in name if char.isprintable() and char not in ",;\\")
