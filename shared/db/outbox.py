"""The transactional outbox: an event is stored in the same transaction as the change it describes.

Writers call :func:`stage_all` inside their unit of work; :class:`OutboxRelay` (in
``shared.kafka.relay``) publishes the stored rows in order per key and marks them sent. HTTP writes
therefore never wait for Kafka, and an event is never published for a change that rolled back.
"""

import asyncio
import contextlib
import logging
import uuid
import zlib
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    event,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from shared import tracing
from shared.contracts.base import Event
from shared.db.types import UTCDateTime
from shared.kafka.cloudevents import CloudEvent, sequence_of
from shared.time import utc_now

log = logging.getLogger(__name__)

OUTBOX_TABLE = "outbox"
# PostgreSQL channel on which every write to an outbox is announced when it commits.
WRITTEN_CHANNEL = "keepwarm_outbox_written"
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
        Column("traceparent", String(55), nullable=True, comment="W3C trace context it was staged in"),
        Index(
            "ix_outbox_unsent",
            "id",
            postgresql_where=text("sent_at IS NULL"),
            sqlite_where=text("sent_at IS NULL"),
        ),
        # Ids are the events' sequences: never reused, even once every row is pruned.
        sqlite_autoincrement=True,
    )


def key_lock_id(key: str) -> int:
    """A stable signed 32-bit id for a message key (the advisory lock's second half)."""
    return zlib.crc32(key.encode()) - 2**31


TOMBSTONE = "keepwarm.tombstone"
"""The type of an outbox row that publishes a tombstone (a key with no value) to a state topic."""


async def stage_all(
    session: AsyncSession,
    table: Table,
    *,
    topic: str,
    events: Sequence[Event],
    source: str,
    state_topic: str | None = None,
) -> list[CloudEvent]:
    """Add ``events`` to the outbox in the caller's transaction, in order, with one statement;
    with a ``state_topic``, also each event under the entities it carries the state of, and a
    tombstone for each entity it deletes."""
    envelopes = [CloudEvent.of(event, source=source) for event in events]
    if not envelopes:
        return []
    traceparent = tracing.current_traceparent()
    rows = [_row(envelope, topic=topic, traceparent=traceparent) for envelope in envelopes]
    if state_topic is not None:
        for event, envelope in zip(events, envelopes, strict=True):
            rows += [
                _row(
                    replace(envelope, id=str(uuid.uuid5(_STATES, f"{envelope.id} {key}")), key=key),
                    topic=state_topic,
                    traceparent=traceparent,
                )
                for key in event.states
            ]
    await _insert(session, table, rows)
    if state_topic is not None:
        ended = {key for event in events for key in event.ends}
        await stage_tombstones(session, table, topic=state_topic, keys=ended, source=source)
    return envelopes


async def stage_tombstones(
    session: AsyncSession, table: Table, *, topic: str, keys: Collection[str], source: str
) -> None:
    """Tombstones for ``keys`` on the state topic ``topic``, in the caller's transaction; the
    keys' earlier rows leave the outbox (they tell of what is being deleted)."""
    if not keys:
        return
    await session.execute(table.delete().where(table.c.topic == topic, table.c.key.in_(list(keys))))
    await _insert(session, table, [_tombstone(key, topic=topic, source=source) for key in sorted(keys)])


_STATES = uuid.UUID("6b0e6f0e-2f5b-4c8e-9a57-5d7c3b1f0a11")


def _row(envelope: CloudEvent, *, topic: str, traceparent: str | None) -> dict[str, object]:
    return {
        "event_id": envelope.id,
        "topic": topic,
        "key": envelope.key,
        "type": envelope.type,
        "source": envelope.source,
        "subject": envelope.subject,
        "recorded_at": envelope.time,
        "data": envelope.data,
        "traceparent": traceparent,
    }


def _tombstone(key: str, *, topic: str, source: str) -> dict[str, object]:
    return {
        "event_id": str(uuid.uuid4()),
        "topic": topic,
        "key": key,
        "type": TOMBSTONE,
        "source": source,
        "subject": None,
        "recorded_at": utc_now(),
        "data": b"",
        "traceparent": None,
    }


async def _insert(session: AsyncSession, table: Table, rows: Sequence[dict[str, object]]) -> None:
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        # One statement: the key locks, sorted so that two writers of overlapping keys always
        # lock in the same order, and the notification that wakes relays when this commits
        # (PostgreSQL delivers it once per transaction, and only if the transaction commits).
        lock_ids = sorted({key_lock_id(str(row["key"])) for row in rows})
        await session.execute(
            text(
                "SELECT pg_advisory_xact_lock(:namespace, lock_id), pg_notify(:channel, '') "
                "FROM unnest(CAST(:lock_ids AS integer[])) WITH ORDINALITY AS locks(lock_id, n) ORDER BY n"
            ),
            {"namespace": WRITER_LOCK_NAMESPACE, "lock_ids": lock_ids, "channel": WRITTEN_CHANNEL},
        )
    # whoever commits this transaction (a unit of work, a consumer's batch) wakes the relay here
    session.sync_session.info.setdefault(_STAGED, set()).add(table)
    await session.execute(table.insert(), rows)


def envelope_of(row: dict[str, object]) -> CloudEvent:
    """The event a stored row publishes; its outbox id is its ``sequence``."""
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
        sequence=sequence_of(int(row["id"])),  # type: ignore[call-overload]
        traceparent=None if row.get("traceparent") is None else str(row["traceparent"]),
    )


# --- waking the relay ---------------------------------------------------------------------------
# A committed write wakes the relay at once instead of waiting for its next poll: in the writer's
# own process through an asyncio event set when a session that staged events commits (``keepwarm
# up``, the ``all`` role), and on PostgreSQL from any process through LISTEN/NOTIFY
# (:class:`WriteListener`). The poll remains as a safety net.

_written: dict[tuple[int, int], asyncio.Event] = {}
_STAGED = "keepwarm.outbox_staged"


@event.listens_for(Session, "after_commit")
def _wake_after_commit(session: Session) -> None:
    for table in session.info.pop(_STAGED, ()):
        outbox_written(table)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_STAGED, None)


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


class WriteListener:
    """LISTEN for committed outbox writes on PostgreSQL (through asyncpg), from whichever
    process made them, and wake ``table``'s relay in this process. Elsewhere it never listens."""

    def __init__(self, engine: AsyncEngine, table: Table) -> None:
        self._engine = engine
        self._table = table
        self._connection: AsyncConnection | None = None
        self._driver: Any = None

    async def listening(self) -> bool:
        """Whether writes will wake the relay; (re)connects if the listening connection was lost.
        Never raises: without it the relay polls."""
        if self._driver is not None and not self._driver.is_closed():
            return True
        await self.close()
        if self._engine.dialect.name != "postgresql":
            return False
        try:
            connection = await self._engine.connect()
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection
            if not hasattr(driver, "add_listener"):
                await connection.close()
                return False
            await driver.add_listener(WRITTEN_CHANNEL, self._notified)
            # a lost connection wakes the relay too, which then listens again (or polls)
            driver.add_termination_listener(self._notified)
        except Exception as error:  # noqa: BLE001 - the database is out of reach: poll meanwhile
            log.debug("outbox relay: not listening for writes (%s)", type(error).__name__)
            return False
        self._connection, self._driver = connection, driver
        return True

    def _notified(self, *_: object) -> None:
        outbox_written(self._table)

    async def close(self) -> None:
        connection, self._connection, self._driver = self._connection, None, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.invalidate()  # never hand a listening connection back to the pool
            with contextlib.suppress(Exception):
                await connection.close()
