"""The contacts projection's store: contacts, interactions and follow-ups from the contacts stream,
newest version wins."""

from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier.adapters.db.tables import (
    contacts,
    follow_ups,
    interactions,
)
from services.notifier.projection import ContactGone, ContactSeen, FollowUpSeen, InteractionSeen
from shared.db.statements import upsert_newest


class SqlContactsProjection:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def erase(self, gone: ContactGone) -> None:
        await self._session.execute(delete(follow_ups).where(follow_ups.c.contact_id == gone.contact_id))
        await self._session.execute(delete(interactions).where(interactions.c.contact_id == gone.contact_id))
        await self._session.execute(delete(contacts).where(contacts.c.id == gone.contact_id))

    async def put_contacts(self, seen: Sequence[ContactSeen]) -> set[str]:
        return await upsert_newest(
            self._session,
            contacts,
            [
                {
                    "id": s.contact.id,
                    "owner_id": s.owner_id,
                    "display_name": s.contact.display_name,
                    "company": s.contact.company,
                    "role": s.contact.role,
                    "category": s.contact.category.value,
                    "tie": s.contact.tie.value,
                    "warmth": s.contact.warmth.value,
                    "tags": list(s.contact.tags),
                    "cadence_days": s.contact.cadence_days,
                    "last_interaction_at": s.contact.last_interaction_at,
                    "archived": s.contact.archived,
                    "version": s.contact.version,
                    "changed_at": s.recorded_at,
                }
                for s in seen
            ],
        )

    async def put_interactions(self, seen: Sequence[InteractionSeen]) -> set[str]:
        return await upsert_newest(
            self._session,
            interactions,
            [
                {
                    "id": s.interaction.id,
                    "owner_id": s.owner_id,
                    "contact_id": s.interaction.contact_id,
                    "kind": s.interaction.kind.value,
                    "direction": s.interaction.direction.value,
                    "occurred_at": s.interaction.occurred_at,
                    "takeaway": s.interaction.takeaway,
                    "outcome": s.interaction.outcome.value if s.interaction.outcome else None,
                    "deleted": s.deleted,
                    "version": s.interaction.version,
                    "changed_at": s.recorded_at,
                }
                for s in seen
            ],
            terminal="deleted",
        )

    async def put_follow_ups(self, seen: Sequence[FollowUpSeen]) -> set[str]:
        return await upsert_newest(
            self._session,
            follow_ups,
            [
                {
                    "id": s.follow_up.id,
                    "owner_id": s.owner_id,
                    "contact_id": s.follow_up.contact_id,
                    "interaction_id": s.follow_up.interaction_id,
                    "title": s.follow_up.title,
                    "due_at": s.follow_up.due_at,
                    "proposed_times": [t.isoformat() for t in s.follow_up.proposed_times],
                    "status": s.follow_up.status.value,
                    "version": s.follow_up.version,
                    "changed_at": s.recorded_at,
                    "reminded": False,
                }
                for s in seen
            ],
        )
