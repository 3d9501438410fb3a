"""Where each microsecond of a consumed event goes, stage by stage, on the real broker and
PostgreSQL: no profiler (its overhead would distort), only clocks around the stages of the real
code path (``EventConsumer.process`` fed by a bare aiokafka loop, offsets committed per batch).

    uv run python -m bench.consumer_profile --events 80000 --habits 2000

Two consumers of the same 80,000 check-ins for today over ``--habits`` habits: the **floor**
(the handler applies nothing) and the notifier's **live** handler (check-ins, habit snapshots,
streaks, announcements). The clocks add a little of their own to the two decoding stages.
"""

import argparse
import asyncio
import gc
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from contextlib import ExitStack
from typing import Any

from aiokafka import AIOKafkaConsumer

from bench.notifier_throughput import NOW, check_ins, produce
from bench.system import new_database
from services.notifier.adapters import db
from services.notifier.adapters.kafka_in import habit_events
from services.notifier.bootstrap import NotifierSettings, bootstrap
from shared.contracts.base import EventData
from shared.db.engine import session_factory
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.consumer import EventConsumer
from shared.kafka.producer import LazyProducer
from shared.kafka.provisioning import ensure_topics
from shared.settings import KafkaSettings
from tests.infrastructure import kafka_cluster, postgres_server

STAGES = (
    "fetch and unpack records (aiokafka getmany)",
    "CloudEvents attributes from headers",
    "payload validation (pydantic, from bytes)",
    "dedupe: raise the marks of the batch's keys",
    "handler",
    "transaction begin and commit, batch bookkeeping",
    "offset commit",
)
spent: dict[str, float] = defaultdict(float)


def clocked(stage: str, work: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return work(*args, **kwargs)
        finally:
            spent[stage] += time.perf_counter() - started

    return timed


def clocked_async(stage: str, work: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await work(*args, **kwargs)
        finally:
            spent[stage] += time.perf_counter() - started

    return timed


CloudEvent.from_record = staticmethod(clocked(STAGES[1], CloudEvent.from_record))  # type: ignore[method-assign]
CloudEvent.decode = clocked(STAGES[2], CloudEvent.decode)  # type: ignore[method-assign]


async def profile(
    bootstrap_servers: str, postgres_admin: str, *, live: bool, events: int, habits: int
) -> list[str]:
    kafka = KafkaSettings(
        bootstrap_servers=bootstrap_servers, topic_prefix=f"profile-{uuid.uuid4().hex[:8]}."
    )
    topic = kafka.topics.habits
    await ensure_topics(kafka, [topic])
    await produce(bootstrap_servers, topic, check_ins(events, habits, days=1))
    runtime = bootstrap(
        NotifierSettings(database_url=await new_database(postgres_admin), kafka=kafka), clock=lambda: NOW
    )
    await runtime.migrate()
    sessions = session_factory(runtime.engine)

    async def nothing(_session: Any, _events: Sequence[EventData]) -> None:
        return None

    def work() -> db.SqlUnitOfWork:
        return db.SqlUnitOfWork(
            sessions, outbox=db.outbox, topic="unused", source="/profile", clock=lambda: NOW
        )

    consumer = EventConsumer(
        name="profile",
        sessions=sessions,
        inbox=db.inbox,
        batch_handler=clocked_async(
            STAGES[4], habit_events(uow=work, clock=lambda: NOW) if live else nothing
        ),
        dead_letter_producer=LazyProducer(kafka, client_id="profile-dead-letters"),
    )
    consumer._claim = clocked_async(STAGES[3], consumer._claim)  # type: ignore[method-assign,assignment]
    source = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=f"profile-{uuid.uuid4()}",
    )
    await source.start()
    gc.collect()
    gc.freeze()
    spent.clear()
    seen = batches = 0
    processing = 0.0
    first: float | None = None
    while seen < events:
        fetch = time.perf_counter()
        fetched = await source.getmany(timeout_ms=500, max_records=2000)
        if fetched and first is None:
            first = fetch
        if first is not None:
            spent[STAGES[0]] += time.perf_counter() - fetch
        for records in fetched.values():
            started = time.perf_counter()
            await consumer.process(records)
            processing += time.perf_counter() - started
            await clocked_async(STAGES[6], source.commit)()
            seen += len(records)
            batches += 1
    assert first is not None
    wall = time.perf_counter() - first
    await source.stop()
    await runtime.engine.dispose()
    spent[STAGES[5]] = processing - sum(spent[stage] for stage in STAGES[1:5])
    name = "live (the notifier's habit handler)" if live else "floor (the handler applies nothing)"
    lines = [f"\n**{name}**: {seen} events in {batches} batches, {wall:.2f} s, {seen / wall:,.0f} events/s\n"]
    lines += ["| stage | µs an event |", "|---|---:|"]
    lines += [f"| {stage} | {spent[stage] / seen * 1e6:.1f} |" for stage in STAGES]
    lines.append(f"| **all, wall clock** | **{wall / seen * 1e6:.1f}** |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=80_000)
    parser.add_argument("--habits", type=int, default=2000)
    arguments = parser.parse_args()
    with ExitStack() as stack:
        cluster = stack.enter_context(kafka_cluster())
        admin = stack.enter_context(postgres_server())
        for live in (False, True):
            lines = asyncio.run(
                profile(
                    cluster.bootstrap_servers,
                    admin,
                    live=live,
                    events=arguments.events,
                    habits=arguments.habits,
                )
            )
            print("\n".join(lines))


if __name__ == "__main__":
    main()
