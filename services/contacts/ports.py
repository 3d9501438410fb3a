"""The ports the contacts use cases work through: one unit of work over the contacts,
interactions and follow-ups repositories, and loaders that answer NotFound for another owner's
ids."""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, Protocol, TypeVar

from services.contacts.domain.changes import Change, ContactErasure, ErasureAsked, GoalChange
from services.contacts.domain.erasure import Erasure
from services.contacts.domain.goals import Counted, Goal
from services.contacts.domain.interviews import Interview
from services.contacts.domain.model import Contact, FollowUp, Interaction
from services.contacts.domain.outreach import Draft
from services.contacts.domain.results import Logged
from shared.errors import NotFound
from shared.vocabulary import Category, FollowUpStatus, Tie, Warmth

T = TypeVar("T")


@dataclass(frozen=True)
class ContactQuery:
    tie: Tie | None = None
    category: Category | None = None
    warmth: Warmth | None = None
    tag: str | None = None
    going_cold: bool = False
    text: str | None = None
    include_archived: bool = False
    limit: int = 50
    cursor: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None


class ContactRepository(Protocol):
    async def get(self, *, owner_id: str, contact_id: str, for_update: bool = False) -> Contact | None:
        """The contact; ``for_update`` locks it until the unit of work ends, so concurrent
        writers of one contact queue instead of refusing each other."""
        ...

    async def add(self, contact: Contact) -> None: ...
    async def save(self, contact: Contact) -> None: ...
    async def by_import_keys(self, *, owner_id: str, keys: Sequence[str]) -> dict[str, Contact]: ...
    async def erase(self, contact: Contact) -> tuple[list[str], list[str]]:
        """Delete the contact and everything about them (interactions, follow-ups, drafts,
        interviews); returns the ids of the interactions and follow-ups deleted."""
        ...

    async def search(self, *, owner_id: str, query: ContactQuery, now: datetime) -> Page[Contact]:
        """Raises :class:`DomainError` (field ``cursor``) for a cursor it did not issue."""
        ...

    async def drifting(self, *, now: datetime, limit: int) -> list[Contact]:
        """Active contacts, of any owner, whose tie is due to drift by ``now``."""
        ...


class InteractionRepository(Protocol):
    async def get(self, *, owner_id: str, interaction_id: str) -> Interaction | None: ...
    async def add(self, interaction: Interaction) -> None: ...
    async def save(self, interaction: Interaction) -> None: ...
    async def latest_at(self, *, owner_id: str, contact_id: str) -> datetime | None: ...
    async def of_contact(self, *, owner_id: str, contact_id: str) -> list[Interaction]: ...
    async def logged(self, *, owner_id: str, since: datetime, until: datetime) -> list[Logged]:
        """The owner's interactions that happened in [since, until), each with its contact's tie."""
        ...


class FollowUpRepository(Protocol):
    async def get(self, *, owner_id: str, follow_up_id: str) -> FollowUp | None: ...
    async def add(self, follow_up: FollowUp) -> None: ...
    async def save(self, follow_up: FollowUp) -> None: ...
    async def of_contact(
        self, *, owner_id: str, contact_id: str, status: FollowUpStatus | None
    ) -> list[FollowUp]: ...


class DraftRepository(Protocol):
    async def get(self, *, owner_id: str, draft_id: str) -> Draft | None: ...
    async def of_owner(self, *, owner_id: str, contact_id: str | None = None) -> list[Draft]: ...
    async def add(self, draft: Draft) -> None: ...
    async def save(self, draft: Draft) -> None: ...
    async def remove(self, draft: Draft) -> None: ...


class InterviewRepository(Protocol):
    async def get(self, *, owner_id: str, interview_id: str) -> Interview | None: ...
    async def of_owner(self, *, owner_id: str) -> list[Interview]: ...
    async def add(self, interview: Interview) -> None: ...
    async def save(self, interview: Interview) -> None: ...


class GoalRepository(Protocol):
    async def get(self, *, owner_id: str, goal_id: str) -> Goal | None: ...
    async def of_owner(self, *, owner_id: str) -> list[Goal]: ...
    async def add(self, goal: Goal) -> None: ...
    async def save(self, goal: Goal) -> None: ...
    async def remove(self, goal: Goal) -> None: ...
    async def counted(self, *, owner_id: str, month: date | None) -> Counted:
        """What the owner's goals are counted from (conversations of ``month``, if given)."""
        ...


class ErasureStore(Protocol):
    async def get(self, owner_id: str) -> Erasure | None: ...
    async def put(self, erasure: Erasure) -> None: ...


class CampusSharing(Protocol):
    """Whether each owner shares with their campus, as the notifier stream says."""

    async def sharing(self, owner_id: str) -> bool: ...
    async def put(self, owner_id: str, *, sharing: bool, changed_at: datetime) -> None:
        """Store the owner's choice unless a newer one is stored."""
        ...


class UnitOfWork(Protocol):
    """One transaction: repositories, and the events to publish with it (through the outbox)."""

    @property
    def contacts(self) -> ContactRepository: ...
    @property
    def interactions(self) -> InteractionRepository: ...
    @property
    def follow_ups(self) -> FollowUpRepository: ...
    @property
    def campus(self) -> CampusSharing: ...
    @property
    def drafts(self) -> DraftRepository: ...
    @property
    def interviews(self) -> InterviewRepository: ...
    @property
    def goals(self) -> GoalRepository: ...

    @property
    def erasures(self) -> "ErasureStore": ...

    async def erase_owner(self, owner_id: str) -> None:
        """Delete every row about the owner (and the owner's outbox rows), but the erasure record."""
        ...

    async def forget_published(self, owner_id: str, *, until: datetime) -> None:
        """Delete the owner's outbox rows recorded up to ``until``."""
        ...

    async def publish(self, change: Change | GoalChange | ContactErasure | ErasureAsked) -> None: ...
    async def commit(self) -> None: ...
    async def __aenter__(self) -> "UnitOfWork": ...
    async def __aexit__(self, *exc: object) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


def new_id() -> str:
    return str(uuid.uuid4())


async def contact_of(
    work: UnitOfWork, owner_id: str, contact_id: str, *, for_update: bool = False
) -> Contact:
    contact = await work.contacts.get(owner_id=owner_id, contact_id=contact_id, for_update=for_update)
    if contact is None:
        raise NotFound("contact")
    return contact


async def interaction_of(work: UnitOfWork, owner_id: str, interaction_id: str) -> Interaction:
    interaction = await work.interactions.get(owner_id=owner_id, interaction_id=interaction_id)
    if interaction is None or interaction.deleted:
        raise NotFound("interaction")
    return interaction


async def follow_up_of(work: UnitOfWork, owner_id: str, follow_up_id: str) -> FollowUp:
    follow_up = await work.follow_ups.get(owner_id=owner_id, follow_up_id=follow_up_id)
    if follow_up is None:
        raise NotFound("follow-up")
    return follow_up
