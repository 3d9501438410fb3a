"""Notifier throughput beside raw aiokafka consume throughput, on one broker, in one run.

The notifier consumes habit check-ins into PostgreSQL (inbox, projection, streak recompute and
announcements through its outbox, one transaction per batch); the raw consumer only reads.

    uv run python -m bench.notifier_throughput --events 20000 --habits 200

Starts its own Kafka (or uses KAFKA_BOOTSTRAP_SERVERS) and a throwaway PostgreSQL.
"""

import argparse
import asyncio
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bench.relay_throughput import Measurement
from services.notifier.adapters import db
from services.notifier.bootstrap import NotifierSettings, bootstrap
from shared.contracts import habits as contract
from shared.db.engine import create_engine
from shared.kafka.cloudevents import CloudEvent
from shared.settings import KafkaSettings
from shared.vocabulary import CheckInSource, HabitMeasure, ScheduleKind
from tests.infrastructure import kafka_cluster, postgres_server

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
START = date(2026, 3, 1)


def check_ins(count: int, habits: int) -> list[CloudEvent]:
    events = []
    for n in range(count):
        habit = n % habits
        snapshot = contract.HabitSnapshot(
            id=f"habit-{habit}",
            name=f"Habit {habit}",
            measure=HabitMeasure.OUTREACH_MESSAGES,
            schedule=contract.Schedule(kind=ScheduleKind.TIMES_PER_WEEK, times=3),
            timezone="Europe/Berlin",
            start_date=START,
            version=1,
        )
        event = contract.HabitCheckedIn(
            owner_id=f"owner-{habit % 50}",
            occurred_at=NOW,
            recorded_at=NOW,
            habit=snapshot,
            check_in=contract.CheckIn(
                id=f"check-in-{n}",
                habit_id=snapshot.id,
                local_date=START + timedelta(days=(n // habits) % 90),
                count=1,
                source=CheckInSource.MANUAL,
            ),
        )
        events.append(CloudEvent.of(event, source="/bench"))
    return events


async def produce(bootstrap_servers: str, topic: str, events: list[CloudEvent]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all", linger_ms=5)
    await producer.start()
    pending = [await producer.send(topic, e.data, key=e.key.encode(), headers=e.headers()) for e in events]
    await asyncio.gather(*pending)
    await producer.stop()


async def raw_consume(bootstrap_servers: str, topic: str, count: int) -> Measurement:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        auto_offset_reset="earliest",
        group_id=f"bench-{uuid.uuid4()}",
    )
    await consumer.start()
    seen = 0
    started = time.perf_counter()
    while seen < count:
        seen += sum(len(r) for r in (await consumer.getmany(timeout_ms=500, max_records=5000)).values())
    seconds = time.perf_counter() - started
    await consumer.stop()
    return Measurement("raw aiokafka consume (getmany)", count, seconds)


async def notifier_consume(bootstrap_servers: str, prefix: str, database_url: str, count: int) -> Measurement:
    settings = NotifierSettings(
        database_url=database_url,
        http_port=8003,
        kafka=KafkaSettings(bootstrap_servers=bootstrap_servers, topic_prefix=prefix),
    )
    runtime = bootstrap(settings, clock=lambda: NOW)
    await runtime.migrate()
    started = time.perf_counter()
    await runtime.broker.start()
    async with runtime.engine.connect() as connection:
        while (await connection.scalar(select(func.count()).select_from(db.inbox)) or 0) < count:
            await asyncio.sleep(0.05)
            await connection.rollback()
    seconds = time.perf_counter() - started
    async with runtime.engine.connect() as connection:
        first, last = (
            await connection.execute(
                select(func.min(db.inbox.c.processed_at), func.max(db.inbox.c.processed_at))
            )
        ).one()
    print(
        f"notifier: {seconds:.2f}s from start, {(last - first).total_seconds():.2f}s from first to last batch"
    )
    await runtime.broker.stop()
    await runtime.engine.dispose()
    return Measurement("notifier consume (inbox, projection, streaks, outbox) on PostgreSQL", count, seconds)


async def measure(bootstrap_servers: str, postgres_admin: str, count: int, habits: int) -> list[Measurement]:
    prefix = f"bench-{uuid.uuid4().hex[:8]}."
    topic = KafkaSettings(topic_prefix=prefix).topics.habits
    await produce(bootstrap_servers, topic, check_ins(count, habits))
    database = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_admin, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{database}"'))
    await admin.dispose()
    url = make_url(postgres_admin).set(database=database).render_as_string(hide_password=False)
    return [
        await raw_consume(bootstrap_servers, topic, count),
        await notifier_consume(bootstrap_servers, prefix, url, count),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--habits", type=int, default=200)
    arguments = parser.parse_args()
    with ExitStack() as stack:
        cluster = stack.enter_context(kafka_cluster())
        postgres_admin = stack.enter_context(postgres_server())
        raw, notifier = asyncio.run(
            measure(cluster.bootstrap_servers, postgres_admin, arguments.events, arguments.habits)
        )
    print(f"{arguments.events} check-in events over {arguments.habits} habits (50 owners), 3 partitions.\n")
    print("| what | events | seconds | events/s | share of raw consume |")
    print("|---|---:|---:|---:|---:|")
    for result in (raw, notifier):
        share = result.rate / raw.rate
        print(
            f"| {result.name} | {result.events} | {result.seconds:.2f} | {result.rate:,.0f} | {share:.0%} |"
        )


if __name__ == "__main__":
    main()
