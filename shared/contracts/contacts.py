"""Events of the contacts service, on the contacts stream.

Each event carries a snapshot of the entity after the change, so consumers keep their own
projection and never call the contacts API. ``version`` rises with every change of an entity:
a consumer that already holds a higher version ignores a late, stale event.
"""

from datetime import date
from typing import Annotated, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from shared.contracts.base import EventData, entity_key
from shared.contracts.topics import Stream
from shared.vocabulary import (
    Category,
    Direction,
    FollowUpStatus,
    GiveFirstKind,
    InteractionKind,
    Origin,
    Outcome,
    Tie,
    Warmth,
)


class Snapshot(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


Tag = Annotated[str, StringConstraints(min_length=1, max_length=40)]
"""What the contacts API accepts as a tag: the same bounds hold for whoever consumes it."""


class ContactSnapshot(Snapshot):
    """What consumers may know of a contact. Internal topics only: it names the person."""

    id: str = Field(max_length=36, description="Opaque contact id.")
    display_name: str = Field(max_length=200, description="The contact's name as the owner wrote it.")
    company: str | None = Field(default=None, max_length=200, description="Where they work.")
    role: str | None = Field(default=None, max_length=200, description="Their role or title.")
    category: Category = Field(description="Persona: mentor, alumni, peer, recruiter …")
    tie: Tie = Field(description="Tie strength: strong, weak or dormant.")
    warmth: Warmth = Field(description="Warm if the owner already knows them, cold if not yet.")
    tags: tuple[Tag, ...] = Field(default=(), max_length=20, description="The owner's tags, lower case.")
    cadence_days: int = Field(gt=0, description="Keep-in-touch cadence in days.")
    last_interaction_at: AwareDatetime | None = Field(
        default=None,
        description="When the latest interaction happened (its occurred_at).",
    )
    archived: bool = Field(default=False, description="Archived contacts get no prompts.")
    origin: Origin | None = Field(
        default=None, description="campus: it came from a campus tool; null: from the student."
    )
    version: int = Field(ge=1, description="Rises with every change of this contact.")


class InteractionSnapshot(Snapshot):
    id: str = Field(max_length=36, description="Opaque interaction id.")
    contact_id: str = Field(max_length=36)
    kind: InteractionKind
    give_first_kind: GiveFirstKind | None = Field(
        default=None, description="For a give-first act: what was given."
    )
    direction: Direction
    occurred_at: AwareDatetime = Field(description="When the interaction happened; may be backdated.")
    outcome: Outcome | None = None
    takeaway: str | None = Field(
        default=None, max_length=1000, description="The one takeaway from the conversation."
    )
    origin: Origin | None = Field(
        default=None, description="campus: it came from a campus tool; null: from the student."
    )
    version: int = Field(ge=1)


class FollowUpSnapshot(Snapshot):
    id: str = Field(max_length=36, description="Opaque follow-up id.")
    contact_id: str = Field(max_length=36)
    interaction_id: str | None = Field(
        default=None, max_length=36, description="The interaction it came from."
    )
    title: str = Field(max_length=300, description="The one concrete next step.")
    due_at: AwareDatetime
    proposed_times: tuple[AwareDatetime, ...] = Field(
        max_length=5, default=(), description="Meeting times offered to the contact, if any."
    )
    status: FollowUpStatus
    version: int = Field(ge=1)


class ContactEvent(EventData):
    stream: ClassVar[Stream] = Stream.CONTACTS
    contact: ContactSnapshot

    @property
    def subject(self) -> str:
        return self.contact.id

    @property
    def states(self) -> tuple[str, ...]:
        return (entity_key("contact", self.contact.id),)


class ContactAdded(ContactEvent):
    """A contact was added (by hand or by an import)."""

    event_type: ClassVar[str] = "keepwarm.contact.added.v1"


class ContactUpdated(ContactEvent):
    """A contact's details changed; ``changed`` names the fields."""

    event_type: ClassVar[str] = "keepwarm.contact.updated.v1"
    changed: tuple[str, ...] = Field(default=(), description="Names of the fields that changed.")


class ContactArchived(ContactEvent):
    """A contact was archived: consumers drop its prompts and calendar items."""

    event_type: ClassVar[str] = "keepwarm.contact.archived.v1"


class InteractionEvent(ContactEvent):
    interaction: InteractionSnapshot
    previous_tie: Tie | None = Field(
        default=None, description="The tie before this change, if it changed (a revival)."
    )

    @property
    def subject(self) -> str:
        return self.interaction.id

    @property
    def states(self) -> tuple[str, ...]:
        return (*super().states, entity_key("interaction", self.interaction.id))


class InteractionLogged(InteractionEvent):
    """An interaction with a contact was logged; ``contact`` is the contact after it."""

    event_type: ClassVar[str] = "keepwarm.interaction.logged.v1"


class InteractionUpdated(InteractionEvent):
    """A logged interaction was corrected; consumers re-evaluate what they derived from it."""

    event_type: ClassVar[str] = "keepwarm.interaction.updated.v1"
    changed: tuple[str, ...] = Field(default=(), description="Names of the fields that changed.")


class InteractionDeleted(InteractionEvent):
    """A logged interaction was deleted; consumers take back what they derived from it."""

    event_type: ClassVar[str] = "keepwarm.interaction.deleted.v1"

    @property
    def states(self) -> tuple[str, ...]:
        return (entity_key("contact", self.contact.id),)

    @property
    def ends(self) -> tuple[str, ...]:
        return (entity_key("interaction", self.interaction.id),)


class FollowUpEvent(ContactEvent):
    follow_up: FollowUpSnapshot

    @property
    def subject(self) -> str:
        return self.follow_up.id

    @property
    def states(self) -> tuple[str, ...]:
        return (*super().states, entity_key("follow_up", self.follow_up.id))


class FollowUpScheduled(FollowUpEvent):
    """A follow-up was scheduled or rescheduled (a higher version moves it)."""

    event_type: ClassVar[str] = "keepwarm.followup.scheduled.v1"


class FollowUpCompleted(FollowUpEvent):
    event_type: ClassVar[str] = "keepwarm.followup.completed.v1"


class FollowUpCancelled(FollowUpEvent):
    event_type: ClassVar[str] = "keepwarm.followup.cancelled.v1"


class DraftSent(ContactEvent):
    """An outreach draft was sent (the outbound message is logged as ``interaction_id``). Carries
    which warm-message rules it passed, not its text."""

    event_type: ClassVar[str] = "keepwarm.draft.sent.v1"
    draft_id: str = Field(max_length=36)
    interaction_id: str = Field(max_length=36)
    passed: tuple[str, ...] = Field(default=(), max_length=20, description="The rules it passed.")
    failed: tuple[str, ...] = Field(default=(), max_length=20, description="The rules it did not pass.")

    @property
    def subject(self) -> str:
        return self.draft_id


class InterviewPrepared(ContactEvent):
    """An informational interview with ``contact`` was prepared: questions, and a reminder to
    send them ahead (``reminder_id``, a follow-up)."""

    event_type: ClassVar[str] = "keepwarm.interview.prepared.v1"
    interview_id: str = Field(max_length=36)
    scheduled_at: AwareDatetime = Field(description="When the interview is planned.")
    questions: int = Field(ge=1, description="How many questions were prepared.")
    reminder_id: str | None = Field(default=None, max_length=36)

    @property
    def subject(self) -> str:
        return self.interview_id


class GoalSnapshot(Snapshot):
    id: str = Field(max_length=36)
    kind: str = Field(
        max_length=40, description="people_in_role, dormant_ties_revived or informational_interviews."
    )
    title: str = Field(
        max_length=300, description="The goal in the student's words, e.g. 5 people who are data engineers."
    )
    target: int = Field(ge=1)
    progress: int = Field(ge=0)
    month: date | None = Field(default=None, description="For a monthly goal: the month's first day.")
    reached_at: AwareDatetime | None = None
    version: int = Field(ge=1)


class GoalEvent(EventData):
    stream: ClassVar[Stream] = Stream.CONTACTS
    goal: GoalSnapshot

    @property
    def subject(self) -> str:
        return self.goal.id


class GoalProgressed(GoalEvent):
    """A networking goal's count changed."""

    event_type: ClassVar[str] = "keepwarm.goal.progressed.v1"


class GoalReached(GoalEvent):
    """A networking goal met its target for the first time: something to celebrate."""

    event_type: ClassVar[str] = "keepwarm.goal.reached.v1"


class ContactErased(EventData):
    """A contact was deleted for good, with its interactions, follow-ups, drafts and interviews:
    consumers forget them. Carries ids only (nothing about the person is left to tell)."""

    stream: ClassVar[Stream] = Stream.CONTACTS
    event_type: ClassVar[str] = "keepwarm.contact.erased.v1"
    contact_id: str = Field(max_length=36)
    interaction_ids: tuple[str, ...] = Field(default=(), max_length=10_000)
    follow_up_ids: tuple[str, ...] = Field(default=(), max_length=10_000)

    @property
    def subject(self) -> str:
        return self.contact_id

    @property
    def ends(self) -> tuple[str, ...]:
        return (
            entity_key("contact", self.contact_id),
            *(entity_key("interaction", i) for i in self.interaction_ids),
            *(entity_key("follow_up", f) for f in self.follow_up_ids),
        )


class ErasureRequested(EventData):
    """The owner (or an operator, for a student who left) asked for everything about them to be
    erased: each service deletes what it holds and confirms with its own erased event."""

    stream: ClassVar[Stream] = Stream.CONTACTS
    event_type: ClassVar[str] = "keepwarm.erasure.requested.v1"

    @property
    def subject(self) -> str:
        return self.owner_id
