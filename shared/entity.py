"""What the contacts and habits entities share: a version that rises with every change, and no
change once archived."""

from datetime import datetime
from typing import ClassVar

from shared.errors import InvalidTransition


class Archivable:
    """Mixed into a dataclass with ``archived``, ``updated_at`` and ``version`` fields."""

    KIND: ClassVar[str]
    """How errors name the entity ("contact", "habit")."""
    archived: bool
    updated_at: datetime
    version: int

    def _require_active(self) -> None:
        if self.archived:
            raise InvalidTransition(f"the {self.KIND} is archived")

    def _touch(self, now: datetime) -> None:
        self.updated_at = now
        self.version += 1
