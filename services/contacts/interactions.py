"""Interaction use cases: log, list, edit and delete conversations; each refreshes its contact.
Each runs in one unit of work: the change and its event commit together. None depends on what a
client read: writers of one contact queue on its row (locked when read), and a write that still
loses a race on it (a database that cannot lock rows, SQLite) is redone (``retry_on_conflict``)."""

from datetime import datetime
from typing import Any

from services.contacts import goals, ports
from services.contacts.domain.changes import Change, ChangeKind
from services.contacts.domain.commands import NEW_INTERACTION_DEFAULTS, InteractionChanges, NewInteraction
from services.contacts.domain.model import Contact, Interaction
from services.contacts.ports import UnitOfWork, UnitOfWorkFactory
from shared.conflicts import retry_on_conflict
from shared.vocabulary import Tie


async def log_interaction(
    *, uow: UnitOfWorkFactory, owner_id: str, contact_id: str, fields: NewInteraction, now: datetime
) -> tuple[Contact, Interaction]:
    """Log a conversation; it happened now unless ``occurred_at`` says when (it may be backdated)."""
    values: dict[str, Any] = {
        **NEW_INTERACTION_DEFAULTS,
        **fields,
        "occurred_at": fields.get("occurred_at") or now,
    }

    async def attempt() -> tuple[Contact, Interaction]:
        async with uow() as work:
            contact = await ports.contact_of(work, owner_id, contact_id, for_update=True)
            interaction = Interaction(
                id=ports.new_id(),
                owner_id=owner_id,
                contact_id=contact_id,
                created_at=now,
                updated_at=now,
                tie_then=contact.tie,
                **values,
            )
            await add_logged(work, contact, interaction, now=now)
            await work.commit()
            return contact, interaction

    return await retry_on_conflict(attempt)


async def list_interactions(*, uow: UnitOfWorkFactory, owner_id: str, contact_id: str) -> list[Interaction]:
    async with uow() as work:
        await ports.contact_of(work, owner_id, contact_id)
        return await work.interactions.of_contact(owner_id=owner_id, contact_id=contact_id)


async def update_interaction(
    *, uow: UnitOfWorkFactory, owner_id: str, interaction_id: str, changes: InteractionChanges, now: datetime
) -> Interaction:
    async def attempt() -> Interaction:
        async with uow() as work:
            interaction = await ports.interaction_of(work, owner_id, interaction_id)
            contact = await ports.contact_of(work, owner_id, interaction.contact_id, for_update=True)
            changed = interaction.edit(changes, now=now)
            if changed:
                await work.interactions.save(interaction)
                previous = await refresh_contact(work, contact, touched=interaction, now=now)
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
                await goals.follow(work, owner_id, now=now)
                await work.commit()
            return interaction

    return await retry_on_conflict(attempt)


async def delete_interaction(
    *, uow: UnitOfWorkFactory, owner_id: str, interaction_id: str, now: datetime
) -> None:
    async def attempt() -> None:
        async with uow() as work:
            interaction = await ports.interaction_of(work, owner_id, interaction_id)
            contact = await ports.contact_of(work, owner_id, interaction.contact_id, for_update=True)
            interaction.delete(now=now)
            await work.interactions.save(interaction)
            await refresh_contact(work, contact, touched=None, now=now)
            await work.publish(
                Change(ChangeKind.INTERACTION_DELETED, contact, now, now, interaction=interaction)
            )
            await goals.follow(work, owner_id, now=now)
            await work.commit()

    await retry_on_conflict(attempt)


async def add_logged(work: UnitOfWork, contact: Contact, interaction: Interaction, *, now: datetime) -> None:
    """Store a new interaction, bring its contact up to date and publish that it was logged."""
    await work.interactions.add(interaction)
    previous = await refresh_contact(work, contact, touched=interaction, now=now)
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
    await goals.follow(work, contact.owner_id, now=now)


async def refresh_contact(
    work: UnitOfWork, contact: Contact, *, touched: Interaction | None, now: datetime
) -> Tie | None:
    """Bring the contact up to date with its interactions (when it was last touched, its tie);
    returns the tie it had if that changed."""
    latest = await work.interactions.latest_at(owner_id=contact.owner_id, contact_id=contact.id)
    previous = contact.interactions_changed(
        latest_at=latest, touched_at=touched.occurred_at if touched else None, now=now
    )
    await work.contacts.save(contact)
    return previous
