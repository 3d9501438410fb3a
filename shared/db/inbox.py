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

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import BigInteger, Column, MetaData, String, Table, TextClause, case, select, text
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
        Column("previous", BigInteger(), nullable=False, comment="the mark before the last raise"),
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


@functools.cache
def _raise_marks_on_postgresql(table: str) -> TextClause:
    return text(
        f"INSERT INTO {table} (consumer, source, key, sequence, previous, applied_at) "
        "SELECT :consumer, source, key, sequence, 0, :now "
        "FROM unnest(CAST(:sources AS varchar[]), CAST(:keys AS varchar[]), CAST(:sequences AS bigint[])) "
        "WITH ORDINALITY AS marks(source, key, sequence, n) ORDER BY n "
        f"ON CONFLICT (consumer, source, key) DO UPDATE SET previous = {table}.sequence, "
        f"sequence = GREATEST({table}.sequence, excluded.sequence), applied_at = excluded.applied_at "
        "RETURNING source, key, previous"
    )


async def raise_marks(
    session: AsyncSession, table: Table, *, consumer: str, highest: Mapping[SourceKey, int]
) -> dict[SourceKey, int]:
    """Raise ``consumer``'s mark of each key to at least ``highest[key]`` and return each mark as
    it was before: a key's events above it are new. One statement (an upsert that keeps the old
    mark in ``previous``); its rows stay locked until the caller's transaction ends, so a second
    consumer of the same keys (a rebalance that hands a partition over mid-batch) waits for this
    one's outcome and then sees the raised marks."""
    if not highest:
        return {}
    now = utc_now()
    # in one order, so two consumers of overlapping keys never wait for each other in a cycle
    ordered = sorted(highest.items())
    if session.get_bind().dialect.name == "postgresql":
        # three arrays, one statement: no per-row parameters to build
        rows = await session.execute(
            _raise_marks_on_postgresql(table.name),
            {
                "consumer": consumer,
                "sources": [source for (source, _), _ in ordered],
                "keys": [key for (_, key), _ in ordered],
                "sequences": [sequence for _, sequence in ordered],
                "now": now,
            },
        )
        return {(source, key): previous for source, key, previous in rows}
    statement = dialect_insert(session, table)
    stored, offered = table.c.sequence, statement.excluded.sequence
    rows = await session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.consumer, table.c.source, table.c.key],
            set_={
                "previous": stored,
                "sequence": case((stored < offered, offered), else_=stored),
                "applied_at": now,
            },
        ).returning(table.c.source, table.c.key, table.c.previous),
        [
            {"consumer": consumer, "source": s, "key": k, "sequence": n, "previous": 0, "applied_at": now}
            for (s, k), n in ordered
        ],
    )
    return {(source, key): previous for source, key, previous in rows}
