"""Notifier throughput beside raw aiokafka consume throughput, on one broker, in one run.

The notifier consumes habit check-ins into PostgreSQL: dedupe, projection, streak recompute and
announcements through its outbox, one transaction per batch. The raw consumer only reads.

Two scenarios, one after the other on the same database, then the floor of any consumer (decode,
dedupe, commit, apply nothing) through FastStream and through a bare aiokafka loop, and the same
floor for events without a sequence (dedupe by event id):

- **history**: ``--history`` check-ins spread over the last 90 days of ``--habits`` habits arrive in
  date order (a replay, or a new notifier catching up): every batch reaches back into closed
  periods, so each touched habit is recomputed from its start.
- **live**: ``--live`` check-ins for today over the same habits, whose history is settled:
  recomputation starts from each habit's checkpoint.

    uv run python -m bench.notifier_throughput --habits 2000 --history 40000 --live 40000

Starts its own Kafka (or uses KAFKA_BOOTSTRAP_SERVERS) and a throwaway PostgreSQL.
"""

import argparse
import asyncio
import gc
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench.relay_throughput import Measurement
from bench.system import new_database
from services.notifier.adapters import db
from services.notifier.bootstrap import NotifierSettings, bootstrap
from shared.contracts import habits as contract
from shared.contracts.base import EventData
from shared.db.engine import create_engine, session_factory
from shared.kafka.broker import create_broker, subscribe
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.consumer import EventConsumer
from shared.kafka.producer import LazyProducer
from shared.kafka.provisioning import ensure_topics
from shared.runtime import Role
from shared.settings import KafkaSettings
from shared.vocabulary import CheckInSource, HabitMeasure, ScheduleKind
from tests.infrastructure import kafka_cluster, postgres_server

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
TODAY = date(2026, 6, 1)
START = TODAY - timedelta(days=90)
SCHEDULES = (
    contract.Schedule(kind=ScheduleKind.DAILY, times=1),
    contract.Schedule(kind=ScheduleKind.TIMES_PER_WEEK, times=3),
)


def habit(number: int) -> contract.HabitSnapshot:
    return contract.HabitSnapshot(
        id=f"habit-{number}",
        name=f"Habit {number}",
        measure=HabitMeasure.OUTREACH_MESSAGES,
        schedule=SCHEDULES[number % len(SCHEDULES)],
        timezone="Europe/Berlin",
        start_date=START,
        version=1,
    )


def owner_of(n: int, habits: int) -> str:
    return f"owner-{n % habits // 2}"


def check_ins(
    count: int, habits: int, *, days: int, first: int = 0, sequenced: bool = True
) -> Iterator[CloudEvent]:
    """``count`` check-ins, habit after habit, over ``days`` days ending today, oldest first;
    numbered 1, 2, 3… as the habits relay's outbox ids number them (``sequenced``), or without a
    sequence, as a tool outside KeepWarm might publish them (the consumer then claims each id)."""
    snapshots = [habit(number) for number in range(habits)]
    per_day = max(1, count // days)
    for n in range(first, first + count):
        snapshot = snapshots[n % habits]
        event = contract.HabitCheckedIn(
            owner_id=owner_of(n, habits),
            occurred_at=NOW,
            recorded_at=NOW,
            habit=snapshot,
            check_in=contract.CheckIn(
                id=f"check-in-{n}",
                habit_id=snapshot.id,
                local_date=TODAY - timedelta(days=days - 1 - min(days - 1, (n - first) // per_day)),
                count=1,
                source=CheckInSource.MANUAL,
            ),
        )
        yield CloudEvent.of(event, source="/bench", sequence=n + 1 if sequenced else None)


def marks_when_done(total: int, habits: int) -> int:
    """The sum of a consumer's marks once it applied the first ``total`` sequenced check-ins."""
    last: dict[str, int] = {}
    for n in range(total):
        last[owner_of(n, habits)] = n + 1
    return sum(last.values())


async def until_applied(engine: AsyncEngine, *, marks: int = 0, ids: int = 0) -> None:
    """Wait until the consumer's marks add up to ``marks`` and it claimed ``ids`` event ids."""
    sequences, events = db.inbox.sequences, db.inbox.events
    async with engine.connect() as connection:
        while True:
            applied = (await connection.scalar(select(func.coalesce(func.sum(sequences.c.sequence), 0))),)
            claimed = await connection.scalar(select(func.count()).select_from(events))
            await connection.rollback()
            if int(applied[0] or 0) >= marks and int(claimed or 0) >= ids:
                return
            await asyncio.sleep(0.02)


async def produce(bootstrap_servers: str, topic: str, events: Iterator[CloudEvent]) -> None:
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


async def notifier_consume(settings: NotifierSettings, *, name: str, marks: int, count: int) -> Measurement:
    """Start the notifier's consumer and time it from start until its marks add up to ``marks``."""
    runtime = bootstrap(settings, clock=lambda: NOW)
    await runtime.migrate()
    watcher = create_engine(settings.database_url)
    stop = asyncio.Event()
    started = time.perf_counter()
    running = asyncio.create_task(runtime.run({Role.CONSUME}, stop))
    await until_applied(watcher, marks=marks)
    seconds = time.perf_counter() - started
    stop.set()
    await running
    await watcher.dispose()
    return Measurement(f"notifier consume, {name} (dedupe, projection, streaks, outbox)", count, seconds)


async def floor_consume(
    settings: NotifierSettings,
    *,
    topic: str,
    count: int,
    marks: int = 0,
    ids: int = 0,
    faststream: bool = True,
) -> Measurement:
    """The floor of any consumer here: decode each CloudEvent, dedupe it (by sequence, or by id
    for events without one), commit; the handler applies nothing. Through FastStream as the
    services run, or fed by a bare aiokafka ``getmany`` loop (batches of 2,000, commit after)."""
    runtime = bootstrap(settings)
    await runtime.migrate()
    engine = runtime.engine

    async def nothing(_session: AsyncSession, _events: Sequence[EventData]) -> None:
        return None

    consumer = EventConsumer(
        name="bench.floor",
        sessions=session_factory(engine),
        inbox=db.inbox,
        batch_handler=nothing,
        dead_letter_producer=LazyProducer(settings.kafka, client_id="bench-dead-letters"),
    )
    group_id = f"bench-{uuid.uuid4()}"
    gc.collect()
    gc.freeze()
    started = time.perf_counter()
    if faststream:
        broker = create_broker(settings.kafka, client_id="bench")
        subscribe(broker, consumer, topic=topic, group_id=group_id)
        await broker.start()
        await until_applied(engine, marks=marks, ids=ids)
        seconds = time.perf_counter() - started
        await broker.stop()
    else:
        bare = AIOKafkaConsumer(
            topic,
            bootstrap_servers=settings.kafka.bootstrap_servers,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            group_id=group_id,
        )
        await bare.start()
        seen = 0
        while seen < count:
            for records in (await bare.getmany(timeout_ms=500, max_records=2000)).values():
                await consumer.process(records)
                await bare.commit()
                seen += len(records)
        seconds = time.perf_counter() - started
        await bare.stop()
    await engine.dispose()
    dedupe = f"the highest sequence per key{'' if marks else ' (none: each id claimed)'}"
    path = "FastStream batch subscriber" if faststream else "bare aiokafka getmany loop"
    return Measurement(f"floor: decode, {dedupe}, apply nothing; {path}", count, seconds)


async def measure(
    bootstrap_servers: str, postgres_admin: str, *, habits: int, history: int, live: int
) -> list[tuple[Measurement, Measurement]]:
    prefix = f"bench-{uuid.uuid4().hex[:8]}."
    topic = KafkaSettings(topic_prefix=prefix).topics.habits
    kafka = KafkaSettings(bootstrap_servers=bootstrap_servers, topic_prefix=prefix)
    settings = NotifierSettings(database_url=await new_database(postgres_admin), kafka=kafka)
    await ensure_topics(kafka, [topic])  # the broker creates no topic by itself
    await produce(bootstrap_servers, topic, check_ins(history, habits, days=90))
    replay = (
        await raw_consume(bootstrap_servers, topic, history),
        await notifier_consume(
            settings, name="history", marks=marks_when_done(history, habits), count=history
        ),
    )
    await produce(bootstrap_servers, topic, check_ins(live, habits, days=1, first=history))
    total = history + live
    today = (
        await raw_consume(bootstrap_servers, topic, total),
        await notifier_consume(settings, name="live", marks=marks_when_done(total, habits), count=live),
    )

    async def fresh() -> NotifierSettings:
        return NotifierSettings(database_url=await new_database(postgres_admin), kafka=kafka)

    floors = [
        (
            await raw_consume(bootstrap_servers, topic, total),
            await floor_consume(
                await fresh(),
                topic=topic,
                count=total,
                marks=marks_when_done(total, habits),
                faststream=faststream,
            ),
        )
        for faststream in (True, False)
    ]
    unsequenced = prefix + "unsequenced"
    await ensure_topics(kafka, [unsequenced])
    await produce(bootstrap_servers, unsequenced, check_ins(total, habits, days=90, sequenced=False))
    by_id = (
        await raw_consume(bootstrap_servers, unsequenced, total),
        await floor_consume(await fresh(), topic=unsequenced, count=total, ids=total),
    )
    return [replay, today, *floors, by_id]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--habits", type=int, default=2000)
    parser.add_argument("--history", type=int, default=40_000)
    parser.add_argument("--live", type=int, default=40_000)
    arguments = parser.parse_args()
    with ExitStack() as stack:
        cluster = stack.enter_context(kafka_cluster())
        postgres_admin = stack.enter_context(postgres_server())
        results = asyncio.run(
            measure(
                cluster.bootstrap_servers,
                postgres_admin,
                habits=arguments.habits,
                history=arguments.history,
                live=arguments.live,
            )
        )
    print(
        f"{arguments.habits} habits (daily and 3 a week) of {arguments.habits // 2} owners, 3 partitions.\n"
    )
    print("| what | events | seconds | events/s | share of raw consume |")
    print("|---|---:|---:|---:|---:|")
    for raw, notifier in results:
        for result in (raw, notifier):
            share = f"{result.rate / raw.rate:.0%}"
            print(
                f"| {result.name} | {result.events} | {result.seconds:.2f} | {result.rate:,.0f} | {share} |"
            )


if __name__ == "__main__":
    main()
