"""The one way this project produces to Kafka: acks from all replicas, idempotent, bounded waits."""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer

from shared.kafka.cloudevents import CloudEvent
from shared.settings import KafkaSettings


@dataclass(frozen=True, slots=True)
class OutgoingRecord:
    topic: str
    key: bytes
    value: bytes | None
    """None: a tombstone (the key's state is deleted, on a compacted topic)."""
    headers: list[tuple[str, bytes]]

    @classmethod
    def of(cls, envelope: CloudEvent, *, topic: str) -> "OutgoingRecord":
        return cls(topic, envelope.key.encode(), envelope.data, envelope.headers())


def create_producer(settings: KafkaSettings, *, client_id: str) -> AIOKafkaProducer:
    # aiokafka defaults to acks=1 without idempotence; a lost or doubled event is not acceptable.
    return AIOKafkaProducer(
        **settings.client_options(),
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        request_timeout_ms=settings.request_timeout_ms,
        linger_ms=0,
    )


async def send_all(
    producer: AIOKafkaProducer, records: Sequence[OutgoingRecord], *, timeout_s: float
) -> None:
    """Send ``records`` in order and wait until every one is acknowledged, or raise.

    Records are queued before any is awaited, so they travel in batches; the idempotent producer
    keeps their order within a partition.
    """
    async with asyncio.timeout(timeout_s):
        pending = [await producer.send(r.topic, r.value, key=r.key, headers=r.headers) for r in records]
        await asyncio.gather(*pending)


class LazyProducer:
    """A producer started on first use (a dead letter is rare), closed with :meth:`close`."""

    def __init__(self, settings: KafkaSettings, *, client_id: str) -> None:
        self._settings = settings
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    async def __call__(self) -> AIOKafkaProducer:
        async with self._lock:
            if self._producer is None:
                producer = create_producer(self._settings, client_id=self._client_id)
                await producer.start()
                self._producer = producer
            return self._producer

    async def close(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()
