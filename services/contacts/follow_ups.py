"""Follow-up use cases: schedule, read, list, complete, cancel, reschedule.
Each runs in one unit of work: the change and its event commit together."""

from datetime import datetime

from services.contacts import ports
from services.contacts.domain.changes import Change, ChangeKind
from services.contacts.domain.commands import NewFollowUp
from services.contacts.domain.model import FollowUp
from services.contacts.ports import UnitOfWorkFactory
from shared.errors import DomainError
from shared.vocabulary import FollowUpStatus


async def schedule_follow_up(
    *, uow: UnitOfWorkFactory, owner_id: str, contact_id: str, fields: NewFollowUp, now: datetime
) -> FollowUp:
    async with uow() as work:
        contact = await ports.contact_of(work, owner_id, contact_id)
        if contact.archived:
            raise DomainError("the contact is archived", field="contact_id")
        interaction_id = fields.get("interaction_id")
        if interaction_id is not None:
            interaction = await work.interactions.get(owner_id=owner_id, interaction_id=interaction_id)
            if interaction is None or interaction.deleted or interaction.contact_id != contact_id:
                raise DomainError("no such interaction with this contact", field="interaction_id")
        follow_up = FollowUp(
            id=ports.new_id(),
            owner_id=owner_id,
            contact_id=contact_id,
            created_at=now,
            updated_at=now,
            **fields,
        )
        await work.follow_ups.add(follow_up)
        await work.publish(Change(ChangeKind.FOLLOW_UP_SCHEDULED, contact, now, now, follow_up=follow_up))
        await work.commit()
        return follow_up


async def get_follow_up(*, uow: UnitOfWorkFactory, owner_id: str, follow_up_id: str) -> FollowUp:
    async with uow() as work:
        return await ports.follow_up_of(work, owner_id, follow_up_id)


async def list_follow_ups(
    *, uow: UnitOfWorkFactory, owner_id: str, contact_id: str, status: FollowUpStatus | None
) -> list[FollowUp]:
    async with uow() as work:
        await ports.contact_of(work, owner_id, contact_id)
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
        follow_up = await ports.follow_up_of(work, owner_id, follow_up_id)
        contact = await ports.contact_of(work, owner_id, follow_up.contact_id)
        follow_up.reschedule(due_at=due_at, proposed_times=proposed_times, now=now)
        await work.follow_ups.save(follow_up)
        await work.publish(Change(ChangeKind.FOLLOW_UP_SCHEDULED, contact, now, now, follow_up=follow_up))
        await work.commit()
        return follow_up


async def _close_follow_up(
    uow: UnitOfWorkFactory, owner_id: str, follow_up_id: str, now: datetime, kind: ChangeKind
) -> FollowUp:
    async with uow() as work:
        follow_up = await ports.follow_up_of(work, owner_id, follow_up_id)
        contact = await ports.contact_of(work, owner_id, follow_up.contact_id)
        if kind is ChangeKind.FOLLOW_UP_COMPLETED:
            follow_up.complete(now=now)
        else:
            follow_up.cancel(now=now)
        await work.follow_ups.save(follow_up)
        await work.publish(Change(kind, contact, now, now, follow_up=follow_up))
        await work.commit()
        return follow_up
