"""Informational interview use cases: prepare one (questions, and a reminder to send them
ahead), revise it, log it as held with its one takeaway, and accept, move or drop the thank-you
and update follow-ups it proposes. Each runs in one unit of work."""

from datetime import datetime

from services.contacts import ports
from services.contacts.domain.changes import Change, ChangeKind
from services.contacts.domain.interviews import Interview, ProposalKind, starter_questions
from services.contacts.domain.model import Contact, FollowUp, Interaction
from services.contacts.interactions import add_logged
from services.contacts.ports import UnitOfWork, UnitOfWorkFactory
from shared.conflicts import retry_on_conflict
from shared.errors import DomainError, NotFound
from shared.vocabulary import Direction, FollowUpStatus, InteractionKind, Outcome


async def prepare_interview(
    *,
    uow: UnitOfWorkFactory,
    owner_id: str,
    contact_id: str,
    scheduled_at: datetime,
    questions: tuple[str, ...] | None,
    now: datetime,
) -> Interview:
    """Prepare an interview with the contact: the starter questions for their category unless
    ``questions`` are given, and a follow-up to send them two days ahead."""
    async with uow() as work:
        contact = await ports.contact_of(work, owner_id, contact_id)
        if contact.archived:
            raise DomainError("the contact is archived", field="contact_id")
        interview = Interview(
            id=ports.new_id(),
            owner_id=owner_id,
            contact_id=contact_id,
            scheduled_at=scheduled_at,
            questions=questions or starter_questions(contact.category),
            created_at=now,
            updated_at=now,
        )
        reminder = FollowUp(
            id=ports.new_id(),
            owner_id=owner_id,
            contact_id=contact_id,
            title=f"Send your questions to {contact.name} ahead of your conversation"[:300],
            due_at=interview.send_questions_by(now),
            created_at=now,
            updated_at=now,
        )
        interview.reminder_id = reminder.id
        await work.follow_ups.add(reminder)
        await work.interviews.add(interview)
        await work.publish(Change(ChangeKind.FOLLOW_UP_SCHEDULED, contact, now, now, follow_up=reminder))
        await work.publish(Change(ChangeKind.INTERVIEW_PREPARED, contact, now, now, interview=interview))
        await work.commit()
    return interview


async def interviews_of(*, uow: UnitOfWorkFactory, owner_id: str) -> list[Interview]:
    async with uow() as work:
        return await work.interviews.of_owner(owner_id=owner_id)


async def get_interview(*, uow: UnitOfWorkFactory, owner_id: str, interview_id: str) -> Interview:
    async with uow() as work:
        return await _interview(work, owner_id, interview_id)


async def revise_interview(
    *,
    uow: UnitOfWorkFactory,
    owner_id: str,
    interview_id: str,
    questions: tuple[str, ...] | None,
    scheduled_at: datetime | None,
    now: datetime,
) -> Interview:
    """New questions or a new date; the reminder to send the questions moves with the date."""
    async with uow() as work:
        interview = await _interview(work, owner_id, interview_id)
        if interview.revise(questions=questions, scheduled_at=scheduled_at, now=now):
            await work.interviews.save(interview)
            reminder = await _reminder(work, interview)
            if reminder is not None and reminder.due_at != interview.send_questions_by(now):
                reminder.reschedule(due_at=interview.send_questions_by(now), proposed_times=None, now=now)
                await work.follow_ups.save(reminder)
                contact = await ports.contact_of(work, owner_id, interview.contact_id)
                await work.publish(
                    Change(ChangeKind.FOLLOW_UP_SCHEDULED, contact, now, now, follow_up=reminder)
                )
            await work.commit()
    return interview


async def log_held(
    *,
    uow: UnitOfWorkFactory,
    owner_id: str,
    interview_id: str,
    takeaway: str,
    occurred_at: datetime | None,
    now: datetime,
) -> Interview:
    """The interview took place: it is logged on the contact with its one takeaway, the reminder
    to send questions is done, and a thank-you and an update follow-up are proposed."""

    async def attempt() -> Interview:
        async with uow() as work:
            interview = await _interview(work, owner_id, interview_id)
            contact = await ports.contact_of(work, owner_id, interview.contact_id, for_update=True)
            when = occurred_at or now
            talk = Interaction(
                id=ports.new_id(),
                owner_id=owner_id,
                contact_id=contact.id,
                kind=InteractionKind.INFORMATIONAL_INTERVIEW,
                direction=Direction.OUTBOUND,
                occurred_at=when,
                created_at=now,
                updated_at=now,
                outcome=Outcome.REPLIED,
                takeaway=takeaway.strip()[:1000] or None,
                tie_then=contact.tie,
            )
            interview.held(interaction_id=talk.id, takeaway=takeaway, occurred_at=when, now=now)
            await add_logged(work, contact, talk, now=now)
            await _close_reminder(work, interview, contact, now=now)
            await work.interviews.save(interview)
            await work.commit()
            return interview

    return await retry_on_conflict(attempt)


async def accept_proposal(
    *,
    uow: UnitOfWorkFactory,
    owner_id: str,
    interview_id: str,
    kind: ProposalKind,
    due_at: datetime | None,
    now: datetime,
) -> Interview:
    """Schedule the proposed follow-up, at its date or at ``due_at``: from then on it is a
    follow-up like any other (feeds, nudges)."""
    async with uow() as work:
        interview = await _interview(work, owner_id, interview_id)
        contact = await ports.contact_of(work, owner_id, interview.contact_id)
        proposal = interview.accept(kind, follow_up_id=ports.new_id(), due_at=due_at, now=now)
        assert proposal.follow_up_id is not None
        assert interview.takeaway is not None
        follow_up = FollowUp(
            id=proposal.follow_up_id,
            owner_id=owner_id,
            contact_id=contact.id,
            interaction_id=interview.interaction_id,
            title=proposal.title(contact.name, interview.takeaway),
            due_at=proposal.due_at,
            created_at=now,
            updated_at=now,
        )
        await work.follow_ups.add(follow_up)
        await work.interviews.save(interview)
        await work.publish(Change(ChangeKind.FOLLOW_UP_SCHEDULED, contact, now, now, follow_up=follow_up))
        await work.commit()
    return interview


async def drop_proposal(
    *, uow: UnitOfWorkFactory, owner_id: str, interview_id: str, kind: ProposalKind, now: datetime
) -> Interview:
    async with uow() as work:
        interview = await _interview(work, owner_id, interview_id)
        interview.drop(kind, now=now)
        await work.interviews.save(interview)
        await work.commit()
    return interview


async def _interview(work: UnitOfWork, owner_id: str, interview_id: str) -> Interview:
    interview = await work.interviews.get(owner_id=owner_id, interview_id=interview_id)
    if interview is None:
        raise NotFound("interview")
    return interview


async def _reminder(work: UnitOfWork, interview: Interview) -> FollowUp | None:
    if interview.reminder_id is None:
        return None
    reminder = await work.follow_ups.get(owner_id=interview.owner_id, follow_up_id=interview.reminder_id)
    return reminder if reminder is not None and reminder.status is FollowUpStatus.OPEN else None


async def _close_reminder(work: UnitOfWork, interview: Interview, contact: Contact, *, now: datetime) -> None:
    reminder = await _reminder(work, interview)
    if reminder is not None:
        reminder.complete(now=now)
        await work.follow_ups.save(reminder)
        await work.publish(Change(ChangeKind.FOLLOW_UP_COMPLETED, contact, now, now, follow_up=reminder))
