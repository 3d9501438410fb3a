"""Outreach draft use cases: write, edit, check, list, delete a draft to a contact, and mark it
sent, which logs the outbound message. Each runs in one unit of work."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.contacts import ports
from services.contacts.domain.changes import Change, ChangeKind
from services.contacts.domain.model import Contact, Interaction
from services.contacts.domain.outreach import Draft, Finding, Recipient, check
from services.contacts.interactions import add_logged
from services.contacts.ports import UnitOfWork, UnitOfWorkFactory
from shared.conflicts import retry_on_conflict
from shared.errors import NotFound
from shared.vocabulary import Direction, InteractionKind


@dataclass(frozen=True)
class Checked:
    draft: Draft
    contact: Contact
    findings: list[Finding]


async def write_draft(
    *, uow: UnitOfWorkFactory, owner_id: str, contact_id: str, subject: str, body: str, now: datetime
) -> Checked:
    async with uow() as work:
        contact = await ports.contact_of(work, owner_id, contact_id)
        draft = Draft(
            id=ports.new_id(),
            owner_id=owner_id,
            contact_id=contact_id,
            subject=subject,
            body=body,
            created_at=now,
            updated_at=now,
        )
        await work.drafts.add(draft)
        checked = await _checked(work, draft, contact)
        await work.commit()
    return checked


async def edit_draft(
    *,
    uow: UnitOfWorkFactory,
    owner_id: str,
    draft_id: str,
    subject: str | None,
    body: str | None,
    now: datetime,
) -> Checked:
    async with uow() as work:
        draft = await _draft(work, owner_id, draft_id)
        if draft.edit(subject=subject, body=body, now=now):
            await work.drafts.save(draft)
        checked = await _checked(work, draft, await ports.contact_of(work, owner_id, draft.contact_id))
        await work.commit()
    return checked


async def read_draft(*, uow: UnitOfWorkFactory, owner_id: str, draft_id: str) -> Checked:
    async with uow() as work:
        draft = await _draft(work, owner_id, draft_id)
        return await _checked(work, draft, await ports.contact_of(work, owner_id, draft.contact_id))


async def drafts_to(*, uow: UnitOfWorkFactory, owner_id: str, contact_id: str) -> list[Checked]:
    async with uow() as work:
        contact = await ports.contact_of(work, owner_id, contact_id)
        checked = await _checker(work, contact)
        return [checked(d) for d in await work.drafts.of_owner(owner_id=owner_id, contact_id=contact_id)]


async def delete_draft(*, uow: UnitOfWorkFactory, owner_id: str, draft_id: str) -> None:
    async with uow() as work:
        await work.drafts.remove(await _draft(work, owner_id, draft_id))
        await work.commit()


async def send_draft(*, uow: UnitOfWorkFactory, owner_id: str, draft_id: str, now: datetime) -> Checked:
    """Mark the draft sent: the outbound message is logged on the contact (and counts for habits
    and goals like any other), and ``draft.sent`` names the rules it passed."""

    async def attempt() -> Checked:
        async with uow() as work:
            draft = await _draft(work, owner_id, draft_id)
            contact = await ports.contact_of(work, owner_id, draft.contact_id, for_update=True)
            checked = await _checked(work, draft, contact)
            message = Interaction(
                id=ports.new_id(),
                owner_id=owner_id,
                contact_id=contact.id,
                kind=InteractionKind.MESSAGE,
                direction=Direction.OUTBOUND,
                occurred_at=now,
                created_at=now,
                updated_at=now,
                notes=f"{draft.subject}\n\n{draft.body}"[:10_000],
                tie_then=contact.tie,
            )
            draft.sent(interaction_id=message.id, now=now)
            await add_logged(work, contact, message, now=now)
            await work.drafts.save(draft)
            await work.publish(
                Change(
                    ChangeKind.DRAFT_SENT, contact, now, now, draft=draft, findings=tuple(checked.findings)
                )
            )
            await work.commit()
            return checked

    return await retry_on_conflict(attempt)


async def _draft(work: UnitOfWork, owner_id: str, draft_id: str) -> Draft:
    draft = await work.drafts.get(owner_id=owner_id, draft_id=draft_id)
    if draft is None:
        raise NotFound("draft")
    return draft


async def _checked(work: UnitOfWork, draft: Draft, contact: Contact) -> Checked:
    return (await _checker(work, contact))(draft)


async def _checker(work: UnitOfWork, contact: Contact) -> Callable[[Draft], Checked]:
    """What checks drafts to ``contact``: against what the student knows of them, and against the
    student's drafts to other people (read once, however many drafts are checked)."""
    talks = await work.interactions.of_contact(owner_id=contact.owner_id, contact_id=contact.id)
    remembered = tuple(
        text for text in (contact.how_met, *(t.takeaway for t in talks if not t.deleted)) if text
    )
    recipient = Recipient(
        name=contact.name,
        company=contact.company,
        role=contact.role,
        tags=contact.tags,
        remembered=remembered,
    )
    names: dict[str, str] = {}
    others = []
    for other in await work.drafts.of_owner(owner_id=contact.owner_id):
        if other.contact_id == contact.id:
            continue
        if other.contact_id not in names:
            to = await work.contacts.get(owner_id=contact.owner_id, contact_id=other.contact_id)
            names[other.contact_id] = to.name if to else "someone else"
        others.append((names[other.contact_id], other.body))

    def checked(draft: Draft) -> Checked:
        return Checked(draft, contact, check(draft.subject, draft.body, recipient=recipient, others=others))

    return checked
