"""Reading feeds the way calendar apps do: icalendar parses, recurring-ical-events expands."""

from datetime import date
from typing import Any

import icalendar
import recurring_ical_events  # type: ignore[import-untyped]


def parse(text: str) -> Any:
    """The parsed calendar, loosely typed (icalendar's property union has no common ``dt``)."""
    return icalendar.Calendar.from_ical(text)


def expand(text: str, first: date, last: date) -> list[Any]:
    """Every event occurring between ``first`` and ``last``, recurrences expanded."""
    found: list[Any] = recurring_ical_events.of(parse(text)).between(first, last)
    return found
