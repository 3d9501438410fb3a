"""Erasure: everything the notifier holds about an owner goes when the contacts stream asks, and
again when the habits service says it erased (events of the owner's still on the habits topic
before that would otherwise bring some back). Confirmed once both have come, once."""

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, Protocol

from services.notifier.campus import CampusWork
from services.notifier.domain.erasure import Progress
from services.notifier.domain.nudges import Preferences
from services.notifier.domain.outgoing import Erased, MembershipShared
from shared.schedules import local_date


class ErasureStore(Protocol):
    async def progress(self, owner_id: str) -> Progress | None: ...
    async def put(self, progress: Progress) -> None: ...


class ErasureWork(CampusWork, Protocol):
    @property
    def erasures(self) -> ErasureStore: ...

    async def erase_owner(self, owner_id: str) -> None:
        """Delete every row about the owner here, and the owner's outbox rows (public ones too)."""
        ...


async def erase(
    *,
    work: ErasureWork,
    owner_ids: Sequence[str],
    asked_by: Literal["contacts", "habits"],
    at: datetime,
    now: datetime,
) -> None:
    for owner_id in dict.fromkeys(owner_ids):
        progress = await work.erasures.progress(owner_id) or Progress(owner_id)
        member = (await work.campus.members([owner_id])).get(owner_id)
        owner = (await work.nudges.preferences([owner_id])).get(owner_id, Preferences())
        await work.erase_owner(owner_id)
        if member is not None and member.sharing:  # the campus hears, pseudonymously, that they left
            day = local_date(now, owner.timezone, owner.day_start)
            await work.publish_all([MembershipShared(owner_id, False, day, now)])
        progress, confirmed = progress.heard(asked_by, at=at, now=now)
        if confirmed:
            await work.publish_all([Erased(owner_id, now)])
        await work.erasures.put(progress)
