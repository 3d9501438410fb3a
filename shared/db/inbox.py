"""The inbox: ids of the events a consumer has processed, written in the consumer's own transaction.

A redelivered event finds its id here and has no second effect.
"""

from collections.abc import Collection

from sqlalchemy import Column, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.statements import dialect_insert
from shared.db.types import UTCDateTime
from shared.time import utc_now

INBOX_TABLE = "inbox"


def inbox_table(metadata: MetaData) -> Table:
    """Define the inbox table in a service's own metadata."""
    return Table(
        INBOX_TABLE,
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(64), primary_key=True),
        Column("processed_at", UTCDateTime(), nullable=False, index=True),
    )


async def claim(
    session: AsyncSession, table: Table, *, consumer: str, event_ids: Collection[str]
) -> set[str]:
    """Record ``event_ids`` as processed by ``consumer`` in the caller's transaction and return
    the ones that were not recorded before: those, and only those, are to be applied. One
    statement; a concurrent claim of the same id waits for the other transaction's outcome."""
    if not event_ids:
        return set()
    now = utc_now()
    rows = await session.execute(
        dialect_insert(session, table).on_conflict_do_nothing().returning(table.c.event_id),
        [{"consumer": consumer, "event_id": event_id, "processed_at": now} for event_id in event_ids],
    )
    return set(rows.scalars())
