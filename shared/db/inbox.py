"""What a consumer has applied, written in the consumer's own transaction, so a redelivered event
has no second effect.

Two records, one per kind of event:

- **Sequenced events** (every event a KeepWarm service publishes: the relay stamps each with the
  CloudEvents ``sequence`` extension, its outbox id, which rises in commit order within a key):
  the consumer keeps the highest sequence applied per (source, key) in ``applied_sequences``.
  Anything at or below it is a duplicate, whatever its event id: a relay's republish and a
  replay with fresh ids alike. One row per key ever touched, not one per event.
- **Events without a decimal sequence** (written by hand or by a tool outside KeepWarm): their
  ids go to ``inbox``, one row per event, as before.

A source's sequence is ordered per topic; every KeepWarm source publishes to one topic, and a
consumer name is given per topic followed, so (consumer, source, key) is enough.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import BigInteger, Column, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.statements import dialect_insert
from shared.db.types import UTCDateTime
from shared.time import utc_now

INBOX_TABLE = "inbox"
SEQUENCES_TABLE = "applied_sequences"

SourceKey = tuple[str, str]
"""(CloudEvents source, message key)"""


@dataclass(frozen=True, slots=True)
class Inbox:
    events: Table
    """ids of applied events that carry no sequence"""
    sequences: Table
    """the highest sequence applied per (consumer, source, key)"""


def inbox_tables(metadata: MetaData) -> Inbox:
    """Define a service's inbox tables in its own metadata."""
    events = Table(
        INBOX_TABLE,
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(64), primary_key=True),
        Column("processed_at", UTCDateTime(), nullable=False, index=True),
    )
    sequences = Table(
        SEQUENCES_TABLE,
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("source", String(200), primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("sequence", BigInteger(), nullable=False),
        Column("applied_at", UTCDateTime(), nullable=False),
    )
    return Inbox(events=events, sequences=sequences)


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


async def claimed(
    session: AsyncSession, table: Table, *, consumer: str, event_ids: Collection[str]
) -> set[str]:
    """Which of ``event_ids`` ``consumer`` has claimed by id (read only)."""
    if not event_ids:
        return set()
    rows = await session.execute(
        select(table.c.event_id).where(table.c.consumer == consumer, table.c.event_id.in_(event_ids))
    )
    return set(rows.scalars())


async def lock_sequences(
    session: AsyncSession, table: Table, *, consumer: str, keys: Collection[SourceKey]
) -> dict[SourceKey, int]:
    """The highest sequence ``consumer`` applied for each of ``keys`` (0 when none), locked until
    the caller's transaction ends: a second consumer of the same keys (a rebalance that hands a
    partition over mid-batch) waits for this one's outcome and then sees its marks."""
    if not keys:
        return {}
    now = utc_now()
    # Every row exists before it is locked, so a concurrent first claim of a key also waits.
    await session.execute(
        dialect_insert(session, table).on_conflict_do_nothing(),
        [{"consumer": consumer, "source": s, "key": k, "sequence": 0, "applied_at": now} for s, k in keys],
    )
    rows = await session.execute(
        select(table.c.source, table.c.key, table.c.sequence)
        .where(table.c.consumer == consumer, table.c.key.in_({key for _, key in keys}))
        .with_for_update()
    )
    return {(source, key): sequence for source, key, sequence in rows if (source, key) in keys}


async def advance_sequences(
    session: AsyncSession, table: Table, *, consumer: str, marks: Mapping[SourceKey, int]
) -> None:
    """Raise ``consumer``'s marks to ``marks`` (rows locked by :func:`lock_sequences`)."""
    if not marks:
        return
    now = utc_now()
    statement = dialect_insert(session, table)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.consumer, table.c.source, table.c.key],
            set_={"sequence": statement.excluded.sequence, "applied_at": now},
        ),
        [
            {"consumer": consumer, "source": s, "key": k, "sequence": sequence, "applied_at": now}
            for (s, k), sequence in marks.items()
        ],
    )
