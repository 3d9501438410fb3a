"""Time helpers: everything is stored and exchanged in UTC; zones decide days, not storage."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Return ``value`` in UTC; a naive datetime is refused, since its zone is unknowable."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("a naive datetime has no time zone; pass an aware one")
    return value.astimezone(UTC)
