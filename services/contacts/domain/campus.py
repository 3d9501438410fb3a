"""What a campus tool's record becomes in a student's tracker.

- *An event attended*: each person met becomes a contact (warm: they met; a weak tie), with the
  conversation logged as an event interaction on the event's day.
- *A mentor matched*: the mentor becomes a contact (cold: not met yet), with why them, and a
  follow-up to reach out within two days.
- *An advising appointment completed*: the advisor becomes a contact, with the appointment logged
  as an informational interview and its takeaway.

A person the student already has from the campus (same profile, email, or name and company) is
the same contact. Everything made is marked as coming from the campus. Every id is derived from
the record's reference, so a record sent twice (under any event id) adds nothing.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from services.contacts.domain.imports import ImportedContact
from shared.errors import DomainError
from shared.vocabulary import Category, InteractionKind, Tie, Warmth

REACH_OUT_WITHIN = timedelta(days=2)
NEW_TIE = Tie.WEAK
"""Someone met through the campus is an acquaintance: a weak tie."""
_IDS = uuid.UUID("6f1c8f5e-4b7a-4f0e-9a51-3c2d8e7b9a10")


class NotSharing(DomainError):
    """The student has not opted in to share with their campus: the record changes nothing."""


class CampusKind(StrEnum):
    EVENT_ATTENDED = "event_attended"
    MENTOR_MATCHED = "mentor_matched"
    ADVISING_COMPLETED = "advising_completed"


CONVERSATION = {
    CampusKind.EVENT_ATTENDED: InteractionKind.EVENT,
    CampusKind.ADVISING_COMPLETED: InteractionKind.INFORMATIONAL_INTERVIEW,
}
"""The conversation a record tells of (a mentor matched has not talked to the student yet)."""


@dataclass(frozen=True)
class Person:
    name: str
    company: str | None = None
    role: str | None = None
    email: str | None = None
    linkedin_url: str | None = None
    category: Category | None = None


@dataclass(frozen=True)
class CampusRecord:
    kind: CampusKind
    owner_id: str
    reference: str
    at: datetime
    people: tuple[Person, ...]
    title: str | None = None
    """The event's name, the mentoring programme, or the appointment's topic."""
    reason: str | None = None
    takeaway: str | None = None


@dataclass(frozen=True)
class Meeting:
    """One person of a record, and what to make of them."""

    person: Person
    match_key: str
    contact_id: str
    """The contact's id if the student does not have this person yet."""
    category: Category
    warmth: Warmth
    how_met: str | None
    why_them: str | None
    interaction_id: str | None
    interaction_kind: InteractionKind | None
    takeaway: str | None
    follow_up_id: str | None
    follow_up_title: str | None
    follow_up_due: datetime | None


def _id(record: CampusRecord, index: int, what: str) -> str:
    return str(uuid.uuid5(_IDS, f"{record.owner_id}\0{record.reference}\0{index}\0{what}"))


def match_key(person: Person) -> str:
    """What makes the same person from two records (or a file import) one contact."""
    emails = (person.email,) if person.email else ()
    found = ImportedContact(
        row=0, name=person.name, emails=emails, linkedin_url=person.linkedin_url, company=person.company
    )
    return found.import_key


def meetings(record: CampusRecord) -> list[Meeting]:
    """What the record makes, person by person."""
    made = []
    for index, person in enumerate(record.people):
        met = record.kind is not CampusKind.MENTOR_MATCHED
        kind = CONVERSATION.get(record.kind)
        default_category = Category.MENTOR if record.kind is CampusKind.MENTOR_MATCHED else Category.OTHER
        made.append(
            Meeting(
                person=person,
                match_key=match_key(person),
                contact_id=_id(record, index, "contact"),
                category=person.category or default_category,
                warmth=Warmth.WARM if met else Warmth.COLD,
                how_met=_how_met(record),
                why_them=record.reason,
                interaction_id=_id(record, index, "interaction") if met else None,
                interaction_kind=kind,
                takeaway=record.takeaway,
                follow_up_id=None if met else _id(record, index, "follow-up"),
                follow_up_title=None if met else f"Reach out to {person.name}: introduce yourself",
                follow_up_due=None if met else record.at + REACH_OUT_WITHIN,
            )
        )
    return made


def _how_met(record: CampusRecord) -> str:
    day = record.at.date().isoformat()
    match record.kind:
        case CampusKind.EVENT_ATTENDED:
            return f"Met at {record.title} ({day}), from your campus"
        case CampusKind.MENTOR_MATCHED:
            programme = f" by {record.title}" if record.title else ""
            return f"Matched as your mentor{programme} ({day}), from your campus"
        case CampusKind.ADVISING_COMPLETED:
            topic = f" about {record.title}" if record.title else ""
            return f"Advising appointment{topic} ({day}), from your campus"
