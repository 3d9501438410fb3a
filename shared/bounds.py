"""The dates and moments a calendar can hold, for the APIs' input: from 1900 to 2200, so that no
stored value overflows when it is converted to another zone, and no day is read from a bare
number (``to=0`` is not 1 January 1970)."""

import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, WithJsonSchema

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


_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]")


def _iso_moment(value: Any) -> Any:
    """Not a bare number: pydantic would read ``0.5`` as half a second after 1970."""
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_MOMENT.match(value)):
        return value
    raise ValueError("a moment written as ISO 8601 text, with its offset")


Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_moment),
    AfterValidator(_moment_in_range),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "description": "With its offset, between 1900 and 2199."}
    ),
]
"""A moment with its offset, between 1900 and 2199."""
Day = Annotated[
    date,
    BeforeValidator(_iso_day),
    AfterValidator(_day_in_range),
    WithJsonSchema({"type": "string", "format": "date", "description": "YYYY-MM-DD, between 1900 and 2199."}),
]
"""A day written YYYY-MM-DD, between 1900 and 2199."""


_LOCAL_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?")


def _local_time(value: Any) -> Any:
    if isinstance(value, time) and value.tzinfo is None:
        return value
    if isinstance(value, str) and _LOCAL_TIME.fullmatch(value):
        return value
    raise ValueError("a local time as HH:MM or HH:MM:SS, without an offset")


LocalTime = Annotated[time, BeforeValidator(_local_time)]
"""A wall-clock time of day (no offset: the owner's or the habit's zone says where)."""
