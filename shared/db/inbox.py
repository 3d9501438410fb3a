"""The inbox: ids of the events a consumer has processed, written in the consumer's own transaction.

A redelivered event finds its id here and has no second effect.
"""

from collections.abc import Collection

from sqlalchemy import Column, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

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


async def processed_ids(
    session: AsyncSession, table: Table, *, consumer: str, event_ids: Collection[str]
) -> set[str]:
    """Which of ``event_ids`` this consumer has processed already."""
    if not event_ids:
        return set()
    rows = await session.execute(
        select(table.c.event_id).where(table.c.consumer == consumer, table.c.event_id.in_(list(event_ids)))
    )
    return set(rows.scalars())


async def mark_processed(
    session: AsyncSession, table: Table, *, consumer: str, event_ids: Collection[str]
) -> None:
    if not event_ids:
        return
    now = utc_now()
    await session.execute(
        table.insert(),
        [{"consumer": consumer, "event_id": event_id, "processed_at": now} for event_id in event_ids],
    )
