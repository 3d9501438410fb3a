"""The consumer on the real broker: duplicates have one effect, poison goes to the dead-letter
topic and the messages behind it still flow."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from faststream.kafka import KafkaBroker
from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shared.contracts.base import EventData
from shared.contracts.topics import Topics
from shared.db.engine import create_engine, session_factory
from shared.db.failures import sqlstate
from shared.kafka.broker import create_broker, subscribe
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.consumer import EventConsumer, Handler, RetryPolicy
from shared.kafka.producer import LazyProducer, OutgoingRecord
from shared.settings import KafkaSettings
from tests import consumer_harness as harness
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


async def test_with_every_connection_slot_taken_nothing_is_dead_lettered_and_all_applies_after(
    postgres_admin_url: str, new_postgres_database: Callable[[], Awaitable[str]], tmp_path: Any
) -> None:
    """PostgreSQL answers "too many connections" (SQLSTATE 53300): the consumer waits, dead-letters
    nothing, and applies every event once a slot is free again."""
    database_url = await new_postgres_database()
    role = f"slots_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'slots' CONNECTION LIMIT 1"))
        await connection.execute(text(f'ALTER DATABASE "{make_url(database_url).database}" OWNER TO {role}'))
    limited_url = (
        make_url(database_url).set(username=role, password="slots").render_as_string(hide_password=False)
    )
    engine = create_engine(limited_url)
    await backbone.create_schema(engine)
    await engine.dispose()

    dead = RecordedDeadLetters()
    engine = create_engine(limited_url)
    subject = EventConsumer(
        name="slots",
        sessions=session_factory(engine),
        inbox=backbone.inbox,
        handler=backbone.bump,
        dead_letter_producer=dead,
        retry=RetryPolicy(attempts=2, first_backoff_s=0.01),
    )
    records = [
        HandRecord.of(
            CloudEvent.of(backbone.contact_added(owner_id="ada", contact_id=f"c{n}"), source="/t"), n
        )
        for n in range(20)
    ]
    holder = create_engine(limited_url)
    async with holder.connect() as taken:  # the role's one slot
        await taken.execute(text("SELECT 1"))
        for _ in range(3):  # redelivered, again and again, while the slot is taken
            with pytest.raises(DBAPIError) as failure:
                await subject.process(records)
            assert sqlstate(failure.value) == "53300"
    await holder.dispose()  # the slot is free again
    outcome = await subject.process(records)
    assert (outcome.applied, outcome.dead_lettered, dead.sent) == (20, [], [])
    assert await backbone.counter(engine, "ada") == 20
    for disposable in (engine, admin):
        await disposable.dispose()
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(
            text(f'DROP DATABASE IF EXISTS "{make_url(database_url).database}" WITH (FORCE)')
        )
        await connection.execute(text(f"DROP ROLE {role}"))
    await admin.dispose()


@dataclass
class HandRecord:
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]
    topic: str
    partition: int
    offset: int

    @classmethod
    def of(cls, envelope: CloudEvent, offset: int) -> "HandRecord":
        return cls(
            envelope.key.encode(), envelope.data, envelope.headers(), "keepwarm.contacts.v1", 0, offset
        )


@dataclass
class RecordedDeadLetters:
    sent: list[str] = field(default_factory=list)

    async def send(self, topic: str, value: bytes, *, key: bytes, headers: list[tuple[str, bytes]]) -> Any:
        self.sent.append(topic)
        raise AssertionError("nothing may be dead-lettered")

    async def __call__(self) -> "RecordedDeadLetters":
        return self


async def test_two_consumers_of_the_same_keys_at_once_apply_each_event_once_on_postgresql(
    tmp_path: Any, postgres_url: str
) -> None:
    """A rebalance can hand a partition over while its old owner still applies a batch: both
    then hold the same records. The marks' rows are locked by the first, so the second waits and
    finds them raised."""
    first, _, engine = await harness.consumer(tmp_path, url=postgres_url)
    second, _, _ = await harness.consumer(tmp_path, url=postgres_url)
    batch = [harness.record(f"o{n % 5}", f"c{n}", sequence=n)[0] for n in range(1, 41)]
    outcomes = await asyncio.gather(first.process(batch), second.process(batch))
    assert sorted(outcome.applied for outcome in outcomes) == [0, 40]
    assert sorted(outcome.duplicates for outcome in outcomes) == [0, 40]
    assert [await backbone.counter(engine, f"o{k}") for k in range(5)] == [8] * 5
    marks = await harness.stored(engine, backbone.inbox.sequences)
    assert sorted((m["key"], m["sequence"]) for m in marks) == [
        ("o0", 40),
        ("o1", 36),
        ("o2", 37),
        ("o3", 38),
        ("o4", 39),
    ]
