"""Contacts, interactions and follow-ups, and the rules that keep them consistent."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

from services.contacts.domain import ties
from shared import cadence
from shared.entity import Archivable
from shared.errors import DomainError, InvalidTransition
from shared.partial_update import checked_changes
from shared.vocabulary import (
    Category,
    Direction,
    FollowUpStatus,
    GiveFirstKind,
    InteractionKind,
    Origin,
    Outcome,
    Tie,
    Warmth,
)

MAX_TAGS = 20
MAX_TAG_LENGTH = 40
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TEXT_LIMITS = {
    "name": 200,
    "company": 200,
    "role": 200,
    "linkedin_url": 300,
    "how_met": 10_000,
    "ask": 10_000,
    "why_them": 10_000,
    "notes": 10_000,
}
"""The longest text a contact holds, whichever way it came in (the API, or an imported file)."""
LIST_LIMITS = {"emails": 10, "phones": 10, "tags": 20}
CLOCK_SKEW = timedelta(minutes=5)  # tolerated between a client's clock and ours
LINKEDIN_PROFILE = re.compile(r"^https?://([a-z]{2,3}\.)?linkedin\.com/in/[^/?#\s]+/?$", re.IGNORECASE)


def normalize_tags(tags: Any) -> tuple[str, ...]:
    """Lower-case, trimmed, de-duplicated, sorted; refuses too many or too long tags."""
    cleaned = sorted({str(tag).strip().lower() for tag in tags if str(tag).strip()})
    if len(cleaned) > MAX_TAGS:
        raise DomainError(f"at most {MAX_TAGS} tags", field="tags")
    for tag in cleaned:
        if len(tag) > MAX_TAG_LENGTH:
            raise DomainError(f"tag {tag[:20]!r}… is longer than {MAX_TAG_LENGTH}", field="tags")
    return tuple(cleaned)


def normalize_emails(emails: Any) -> tuple[str, ...]:
    cleaned: list[str] = []
    for email in emails:
        value = str(email).strip()
        if not EMAIL.match(value):
            raise DomainError(f"{value!r} is not an email address", field="emails")
        if value.lower() not in (seen.lower() for seen in cleaned):
            cleaned.append(value)
    return tuple(cleaned)


def normalize_linkedin(url: str | None) -> str | None:
    """The canonical profile URL (https, no query, no trailing slash), or None."""
    if url is None or not url.strip():
        return None
    parts = urlsplit(url.strip())
    bare = f"{parts.scheme}://{parts.netloc}{parts.path}"
    if not LINKEDIN_PROFILE.match(bare):
        raise DomainError(
            "expected a LinkedIn profile URL like https://www.linkedin.com/in/name", field="linkedin_url"
        )
    return "https://www.linkedin.com" + parts.path.rstrip("/").lower()


@dataclass
class Contact(Archivable):
    KIND: ClassVar[str] = "contact"
    id: str
    owner_id: str
    name: str
    category: Category
    tie: Tie
    warmth: Warmth
    created_at: datetime
    updated_at: datetime
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    linkedin_url: str | None = None
    company: str | None = None
    role: str | None = None
    tags: tuple[str, ...] = ()
    how_met: str | None = None
    ask: str | None = None
    why_them: str | None = None
    notes: str | None = None
    cadence_override_days: int | None = None
    last_interaction_at: datetime | None = None
    archived: bool = False
    import_key: str | None = None
    origin: Origin | None = None
    """Where it came from when not from the owner's hand (a campus tool)."""
    version: int = 1

    EDITABLE = (
        "name",
        "category",
        "tie",
        "warmth",
        "emails",
        "phones",
        "linkedin_url",
        "company",
        "role",
        "tags",
        "how_met",
        "ask",
        "why_them",
        "notes",
        "cadence_override_days",
    )
    REQUIRED = ("name", "category", "tie", "warmth")
    """Editable, never cleared."""

    def __post_init__(self) -> None:
        self._check()

    def _check(self) -> None:
        self.name = self.name.strip()
        if not self.name:
            raise DomainError("a contact needs a name", field="name")
        self.tags = normalize_tags(self.tags)
        self.emails = normalize_emails(self.emails)
        self.linkedin_url = normalize_linkedin(self.linkedin_url)
        if self.cadence_override_days is not None and not 1 <= self.cadence_override_days <= 730:
            raise DomainError("cadence must be between 1 and 730 days", field="cadence_override_days")
        for name, limit in TEXT_LIMITS.items():
            value = getattr(self, name)
            if value is not None and len(value) > limit:
                raise DomainError(f"{name} has at most {limit} characters", field=name)
        for name, limit in LIST_LIMITS.items():
            if len(getattr(self, name)) > limit:
                raise DomainError(f"at most {limit} {name}", field=name)

    @property
    def cadence_days(self) -> int:
        return ties.cadence_days(self.tie, self.cadence_override_days)

    @property
    def last_touch(self) -> datetime:
        """The last time the owner was in touch, or when the contact was added."""
        return self.last_interaction_at or self.created_at

    @property
    def due_at(self) -> datetime:
        """When the contact starts going cold: one cadence after the last touch."""
        return cadence.due_at(
            last_interaction_at=self.last_interaction_at,
            added_at=self.created_at,
            cadence_days=self.cadence_days,
        )

    def going_cold(self, now: datetime) -> bool:
        return not self.archived and now >= self.due_at

    def band(self, now: datetime) -> cadence.Band:
        return cadence.band(due=self.due_at, cadence_days=self.cadence_days, now=now)

    def edit(self, changes: Mapping[str, object], *, now: datetime) -> tuple[str, ...]:
        """Apply ``changes`` (field → new value); returns the names of the fields that changed."""
        self._require_active()
        checked_changes(changes, editable=self.EDITABLE, required=self.REQUIRED)
        before = {name: getattr(self, name) for name in changes}
        values: dict[str, Any] = dict(changes)
        candidate = replace(self, **values)  # runs the checks on a copy: nothing half-applied
        changed = tuple(name for name in changes if getattr(candidate, name) != before[name])
        if changed:
            for name in changed:
                setattr(self, name, getattr(candidate, name))
            self._touch(now)
        return changed

    def archive(self, *, now: datetime) -> None:
        self._require_active()
        self.archived = True
        self._touch(now)

    def drift(self, *, now: datetime) -> Tie | None:
        """Let a long silence cool the tie; returns the previous tie if it changed."""
        new = ties.drifted_tie(self.tie, last_touch=self.last_touch, now=now)
        if new is self.tie or self.archived:
            return None
        previous, self.tie = self.tie, new
        self._touch(now)
        return previous

    def interactions_changed(
        self, *, latest_at: datetime | None, touched_at: datetime | None, now: datetime
    ) -> Tie | None:
        """Take note that the interactions changed: ``latest_at`` is the newest remaining one,
        ``touched_at`` the one just logged or edited. Returns the previous tie if it was revived."""
        self._require_active()
        self.last_interaction_at = latest_at
        previous = None
        if touched_at is not None:
            revived = ties.revived_tie(self.tie, interaction_at=touched_at, now=now)
            if revived is not self.tie:
                previous, self.tie = self.tie, revived
        self._touch(now)
        return previous


@dataclass
class Interaction:
    id: str
    owner_id: str
    contact_id: str
    kind: InteractionKind
    direction: Direction
    occurred_at: datetime
    created_at: datetime
    updated_at: datetime
    give_first_kind: GiveFirstKind | None = None
    outcome: Outcome | None = None
    notes: str | None = None
    takeaway: str | None = None
    deleted: bool = False
    version: int = 1
    origin: Origin | None = None
    tie_then: Tie | None = None
    """The contact's tie when this was logged, before it revived anything (results count by it)."""

    EDITABLE = ("kind", "direction", "occurred_at", "give_first_kind", "outcome", "notes", "takeaway")
    REQUIRED = ("kind", "direction", "occurred_at")

    def __post_init__(self) -> None:
        self._check()

    def _check(self) -> None:
        if self.kind is InteractionKind.GIVE_FIRST and self.give_first_kind is None:
            raise DomainError("a give-first act says what was given", field="give_first_kind")
        if self.kind is not InteractionKind.GIVE_FIRST and self.give_first_kind is not None:
            raise DomainError("only a give-first act has a give_first_kind", field="give_first_kind")
        if self.occurred_at > self.created_at + CLOCK_SKEW:
            raise DomainError("an interaction cannot happen in the future", field="occurred_at")

    def edit(self, changes: Mapping[str, object], *, now: datetime) -> tuple[str, ...]:
        if self.deleted:
            raise InvalidTransition("the interaction was deleted")
        checked_changes(changes, editable=self.EDITABLE, required=self.REQUIRED)
        values: dict[str, Any] = dict(changes)
        candidate = replace(self, **values)
        changed = tuple(name for name in changes if getattr(candidate, name) != getattr(self, name))
        if changed:
            for name in changed:
                setattr(self, name, getattr(candidate, name))
            self.updated_at = now
            self.version += 1
        return changed

    def delete(self, *, now: datetime) -> None:
        if self.deleted:
            raise InvalidTransition("the interaction was deleted")
        self.deleted = True
        self.updated_at = now
        self.version += 1


@dataclass
class FollowUp:
    id: str
    owner_id: str
    contact_id: str
    title: str
    due_at: datetime
    created_at: datetime
    updated_at: datetime
    interaction_id: str | None = None
    proposed_times: tuple[datetime, ...] = ()
    status: FollowUpStatus = FollowUpStatus.OPEN
    version: int = 1

    def __post_init__(self) -> None:
        self.title = self.title.strip()
        if not self.title:
            raise DomainError("a follow-up needs a title: the one concrete next step", field="title")
        if len(self.proposed_times) > 5:
            raise DomainError("offer at most 5 meeting times", field="proposed_times")
        self.proposed_times = tuple(sorted(set(self.proposed_times)))

    def complete(self, *, now: datetime) -> None:
        self._close(FollowUpStatus.DONE, now)

    def cancel(self, *, now: datetime) -> None:
        self._close(FollowUpStatus.CANCELLED, now)

    def reschedule(
        self, *, due_at: datetime, proposed_times: tuple[datetime, ...] | None, now: datetime
    ) -> None:
        self._require_open()
        candidate = replace(
            self,
            due_at=due_at,
            proposed_times=self.proposed_times if proposed_times is None else proposed_times,
        )
        self.due_at, self.proposed_times = candidate.due_at, candidate.proposed_times
        self.updated_at = now
        self.version += 1

    def _close(self, status: FollowUpStatus, now: datetime) -> None:
        self._require_open()
        self.status = status
        self.updated_at = now
        self.version += 1

    def _require_open(self) -> None:
        if self.status is not FollowUpStatus.OPEN:
            raise InvalidTransition(f"the follow-up is {self.status.value}")
