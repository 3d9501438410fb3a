"""The follow-ups store: the next step of each conversation."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.contacts.adapters.db.tables import (
    follow_ups,
)
from services.contacts.adapters.db.versioned import Versioned
from services.contacts.domain.model import FollowUp
from shared.vocabulary import (
    FollowUpStatus,
)


class SqlFollowUps(Versioned):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, follow_ups)

    async def get(self, *, owner_id: str, follow_up_id: str) -> FollowUp | None:
        row = (
            (
                await self._session.execute(
                    select(follow_ups).where(
                        follow_ups.c.id == follow_up_id, follow_ups.c.owner_id == owner_id
                    )
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else self._loaded(row)

    async def add(self, follow_up: FollowUp) -> None:
        await self._insert(follow_up.id, follow_up.version, _follow_up_row(follow_up))

    async def save(self, follow_up: FollowUp) -> None:
        await self._update(follow_up.id, follow_up.version, _follow_up_row(follow_up))

    async def of_contact(
        self, *, owner_id: str, contact_id: str, status: FollowUpStatus | None
    ) -> list[FollowUp]:
        statement = select(follow_ups).where(
            follow_ups.c.owner_id == owner_id, follow_ups.c.contact_id == contact_id
        )
        if status is not None:
            statement = statement.where(follow_ups.c.status == status.value)
        rows = await self._session.execute(statement.order_by(follow_ups.c.due_at, follow_ups.c.id))
        return [self._loaded(row) for row in rows.mappings()]

    def _loaded(self, row: Any) -> FollowUp:
        follow_up = FollowUp(
            id=row["id"],
            owner_id=row["owner_id"],
            contact_id=row["contact_id"],
            interaction_id=row["interaction_id"],
            title=row["title"],
            due_at=row["due_at"],
            proposed_times=tuple(datetime.fromisoformat(value) for value in row["proposed_times"]),
            status=FollowUpStatus(row["status"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            version=row["version"],
        )
        self._remember(follow_up.id, follow_up.version)
        return follow_up


def _follow_up_row(follow_up: FollowUp) -> dict[str, Any]:
    return {
        "id": follow_up.id,
        "owner_id": follow_up.owner_id,
        "contact_id": follow_up.contact_id,
        "interaction_id": follow_up.interaction_id,
        "title": follow_up.title,
        "due_at": follow_up.due_at,
        "proposed_times": [moment.isoformat() for moment in follow_up.proposed_times],
        "status": follow_up.status.value,
        "created_at": follow_up.created_at,
        "updated_at": follow_up.updated_at,
        "version": follow_up.version,
    }
