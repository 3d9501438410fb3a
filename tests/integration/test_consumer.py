"""The consumer on the real broker: duplicates have one effect, poison goes to the dead-letter
topic and the messages behind it still flow."""

import asyncio
import uuid

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shared.contracts.base import EventData
from shared.contracts.topics import Topics
from shared.db.engine import create_engine, session_factory
from shared.kafka.broker import create_broker, subscribe
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.consumer import EventConsumer, Handler, RetryPolicy
from shared.kafka.producer import LazyProducer, OutgoingRecord
from shared.settings import KafkaSettings
from tests.integration import backbone
from tests.kafka_io import header, read_topic, write_topic


def consumer_on(
    broker: KafkaBroker,
    database_url: str,
    settings: KafkaSettings,
    topic: str,
    handler: Handler = backbone.bump,
) -> tuple[AsyncEngine, LazyProducer]:
    engine = create_engine(database_url)
    dead_letters = LazyProducer(settings, client_id="test-dead-letters")
    consumer = EventConsumer(
        name="test-consumer",
        sessions=session_factory(engine),
        inbox=backbone.inbox,
        handler=handler,
        dead_letter_producer=dead_letters,
        retry=RetryPolicy(attempts=2, first_backoff_s=0.01),
    )
    subscribe(broker, consumer, topic=topic, group_id=f"group-{uuid.uuid4().hex[:8]}")
    return engine, dead_letters


async def wait_for_counter(engine: AsyncEngine, name: str, expected: int, timeout_s: float = 30) -> None:
    async with asyncio.timeout(timeout_s):
        while await backbone.counter(engine, name) != expected:
            await asyncio.sleep(0.1)


def record_of(envelope: CloudEvent, topic: str) -> OutgoingRecord:
    return OutgoingRecord.of(envelope, topic=topic)


async def test_the_same_event_delivered_three_times_has_one_effect(
    database_url: str, kafka_settings: KafkaSettings, topics: Topics
) -> None:
    event = CloudEvent.of(backbone.contact_added(owner_id="owner-dup", contact_id="c-1"), source="/t")
    marker = CloudEvent.of(backbone.contact_added(owner_id="owner-marker", contact_id="c-2"), source="/t")
    # Three copies, the last in a later batch, then a marker that shows the consumer got past them.
    await write_topic(kafka_settings.bootstrap_servers, [record_of(event, topics.contacts)] * 2)
    broker = create_broker(kafka_settings, client_id="test")
    engine, producer = consumer_on(broker, database_url, kafka_settings, topics.contacts)
    await backbone.create_schema(engine)
    async with broker:
        await broker.start()
        await wait_for_counter(engine, "owner-dup", 1)
        await write_topic(
            kafka_settings.bootstrap_servers,
            [record_of(event, topics.contacts), record_of(marker, topics.contacts)],
        )
        await wait_for_counter(engine, "owner-marker", 1)
    assert await backbone.counter(engine, "owner-dup") == 1
    await producer.close()
    await engine.dispose()


async def test_a_malformed_message_is_dead_lettered_and_the_rest_flow(
    database_url: str, kafka_settings: KafkaSettings, topics: Topics
) -> None:
    owner = "owner-poison"
    good = [
        CloudEvent.of(backbone.contact_added(owner_id=owner, contact_id=f"c-{n}"), source="/t")
        for n in range(2)
    ]
    poison = OutgoingRecord(
        topic=topics.contacts,
        key=owner.encode(),
        value=b'{"owner_id": "owner-poison", "contact": "not a snapshot"',
        headers=[
            ("ce_specversion", b"1.0"),
            ("ce_id", b"poison-1"),
            ("ce_source", b"/t"),
            ("ce_type", b"keepwarm.contact.added.v1"),
            ("ce_time", b"2026-01-01T00:00:00Z"),
        ],
    )
    unknown_type = OutgoingRecord.of(good[0], topic=topics.contacts)
    unknown_type = OutgoingRecord(
        topic=unknown_type.topic,
        key=unknown_type.key,
        value=unknown_type.value,
        headers=[(k, b"keepwarm.unheard.of.v9" if k == "ce_type" else v) for k, v in unknown_type.headers],
    )
    await write_topic(
        kafka_settings.bootstrap_servers,
        [
            record_of(good[0], topics.contacts),
            poison,
            unknown_type,
            record_of(good[1], topics.contacts),
        ],
    )
    broker = create_broker(kafka_settings, client_id="test")
    engine, producer = consumer_on(broker, database_url, kafka_settings, topics.contacts)
    await backbone.create_schema(engine)
    async with broker:
        await broker.start()
        await wait_for_counter(engine, owner, 2)

    dead = await read_topic(kafka_settings.bootstrap_servers, Topics.dead_letter(topics.contacts), count=2)
    by_id = {header(record, "ce_id"): record for record in dead}
    assert set(by_id) == {"poison-1", good[0].id}
    assert header(by_id["poison-1"], "dlq_error_type") == "MalformedEvent"
    assert "invalid keepwarm.contact.added.v1 data" in (header(by_id["poison-1"], "dlq_error") or "")
    assert header(by_id["poison-1"], "dlq_original_topic") == topics.contacts
    assert by_id["poison-1"].value == poison.value
    assert "unknown event type" in (header(by_id[good[0].id], "dlq_error") or "")
    await producer.close()
    await engine.dispose()


async def test_a_handler_that_keeps_failing_is_retried_then_dead_lettered(
    sqlite_url: str, kafka_settings: KafkaSettings, topics: Topics
) -> None:
    attempts: list[str] = []

    async def flaky(session: AsyncSession, event: EventData, envelope: CloudEvent) -> None:
        attempts.append(envelope.id)
        if envelope.subject == "bad":
            raise ValueError("this contact cannot be applied")
        await backbone.bump(session, event, envelope)

    bad = CloudEvent.of(backbone.contact_added(owner_id="o", contact_id="bad"), source="/t")
    fine = CloudEvent.of(backbone.contact_added(owner_id="o", contact_id="fine"), source="/t")
    await write_topic(
        kafka_settings.bootstrap_servers,
        [record_of(bad, topics.contacts), record_of(fine, topics.contacts)],
    )
    broker = create_broker(kafka_settings, client_id="test")
    engine, producer = consumer_on(broker, sqlite_url, kafka_settings, topics.contacts, flaky)
    await backbone.create_schema(engine)
    async with broker:
        await broker.start()
        await wait_for_counter(engine, "o", 1)
        [dead] = await read_topic(
            kafka_settings.bootstrap_servers, Topics.dead_letter(topics.contacts), count=1
        )

    assert header(dead, "ce_id") == bad.id
    assert header(dead, "dlq_error_type") == "ValueError"
    assert header(dead, "dlq_attempts") == "2"
    # tried alone as often as the policy allows (plus once more if it shared a batch)
    assert attempts.count(bad.id) in (2, 3)
    assert await backbone.counter(engine, "o") == 1
    await producer.close()
    await engine.dispose()
