"""The contacts database, a store per entity (contacts, interactions, follow-ups), its tables in
``tables``, and the unit of work over them."""

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from services.contacts.adapters.db.campus import SqlCampusSharing
from services.contacts.adapters.db.coaching import SqlDrafts, SqlGoals, SqlInterviews
from services.contacts.adapters.db.contacts import SqlContacts
from services.contacts.adapters.db.erasures import SqlErasures
from services.contacts.adapters.db.follow_ups import SqlFollowUps
from services.contacts.adapters.db.interactions import SqlInteractions
from services.contacts.adapters.db.tables import (
    campus_sharing,
    contact_tags,
    contacts,
    drafts,
    erasures,
    follow_ups,
    goals,
    inbox,
    interactions,
    interviews,
    metadata,
    outbox,
)
from services.contacts.adapters.kafka_out import event_of
from services.contacts.domain.changes import Change, ContactErasure, ErasureAsked, GoalChange
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
    "erasures",
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
    erasures: "SqlErasures"

    async def erase_owner(self, owner_id: str) -> None:
        """Everything of the owner in this database but the record of the erasure itself, and
        tombstones on the state topic for every contact, interaction and follow-up it held."""
        kinds = {"contact": contacts, "interaction": interactions, "follow_up": follow_ups}
        await self.erase_owner_from(metadata, owner_id, entities=kinds, keep=["erasures"])

    async def forget_published(self, owner_id: str, *, until: datetime) -> None:
        await self._session.execute(
            delete(outbox).where(outbox.c.key == owner_id, outbox.c.recorded_at <= until)
        )

    def bind(self, session: AsyncSession) -> None:
        self.erasures = SqlErasures(session)
        self.campus = SqlCampusSharing(session)
        self.drafts = SqlDrafts(session)
        self.interviews = SqlInterviews(session)
        self.goals = SqlGoals(session)
        self.contacts = SqlContacts(session)
        self.interactions = SqlInteractions(session)
        self.follow_ups = SqlFollowUps(session)

    def event_of(self, change: Change | GoalChange | ContactErasure | ErasureAsked) -> EventData:
        return event_of(change)
