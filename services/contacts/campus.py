"""Campus use cases: follow each owner's choice to share with their campus, and turn what campus
tools send (an event attended, a mentor matched, an advising appointment) into contacts,
interactions and follow-ups marked as coming from the campus, in the consumer's transaction.

A record for a student who does not share raises :class:`NotSharing` (it is dead-lettered with
that reason); a record applied before (the same reference) adds nothing."""

from datetime import datetime

from services.contacts import goals
from services.contacts.domain.campus import NEW_TIE, CampusRecord, Meeting, NotSharing, meetings
from services.contacts.domain.changes import Change, ChangeKind
from services.contacts.domain.model import Contact, FollowUp, Interaction
from services.contacts.interactions import add_logged
from services.contacts.ports import UnitOfWork
from shared.vocabulary import Direction, Origin, Outcome


async def follow_sharing(*, work: UnitOfWork, owner_id: str, sharing: bool, at: datetime) -> None:
    await work.campus.put(owner_id, sharing=sharing, changed_at=at)


async def take_record(*, work: UnitOfWork, record: CampusRecord, now: datetime) -> None:
    """Apply a campus tool's record; raises :class:`NotSharing` for a student who does not share
    and :class:`DomainError` (naming the field) for a person the tracker cannot hold."""
    if not await work.campus.sharing(record.owner_id):
        raise NotSharing("the student has not opted in to share with their campus", field="owner_id")
    planned = meetings(record)
    known = await work.contacts.by_import_keys(
        owner_id=record.owner_id, keys=[meeting.match_key for meeting in planned]
    )
    for meeting in planned:
        contact = known.get(meeting.match_key)
        if contact is None:
            contact = _contact(record, meeting, now=now)
            known[meeting.match_key] = contact
            await work.contacts.add(contact)
            await work.publish(Change(ChangeKind.CONTACT_ADDED, contact, record.at, now))
        await _log(work, record, meeting, contact, now=now)
        await _plan_follow_up(work, meeting, contact, now=now)
    await goals.follow(work, record.owner_id, now=now)


def _contact(record: CampusRecord, meeting: Meeting, *, now: datetime) -> Contact:
    person = meeting.person
    return Contact(
        id=meeting.contact_id,
        owner_id=record.owner_id,
        name=person.name,
        category=meeting.category,
        tie=NEW_TIE,
        warmth=meeting.warmth,
        created_at=now,
        updated_at=now,
        emails=(person.email,) if person.email else (),
        linkedin_url=person.linkedin_url,
        company=person.company,
        role=person.role,
        how_met=meeting.how_met,
        why_them=meeting.why_them,
        import_key=meeting.match_key,
        origin=Origin.CAMPUS,
    )


async def _log(
    work: UnitOfWork, record: CampusRecord, meeting: Meeting, contact: Contact, *, now: datetime
) -> None:
    """The conversation the record tells of, unless it was logged before."""
    if meeting.interaction_id is None or meeting.interaction_kind is None:
        return
    if await work.interactions.get(owner_id=record.owner_id, interaction_id=meeting.interaction_id):
        return
    contact = (
        await work.contacts.get(owner_id=contact.owner_id, contact_id=contact.id, for_update=True) or contact
    )
    interaction = Interaction(
        id=meeting.interaction_id,
        owner_id=record.owner_id,
        contact_id=contact.id,
        kind=meeting.interaction_kind,
        direction=Direction.OUTBOUND,
        occurred_at=min(record.at, now),
        created_at=now,
        updated_at=now,
        outcome=Outcome.REPLIED,  # they talked: in person, the contact answered
        takeaway=meeting.takeaway,
        tie_then=contact.tie,
        origin=Origin.CAMPUS,
    )
    await add_logged(work, contact, interaction, now=now)


async def _plan_follow_up(work: UnitOfWork, meeting: Meeting, contact: Contact, *, now: datetime) -> None:
    if meeting.follow_up_id is None or meeting.follow_up_title is None or meeting.follow_up_due is None:
        return
    if await work.follow_ups.get(owner_id=contact.owner_id, follow_up_id=meeting.follow_up_id):
        return
    follow_up = FollowUp(
        id=meeting.follow_up_id,
        owner_id=contact.owner_id,
        contact_id=contact.id,
        title=meeting.follow_up_title,
        due_at=max(meeting.follow_up_due, now),
        created_at=now,
        updated_at=now,
    )
    await work.follow_ups.add(follow_up)
    await work.publish(Change(ChangeKind.FOLLOW_UP_SCHEDULED, contact, now, now, follow_up=follow_up))
