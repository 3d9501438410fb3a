"""Reading and writing test topics on the real broker."""

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.kafka.producer import OutgoingRecord
from shared.kafka.provisioning import ensure_topics, partitions_of
from shared.settings import KafkaSettings


async def read_topic(bootstrap_servers: str, topic: str, *, count: int, timeout_s: float = 30) -> list[Any]:
    """The first ``count`` records of ``topic`` (from the beginning), or fail after ``timeout_s``."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    records: list[Any] = []
    try:
        async with asyncio.timeout(timeout_s):
            while len(records) < count:
                batch = await consumer.getmany(timeout_ms=200)
                for partition_records in batch.values():
                    records.extend(partition_records)
    except TimeoutError:
        raise AssertionError(
            f"{topic}: expected {count} records within {timeout_s}s, saw {len(records)}"
        ) from None
    finally:
        await consumer.stop()
    return records


async def write_topic(bootstrap_servers: str, records: Sequence[OutgoingRecord]) -> None:
    """Write ``records`` as a producer outside KeepWarm would, creating their topics first (the
    broker creates none by itself)."""
    await ensure_topics(KafkaSettings(bootstrap_servers=bootstrap_servers), {r.topic for r in records})
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for record in records:
            await producer.send_and_wait(record.topic, record.value, key=record.key, headers=record.headers)
    finally:
        await producer.stop()


def header(record: Any, name: str) -> str | None:
    for key, value in record.headers:
        if key == name:
            return bytes(value).decode()
    return None


async def read_until(
    bootstrap_servers: str, topic: str, done: Callable[[list[Any]], bool], *, timeout_s: float = 30
) -> list[Any]:
    """Records of ``topic`` from the beginning, until ``done(records)`` holds."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap_servers, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    records: list[Any] = []
    try:
        async with asyncio.timeout(timeout_s):
            while not done(records):
                for partition_records in (await consumer.getmany(timeout_ms=200)).values():
                    records.extend(partition_records)
    except TimeoutError:
        raise AssertionError(
            f"{topic}: condition not met within {timeout_s}s; saw {len(records)} records"
        ) from None
    finally:
        await consumer.stop()
    return records


async def read_all(bootstrap_servers: str, topic: str) -> list[Any]:
    """Every record on ``topic`` now, from the beginning of each partition to its end."""
    numbers = await partitions_of(KafkaSettings(bootstrap_servers=bootstrap_servers), topic)
    partitions = [TopicPartition(topic, p) for p in numbers]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[Any] = []
        for partition in partitions:
            while await consumer.position(partition) < ends[partition]:
                batch = await consumer.getmany(partition, timeout_ms=500)
                records += [r for r in batch.get(partition, []) if r.offset < ends[partition]]
        return records
    finally:
        await consumer.stop()
