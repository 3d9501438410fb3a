"""How far an erasure of one owner has come in the notifier: it is asked by the contacts stream
and told by the habits stream that the habits service erased (whose earlier events could
otherwise bring data back); it is confirmed once both have come, once."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal


@dataclass
class Progress:
    owner_id: str
    contacts_at: datetime | None = None
    habits_at: datetime | None = None
    confirmed_at: datetime | None = None

    def heard(
        self, asked_by: Literal["contacts", "habits"], *, at: datetime, now: datetime
    ) -> tuple["Progress", bool]:
        """The progress once ``asked_by`` has spoken at ``at``, and whether that confirmed it; a
        request for an id erased and confirmed before starts again (only a newer word from habits
        still counts)."""
        progress = self
        if asked_by == "contacts":
            if self.confirmed_at is not None and at > self.confirmed_at:
                newer = self.habits_at if self.habits_at and self.habits_at > self.confirmed_at else None
                progress = Progress(self.owner_id, habits_at=newer)
            progress.contacts_at = at
        else:
            progress.habits_at = at
        confirms = bool(progress.contacts_at and progress.habits_at and progress.confirmed_at is None)
        if confirms:
            progress.confirmed_at = now
        return progress, confirms
