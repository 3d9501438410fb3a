"""The outbox relay: publishes stored events in order per key and marks them sent.

It wakes when a write commits (see ``shared.db.outbox``) and otherwise polls now and then. It
keeps running while Kafka is down (backing off, keeping every row) and catches up when the
broker returns. Delivery is at least once: a crash between the broker's ack and the commit that
marks rows sent publishes them again, and consumers drop the duplicate through their inbox.

On PostgreSQL several relays may run at once. Each locks the keys it publishes with transaction
advisory locks, so one key's events are only ever in one relay's hands and leave in id order.
(``FOR UPDATE SKIP LOCKED`` alone would let a second relay publish a later event of a key while
the first still holds an earlier one.) On SQLite one relay runs.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from sqlalchemy import Table, bindparam, column, func, select
from sqlalchemy.dialects.postgresql import ARRAY, INTEGER
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared import metrics, tracing
from shared.db.outbox import (
    RELAY_LOCK_NAMESPACE,
    TOMBSTONE,
    WriteListener,
    envelope_of,
    key_lock_id,
    until_written,
)
from shared.kafka.faults import described
from shared.kafka.producer import OutgoingRecord, send_all
from shared.time import utc_now

log = logging.getLogger(__name__)

PRUNE_INTERVAL_S = 600.0
BACKLOG_INTERVAL_S = 5.0


class OutboxRelay:
    def __init__(
        self,
        *,
        engine: AsyncEngine,
        table: Table,
        producer_factory: Callable[[], AIOKafkaProducer],
        publish_timeout_s: float = 30.0,
        batch_size: int = 1000,
        idle_interval_s: float = 0.1,
        listening_interval_s: float = 5.0,
        max_backoff_s: float = 5.0,
        retention: timedelta = timedelta(days=7),
        service: str = "",
    ) -> None:
        self._engine = engine
        self._table = table
        self._producer_factory = producer_factory
        self._producer: AIOKafkaProducer | None = None
        self._publish_timeout_s = publish_timeout_s
        self._batch_size = batch_size
        self._idle_interval_s = idle_interval_s
        self._listening_interval_s = listening_interval_s
        self._listener = WriteListener(engine, table)
        self._max_backoff_s = max_backoff_s
        self._retention = retention
        self._service = service

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until ``stop`` is set; never gives up on an outage. Sent rows older than the
        retention are pruned now and then (kept meanwhile for inspection and replays)."""
        failures = 0
        next_prune = next_measure = time.monotonic()
        try:
            while not stop.is_set():
                try:
                    if time.monotonic() >= next_prune:
                        await self.prune_sent()
                        next_prune = time.monotonic() + PRUNE_INTERVAL_S
                    if time.monotonic() >= next_measure:
                        await self.measure_backlog()
                        next_measure = time.monotonic() + BACKLOG_INTERVAL_S
                    published = await self.publish_pending()
                    failures = 0
                except Exception as error:  # noqa: BLE001 - any outage: keep the rows, back off
                    failures += 1
                    delay = min(self._max_backoff_s, 0.2 * 2 ** min(failures, 8))
                    if failures == 1 or failures % 10 == 0:  # a long outage logs every tenth try
                        log.warning(
                            "outbox relay: %s (try %d); retrying in %.1fs", described(error), failures, delay
                        )
                    await self.close()
                    await _sleep_unless(stop, delay)
                    continue
                if published < self._batch_size:
                    # Caught up (as far as this relay can tell): nothing waits until the next write.
                    metrics.OUTBOX_BACKLOG.labels(self._service).set(0)
                    metrics.OUTBOX_OLDEST_AGE.labels(self._service).set(0)
                    # Woken by a write; polls only as a safety net while writes can wake it.
                    listening = await self._listener.listening()
                    interval = self._listening_interval_s if listening else self._idle_interval_s
                    await until_written(self._table, stop, interval)
        finally:
            await self._listener.close()
            await self.close()

    async def publish_pending(self) -> int:
        """Publish one batch of unsent rows; returns how many were published."""
        async with self._engine.begin() as connection:
            rows = await self._claim(connection)
            if not rows:
                return 0
            producer = await self._started_producer()
            records = []
            for row in rows:
                if row["type"] == TOMBSTONE:
                    records.append(OutgoingRecord(row["topic"], row["key"].encode(), None, []))
                    continue
                envelope = envelope_of(row)
                with tracing.publishing(
                    topic=row["topic"], event_type=envelope.type, traceparent=envelope.traceparent
                ) as carried:
                    records.append(
                        OutgoingRecord.of(replace(envelope, traceparent=carried), topic=row["topic"])
                    )
            await send_all(producer, records, timeout_s=self._publish_timeout_s)
            ids = [row["id"] for row in rows]
            await connection.execute(
                self._table.update().where(self._table.c.id.in_(ids)).values(sent_at=utc_now())
            )
        metrics.EVENTS_PUBLISHED.labels(self._service).inc(len(rows))
        return len(rows)

    async def measure_backlog(self) -> tuple[int, float]:
        """How many rows wait and how old the oldest is, in seconds (for ``/metrics``)."""
        unsent = self._table.c.sent_at.is_(None)
        async with self._engine.connect() as connection:
            count, oldest = (
                await connection.execute(
                    select(func.count(), func.min(self._table.c.recorded_at)).where(unsent)
                )
            ).one()
        age = 0.0 if oldest is None else max(0.0, (utc_now() - oldest).total_seconds())
        metrics.OUTBOX_BACKLOG.labels(self._service).set(count)
        metrics.OUTBOX_OLDEST_AGE.labels(self._service).set(age)
        return int(count), age

    async def prune_sent(self) -> int:
        """Delete rows sent longer ago than the retention; returns how many."""
        cutoff = utc_now() - self._retention
        async with self._engine.begin() as connection:
            result = await connection.execute(self._table.delete().where(self._table.c.sent_at < cutoff))
        return int(result.rowcount)

    async def _claim(self, connection: AsyncConnection) -> Sequence[dict[str, Any]]:
        unsent = select(self._table).where(self._table.c.sent_at.is_(None)).order_by(self._table.c.id)
        if connection.dialect.name != "postgresql":
            result = await connection.execute(unsent.limit(self._batch_size))
            return [dict(row) for row in result.mappings()]
        candidates = (
            await connection.execute(
                select(self._table.c.key)
                .where(self._table.c.sent_at.is_(None))
                .order_by(self._table.c.id)
                .limit(self._batch_size)
            )
        ).scalars()
        by_lock: dict[int, set[str]] = {}
        for key in candidates:
            by_lock.setdefault(key_lock_id(key), set()).add(key)
        if not by_lock:
            return []
        lock = column("lock_id", INTEGER)
        locked = (
            await connection.execute(
                select(lock)
                .select_from(func.unnest(bindparam("ids", type_=ARRAY(INTEGER))).alias("lock_id"))
                .where(func.pg_try_advisory_xact_lock(RELAY_LOCK_NAMESPACE, lock)),
                {"ids": list(by_lock)},
            )
        ).scalars()
        keys = [key for lock_id in locked for key in by_lock[lock_id]]
        if not keys:
            return []
        result = await connection.execute(unsent.where(self._table.c.key.in_(keys)).limit(self._batch_size))
        return [dict(row) for row in result.mappings()]

    async def _started_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = self._producer_factory()
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def close(self) -> None:
        """Stop the relay's producer (``run`` does this itself when it ends)."""
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                await producer.stop()
            except Exception:
                log.debug("outbox relay: producer did not stop cleanly", exc_info=True)


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
