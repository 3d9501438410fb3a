"""The FastStream broker of a service, and the subscriber that feeds an :class:`EventConsumer`."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka import TopicPartition
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy
from faststream.security import SASLScram512

from shared import metrics
from shared.kafka.consumer import EventConsumer, as_records
from shared.settings import KafkaSettings


def create_broker(settings: KafkaSettings, *, client_id: str) -> KafkaBroker:
    security = None
    if settings.security_protocol == "SASL_SSL":
        options = settings.client_options()
        security = SASLScram512(
            username=options["sasl_plain_username"],
            password=options["sasl_plain_password"],
            ssl_context=options["ssl_context"],
            use_ssl=True,
        )
    return KafkaBroker(
        settings.bootstrap_servers,
        security=security,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        request_timeout_ms=settings.request_timeout_ms,
        logger=None,
    )


async def _raw_body(message: Any, _original: Any = None) -> Any:
    # The consumer reads CloudEvents itself, so a malformed body reaches the dead-letter topic
    # instead of failing inside FastStream's decoder.
    return message.body


async def _batch_unparsed(records: tuple[Any, ...], original: Callable[[Any], Awaitable[Any]]) -> Any:
    # FastStream's batch parser decodes every header of every record into dicts nobody reads
    # here: the consumer reads the CloudEvents attributes it needs from the records, once. So
    # FastStream parses the first record only, and the message carries the whole batch.
    message = await original(records[:1])
    message.raw_message = records
    return message


def record_lag(name: str, kafka: Any, records: Sequence[Any]) -> None:
    """Each partition's lag after the batch: its high watermark less the next offset to read."""
    after: dict[TopicPartition, int] = {}
    for record in records:
        partition = TopicPartition(record.topic, record.partition)
        after[partition] = max(after.get(partition, 0), record.offset + 1)
    for partition, next_offset in after.items():
        highwater = kafka.highwater(partition) if hasattr(kafka, "highwater") else None
        if highwater is not None:
            lag = max(0, highwater - next_offset)
            metrics.CONSUMER_LAG.labels(name, partition.topic, str(partition.partition)).set(lag)


def subscribe(
    broker: KafkaBroker,
    consumer: EventConsumer,
    *,
    topic: str,
    group_id: str,
    max_records: int = 2000,
    fetch_min_bytes: int = 1,
    description: str | None = None,
) -> None:
    """Consume ``topic`` in batches through ``consumer``, committing offsets only after it succeeded."""

    async def consume_batch(_: list[bytes], message: KafkaMessage) -> None:
        records = as_records(message.raw_message)
        await consumer.process(records)
        record_lag(consumer.name, message.consumer, records)

    broker.subscriber(
        topic,
        batch=True,
        group_id=group_id,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        auto_offset_reset="earliest",
        max_records=max_records,
        # By default a fetch answers as soon as anything is there, so an event is applied within
        # milliseconds; under load the batches still fill with what arrived meanwhile. A larger
        # minimum trades that latency (up to the 100 ms wait) for fuller batches.
        fetch_min_bytes=fetch_min_bytes,
        fetch_max_wait_ms=100,
        parser=_batch_unparsed,
        decoder=_raw_body,
        title=f"{consumer.name}:{topic}",
        description=description,
    )(consume_batch)
