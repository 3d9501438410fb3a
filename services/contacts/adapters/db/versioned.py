"""Optimistic locking for the contacts stores."""

from typing import Any

from sqlalchemy import (
    Table,
    insert,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shared.conflicts import ConcurrentUpdate


class Versioned:
    """Optimistic locking: a row is only written over the version that was read."""

    def __init__(self, session: AsyncSession, table: Table) -> None:
        self._session = session
        self._table = table
        self._read: dict[str, int] = {}

    def _remember(self, entity_id: str, version: int) -> None:
        self._read[entity_id] = version

    async def _insert(self, entity_id: str, version: int, row: dict[str, Any]) -> None:
        await self._session.execute(insert(self._table).values(row))
        self._remember(entity_id, version)

    async def _update(self, entity_id: str, version: int, row: dict[str, Any]) -> None:
        read = self._read.get(entity_id, version)
        if read == version:
            return
        result = await self._session.execute(
            update(self._table)
            .where(self._table.c.id == entity_id, self._table.c.version == read)
            .values(row)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate("changed meanwhile; reload and retry")
        self._remember(entity_id, version)
