"""Whether each owner shares with their campus, as the notifier stream tells it."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.contacts.adapters.db.tables import campus_sharing
from shared.db.statements import dialect_insert


class SqlCampusSharing:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def sharing(self, owner_id: str) -> bool:
        found = await self._session.scalar(
            select(campus_sharing.c.sharing).where(campus_sharing.c.owner_id == owner_id)
        )
        return bool(found)

    async def put(self, owner_id: str, *, sharing: bool, changed_at: datetime) -> None:
        statement = dialect_insert(self._session, campus_sharing).values(
            owner_id=owner_id, sharing=sharing, changed_at=changed_at
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[campus_sharing.c.owner_id],
                set_={"sharing": statement.excluded.sharing, "changed_at": statement.excluded.changed_at},
                where=campus_sharing.c.changed_at < statement.excluded.changed_at,
            )
        )
