"""Faults, on the real broker and PostgreSQL: Kafka killed with SIGKILL in the middle of a stream
of writes. Every acknowledged write (a committed state change and its outbox row) reaches the
topic, each owner's events keep their order, and a duplicate can only be a replay of one already
delivered (which consumers absorb through their inbox)."""

import asyncio
import time
from collections import defaultdict

from sqlalchemy import func, select

from shared.contracts.topics import Topics
from shared.db.engine import create_engine, session_factory
from shared.kafka.producer import create_producer
from shared.kafka.provisioning import ensure_topics
from shared.kafka.relay import OutboxRelay
from shared.settings import KafkaSettings
from tests.infrastructure import KafkaCluster
from tests.integration import backbone
from tests.kafka_io import header, read_until

OWNERS = 50
WRITES_PER_OWNER = 100


async def test_a_broker_killed_mid_stream_loses_no_acknowledged_write_and_keeps_each_owners_order(
    postgres_url: str, restartable_kafka: KafkaCluster, topics: Topics
) -> None:
    broker = restartable_kafka.local
    assert broker is not None, "the test kills the broker: it needs one of its own"
    settings = KafkaSettings(bootstrap_servers=broker.bootstrap_servers, request_timeout_ms=3000)
    await ensure_topics(settings, {topics.contacts})
    engine = create_engine(postgres_url, pool_size=20)
    await backbone.create_schema(engine)
    sessions = session_factory(engine)
    written: dict[str, list[str]] = defaultdict(list)
    acknowledged = 0

    async def writer(owner: str) -> None:
        nonlocal acknowledged
        for n in range(WRITES_PER_OWNER):
            envelope = await backbone.write_note(
                sessions, topic=topics.contacts, owner_id=owner, note_id=f"{owner}-{n}"
            )
            written[owner].append(envelope.id)  # acknowledged: the transaction committed
            acknowledged += 1

    stop = asyncio.Event()
    relays = [
        OutboxRelay(
            engine=engine,
            table=backbone.outbox,
            producer_factory=lambda: create_producer(settings, client_id="fault-relay"),
            publish_timeout_s=5,
            max_backoff_s=1.0,
            batch_size=200,
        )
        for _ in range(2)
    ]
    running = [asyncio.create_task(relay.run(stop)) for relay in relays]
    writing = asyncio.gather(*(writer(f"owner-{i:02d}") for i in range(OWNERS)))
    while acknowledged < OWNERS * WRITES_PER_OWNER // 3:
        await asyncio.sleep(0.05)
    killed_at = time.monotonic()
    await asyncio.to_thread(broker.stop, hard=True)  # SIGKILL: no clean shutdown
    await asyncio.sleep(2)
    await asyncio.to_thread(broker.start)
    await writing
    total = OWNERS * WRITES_PER_OWNER
    async with asyncio.timeout(180):
        while True:
            async with engine.connect() as connection:
                unsent = await connection.scalar(
                    select(func.count()).where(backbone.outbox.c.sent_at.is_(None))
                )
            if unsent == 0:
                break
            await asyncio.sleep(0.2)
    recovered_s = time.monotonic() - killed_at
    records = await read_until(
        broker.bootstrap_servers,
        topics.contacts,
        lambda found: len({header(r, "ce_id") for r in found}) >= total,
        timeout_s=120,
    )
    stop.set()
    await asyncio.gather(*running)
    await engine.dispose()

    delivered = [header(r, "ce_id") or "" for r in sorted(records, key=lambda r: (r.partition, r.offset))]
    assert acknowledged == total
    assert set(delivered) == {event_id for ids in written.values() for event_id in ids}  # none lost
    first_seen: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        event_id = header(record, "ce_id") or ""
        if event_id not in seen:
            seen.add(event_id)
            first_seen[record.key.decode()].append(event_id)
    assert dict(first_seen) == dict(written)  # each owner's events in the order they were written
    duplicates = len(delivered) - len(seen)
    print(
        f"\nbroker SIGKILL: {total} acknowledged, {len(seen)} delivered, 0 lost, {duplicates} replays, "
        f"all sent {recovered_s:.1f} s after the kill"
    )
