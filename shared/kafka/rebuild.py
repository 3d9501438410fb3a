"""Rebuilding a projection from a state topic: every partition read from its beginning to where it
ended when the rebuild started, without a consumer group (nothing is committed, nothing joins the
live consumers), keeping the newest record of each key as compaction would; a tombstone takes its
key away, so what was deleted or erased stays gone even before the broker has compacted it."""

import logging
from collections.abc import AsyncIterator, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.contracts.base import EventData
from shared.kafka.cloudevents import CloudEvent, MalformedEvent
from shared.kafka.consumer import BatchHandler
from shared.kafka.provisioning import partitions_of
from shared.settings import KafkaSettings

log = logging.getLogger(__name__)


async def live_states(settings: KafkaSettings, topic: str) -> AsyncIterator[list[EventData]]:
    """The newest event of every key that has one, a partition at a time (a key never leaves its
    partition, so one partition's keys are all that is held at once)."""
    consumer = AIOKafkaConsumer(
        **settings.client_options(),
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        request_timeout_ms=settings.request_timeout_ms,
    )
    assigned = [TopicPartition(topic, p) for p in await partitions_of(settings, topic)]
    await consumer.start()
    try:
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        ends = await consumer.end_offsets(assigned)
        for partition in assigned:
            latest: dict[bytes, tuple[bytes, Sequence[tuple[str, bytes]]] | None] = {}
            position = await consumer.position(partition)
            while position < ends[partition]:
                batches = await consumer.getmany(partition, timeout_ms=1000, max_records=1000)
                for record in batches.get(partition, []):
                    if record.offset >= ends[partition] or record.key is None:
                        continue
                    latest[record.key] = None if record.value is None else (record.value, record.headers)
                position = await consumer.position(partition)
            yield [
                event
                for key, state in latest.items()
                if state is not None and (event := _decoded(key, *state)) is not None
            ]
    finally:
        await consumer.stop()


def _decoded(key: bytes, value: bytes, headers: Sequence[tuple[str, bytes]]) -> EventData | None:
    try:
        return CloudEvent.from_record(key=key, value=value, headers=headers).decode()
    except MalformedEvent as error:
        log.warning("rebuild: a state record that cannot be read is skipped: %s", error)
        return None


async def rebuild(
    *,
    settings: KafkaSettings,
    topic: str,
    sessions: async_sessionmaker[AsyncSession],
    handler: BatchHandler,
    batch_size: int = 500,
) -> int:
    """Apply the live state of ``topic`` through ``handler``, ``batch_size`` events per
    transaction; returns how many events were applied."""
    applied = 0
    async for events in live_states(settings, topic):
        for start in range(0, len(events), batch_size):
            batch = events[start : start + batch_size]
            async with sessions.begin() as session:
                await handler(session, batch)
            applied += len(batch)
    return applied
