"""The public stream: what a campus tool may know of the students who opted in to share with
their campus, and nothing else.

A student is a pseudonym: a keyed hash of their id, under a key the campus holds (and may
rotate: ``pseudonym_key`` names the key). Events carry kinds, directions, ties, categories,
outcomes, local dates and counts; never a name, company, role, tag, note, takeaway, address,
habit name or login id. The message key is the pseudonym. A student's events start with
``student.joined`` when they opt in and end with ``student.left`` when they opt out.
"""

from datetime import date
from typing import Annotated, ClassVar

from pydantic import AwareDatetime, Field, StringConstraints

from shared.contracts.base import Event
from shared.contracts.topics import Stream
from shared.vocabulary import Category, Direction, GiveFirstKind, InteractionKind, Outcome, Tie, Warmth

Pseudonym = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]


class PublicEvent(Event):
    stream: ClassVar[Stream] = Stream.PUBLIC

    student: Pseudonym = Field(
        description="The student's pseudonym: HMAC-SHA256 of their id under the campus key, 32 hex "
        "digits. Also the Kafka message key."
    )
    pseudonym_key: Annotated[str, StringConstraints(min_length=1, max_length=32)] = Field(
        description="Which campus key made the pseudonym: a new key gives every student a new one."
    )
    on: date = Field(description="The day it happened, in the student's time zone.")
    recorded_at: AwareDatetime = Field(description="When KeepWarm published it.")

    @property
    def key(self) -> str:
        return self.student

    @property
    def subject(self) -> str:
        return self.student

    @property
    def recorded(self) -> AwareDatetime:
        return self.recorded_at


class StudentJoined(PublicEvent):
    """The student opted in to share with their campus: their events follow from now on."""

    event_type: ClassVar[str] = "keepwarm.public.student.joined.v1"


class StudentLeft(PublicEvent):
    """The student opted out: nothing more about them follows (until they opt in again)."""

    event_type: ClassVar[str] = "keepwarm.public.student.left.v1"


class ContactMade(PublicEvent):
    """The student added someone to their network."""

    event_type: ClassVar[str] = "keepwarm.public.contact.added.v1"
    category: Category
    tie: Tie
    warmth: Warmth
    from_campus: bool = Field(description="The contact came from a campus event, mentor match or advising.")


class InteractionFacts(PublicEvent):
    interaction: Pseudonym = Field(
        description="The interaction's pseudonym: later events about the same interaction carry it."
    )
    kind: InteractionKind
    give_first_kind: GiveFirstKind | None = None
    direction: Direction
    tie: Tie = Field(description="The contact's tie before the interaction.")
    category: Category = Field(description="The contact's category.")
    outcome: Outcome | None = Field(default=None, description="None until the student records one.")
    from_campus: bool


class InteractionRecorded(InteractionFacts):
    """The student logged an interaction (``on`` is the day it happened)."""

    event_type: ClassVar[str] = "keepwarm.public.interaction.logged.v1"


class InteractionCorrected(InteractionFacts):
    """The student changed a logged interaction (most often its outcome: they got a reply)."""

    event_type: ClassVar[str] = "keepwarm.public.interaction.updated.v1"


class InteractionWithdrawn(PublicEvent):
    """The student deleted a logged interaction: take it out of any count."""

    event_type: ClassVar[str] = "keepwarm.public.interaction.deleted.v1"
    interaction: Pseudonym


class FollowUpKept(PublicEvent):
    """The student completed a follow-up."""

    event_type: ClassVar[str] = "keepwarm.public.followup.completed.v1"


class MilestoneReached(PublicEvent):
    """One of the student's habit streaks reached a milestone (3, 7, 14, 30 … periods)."""

    event_type: ClassVar[str] = "keepwarm.public.milestone.reached.v1"
    milestone: int = Field(gt=0)


class WeekSummarized(PublicEvent):
    """The student's week (Monday to Sunday, local) that ended: ``on`` is its Monday."""

    event_type: ClassVar[str] = "keepwarm.public.week.summarized.v1"
    interactions: int = Field(ge=0, description="Interactions that happened in the week.")
    outbound: int = Field(ge=0, description="Of those, the ones the student started.")
    answered: int = Field(ge=0, description="Outbound ones with an outcome other than no reply.")
    contacts_added: int = Field(ge=0)
    follow_ups_done: int = Field(ge=0)
    longest_streak: int = Field(ge=0, description="The longest current streak among their habits.")
