"""Outbox relay publish throughput beside raw aiokafka consume throughput, on one broker, one run.

Raw consume throughput is the ceiling for a Python consumer; the relay's publish rate is what the
system can push out of a service's database. Both use the same CloudEvents records (~600 bytes).

    uv run python -m bench.relay_throughput --events 50000 [--write bench/results.md]

Starts its own Kafka (or uses KAFKA_BOOTSTRAP_SERVERS) and a throwaway PostgreSQL.
"""

import argparse
import asyncio
import platform
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.system import new_database
from shared.db.engine import create_engine
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.producer import create_producer
from shared.kafka.provisioning import ensure_topics
from shared.kafka.relay import OutboxRelay
from shared.settings import KafkaSettings
from tests.infrastructure import kafka_cluster, postgres_server
from tests.integration import backbone


@dataclass
class Measurement:
    name: str
    events: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds


def envelopes(count: int, owners: int = 200) -> Iterator[CloudEvent]:
    for n in range(count):
        event = backbone.contact_added(owner_id=f"owner-{n % owners}", contact_id=f"contact-{n}")
        yield CloudEvent.of(event, source="/bench")


async def raw_produce_then_consume(bootstrap: str, topic: str, count: int) -> list[Measurement]:
    records = list(envelopes(count))
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)
    await producer.start()
    await producer.send_and_wait(topic, b"{}", key=b"warm-up")
    started = time.perf_counter()
    pending = [await producer.send(topic, e.data, key=e.key.encode(), headers=e.headers()) for e in records]
    await asyncio.gather(*pending)
    produced = Measurement(
        "raw aiokafka produce (acks=all, idempotent)", count, time.perf_counter() - started
    )
    await producer.stop()
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=f"bench-{uuid.uuid4()}"
    )
    await consumer.start()
    seen = 0
    count += 1  # the warm-up record
    started = time.perf_counter()
    while seen < count:
        batch = await consumer.getmany(timeout_ms=500, max_records=5000)
        seen += sum(len(records) for records in batch.values())
    seconds = time.perf_counter() - started
    await consumer.stop()
    return [Measurement("raw aiokafka consume (getmany)", count, seconds), produced]


async def insert_outbox_rows(engine: AsyncEngine, topic: str, events: Iterable[CloudEvent]) -> None:
    rows = [
        {
            "event_id": e.id,
            "topic": topic,
            "key": e.key,
            "type": e.type,
            "source": e.source,
            "subject": e.subject,
            "recorded_at": e.time,
            "data": e.data,
        }
        for e in events
    ]
    async with engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            await connection.execute(backbone.outbox.insert(), rows[start : start + 5000])


async def relay_publish(
    label: str, database_url: str, bootstrap: str, topic: str, count: int, batch_size: int
) -> Measurement:
    engine = create_engine(database_url)
    await backbone.create_schema(engine)
    settings = KafkaSettings(bootstrap_servers=bootstrap)
    relay = OutboxRelay(
        engine=engine,
        table=backbone.outbox,
        producer_factory=lambda: create_producer(settings, client_id="bench-relay"),
        batch_size=batch_size,
    )
    await insert_outbox_rows(engine, topic, envelopes(1))
    await relay.publish_pending()  # connects the producer and learns the topic: not part of the rate
    await insert_outbox_rows(engine, topic, envelopes(count))
    published = 0
    started = time.perf_counter()
    while published < count:
        published += await relay.publish_pending()
    seconds = time.perf_counter() - started
    await relay.close()
    await engine.dispose()
    return Measurement(f"outbox relay publish ({label}, batches of {batch_size})", published, seconds)


async def measure(
    bootstrap: str, postgres_admin: str, sqlite_path: str, count: int, batch_size: int
) -> list[Measurement]:
    postgres_url = await new_database(postgres_admin)
    run = uuid.uuid4().hex[:8]
    # the broker creates no topic by itself
    await ensure_topics(
        KafkaSettings(bootstrap_servers=bootstrap), [f"bench-{run}-{t}" for t in ("raw", "pg", "sqlite")]
    )
    return [
        *await raw_produce_then_consume(bootstrap, f"bench-{run}-raw", count),
        await relay_publish("PostgreSQL", postgres_url, bootstrap, f"bench-{run}-pg", count, batch_size),
        await relay_publish(
            "SQLite",
            f"sqlite+aiosqlite:///{sqlite_path}",
            bootstrap,
            f"bench-{run}-sqlite",
            count,
            batch_size,
        ),
    ]


def report(results: list[Measurement], count: int) -> str:
    consume, produce = results[0].rate, results[1].rate
    lines = [
        f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}; "
        f"{count} events of about {len(next(envelopes(1)).data)} bytes; one local broker, 3 partitions.",
        "",
        "| what | events | seconds | events/s | of raw consume | of raw produce |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result.name} | {result.events} | {result.seconds:.2f} | {result.rate:,.0f} "
            f"| {result.rate / consume:.0%} | {result.rate / produce:.0%} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1000, help="relay batch size")
    arguments = parser.parse_args()
    with ExitStack() as stack:
        cluster = stack.enter_context(kafka_cluster())
        postgres_admin = stack.enter_context(postgres_server())
        sqlite_dir = stack.enter_context(tempfile.TemporaryDirectory())
        results = asyncio.run(
            measure(
                cluster.bootstrap_servers,
                postgres_admin,
                f"{sqlite_dir}/bench.db",
                arguments.events,
                arguments.batch,
            )
        )
    print(report(results, arguments.events))


if __name__ == "__main__":
    main()
