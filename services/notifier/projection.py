"""The contacts projection: the notifier's own copy of contacts, interactions and follow-ups,
followed from the contacts stream. One consumer batch is one use case (:func:`apply_contacts`):
the copy is stored (newest version wins), the feeds of owners whose rows changed get a new
revision, reminders of closed follow-ups are cancelled, and the prompts of the contacts named
are brought up to date, all in the batch's transaction."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.notifier.calendars import FeedRevisions
from services.notifier.campus import CampusWork, share
from services.notifier.delivery import enqueue
from services.notifier.domain.campus import Fact, FactKind
from services.notifier.domain.nudges import Nudge, NudgeKind
from services.notifier.prompts import PromptWork, follow_contacts
from shared.contracts.contacts import ContactSnapshot, FollowUpSnapshot, InteractionSnapshot
from shared.vocabulary import FollowUpStatus


@dataclass(frozen=True)
class Seen:
    """A snapshot from the contacts stream, with its owner and when it was recorded."""

    owner_id: str
    recorded_at: datetime


@dataclass(frozen=True)
class ContactSeen(Seen):
    contact: ContactSnapshot


@dataclass(frozen=True)
class InteractionSeen(Seen):
    interaction: InteractionSnapshot
    deleted: bool


@dataclass(frozen=True)
class FollowUpSeen(Seen):
    follow_up: FollowUpSnapshot


@dataclass(frozen=True)
class ContactGone:
    """A contact deleted for good, with the ids of what went with it."""

    owner_id: str
    contact_id: str
    interaction_ids: tuple[str, ...]
    follow_up_ids: tuple[str, ...]


class ContactsProjection(Protocol):
    async def put_contacts(self, seen: Sequence[ContactSeen]) -> set[str]:
        """Newest version wins; returns the owners whose stored rows changed (so for the other
        ``put_*``)."""
        ...

    async def put_interactions(self, seen: Sequence[InteractionSeen]) -> set[str]:
        """Newest version wins; a deleted interaction stays deleted."""
        ...

    async def put_follow_ups(self, seen: Sequence[FollowUpSeen]) -> set[str]:
        """Newest version wins."""
        ...

    async def erase(self, gone: ContactGone) -> None:
        """Delete the contact, its interactions and its follow-ups from the copy."""
        ...


class ProjectionWork(PromptWork, CampusWork, Protocol):
    @property
    def contacts(self) -> ContactsProjection: ...

    @property
    def calendar(self) -> FeedRevisions: ...


async def apply_contacts(
    *,
    work: ProjectionWork,
    contacts: Sequence[ContactSeen],
    interactions: Sequence[InteractionSeen],
    follow_ups: Sequence[FollowUpSeen],
    shared: Sequence[Fact] = (),
    celebrate: Sequence[Nudge] = (),
    erased: Sequence[ContactGone] = (),
    now: datetime,
) -> None:
    """Take a batch of the contacts stream into the projection and everything that follows it,
    and tell the campus what it may know of ``shared`` (a redelivered or stale event changes
    nothing)."""
    changed = await work.contacts.put_contacts(contacts)
    changed |= await work.contacts.put_interactions(interactions)
    changed |= await work.contacts.put_follow_ups(follow_ups)
    await work.calendar.touch(changed, now=now)
    closed = [s.follow_up.id for s in follow_ups if s.follow_up.status is not FollowUpStatus.OPEN]
    await work.nudges.cancel(kind=NudgeKind.FOLLOW_UP, subject_ids=closed)
    named = {s.contact.id for s in contacts}
    await follow_contacts(work=work, contact_ids=named, now=now)
    await share(work=work, facts=shared, now=now)
    await enqueue(work=work, nudges=celebrate, now=now)
    await forget_contacts(work=work, erased=erased, now=now)


async def forget_contacts(*, work: ProjectionWork, erased: Sequence[ContactGone], now: datetime) -> None:
    """Contacts deleted for good: their copy, prompt and nudges go (nothing of them stays here),
    their follow-ups leave the feeds, and the campus hears their shared interactions are gone."""
    for gone in erased:
        await work.contacts.erase(gone)
        await work.prompts.forget([gone.contact_id])
        await work.nudges.forget(subject_ids=[gone.contact_id, *gone.follow_up_ids])
    await work.calendar.touch({gone.owner_id for gone in erased}, now=now)
    deleted = [
        Fact(id=i, owner_id=g.owner_id, kind=FactKind.INTERACTION, at=now, version=2**31 - 1, deleted=True)
        for g in erased
        for i in g.interaction_ids
    ]
    await share(work=work, facts=deleted, now=now)
