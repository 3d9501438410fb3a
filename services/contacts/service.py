"""The contacts use cases. Each runs in one unit of work: the change and its event commit together.

Every use case is scoped by owner: another owner's ids are simply not found.
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from services.contacts.domain.changes import Change, ChangeKind
from services.contacts.domain.imports import ImportedContact, ParsedFile, RowError
from services.contacts.domain.model import Contact, FollowUp, Interaction
from shared.errors import DomainError, NotFound
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
    async def get(self, *, owner_id: str, contact_id: str) -> Contact | None: ...
    async def add(self, contact: Contact) -> None: ...
    async def save(self, contact: Contact) -> None: ...
    async def by_import_keys(self, *, owner_id: str, keys: Sequence[str]) -> dict[str, Contact]: ...
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


class FollowUpRepository(Protocol):
    async def get(self, *, owner_id: str, follow_up_id: str) -> FollowUp | None: ...
    async def add(self, follow_up: FollowUp) -> None: ...
    async def save(self, follow_up: FollowUp) -> None: ...
    async def of_contact(
        self, *, owner_id: str, contact_id: str, status: FollowUpStatus | None
    ) -> list[FollowUp]: ...


class UnitOfWork(Protocol):
    """One transaction: repositories, and the events to publish with it (through the outbox)."""

    @property
    def contacts(self) -> ContactRepository: ...
    @property
    def interactions(self) -> InteractionRepository: ...
    @property
    def follow_ups(self) -> FollowUpRepository: ...

    async def publish(self, change: Change) -> None: ...
    async def commit(self) -> None: ...
    async def __aenter__(self) -> "UnitOfWork": ...
    async def __aexit__(self, *exc: object) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


def new_id() -> str:
    return str(uuid.uuid4())


# --- contacts ---------------------------------------------------------------------------------


async def add_contact(
    *, uow: UnitOfWorkFactory, owner_id: str, fields: dict[str, Any], now: datetime
) -> Contact:
    """Add a contact; raises :class:`DomainError` for invalid fields."""
    contact = Contact(id=new_id(), owner_id=owner_id, created_at=now, updated_at=now, **fields)
    async with uow() as work:
        await work.contacts.add(contact)
        await work.publish(Change(ChangeKind.CONTACT_ADDED, contact, occurred_at=now, recorded_at=now))
        await work.commit()
    return contact


async def get_contact(*, uow: UnitOfWorkFactory, owner_id: str, contact_id: str) -> Contact:
    async with uow() as work:
        return await _contact(work, owner_id, contact_id)


async def find_contacts(
    *, uow: UnitOfWorkFactory, owner_id: str, query: ContactQuery, now: datetime
) -> Page[Contact]:
    async with uow() as work:
        return await work.contacts.search(owner_id=owner_id, query=query, now=now)


async def update_contact(
    *, uow: UnitOfWorkFactory, owner_id: str, contact_id: str, changes: dict[str, Any], now: datetime
) -> Contact:
    """Edit a contact; publishes ContactUpdated naming the fields that changed (nothing if none)."""
    async with uow() as work:
        contact = await _contact(work, owner_id, contact_id)
        changed = contact.edit(changes, now=now)
        if changed:
            await work.contacts.save(contact)
            await work.publish(Change(ChangeKind.CONTACT_UPDATED, contact, now, now, changed=changed))
            await work.commit()
        return contact


async def archive_contact(
    *, uow: UnitOfWorkFactory, owner_id: str, contact_id: str, now: datetime
) -> Contact:
    """Archive a contact and cancel its open follow-ups (each cancellation is published too)."""
    async with uow() as work:
        contact = await _contact(work, owner_id, contact_id)
        contact.archive(now=now)
        await work.contacts.save(contact)
        for follow_up in await work.follow_ups.of_contact(
            owner_id=owner_id, contact_id=contact_id, status=FollowUpStatus.OPEN
        ):
            follow_up.cancel(now=now)
            await work.follow_ups.save(follow_up)
            await work.publish(Change(ChangeKind.FOLLOW_UP_CANCELLED, contact, now, now, follow_up=follow_up))
        await work.publish(Change(ChangeKind.CONTACT_ARCHIVED, contact, now, now))
        await work.commit()
        return contact


async def drift_ties(*, uow: UnitOfWorkFactory, now: datetime, batch: int = 500) -> int:
    """Cool the ties of contacts nobody has been in touch with for long; returns how many changed."""
    async with uow() as work:
        contacts = await work.contacts.drifting(now=now, limit=batch)
        changed = 0
        for contact in contacts:
            previous = contact.drift(now=now)
            await work.contacts.save(contact)  # also moves its next drift time
            if previous is not None:
                changed += 1
                await work.publish(
                    Change(
                        ChangeKind.CONTACT_UPDATED, contact, now, now, changed=("tie",), previous_tie=previous
                    )
                )
        await work.commit()
    return changed


# --- interactions -----------------------------------------------------------------------------


async def log_interaction(
    *, uow: UnitOfWorkFactory, owner_id: str, contact_id: str, fields: dict[str, Any], now: datetime
) -> tuple[Contact, Interaction]:
    """Log a conversation; it happened now unless ``occurred_at`` says when (it may be backdated)."""
    fields = {**fields, "occurred_at": fields.get("occurred_at") or now}
    async with uow() as work:
        contact = await _contact(work, owner_id, contact_id)
        interaction = Interaction(
            id=new_id(), owner_id=owner_id, contact_id=contact_id, created_at=now, updated_at=now, **fields
        )
        await work.interactions.add(interaction)
        previous = await _refresh_contact(work, contact, touched=interaction, now=now)
        await work.publish(
            Change(
                ChangeKind.INTERACTION_LOGGED,
                contact,
                occurred_at=interaction.occurred_at,
                recorded_at=now,
                interaction=interaction,
                previous_tie=previous,
            )
        )
        await work.commit()
        return contact, interaction


async def list_interactions(*, uow: UnitOfWorkFactory, owner_id: str, contact_id: str) -> list[Interaction]:
    async with uow() as work:
        await _contact(work, owner_id, contact_id)
        return await work.interactions.of_contact(owner_id=owner_id, contact_id=contact_id)


async def update_interaction(
    *, uow: UnitOfWorkFactory, owner_id: str, interaction_id: str, changes: dict[str, Any], now: datetime
) -> Interaction:
    async with uow() as work:
        interaction = await _interaction(work, owner_id, interaction_id)
        contact = await _contact(work, owner_id, interaction.contact_id)
        changed = interaction.edit(changes, now=now)
        if changed:
            await work.interactions.save(interaction)
            previous = await _refresh_contact(work, contact, touched=interaction, now=now)
            await work.publish(
                Change(
                    ChangeKind.INTERACTION_UPDATED,
                    contact,
                    occurred_at=now,
                    recorded_at=now,
                    interaction=interaction,
                    changed=changed,
                    previous_tie=previous,
                )
            )
            await work.commit()
        return interaction


async def delete_interaction(
    *, uow: UnitOfWorkFactory, owner_id: str, interaction_id: str, now: datetime
) -> None:
    async with uow() as work:
        interaction = await _interaction(work, owner_id, interaction_id)
        contact = await _contact(work, owner_id, interaction.contact_id)
        interaction.delete(now=now)
        await work.interactions.save(interaction)
        await _refresh_contact(work, contact, touched=None, now=now)
        await work.publish(Change(ChangeKind.INTERACTION_DELETED, contact, now, now, interaction=interaction))
        await work.commit()


async def _refresh_contact(
    work: UnitOfWork, contact: Contact, *, touched: Interaction | None, now: datetime
) -> Tie | None:
    latest = await work.interactions.latest_at(owner_id=contact.owner_id, contact_id=contact.id)
    previous = contact.interactions_changed(
        latest_at=latest, touched_at=touched.occurred_at if touched else None, now=now
    )
    await work.contacts.save(contact)
    return previous


# --- follow-ups -------------------------------------------------------------------------------


async def schedule_follow_up(
    *, uow: UnitOfWorkFactory, owner_id: str, contact_id: str, fields: dict[str, Any], now: datetime
) -> FollowUp:
    async with uow() as work:
        contact = await _contact(work, owner_id, contact_id)
        if contact.archived:
            raise DomainError("the contact is archived", field="contact_id")
        interaction_id = fields.get("interaction_id")
        if interaction_id is not None:
            interaction = await work.interactions.get(owner_id=owner_id, interaction_id=interaction_id)
            if interaction is None or interaction.deleted or interaction.contact_id != contact_id:
                raise DomainError("no such interaction with this contact", field="interaction_id")
        follow_up = FollowUp(
            id=new_id(), owner_id=owner_id, contact_id=contact_id, created_at=now, updated_at=now, **fields
        )
        await work.follow_ups.add(follow_up)
        await work.publish(Change(ChangeKind.FOLLOW_UP_SCHEDULED, contact, now, now, follow_up=follow_up))
        await work.commit()
        return follow_up


async def get_follow_up(*, uow: UnitOfWorkFactory, owner_id: str, follow_up_id: str) -> FollowUp:
    async with uow() as work:
        return await _follow_up(work, owner_id, follow_up_id)


async def list_follow_ups(
    *, uow: UnitOfWorkFactory, owner_id: str, contact_id: str, status: FollowUpStatus | None
) -> list[FollowUp]:
    async with uow() as work:
        await _contact(work, owner_id, contact_id)
        return await work.follow_ups.of_contact(owner_id=owner_id, contact_id=contact_id, status=status)


async def complete_follow_up(
    *, uow: UnitOfWorkFactory, owner_id: str, follow_up_id: str, now: datetime
) -> FollowUp:
    return await _close_follow_up(uow, owner_id, follow_up_id, now, ChangeKind.FOLLOW_UP_COMPLETED)


async def cancel_follow_up(
    *, uow: UnitOfWorkFactory, owner_id: str, follow_up_id: str, now: datetime
) -> FollowUp:
    return await _close_follow_up(uow, owner_id, follow_up_id, now, ChangeKind.FOLLOW_UP_CANCELLED)


async def reschedule_follow_up(
    *,
    uow: UnitOfWorkFactory,
    owner_id: str,
    follow_up_id: str,
    due_at: datetime,
    proposed_times: tuple[datetime, ...] | None,
    now: datetime,
) -> FollowUp:
    """Move an open follow-up; published as FollowUpScheduled with a higher version."""
    async with uow() as work:
        follow_up = await _follow_up(work, owner_id, follow_up_id)
        contact = await _contact(work, owner_id, follow_up.contact_id)
        follow_up.reschedule(due_at=due_at, proposed_times=proposed_times, now=now)
        await work.follow_ups.save(follow_up)
        await work.publish(Change(ChangeKind.FOLLOW_UP_SCHEDULED, contact, now, now, follow_up=follow_up))
        await work.commit()
        return follow_up


async def _close_follow_up(
    uow: UnitOfWorkFactory, owner_id: str, follow_up_id: str, now: datetime, kind: ChangeKind
) -> FollowUp:
    async with uow() as work:
        follow_up = await _follow_up(work, owner_id, follow_up_id)
        contact = await _contact(work, owner_id, follow_up.contact_id)
        if kind is ChangeKind.FOLLOW_UP_COMPLETED:
            follow_up.complete(now=now)
        else:
            follow_up.cancel(now=now)
        await work.follow_ups.save(follow_up)
        await work.publish(Change(kind, contact, now, now, follow_up=follow_up))
        await work.commit()
        return follow_up


# --- imports ----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


async def import_contacts(
    *, uow: UnitOfWorkFactory, owner_id: str, parsed: ParsedFile, now: datetime
) -> ImportReport:
    """Add the file's new contacts in one transaction; a contact imported before (same profile URL,
    email, or name and company) is left as it is, so importing a file twice adds nothing."""
    report = ImportReport(errors=list(parsed.errors))
    async with uow() as work:
        existing = await work.contacts.by_import_keys(
            owner_id=owner_id, keys=[row.import_key for row in parsed.contacts]
        )
        for row in parsed.contacts:
            if row.import_key in existing:
                report.unchanged.append(existing[row.import_key].id)
                continue
            try:
                contact = _contact_from(row, owner_id=owner_id, now=now)
            except DomainError as error:
                report.errors.append(RowError(row.row, str(error), error.field))
                continue
            existing[row.import_key] = contact
            await work.contacts.add(contact)
            await work.publish(Change(ChangeKind.CONTACT_ADDED, contact, now, now))
            report.created.append(contact.id)
        await work.commit()
    report.errors.sort(key=lambda error: error.row)
    return report


def _contact_from(row: ImportedContact, *, owner_id: str, now: datetime) -> Contact:
    return Contact(
        id=new_id(),
        owner_id=owner_id,
        name=row.name,
        category=row.category,
        tie=row.tie,
        warmth=row.warmth,
        created_at=now,
        updated_at=now,
        emails=row.emails,
        phones=row.phones,
        linkedin_url=row.linkedin_url,
        company=row.company,
        role=row.role,
        tags=row.tags,
        how_met=row.how_met,
        ask=row.ask,
        why_them=row.why_them,
        cadence_override_days=row.cadence_override_days,
        notes=row.notes,
        last_interaction_at=row.last_contacted_at,
        import_key=row.import_key,
    )


async def all_contacts(
    *, uow: UnitOfWorkFactory, owner_id: str, now: datetime, limit: int = 10_000
) -> list[Contact]:
    """Every active contact of the owner, for exports."""
    found: list[Contact] = []
    cursor = None
    async with uow() as work:
        while len(found) < limit:
            page = await work.contacts.search(
                owner_id=owner_id, query=ContactQuery(limit=200, cursor=cursor), now=now
            )
            found.extend(page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    return found


# --- lookups ----------------------------------------------------------------------------------


async def _contact(work: UnitOfWork, owner_id: str, contact_id: str) -> Contact:
    contact = await work.contacts.get(owner_id=owner_id, contact_id=contact_id)
    if contact is None:
        raise NotFound("contact")
    return contact


async def _interaction(work: UnitOfWork, owner_id: str, interaction_id: str) -> Interaction:
    interaction = await work.interactions.get(owner_id=owner_id, interaction_id=interaction_id)
    if interaction is None or interaction.deleted:
        raise NotFound("interaction")
    return interaction


async def _follow_up(work: UnitOfWork, owner_id: str, follow_up_id: str) -> FollowUp:
    follow_up = await work.follow_ups.get(owner_id=owner_id, follow_up_id=follow_up_id)
    if follow_up is None:
        raise NotFound("follow-up")
    return follow_up
