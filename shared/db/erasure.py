"""Erasing everything a service holds about one owner, in one transaction: every row of every
table with an ``owner_id`` (children before parents), and the outbox rows of the owner's keys
(sent ones, kept for replays, and unsent ones: they would only tell consumers about data that is
being erased). The inbox keeps event ids and sequence marks, which name no one's data."""

from collections.abc import Collection

from sqlalchemy import MetaData, Table, delete
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.outbox import OUTBOX_TABLE

KEPT = frozenset({"inbox", "applied_sequences"})


def owner_tables(metadata: MetaData) -> list[Table]:
    """The tables that hold an owner's data, parents before children (not the inbox, sequence
    marks or outbox, which hold the events' bookkeeping): what an erasure empties and an export
    writes."""
    skipped = {*KEPT, OUTBOX_TABLE}
    return [t for t in metadata.sorted_tables if "owner_id" in t.c and t.name not in skipped]


async def erase_owner(
    session: AsyncSession,
    metadata: MetaData,
    *,
    owner_id: str,
    outbox: Table,
    keys: Collection[str],
    keep: Collection[str] = (),
) -> None:
    """Delete the owner's rows everywhere but in ``keep`` (e.g. the record of the erasure)."""
    for table in reversed(owner_tables(metadata)):
        if table.name in keep:
            continue
        await session.execute(delete(table).where(table.c.owner_id == owner_id))
    await session.execute(delete(outbox).where(outbox.c.key.in_(list(keys))))
