"""The record of each owner's erasure: when it was asked, who confirmed, when it was done."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.contacts.adapters.db.tables import erasures
from services.contacts.domain.erasure import Erasure
from shared.db.statements import dialect_insert


class SqlErasures:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, owner_id: str) -> Erasure | None:
        row = (
            (await self._session.execute(select(erasures).where(erasures.c.owner_id == owner_id)))
            .mappings()
            .first()
        )
        if row is None:
            return None
        confirmed = {name: datetime.fromisoformat(at) for name, at in row["confirmed"].items()}
        return Erasure(row["owner_id"], row["requested_at"], confirmed, row["done_at"])

    async def put(self, erasure: Erasure) -> None:
        row = {
            "owner_id": erasure.owner_id,
            "requested_at": erasure.requested_at,
            "confirmed": {name: at.isoformat() for name, at in erasure.confirmed.items()},
            "done_at": erasure.done_at,
        }
        statement = dialect_insert(self._session, erasures).values(row)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[erasures.c.owner_id], set_={k: v for k, v in row.items() if k != "owner_id"}
            )
        )
