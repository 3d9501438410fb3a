"""Consuming events: batches in one transaction, an inbox against duplicates (the highest
sequence applied per source and key, or the ids of events without a sequence; see
``shared.db.inbox``), bounded retries, and a dead-letter topic so one bad message never blocks
its partition.

FastStream has no dead-letter support for Kafka; :class:`EventConsumer` owns it. Offsets are
committed (the FastStream message acked) only after the batch's transaction has committed and
every dead letter has been acknowledged by the broker, so nothing is lost.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiokafka import AIOKafkaProducer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import metrics, tracing
from shared.contracts.base import EventData
from shared.contracts.topics import Topics
from shared.db.failures import is_transient
from shared.db.inbox import Inbox, SourceKey, claim, claimed, raise_marks
from shared.kafka.cloudevents import CloudEvent, MalformedEvent
from shared.kafka.faults import described, fault_text
from shared.kafka.producer import OutgoingRecord, send_all
from shared.time import utc_now

log = logging.getLogger(__name__)
MAX_OUTAGE_WAIT_S = 5.0

Handler = Callable[[AsyncSession, EventData, CloudEvent], Awaitable[None]]
"""Applies one event inside the batch's transaction. Raising rolls the batch back."""

BatchHandler = Callable[[AsyncSession, Sequence[EventData]], Awaitable[None]]
"""Applies a batch's new events at once, in its transaction (after the per-event handler, if
any): bulk statements, and one recomputation of what the events touched."""


class Record(Protocol):
    """The parts of a consumed Kafka record this module reads (aiokafka's ConsumerRecord)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    first_backoff_s: float = 0.1
    max_backoff_s: float = 2.0

    def backoff(self, attempt: int) -> float:
        return float(min(self.max_backoff_s, self.first_backoff_s * 2 ** (attempt - 1)))


@dataclass
class BatchOutcome:
    applied: int = 0
    duplicates: int = 0
    dead_lettered: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Decoded:
    record: Record
    envelope: CloudEvent
    event: EventData
    sequence: int | None

    @property
    def source_key(self) -> SourceKey:
        return self.envelope.source, self.envelope.key


class EventConsumer:
    """Applies batches of records through a handler, exactly once in effect."""

    def __init__(
        self,
        *,
        name: str,
        sessions: async_sessionmaker[AsyncSession],
        inbox: Inbox,
        handler: Handler | None = None,
        dead_letter_producer: Callable[[], Awaitable[AIOKafkaProducer]],
        retry: RetryPolicy = RetryPolicy(),
        publish_timeout_s: float = 30.0,
        batch_handler: BatchHandler | None = None,
    ) -> None:
        self.name = name
        self._sessions = sessions
        self._inbox = inbox
        self._handler = handler
        self._dead_letter_producer = dead_letter_producer
        self._retry = retry
        self._publish_timeout_s = publish_timeout_s
        self._batch_handler = batch_handler
        self._outage = 0

    async def process(self, records: Sequence[Record]) -> BatchOutcome:
        """Apply ``records``; returns what happened. Raises only for transient failures,
        in which case nothing of the batch may be committed and it must be redelivered."""
        outcome = await self._process(records)
        metrics.BATCHES.labels(self.name).inc()
        metrics.EVENTS_APPLIED.labels(self.name).inc(outcome.applied)
        metrics.DUPLICATES.labels(self.name).inc(outcome.duplicates)
        return outcome

    async def _process(self, records: Sequence[Record]) -> BatchOutcome:
        outcome = BatchOutcome()
        decoded: list[_Decoded] = []
        seen: set[str] = set()
        for record in records:
            try:
                envelope = CloudEvent.from_record(key=record.key, value=record.value, headers=record.headers)
                item = _Decoded(record, envelope, envelope.decode(), envelope.sequence_number)
            except MalformedEvent as error:
                await self._dead_letter(record, error, attempts=1)
                outcome.dead_lettered.append(f"{record.topic}:{record.partition}:{record.offset}")
                continue
            if envelope.id in seen:
                outcome.duplicates += 1
                continue
            seen.add(envelope.id)
            decoded.append(item)
        if not decoded:
            return outcome
        try:
            applied, duplicates = await self._apply(decoded)
        except Exception as error:
            if is_transient(error):
                await self._wait_out(error)
                raise
            log.warning("%s: batch failed (%s), applying its events one by one", self.name, described(error))
            for item in decoded:
                await self._apply_one(item, outcome)
            return outcome
        outcome.applied += applied
        outcome.duplicates += duplicates
        self._outage = 0
        return outcome

    async def _wait_out(self, error: BaseException) -> None:
        """The database is out of reach: wait longer each time before the batch is redelivered
        (up to ``MAX_OUTAGE_WAIT_S``), and say so on the first failure and every tenth."""
        self._outage += 1
        delay = min(MAX_OUTAGE_WAIT_S, 0.1 * 2 ** min(self._outage, 8))
        if self._outage == 1 or self._outage % 10 == 0:
            log.warning(
                "%s: batch not applied (try %d), redelivered in %.1fs: %s",
                self.name,
                self._outage,
                delay,
                described(error),
            )
        await asyncio.sleep(delay)

    async def _apply(self, items: Sequence[_Decoded]) -> tuple[int, int]:
        async with self._sessions.begin() as session:
            fresh = await self._claim(session, items)
            for item in fresh:
                # each event in its consumer span (child of the record's context): what its
                # handler stages is staged under it, so the trace goes on
                with tracing.consuming(
                    consumer=self.name, event_type=item.envelope.type, traceparent=item.envelope.traceparent
                ):
                    if self._handler is not None:
                        await self._handler(session, item.event, item.envelope)
            if self._batch_handler is not None and fresh:
                with tracing.batch(
                    consumer=self.name, traceparents=[item.envelope.traceparent for item in fresh]
                ):
                    await self._batch_handler(session, [item.event for item in fresh])
        return len(fresh), len(items) - len(fresh)

    async def _claim(self, session: AsyncSession, items: Sequence[_Decoded]) -> list[_Decoded]:
        """Record ``items`` as applied in ``session``'s transaction; returns those not applied
        before, in order. A sequenced event is new when its sequence is above the mark of its
        source and key; any other event when its id was never claimed."""
        highest: dict[SourceKey, int] = {}
        for item in items:
            if item.sequence is not None and item.sequence > highest.get(item.source_key, 0):
                highest[item.source_key] = item.sequence
        marks = await raise_marks(session, self._inbox.sequences, consumer=self.name, highest=highest)
        # A key seen for the first time may have events applied by id before its source
        # stamped sequences (a republish across an upgrade): those ids still count.
        first_seen = [
            item.envelope.id for item in items if item.sequence is not None and marks[item.source_key] == 0
        ]
        applied_by_id = await claimed(session, self._inbox.events, consumer=self.name, event_ids=first_seen)
        ids = [item.envelope.id for item in items if item.sequence is None]
        new_ids = await claim(session, self._inbox.events, consumer=self.name, event_ids=ids)
        fresh = []
        for item in items:
            if item.sequence is None:
                if item.envelope.id in new_ids:
                    fresh.append(item)
            elif item.sequence > marks[item.source_key] and item.envelope.id not in applied_by_id:
                marks[item.source_key] = item.sequence  # a copy later in the batch is a duplicate
                fresh.append(item)
        return fresh

    async def _apply_one(self, item: _Decoded, outcome: BatchOutcome) -> None:
        for attempt in range(1, self._retry.attempts + 1):
            try:
                applied, duplicates = await self._apply([item])
            except Exception as error:
                if is_transient(error):
                    await self._wait_out(error)
                    raise  # not the event's fault: the whole batch waits and is redelivered
                if attempt == self._retry.attempts:
                    await self._dead_letter(item.record, error, attempts=attempt)
                    await self._remember_dead_letter(item)
                    outcome.dead_lettered.append(item.envelope.id)
                    return
                await asyncio.sleep(self._retry.backoff(attempt))
            else:
                outcome.applied += applied
                outcome.duplicates += duplicates
                return

    async def _remember_dead_letter(self, item: _Decoded) -> None:
        """Claim a dead-lettered event in the inbox, so a redelivery (a rebalance before the
        offset commit) does not dead-letter it a second time."""
        async with self._sessions.begin() as session:
            await self._claim(session, [item])

    async def _dead_letter(self, record: Record, error: BaseException, *, attempts: int) -> None:
        metrics.DEAD_LETTERS.labels(self.name, record.topic).inc()
        log.error(
            "%s: dead-lettering %s[%s]@%s after %d attempt(s): %s",
            self.name,
            record.topic,
            record.partition,
            record.offset,
            attempts,
            described(error),
        )
        headers = [(name, value) for name, value in record.headers if not name.startswith("dlq_")]
        headers += [
            (name, str(value).encode())
            for name, value in (
                ("dlq_error_type", type(error).__name__),
                ("dlq_error", fault_text(error)[:2000]),
                ("dlq_consumer", self.name),
                ("dlq_original_topic", record.topic),
                ("dlq_original_partition", record.partition),
                ("dlq_original_offset", record.offset),
                ("dlq_attempts", attempts),
                ("dlq_failed_at", utc_now().isoformat()),
            )
        ]
        outgoing = OutgoingRecord(
            topic=Topics.dead_letter(record.topic),
            key=record.key or b"",
            value=record.value or b"",
            headers=headers,
        )
        producer = await self._dead_letter_producer()
        await send_all(producer, [outgoing], timeout_s=self._publish_timeout_s)


def as_records(raw: Any) -> Sequence[Record]:
    """FastStream hands a batch subscriber's raw message as a tuple of records."""
    return raw if isinstance(raw, tuple) else (raw,)
