"""Keep-alive prompt use cases: follow the contacts stream into each contact's prompt, list,
snooze, dismiss and reset prompts, apply an owner's cadence, and wake due prompts into nudges."""

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol, Self

from services.notifier.calendars import FeedRevisions
from services.notifier.delivery import NudgeStore, enqueue
from services.notifier.domain.nudges import NudgeKind, Preferences, prompt_nudge
from services.notifier.domain.outgoing import Outgoing
from services.notifier.domain.prompts import (
    Person,
    Prompt,
    PromptStatus,
    Touch,
    dismiss,
    follow,
    reset,
    snooze,
)
from shared.errors import NotFound


@dataclass(frozen=True)
class Known:
    """What the projection knows of a contact."""

    owner_id: str
    person: Person
    archived: bool


class PromptStore(Protocol):
    async def known(self, contact_ids: Collection[str]) -> dict[str, Known]: ...
    async def touches(self, contact_ids: Collection[str]) -> dict[str, list[Touch]]:
        """Each contact's interactions that were not deleted, as touches."""
        ...

    async def prompts(self, contact_ids: Collection[str]) -> dict[str, Prompt]: ...
    async def put(self, prompts: Sequence[Prompt]) -> None: ...
    async def of_owner(self, owner_id: str) -> list[Prompt]:
        """The owner's prompts of contacts that are not archived, by due moment."""
        ...

    async def forget(self, contact_ids: Collection[str]) -> None:
        """Delete the contacts' prompts (the contacts were deleted for good)."""
        ...

    async def due(self, *, now: datetime, limit: int) -> list[Prompt]:
        """Prompts whose ``wake_at`` has come, oldest first (claimed, on PostgreSQL): an indexed
        read whose cost grows with the prompts due, not with the contacts stored."""
        ...


class PromptWork(Protocol):
    @property
    def prompts(self) -> PromptStore: ...

    @property
    def calendar(self) -> FeedRevisions: ...

    @property
    def nudges(self) -> NudgeStore: ...

    async def publish_all(self, changes: Sequence[Outgoing]) -> None: ...
    async def commit(self) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...


PromptWorkFactory = Callable[[], PromptWork]


async def follow_contacts(*, work: PromptWork, contact_ids: Collection[str], now: datetime) -> None:
    """Bring these contacts' prompts up to date with the projection: a new interaction resolves
    the open prompt (its unsent nudge is cancelled) and opens the next cycle."""
    known = await work.prompts.known(contact_ids)
    if not known:
        return
    touches = await work.prompts.touches(known)
    before = await work.prompts.prompts(known)
    preferences = await work.nudges.preferences({k.owner_id for k in known.values()})
    changed: list[Prompt] = []
    for contact_id, seen in sorted(known.items()):
        previous = before.get(contact_id)
        person = replace(seen.person, added_at=previous.added_at) if previous else seen.person
        prompt = follow(
            previous,
            owner_id=seen.owner_id,
            person=person,
            archived=seen.archived,
            touches=touches.get(contact_id, []),
            owner_cadence=preferences.get(seen.owner_id, Preferences()).cadence,
            style=preferences.get(seen.owner_id, Preferences()).style,
        )
        if prompt != previous:
            changed.append(prompt)
    await work.prompts.put(changed)
    resolved = [
        p.contact_id
        for p in changed
        if (old := before.get(p.contact_id)) is not None and (old.due_at != p.due_at or p.wake_at is None)
    ]
    await work.nudges.cancel(kind=NudgeKind.PROMPT, subject_ids=resolved)


@dataclass(frozen=True)
class PromptView:
    prompt: Prompt
    person: Person
    status: PromptStatus


async def list_prompts(
    *, uow: PromptWorkFactory, owner_id: str, statuses: Collection[PromptStatus], now: datetime
) -> list[PromptView]:
    async with uow() as work:
        return await views_of(work.prompts, owner_id=owner_id, statuses=statuses, now=now)


async def views_of(
    store: PromptStore, *, owner_id: str, statuses: Collection[PromptStatus], now: datetime
) -> list[PromptView]:
    """The owner's prompts in these statuses, the most overdue first."""
    prompts = [p for p in await store.of_owner(owner_id) if p.status(now) in statuses]
    known = await store.known([p.contact_id for p in prompts])
    return [
        PromptView(p, known[p.contact_id].person, p.status(now)) for p in prompts if p.contact_id in known
    ]


async def snooze_prompt(
    *, uow: PromptWorkFactory, owner_id: str, contact_id: str, until: datetime, now: datetime
) -> PromptView:
    """Hide a due prompt until ``until``; InvalidTransition if it is not due."""
    return await _change(uow, owner_id, contact_id, now, lambda p: snooze(p, until=until, now=now))


async def dismiss_prompt(
    *, uow: PromptWorkFactory, owner_id: str, contact_id: str, now: datetime
) -> PromptView:
    """No more nudges about this contact until the next interaction."""
    return await _change(uow, owner_id, contact_id, now, lambda p: dismiss(p, now=now))


async def reset_prompt(
    *, uow: PromptWorkFactory, owner_id: str, contact_id: str, now: datetime
) -> PromptView:
    """Prompt again about a contact held back by unanswered touches."""
    return await _change(uow, owner_id, contact_id, now, lambda p: reset(p, now=now))


async def _change(
    uow: PromptWorkFactory, owner_id: str, contact_id: str, now: datetime, change: Callable[[Prompt], Prompt]
) -> PromptView:
    async with uow() as work:
        prompt = (await work.prompts.prompts([contact_id])).get(contact_id)
        known = (await work.prompts.known([contact_id])).get(contact_id)
        if prompt is None or known is None or prompt.owner_id != owner_id or prompt.archived:
            raise NotFound("prompt")
        prompt = change(prompt)
        await work.prompts.put([prompt])
        await work.nudges.cancel(kind=NudgeKind.PROMPT, subject_ids=[contact_id])
        await work.commit()
    return PromptView(prompt, known.person, prompt.status(now))


async def wake_due(*, uow: PromptWorkFactory, now: datetime, batch: int = 500) -> int:
    """Turn the prompts that came due into nudges (once per moment); returns how many woke."""
    async with uow() as work:
        due = await work.prompts.due(now=now, limit=batch)
        known = await work.prompts.known([p.contact_id for p in due])
        nudges = [
            prompt_nudge(
                owner_id=p.owner_id,
                contact_id=p.contact_id,
                name=known[p.contact_id].person.name,
                suggestion=p.suggestion,
                moment=p.wake_at,
            )
            for p in due
            if p.contact_id in known and p.wake_at is not None
        ]
        await enqueue(work=work, nudges=nudges, now=now)
        await work.prompts.put([replace(p, nudged_for=p.wake_at) for p in due])
        await work.commit()
    return len(due)
