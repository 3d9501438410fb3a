"""Erasure use cases: erase everything about an owner here at once and ask the other services to
do the same; follow their confirmations; say when it is done."""

from datetime import datetime

from services.contacts.domain.changes import ErasureAsked
from services.contacts.domain.erasure import Erasure
from services.contacts.ports import UnitOfWork, UnitOfWorkFactory
from shared.errors import NotFound


async def request_erasure(*, uow: UnitOfWorkFactory, owner_id: str, now: datetime) -> Erasure:
    """Delete the owner's contacts, conversations, follow-ups, drafts, interviews, goals and
    outbox rows in one transaction, and ask the other services (``keepwarm.erasure.requested.v1``).
    Asking again starts again (an id reused since is erased too)."""
    async with uow() as work:
        await work.erase_owner(owner_id)
        erasure = Erasure(owner_id, now)
        await work.erasures.put(erasure)
        await work.publish(ErasureAsked(owner_id, now))
        await work.commit()
    return erasure


async def erasure_of(*, uow: UnitOfWorkFactory, owner_id: str) -> Erasure:
    async with uow() as work:
        erasure = await work.erasures.get(owner_id)
    if erasure is None:
        raise NotFound("erasure")
    return erasure


async def confirm(*, work: UnitOfWork, owner_id: str, service: str, at: datetime, now: datetime) -> None:
    """A service confirmed it erased the owner's data; once all have, the outbox forgets the
    events of the owner up to the erasure (kept for replays meanwhile) and the erasure is done."""
    erasure = await work.erasures.get(owner_id)
    if erasure is None:
        return
    if erasure.confirm(service, at=at, now=now):
        await work.forget_published(owner_id, until=erasure.requested_at)
    await work.erasures.put(erasure)
