"""The consumer's decisions, on SQLite with records built by hand (the real-broker journeys are in
tests/integration/test_consumer.py)."""

import json
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import EventData
from shared.kafka.cloudevents import CloudEvent
from tests.consumer_harness import Record, consumer, record, stored, with_sequence
from tests.integration import backbone


async def test_a_batch_applies_each_event_once_even_when_it_repeats_inside_it(tmp_path: Any) -> None:
    subject, dead, engine = await consumer(tmp_path)
    first, _ = record("ada", "c1")
    second, _ = record("ada", "c2")
    outcome = await subject.process([first, second, first])
    again = await subject.process([second])
    assert (outcome.applied, outcome.duplicates) == (2, 1)
    assert (again.applied, again.duplicates) == (0, 1)
    assert await backbone.counter(engine, "ada") == 2
    assert dead.sent == []


async def test_a_record_without_cloudevents_headers_is_dead_lettered_at_once(tmp_path: Any) -> None:
    subject, dead, engine = await consumer(tmp_path)
    good, _ = record("ada", "c1", offset=2)
    outcome = await subject.process([Record(b"ada", b"{}", [], offset=1), good])
    [(topic, value, headers)] = dead.sent
    assert topic == "keepwarm.contacts.v1.dlq"
    assert value == b"{}"
    assert headers["dlq_original_offset"] == b"1"
    assert headers["dlq_error"].startswith(b"missing CloudEvents headers")
    assert outcome.dead_lettered == ["keepwarm.contacts.v1:0:1"]
    assert await backbone.counter(engine, "ada") == 1


async def test_an_infrastructure_failure_is_never_dead_lettered_and_commits_nothing(tmp_path: Any) -> None:
    async def database_gone(session: AsyncSession, event: EventData, envelope: CloudEvent) -> None:
        await backbone.bump(session, event, envelope)
        raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))

    subject, dead, engine = await consumer(tmp_path, database_gone)
    good, _ = record("ada", "c1")
    with pytest.raises(OperationalError):
        await subject.process([good])
    assert dead.sent == []
    assert await backbone.counter(engine, "ada") is None


async def test_a_failing_event_does_not_take_its_batch_neighbours_with_it(tmp_path: Any) -> None:
    async def refuses_c2(session: AsyncSession, event: EventData, envelope: CloudEvent) -> None:
        if envelope.subject == "c2":
            raise ValueError("cannot apply c2")
        await backbone.bump(session, event, envelope)

    subject, dead, engine = await consumer(tmp_path, refuses_c2)
    records = [record("ada", f"c{n}", offset=n)[0] for n in (1, 2, 3)]
    outcome = await subject.process(records)
    assert outcome.applied == 2
    assert [headers["dlq_error"] for _, _, headers in dead.sent] == [b"cannot apply c2"]
    assert await backbone.counter(engine, "ada") == 2


class ServerSaid(Exception):
    """A driver error carrying PostgreSQL's SQLSTATE, as asyncpg's does."""

    def __init__(self, message: str, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "message"),
    [
        ("53300", "sorry, too many clients already"),
        ("57P03", "the database system is starting up"),
        ("57P01", "terminating connection due to administrator command"),
        ("40001", "could not serialize access due to concurrent update"),
        ("40P01", "deadlock detected"),
    ],
)
async def test_a_database_failure_the_event_did_not_cause_is_never_dead_lettered(
    tmp_path: Any, sqlstate: str, message: str
) -> None:
    """The server's own trouble reaches the consumer as a generic DBAPIError: its SQLSTATE, not
    its class, says it is no fault of the event."""

    async def server_in_trouble(session: AsyncSession, event: EventData, envelope: CloudEvent) -> None:
        raise DBAPIError("INSERT …", {}, ServerSaid(message, sqlstate))

    subject, dead, engine = await consumer(tmp_path, server_in_trouble)
    good, _ = record("ada", "c1")
    with pytest.raises(DBAPIError):
        await subject.process([good])
    assert dead.sent == []
    assert await backbone.counter(engine, "ada") is None


async def test_a_dead_lettered_event_redelivered_is_not_dead_lettered_again(tmp_path: Any) -> None:
    async def refuses(session: AsyncSession, event: EventData, envelope: CloudEvent) -> None:
        raise ValueError("cannot apply")

    subject, dead, _ = await consumer(tmp_path, refuses)
    poison, _ = record("ada", "c1")
    await subject.process([poison])
    again = await subject.process([poison])  # a rebalance before the offset commit
    assert len(dead.sent) == 1
    assert again.duplicates == 1


async def test_a_dead_letter_names_the_fields_at_fault_never_their_values(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    subject, dead, _ = await consumer(tmp_path)
    good, envelope = record("ada", "c1")
    secret = "Takeaway only Ada may read"
    body = json.loads(envelope.data)
    body["contact"]["display_name"] = secret
    body["contact"]["version"] = "not a number"
    await subject.process([Record(good.key, json.dumps(body).encode(), good.headers)])
    [(_, _, headers)] = dead.sent
    assert b"contact.version" in headers["dlq_error"]
    assert secret.encode() not in headers["dlq_error"]
    assert "contact.version" in caplog.text
    assert secret not in caplog.text
    assert "not a number" not in caplog.text


async def test_a_record_beyond_the_contracts_limits_is_dead_lettered_with_the_reason(tmp_path: Any) -> None:
    """The contacts API caps a name at 200 characters; bytes on the topic are not trusted to."""
    subject, dead, engine = await consumer(tmp_path)
    before, _ = record("ada", "c1", offset=1)
    oversized, envelope = record("ada", "c2", offset=2)
    body = json.loads(envelope.data)
    body["contact"]["display_name"] = "x" * 900_000
    after, _ = record("ada", "c3", offset=3)
    outcome = await subject.process(
        [before, Record(oversized.key, json.dumps(body).encode(), oversized.headers, offset=2), after]
    )
    [(_, _, headers)] = dead.sent
    assert headers["dlq_original_offset"] == b"2"
    assert b"contact.display_name: String should have at most 200 characters" in headers["dlq_error"]
    assert outcome.applied == 2
    assert await backbone.counter(engine, "ada") == 2


async def test_a_sequenced_event_at_or_below_its_keys_mark_is_a_duplicate_whatever_its_id(
    tmp_path: Any,
) -> None:
    subject, _, engine = await consumer(tmp_path)
    first, _ = record("ada", "c1", sequence=7)
    second, _ = record("ada", "c2", sequence=9)
    replayed, _ = record("ada", "c1-again", sequence=7)  # a new id, the same place in the order
    older, _ = record("ada", "c0", sequence=3)
    outcome = await subject.process([first, second, first])
    later = await subject.process([replayed, older, second])
    assert (outcome.applied, outcome.duplicates) == (2, 1)
    assert (later.applied, later.duplicates) == (0, 3)
    assert await backbone.counter(engine, "ada") == 2
    marks = await stored(engine, backbone.inbox.sequences)
    assert [(m["consumer"], m["source"], m["key"], m["sequence"]) for m in marks] == [
        ("unit", "/t", "ada", 9)
    ]
    assert await stored(engine, backbone.inbox.events) == []  # one row per key, none per event


async def test_marks_are_kept_per_source_and_per_key(tmp_path: Any) -> None:
    subject, _, engine = await consumer(tmp_path)
    ada, _ = record("ada", "c1", sequence=5)
    bob, _ = record("bob", "c1", sequence=2)
    elsewhere, _ = record("ada", "c2", sequence=1, source="/other")
    outcome = await subject.process([ada, bob, elsewhere])
    assert (outcome.applied, outcome.duplicates) == (3, 0)
    assert await backbone.counter(engine, "ada") == 2
    assert await backbone.counter(engine, "bob") == 1


@pytest.mark.parametrize("sequence", [b"", b"2026-11-22", b"\xd9\xa3", str(2**63).encode()])
async def test_an_event_whose_sequence_is_no_usable_number_is_remembered_by_its_id(
    tmp_path: Any, sequence: bytes
) -> None:
    subject, dead, engine = await consumer(tmp_path)
    plain, _ = record("ada", "c1")
    odd = with_sequence(plain, sequence)
    assert (await subject.process([odd])).applied == 1
    assert (await subject.process([odd])).duplicates == 1
    assert await backbone.counter(engine, "ada") == 1
    assert len(await stored(engine, backbone.inbox.events)) == 1
    assert await stored(engine, backbone.inbox.sequences) == []
    assert dead.sent == []


async def test_a_dead_lettered_sequenced_event_raises_the_mark_so_it_is_not_dead_lettered_again(
    tmp_path: Any,
) -> None:
    async def refuses_c1(session: AsyncSession, event: EventData, envelope: CloudEvent) -> None:
        if json.loads(envelope.data)["contact"]["id"] == "c1":
            raise ValueError("cannot apply")
        await backbone.bump(session, event, envelope)

    subject, dead, engine = await consumer(tmp_path, refuses_c1)
    before, _ = record("ada", "c0", sequence=1)
    poison, _ = record("ada", "c1", sequence=2)
    after, _ = record("ada", "c2", sequence=3)
    outcome = await subject.process([before, poison, after])
    again = await subject.process([before, poison, after])  # a rebalance before the offset commit
    assert (outcome.applied, len(outcome.dead_lettered)) == (2, 1)
    assert (again.applied, again.duplicates, len(dead.sent)) == (0, 3, 1)
    assert await backbone.counter(engine, "ada") == 2


async def test_an_event_applied_by_its_id_before_it_carried_a_sequence_is_not_applied_again(
    tmp_path: Any,
) -> None:
    """A relay that crashed before marking a row sent, then upgraded, republishes it with a
    sequence: the copy applied by id before the upgrade still counts."""
    subject, _, engine = await consumer(tmp_path)
    plain, _ = record("ada", "c1")
    await subject.process([plain])
    stamped = with_sequence(plain, b"00000000000000000042")
    following, _ = record("ada", "c2", sequence=43)
    outcome = await subject.process([stamped, following])
    assert (outcome.applied, outcome.duplicates) == (1, 1)
    assert await backbone.counter(engine, "ada") == 2
