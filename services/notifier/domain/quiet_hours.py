"""Quiet hours: local times of day between which nothing is sent to the owner, in the owner's zone
(DST included: a shift moves the instant, never the hour)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class QuietHours:
    """Local times between which nothing is sent; ``start`` after ``end`` spans midnight."""

    start: time = time(21, 0)
    end: time = time(8, 0)

    def contains(self, local: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def next_allowed(moment: datetime, zone: str, quiet: QuietHours) -> datetime:
    """``moment`` if it is outside quiet hours in ``zone``, else when they end (local wall time,
    so DST shifts the instant, not the hour)."""
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz)
    if not quiet.contains(local.time().replace(tzinfo=None)):
        return moment
    day = local.date() if local.time() < quiet.end else local.date() + timedelta(days=1)
    return _wall(day, quiet.end, tz)


def _wall(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant of a local wall time; in a DST gap, the first instant after it."""
    candidate = datetime.combine(day, at, tz)
    back = candidate.astimezone(ZoneInfo("UTC")).astimezone(tz)
    if back.replace(tzinfo=None) != candidate.replace(tzinfo=None):
        return candidate.astimezone(ZoneInfo("UTC")).astimezone(tz)
    return candidate
