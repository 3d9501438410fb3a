"""The transactional outbox: an event is stored in the same transaction as the change it describes.

Writers call :func:`stage_all` inside their unit of work; :class:`OutboxRelay` (in
``shared.kafka.relay``) publishes the stored rows in order per key and marks them sent. HTTP writes
therefore never wait for Kafka, and an event is never published for a change that rolled back.
"""

import asyncio
import zlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import EventData
from shared.db.types import UTCDateTime
from shared.kafka.cloudevents import CloudEvent

OUTBOX_TABLE = "outbox"
# Advisory-lock namespaces for outbox keys (PostgreSQL). Writers of one key queue behind each other,
# so ids follow commit order within a key; relays lock a key before publishing its rows. Two
# namespaces, so a writer never waits for a relay that is waiting for Kafka.
WRITER_LOCK_NAMESPACE = 0x4B57
RELAY_LOCK_NAMESPACE = 0x4B58


def outbox_table(metadata: MetaData) -> Table:
    """Define the outbox table in a service's own metadata."""
    return Table(
        OUTBOX_TABLE,
        metadata,
        Column(
            "id",
            BigInteger().with_variant(Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        Column("event_id", String(64), nullable=False, unique=True),
        Column("topic", String(249), nullable=False),
        Column("key", String(200), nullable=False),
        Column("type", String(200), nullable=False),
        Column("source", String(200), nullable=False),
        Column("subject", String(200), nullable=True),
        Column("recorded_at", UTCDateTime(), nullable=False),
        Column("data", LargeBinary, nullable=False),
        Column("sent_at", UTCDateTime(), nullable=True),
        Index(
            "ix_outbox_unsent",
            "id",
            postgresql_where=text("sent_at IS NULL"),
            sqlite_where=text("sent_at IS NULL"),
        ),
    )


def key_lock_id(key: str) -> int:
    """A stable signed 32-bit id for a message key (the advisory lock's second half)."""
    return zlib.crc32(key.encode()) - 2**31


async def stage_all(
    session: AsyncSession, table: Table, *, topic: str, events: Sequence[EventData], source: str
) -> list[CloudEvent]:
    """Add ``events`` to the outbox in the caller's transaction, in order, with one statement."""
    envelopes = [CloudEvent.of(event, source=source) for event in events]
    if not envelopes:
        return []
    if session.get_bind().dialect.name == "postgresql":
        # one statement; sorted, so two writers of overlapping keys always lock in the same order
        lock_ids = sorted({key_lock_id(envelope.key) for envelope in envelopes})
        await session.execute(
            text(
                "SELECT pg_advisory_xact_lock(:namespace, lock_id) "
                "FROM unnest(CAST(:lock_ids AS integer[])) WITH ORDINALITY AS locks(lock_id, n) ORDER BY n"
            ),
            {"namespace": WRITER_LOCK_NAMESPACE, "lock_ids": lock_ids},
        )
    await session.execute(
        table.insert(),
        [
            {
                "event_id": envelope.id,
                "topic": topic,
                "key": envelope.key,
                "type": envelope.type,
                "source": envelope.source,
                "subject": envelope.subject,
                "recorded_at": envelope.time,
                "data": envelope.data,
            }
            for envelope in envelopes
        ],
    )
    return envelopes


def envelope_of(row: dict[str, object]) -> CloudEvent:
    recorded_at = row["recorded_at"]
    assert isinstance(recorded_at, datetime)
    return CloudEvent(
        id=str(row["event_id"]),
        type=str(row["type"]),
        source=str(row["source"]),
        subject=None if row["subject"] is None else str(row["subject"]),
        time=recorded_at,
        key=str(row["key"]),
        data=bytes(row["data"]),  # type: ignore[call-overload]
    )


# --- waking the relay ---------------------------------------------------------------------------
# Where the API and the relay share a process (``keepwarm up``, the ``all`` role), a committed
# write wakes the relay at once instead of waiting for its next poll; elsewhere the poll remains.

_written: dict[tuple[int, int], asyncio.Event] = {}


def _signal(table: Table) -> asyncio.Event:
    key = (id(table), id(asyncio.get_running_loop()))
    found = _written.get(key)
    if found is None:
        found = _written[key] = asyncio.Event()
    return found


def outbox_written(table: Table) -> None:
    """Events were committed to ``table``: wake its relay in this process."""
    _signal(table).set()


async def until_written(table: Table, stop: asyncio.Event, timeout_s: float) -> None:
    """Wait until a write to ``table`` is committed in this process, ``stop`` is set, or
    ``timeout_s`` passes."""
    signal = _signal(table)
    waits = {asyncio.ensure_future(signal.wait()), asyncio.ensure_future(stop.wait())}
    try:
        await asyncio.wait(waits, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
    signal.clear()
