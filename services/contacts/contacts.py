"""Contact use cases: add, read, find, edit, archive, and the ties that drift with time.
Each runs in one unit of work: the change and its event commit together."""

from datetime import datetime
from typing import Any

from services.contacts import goals, ports
from services.contacts.domain.changes import Change, ChangeKind, ContactErasure
from services.contacts.domain.commands import NEW_CONTACT_DEFAULTS, ContactChanges, NewContact
from services.contacts.domain.model import Contact
from services.contacts.ports import ContactQuery, Page, UnitOfWorkFactory
from shared.vocabulary import FollowUpStatus


async def add_contact(*, uow: UnitOfWorkFactory, owner_id: str, fields: NewContact, now: datetime) -> Contact:
    """Add a contact; raises :class:`DomainError` for invalid fields."""
    values: dict[str, Any] = {**NEW_CONTACT_DEFAULTS, **fields}
    contact = Contact(id=ports.new_id(), owner_id=owner_id, created_at=now, updated_at=now, **values)
    async with uow() as work:
        await work.contacts.add(contact)
        await work.publish(Change(ChangeKind.CONTACT_ADDED, contact, occurred_at=now, recorded_at=now))
        await goals.follow(work, owner_id, now=now)
        await work.commit()
    return contact


async def erase_contact(*, uow: UnitOfWorkFactory, owner_id: str, contact_id: str, now: datetime) -> None:
    """Delete a contact for good, with their interactions, follow-ups, drafts and interviews; the
    other services forget them too (``keepwarm.contact.erased.v1``)."""
    async with uow() as work:
        contact = await ports.contact_of(work, owner_id, contact_id, for_update=True)
        interactions, follow_ups = await work.contacts.erase(contact)
        await work.publish(ContactErasure(owner_id, contact_id, tuple(interactions), tuple(follow_ups), now))
        await goals.follow(work, owner_id, now=now)
        await work.commit()


async def get_contact(*, uow: UnitOfWorkFactory, owner_id: str, contact_id: str) -> Contact:
    async with uow() as work:
        return await ports.contact_of(work, owner_id, contact_id)


async def find_contacts(
    *, uow: UnitOfWorkFactory, owner_id: str, query: ContactQuery, now: datetime
) -> Page[Contact]:
    async with uow() as work:
        return await work.contacts.search(owner_id=owner_id, query=query, now=now)


async def update_contact(
    *, uow: UnitOfWorkFactory, owner_id: str, contact_id: str, changes: ContactChanges, now: datetime
) -> Contact:
    """Edit a contact; publishes ContactUpdated naming the fields that changed (nothing if none)."""
    async with uow() as work:
        contact = await ports.contact_of(work, owner_id, contact_id)
        changed = contact.edit(changes, now=now)
        if changed:
            await work.contacts.save(contact)
            await work.publish(Change(ChangeKind.CONTACT_UPDATED, contact, now, now, changed=changed))
            await goals.follow(work, owner_id, now=now)
            await work.commit()
        return contact


async def archive_contact(
    *, uow: UnitOfWorkFactory, owner_id: str, contact_id: str, now: datetime
) -> Contact:
    """Archive a contact and cancel its open follow-ups (each cancellation is published too)."""
    async with uow() as work:
        contact = await ports.contact_of(work, owner_id, contact_id)
        contact.archive(now=now)
        await work.contacts.save(contact)
        for follow_up in await work.follow_ups.of_contact(
            owner_id=owner_id, contact_id=contact_id, status=FollowUpStatus.OPEN
        ):
            follow_up.cancel(now=now)
            await work.follow_ups.save(follow_up)
            await work.publish(Change(ChangeKind.FOLLOW_UP_CANCELLED, contact, now, now, follow_up=follow_up))
        await work.publish(Change(ChangeKind.CONTACT_ARCHIVED, contact, now, now))
        await goals.follow(work, owner_id, now=now)
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
