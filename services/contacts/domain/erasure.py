"""An erasure: everything about one owner deleted in every service. The contacts service deletes
its own at once and asks the others through the contacts stream; the erasure is done when each of
them has confirmed (a service that is down confirms when it is back)."""

from dataclasses import dataclass, field
from datetime import datetime

CONFIRMING = ("habits", "notifier")
"""The services that confirm an erasure besides the contacts service."""


@dataclass
class Erasure:
    owner_id: str
    requested_at: datetime
    confirmed: dict[str, datetime] = field(default_factory=dict)
    done_at: datetime | None = None

    def confirm(self, service: str, *, at: datetime, now: datetime) -> bool:
        """Record a service's confirmation; True when that makes the erasure done."""
        if service not in CONFIRMING or self.done_at is not None or at < self.requested_at:
            return False  # a confirmation of an earlier erasure of a reused id does not count
        self.confirmed.setdefault(service, at)
        if all(name in self.confirmed for name in CONFIRMING):
            self.done_at = now
            return True
        return False

    @property
    def waiting_for(self) -> list[str]:
        return [name for name in CONFIRMING if name not in self.confirmed]
