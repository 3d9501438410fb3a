"""What happened to the tracker, as the use cases report it; adapters turn these into events."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.contacts.domain.goals import Goal
from services.contacts.domain.interviews import Interview
from services.contacts.domain.model import Contact, FollowUp, Interaction
from services.contacts.domain.outreach import Draft, Finding
from shared.vocabulary import Tie


class ChangeKind(StrEnum):
    CONTACT_ADDED = "contact_added"
    CONTACT_UPDATED = "contact_updated"
    CONTACT_ARCHIVED = "contact_archived"
    INTERACTION_LOGGED = "interaction_logged"
    INTERACTION_UPDATED = "interaction_updated"
    INTERACTION_DELETED = "interaction_deleted"
    FOLLOW_UP_SCHEDULED = "follow_up_scheduled"
    FOLLOW_UP_COMPLETED = "follow_up_completed"
    FOLLOW_UP_CANCELLED = "follow_up_cancelled"
    DRAFT_SENT = "draft_sent"
    INTERVIEW_PREPARED = "interview_prepared"


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    contact: Contact
    occurred_at: datetime
    recorded_at: datetime
    interaction: Interaction | None = None
    follow_up: FollowUp | None = None
    changed: tuple[str, ...] = ()
    previous_tie: Tie | None = None
    draft: Draft | None = None
    findings: tuple[Finding, ...] = ()
    interview: Interview | None = None


@dataclass(frozen=True)
class ContactErasure:
    """A contact deleted for good, with what went with it (by id)."""

    owner_id: str
    contact_id: str
    interaction_ids: tuple[str, ...]
    follow_up_ids: tuple[str, ...]
    at: datetime


@dataclass(frozen=True)
class ErasureAsked:
    """The owner's data is being erased: the other services are asked to erase theirs."""

    owner_id: str
    at: datetime


@dataclass(frozen=True)
class GoalChange:
    """A goal's count changed (``reached``: it met its target just now)."""

    goal: Goal
    reached: bool
    at: datetime
