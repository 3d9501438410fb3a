"""How each owner's erasure goes here: which streams asked, and when it was confirmed."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier.adapters.db.tables import erasures
from services.notifier.domain.erasure import Progress
from shared.db.statements import dialect_insert


class SqlErasures:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def progress(self, owner_id: str) -> Progress | None:
        row = (
            (await self._session.execute(select(erasures).where(erasures.c.owner_id == owner_id)))
            .mappings()
            .first()
        )
        return None if row is None else Progress(**row)

    async def put(self, progress: Progress) -> None:
        row = vars(progress)
        statement = dialect_insert(self._session, erasures).values(row)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[erasures.c.owner_id], set_={k: v for k, v in row.items() if k != "owner_id"}
            )
        )
