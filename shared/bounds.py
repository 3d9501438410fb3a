"""The dates and moments a calendar can hold, for the APIs' input: from 1900 to 2200, so that no
stored value overflows when it is converted to another zone, and no day is read from a bare
number (``to=0`` is not 1 January 1970)."""

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _moment_in_range(value: datetime) -> datetime:
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        raise ValueError("a moment between the years 1900 and 2199") from None
    if not EARLIEST <= utc < LATEST:
        raise ValueError("a moment between the years 1900 and 2199")
    return value


def _iso_day(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        raise ValueError("a day as YYYY-MM-DD")
    return value


def _day_in_range(value: date) -> date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise ValueError("a day between the years 1900 and 2199")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_moment_in_range)]
"""A moment with its offset, between 1900 and 2199."""
Day = Annotated[date, BeforeValidator(_iso_day), AfterValidator(_day_in_range)]
"""A day written YYYY-MM-DD, between 1900 and 2199."""
