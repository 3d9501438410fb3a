"""What campus tools write, on the inbound campus stream: a student attended an event, was
matched with a mentor, or completed an advising appointment.

The key and ``owner_id`` are the student as the KeepWarm APIs know them (the ``sub`` of their
token). ``reference`` is the campus tool's own id for the record: the same reference twice,
under any event id, changes nothing. KeepWarm applies these only for students who opted in to
share with their campus; anything else is dead-lettered with the reason in ``dlq_error``.
"""

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.contracts.base import EventData
from shared.contracts.topics import Stream
from shared.vocabulary import Category

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
]


class CampusPerson(BaseModel):
    """Someone the student met or was put in touch with."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: Text = Field(description="Their name, as the student would write it.")
    company: Text | None = Field(default=None, description="Where they work.")
    role: Text | None = Field(default=None, description="Their role or title.")
    email: Email | None = Field(default=None, description="How to reach them by email.")
    linkedin_url: Annotated[str, StringConstraints(max_length=300)] | None = Field(
        default=None, description="Their LinkedIn profile (https://www.linkedin.com/in/…)."
    )
    category: Category | None = Field(
        default=None, description="Mentor, alumni, recruiter …; by default what the event implies."
    )


class CampusEvent(EventData):
    stream: ClassVar[Stream] = Stream.CAMPUS
    reference: Annotated[str, StringConstraints(min_length=1, max_length=100)] = Field(
        description="The campus tool's own id for this record: sending it again changes nothing."
    )

    @property
    def subject(self) -> str:
        return self.reference


class EventAttended(CampusEvent):
    """The student attended a campus event (a career fair, a meetup, an info session) at
    ``occurred_at``. Each person met becomes a contact with the conversation logged; with nobody
    met, nothing is recorded (KeepWarm keeps track of people)."""

    event_type: ClassVar[str] = "keepwarm.campus_event.attended.v1"
    event_name: Text = Field(description="The event, as the student would recognise it.")
    people_met: tuple[CampusPerson, ...] = Field(default=(), max_length=50)


class MentorMatched(CampusEvent):
    """A mentoring programme matched the student with a mentor: the mentor becomes a contact
    (cold: not met yet), with a follow-up to reach out within two days."""

    event_type: ClassVar[str] = "keepwarm.mentor.matched.v1"
    mentor: CampusPerson
    programme: Text | None = Field(default=None, description="The mentoring programme.")
    reason: LongText | None = Field(default=None, description="Why this mentor: shown as why them.")


class AdvisingCompleted(CampusEvent):
    """The student completed an advising appointment at ``occurred_at``: the advisor becomes (or
    stays) a contact and the conversation is logged, with its takeaway if the tool has one."""

    event_type: ClassVar[str] = "keepwarm.advising.completed.v1"
    advisor: CampusPerson
    topic: Text | None = Field(default=None, description="What the appointment was about.")
    takeaway: LongText | None = Field(default=None, description="The one takeaway, if recorded.")
