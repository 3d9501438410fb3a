"""The outbox relay on the real broker: headers and keys, order per key, and broker outages."""

import asyncio
import time
import uuid
from collections import defaultdict
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shared.contracts.base import EventData
from shared.contracts.contacts import ContactAdded
from shared.contracts.topics import Topics
from shared.db.engine import create_engine, session_factory
from shared.db.unit_of_work import SessionUnitOfWork
from shared.kafka.producer import create_producer
from shared.kafka.provisioning import ensure_topics
from shared.kafka.relay import OutboxRelay
from shared.settings import KafkaSettings
from tests.infrastructure import KafkaCluster
from tests.integration import backbone
from tests.kafka_io import header, read_topic


def relay_for(
    engine: AsyncEngine, settings: KafkaSettings, batch_size: int = 500, *, polls_every_s: float = 0.1
) -> OutboxRelay:
    return OutboxRelay(
        engine=engine,
        table=backbone.outbox,
        producer_factory=lambda: create_producer(settings, client_id="test-relay"),
        publish_timeout_s=5,
        max_backoff_s=0.5,
        batch_size=batch_size,
        idle_interval_s=polls_every_s,
        listening_interval_s=max(polls_every_s, 5.0),
    )


async def test_a_row_and_its_event_reach_the_topic_as_a_cloudevent(
    database_url: str, kafka_settings: KafkaSettings, topics: Topics
) -> None:
    engine = create_engine(database_url)
    await backbone.create_schema(engine)
    owner = f"owner-{uuid.uuid4().hex[:8]}"
    envelope = await backbone.write_note(
        session_factory(engine), topic=topics.contacts, owner_id=owner, note_id="note-1"
    )

    assert await relay_for(engine, kafka_settings).publish_pending() == 1

    [record] = await read_topic(kafka_settings.bootstrap_servers, topics.contacts, count=1)
    assert record.key == owner.encode()
    assert header(record, "ce_specversion") == "1.0"
    assert header(record, "ce_id") == envelope.id
    assert header(record, "ce_type") == "keepwarm.contact.added.v1"
    assert header(record, "ce_source") == backbone.SOURCE
    assert header(record, "ce_subject") == "note-1"
    assert header(record, "ce_sequence") == f"{1:020d}"  # the outbox id, orderable as a string
    assert header(record, "content-type") == "application/json"
    assert (header(record, "ce_time") or "").endswith("Z")
    payload = ContactAdded.model_validate_json(record.value)
    assert payload.owner_id == owner
    assert payload.contact.display_name == "Ada Lovelace"
    async with engine.connect() as connection:
        unsent = await connection.scalar(select(func.count()).where(backbone.outbox.c.sent_at.is_(None)))
    assert unsent == 0
    await engine.dispose()


async def test_several_relays_keep_each_owners_events_in_order(
    postgres_url: str, kafka_settings: KafkaSettings, topics: Topics
) -> None:
    engine = create_engine(postgres_url)
    await backbone.create_schema(engine)
    sessions = session_factory(engine)
    owners = [f"owner-{i}" for i in range(8)]
    written: dict[str, list[str]] = defaultdict(list)

    async def writer(owner: str) -> None:
        for n in range(40):
            envelope = await backbone.write_note(
                sessions, topic=topics.contacts, owner_id=owner, note_id=f"{owner}-{n}"
            )
            written[owner].append(envelope.id)

    stop = asyncio.Event()
    relays = [relay_for(engine, kafka_settings, batch_size=7) for _ in range(3)]
    running = [asyncio.create_task(relay.run(stop)) for relay in relays]
    await asyncio.gather(*(writer(owner) for owner in owners))
    records = await read_topic(kafka_settings.bootstrap_servers, topics.contacts, count=320)
    stop.set()
    await asyncio.gather(*running)

    seen: dict[str, list[str]] = defaultdict(list)
    sequences: dict[str, list[int]] = defaultdict(list)
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        seen[record.key.decode()].append(header(record, "ce_id") or "")
        sequences[record.key.decode()].append(int(header(record, "ce_sequence") or 0))
    assert {owner: ids for owner, ids in seen.items()} == dict(written)
    # each owner's sequence rises with every event, which is what consumers dedupe by
    assert all(numbers == sorted(set(numbers)) and numbers[0] > 0 for numbers in sequences.values())
    await engine.dispose()


async def test_writes_succeed_while_kafka_is_down_and_arrive_after_it_returns(
    database_url: str, restartable_kafka: KafkaCluster, topics: Topics
) -> None:
    broker = restartable_kafka.local
    assert broker is not None
    settings = KafkaSettings(bootstrap_servers=restartable_kafka.bootstrap_servers, request_timeout_ms=2000)
    await ensure_topics(settings, {topics.contacts})
    engine = create_engine(database_url)
    await backbone.create_schema(engine)
    sessions = session_factory(engine)
    stop = asyncio.Event()
    relay = asyncio.create_task(relay_for(engine, settings).run(stop))

    broker.stop()
    try:
        started = time.monotonic()
        envelope = await backbone.write_note(
            sessions, topic=topics.contacts, owner_id="owner-offline", note_id="written-offline"
        )
        write_seconds = time.monotonic() - started
        await asyncio.sleep(3)  # the relay tries, fails and keeps the row
        async with engine.connect() as connection:
            pending = await connection.scalar(select(func.count()).where(backbone.outbox.c.sent_at.is_(None)))
        assert pending == 1
    finally:
        await asyncio.to_thread(broker.start)

    [record] = await read_topic(broker.bootstrap_servers, topics.contacts, count=1, timeout_s=60)
    stop.set()
    await relay
    assert header(record, "ce_id") == envelope.id
    assert write_seconds < 1.0, "a write must not wait for Kafka"
    await engine.dispose()


class NotesWork(SessionUnitOfWork):
    """The backbone's notes through the shared unit of work, as a service writes them."""

    def bind(self, session: AsyncSession) -> None:
        self.session = session

    def event_of(self, change: Any) -> EventData:
        event: EventData = change
        return event


@pytest.mark.parametrize("writer", ["unit of work", "plain session"])
async def test_a_committed_write_wakes_the_idle_relay_in_its_process_at_once(
    sqlite_url: str, kafka_settings: KafkaSettings, topics: Topics, writer: str
) -> None:
    """The relay polls every 30 s here; the write reaches the topic before the reader's 10 s run
    out, whether a unit of work commits it or a plain session does (as a consumer's batch)."""
    engine = create_engine(sqlite_url)
    await backbone.create_schema(engine)
    relay = relay_for(engine, kafka_settings, polls_every_s=30)
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop))
    await asyncio.sleep(1)  # the relay found nothing and waits
    owner = f"owner-{uuid.uuid4().hex[:8]}"
    sessions = session_factory(engine)
    if writer == "unit of work":
        work = NotesWork(sessions, outbox=backbone.outbox, topic=topics.contacts, source=backbone.SOURCE)
        async with work:
            await work.publish(backbone.contact_added(owner_id=owner, contact_id="note-1"))
            await work.commit()
    else:
        await backbone.write_note(sessions, topic=topics.contacts, owner_id=owner, note_id="note-1")
    [record] = await read_topic(kafka_settings.bootstrap_servers, topics.contacts, count=1, timeout_s=10)
    stop.set()
    await asyncio.wait_for(running, 10)
    await engine.dispose()
    assert record.key == owner.encode()


async def test_a_write_committed_by_another_process_wakes_the_idle_relay_through_postgresql(
    postgres_url: str, kafka_settings: KafkaSettings, topics: Topics
) -> None:
    """The relay polls every 30 s here and the writer shares nothing with it but the database
    (its own engine, no in-process signal): LISTEN/NOTIFY wakes it, also after the listening
    connection was cut."""
    engine, writer = create_engine(postgres_url), create_engine(postgres_url)
    await backbone.create_schema(engine)
    relay = relay_for(engine, kafka_settings, polls_every_s=30)
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop))
    await asyncio.sleep(1)  # the relay found nothing and waits
    owner = f"owner-{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    await backbone.write_note(session_factory(writer), topic=topics.contacts, owner_id=owner, note_id="n1")
    await read_topic(kafka_settings.bootstrap_servers, topics.contacts, count=1, timeout_s=10)
    woken_in = time.perf_counter() - started

    async with writer.connect() as connection:  # an administrator ends the listening session
        cut = await connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN%' AND datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    await asyncio.sleep(1)
    await backbone.write_note(session_factory(writer), topic=topics.contacts, owner_id=owner, note_id="n2")
    records = await read_topic(kafka_settings.bootstrap_servers, topics.contacts, count=2, timeout_s=10)
    stop.set()
    await asyncio.wait_for(running, 10)
    await engine.dispose()
    await writer.dispose()
    assert cut == 1
    assert woken_in < 5
    assert [header(record, "ce_subject") for record in records] == ["n1", "n2"]
