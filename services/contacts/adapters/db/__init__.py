"""The contacts database, a store per entity (contacts, interactions, follow-ups), its tables in
``tables``, and the unit of work over them."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.contacts.adapters.db.campus import SqlCampusSharing
from services.contacts.adapters.db.coaching import SqlDrafts, SqlGoals, SqlInterviews
from services.contacts.adapters.db.contacts import SqlContacts
from services.contacts.adapters.db.follow_ups import SqlFollowUps
from services.contacts.adapters.db.interactions import SqlInteractions
from services.contacts.adapters.db.tables import (
    campus_sharing,
    contact_tags,
    contacts,
    drafts,
    follow_ups,
    goals,
    inbox,
    interactions,
    interviews,
    metadata,
    outbox,
)
from services.contacts.adapters.kafka_out import event_of
from services.contacts.domain.changes import Change, ContactErasure, GoalChange
from shared.conflicts import ConcurrentUpdate
from shared.contracts.base import EventData
from shared.db.unit_of_work import SessionUnitOfWork

__all__ = [
    "ConcurrentUpdate",
    "SqlUnitOfWork",
    "campus_sharing",
    "contact_tags",
    "contacts",
    "drafts",
    "follow_ups",
    "goals",
    "inbox",
    "interactions",
    "interviews",
    "metadata",
    "outbox",
]


class SqlUnitOfWork(SessionUnitOfWork):
    """One transaction over the contacts tables; published changes go to the outbox in it."""

    contacts: SqlContacts
    interactions: SqlInteractions
    follow_ups: SqlFollowUps
    campus: SqlCampusSharing
    drafts: SqlDrafts
    interviews: SqlInterviews
    goals: SqlGoals

    def bind(self, session: AsyncSession) -> None:
        self.campus = SqlCampusSharing(session)
        self.drafts = SqlDrafts(session)
        self.interviews = SqlInterviews(session)
        self.goals = SqlGoals(session)
        self.contacts = SqlContacts(session)
        self.interactions = SqlInteractions(session)
        self.follow_ups = SqlFollowUps(session)

    def event_of(self, change: Change | GoalChange | ContactErasure) -> EventData:
        return event_of(change)
