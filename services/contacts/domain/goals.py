"""Networking goals: a target counted from the student's own contacts and conversations.

- *People in a role* ("5 people who hold the role I want"): contacts, not archived, whose role
  contains the words the student gave.
- *Dormant ties revived* in a month ("revive 3 dormant ties this month"): contacts that were
  dormant when a conversation with them was logged that month.
- *Informational interviews* in a month.

A goal's progress is recounted whenever the student's contacts or conversations change; it is
reached the first time the count meets the target, and stays reached.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from shared.errors import DomainError

MAX_TARGET = 100
MAX_GOALS = 10


class GoalKind(StrEnum):
    PEOPLE_IN_ROLE = "people_in_role"
    DORMANT_REVIVED = "dormant_ties_revived"
    INFORMATIONAL_INTERVIEWS = "informational_interviews"

    @property
    def monthly(self) -> bool:
        return self is not GoalKind.PEOPLE_IN_ROLE


@dataclass(frozen=True)
class Counted:
    """What a goal is counted from: the owner's contacts' roles (not archived), and their
    conversations that month with the tie the contact had before each."""

    roles: tuple[str, ...]
    revived_contacts: frozenset[str]
    interviews: int


@dataclass
class Goal:
    id: str
    owner_id: str
    kind: GoalKind
    target: int
    created_at: datetime
    role: str | None = None
    month: date | None = None
    """The first day of the month a monthly goal counts."""
    progress: int = 0
    reached_at: datetime | None = None
    version: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.target <= MAX_TARGET:
            raise DomainError(f"a target between 1 and {MAX_TARGET}", field="target")
        if self.kind is GoalKind.PEOPLE_IN_ROLE:
            self.role = (self.role or "").strip()
            if not self.role or len(self.role) > 200:
                raise DomainError("the role you want, up to 200 characters", field="role")
        else:
            self.role = None
            self.month = (self.month or self.created_at.date()).replace(day=1)

    @property
    def title(self) -> str:
        match self.kind:
            case GoalKind.PEOPLE_IN_ROLE:
                return f"{self.target} people who are {self.role}"
            case GoalKind.DORMANT_REVIVED:
                return f"Revive {self.target} dormant ties in {self._month_name}"
            case GoalKind.INFORMATIONAL_INTERVIEWS:
                return f"{self.target} informational interviews in {self._month_name}"

    @property
    def _month_name(self) -> str:
        assert self.month is not None
        return self.month.strftime("%B %Y")

    def count(self, counted: Counted) -> int:
        match self.kind:
            case GoalKind.PEOPLE_IN_ROLE:
                wanted = (self.role or "").lower()
                return sum(1 for role in counted.roles if wanted in role.lower())
            case GoalKind.DORMANT_REVIVED:
                return len(counted.revived_contacts)
            case GoalKind.INFORMATIONAL_INTERVIEWS:
                return counted.interviews

    def recount(self, counted: Counted, *, now: datetime) -> bool:
        """Take the new count; returns True when the goal was reached just now."""
        progress = self.count(counted)
        if progress == self.progress:
            return False
        self.progress, self.version = progress, self.version + 1
        if self.reached_at is None and progress >= self.target:
            self.reached_at = now
            return True
        return False
