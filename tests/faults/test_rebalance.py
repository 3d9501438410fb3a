"""Two notifier consumers share the work of a 12-partition topic; one leaves and another joins
mid-stream. Every event is applied once, none is stuck, and the projection equals one clean
application of the same events."""

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient

from services.notifier.adapters.kafka_in import habit_events
from services.notifier.bootstrap import NotifierSettings, bootstrap
from shared.runtime import Role, ServiceRuntime
from shared.settings import KafkaSettings
from tests.faults.habit_stream import history, outcome, published, until_processed
from tests.infrastructure import KafkaCluster
from tests.kafka_io import write_topic
from tests.notifier.stream import apply


def instance(url: str, settings: KafkaSettings) -> tuple[ServiceRuntime, asyncio.Event, "asyncio.Task[None]"]:
    runtime = bootstrap(NotifierSettings(database_url=url, http_port=8003, kafka=settings))
    stop = asyncio.Event()
    return runtime, stop, asyncio.create_task(runtime.run({Role.CONSUME}, stop))


async def test_one_consumer_leaves_and_another_joins_mid_stream_and_every_event_applies_once(
    kafka: KafkaCluster, new_postgres_database: Any
) -> None:
    settings = KafkaSettings(
        bootstrap_servers=kafka.bootstrap_servers,
        topic_prefix=f"rebalance-{uuid.uuid4().hex[:8]}.",
        topic_partitions=12,
    )
    url, clean_url = await new_postgres_database(), await new_postgres_database()
    first = bootstrap(NotifierSettings(database_url=url, http_port=8003, kafka=settings))
    await first.migrate()
    await first.engine.dispose()
    events = history()
    topic = settings.topics.habits
    records = published(events, topic)

    _, stop_a, running_a = instance(url, settings)
    _, stop_b, running_b = instance(url, settings)
    await write_topic(kafka.bootstrap_servers, records[: len(records) // 2])
    await until_processed(url, len(records) // 4)
    stop_a.set()  # one leaves: its partitions move to the other
    await asyncio.wait_for(running_a, 60)
    _, stop_c, running_c = instance(url, settings)  # another joins: they move again
    await write_topic(kafka.bootstrap_servers, records[len(records) // 2 :])
    await until_processed(url, len(records))
    for stop, running in ((stop_b, running_b), (stop_c, running_c)):
        stop.set()
        await asyncio.wait_for(running, 60)

    clean = bootstrap(NotifierSettings(database_url=clean_url, http_port=8003, kafka=settings))
    await clean.migrate()
    await apply(clean, events, datetime.now(UTC), handler_of=habit_events)
    await clean.engine.dispose()
    assert await outcome(url) == await outcome(clean_url)


async def test_the_offsets_are_committed_after_every_applied_batch(
    kafka: KafkaCluster, new_postgres_database: Any
) -> None:
    """A consumer that dies later redelivers nothing it had applied: once a batch is applied, the
    group's committed offsets reach the end of what it read."""
    settings = KafkaSettings(
        bootstrap_servers=kafka.bootstrap_servers,
        topic_prefix=f"commits-{uuid.uuid4().hex[:8]}.",
        topic_partitions=3,
    )
    url = await new_postgres_database()
    runtime = bootstrap(NotifierSettings(database_url=url, http_port=8003, kafka=settings))
    await runtime.migrate()
    await runtime.engine.dispose()
    events = history()[:200]
    topic = settings.topics.habits
    records = published(events, topic)
    _, stop, running = instance(url, settings)
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    await admin.start()
    try:
        for start in range(0, len(records), 50):
            await write_topic(kafka.bootstrap_servers, records[start : start + 50])
            await until_processed(url, start + 50)
            async with asyncio.timeout(10):
                while True:
                    committed = await admin.list_consumer_group_offsets(
                        f"{settings.topic_prefix}keepwarm-notifier.habits"
                    )
                    mine = sum(meta.offset for tp, meta in committed.items() if tp.topic == topic)
                    if mine == start + 50:
                        break
                    await asyncio.sleep(0.1)
        groups = {group for group, _ in await admin.list_consumer_groups()}
    finally:
        await admin.close()
        stop.set()
        await asyncio.wait_for(running, 60)
    # one group per followed topic, so a rebalance of one never stalls the other
    assert {group for group in groups if group.startswith(settings.topic_prefix)} == {
        f"{settings.topic_prefix}keepwarm-notifier.habits",
        f"{settings.topic_prefix}keepwarm-notifier.contacts",
    }
