"""Records built by hand and an :class:`EventConsumer` over the tests' own backbone service, with
a dead-letter producer that only records: for the consumer's tests with or without a broker."""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from shared.db.engine import create_engine, session_factory
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.consumer import EventConsumer, RetryPolicy
from tests.integration import backbone


@dataclass
class Record:
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]
    topic: str = "keepwarm.contacts.v1"
    partition: int = 0
    offset: int = 0


@dataclass
class DeadLetters:
    """Stands in for the producer: records what would be dead-lettered."""

    sent: list[tuple[str, bytes, dict[str, bytes]]] = field(default_factory=list)

    async def send(self, topic: str, value: bytes, *, key: bytes, headers: list[tuple[str, bytes]]) -> Any:
        self.sent.append((topic, value, dict(headers)))
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future

    async def __call__(self) -> "DeadLetters":
        return self


def record(
    owner: str, contact: str, offset: int = 0, *, sequence: int | None = None, source: str = "/t"
) -> tuple[Record, CloudEvent]:
    event = backbone.contact_added(owner_id=owner, contact_id=contact)
    envelope = CloudEvent.of(event, source=source, sequence=sequence)
    return Record(envelope.key.encode(), envelope.data, envelope.headers(), offset=offset), envelope


def with_sequence(original: Record, sequence: bytes) -> Record:
    headers = [(name, value) for name, value in original.headers if name != "ce_sequence"]
    return Record(original.key, original.value, [*headers, ("ce_sequence", sequence)])


async def stored(engine: Any, table: Any) -> list[dict[str, Any]]:
    async with engine.connect() as connection:
        return [dict(row) for row in (await connection.execute(select(table))).mappings()]


async def consumer(
    tmp_path: Any, handler: Any = backbone.bump, *, url: str | None = None
) -> tuple[EventConsumer, DeadLetters, Any]:
    engine = create_engine(url or f"sqlite+aiosqlite:///{tmp_path}/c.db")
    await backbone.create_schema(engine)
    dead = DeadLetters()
    return (
        EventConsumer(
            name="unit",
            sessions=session_factory(engine),
            inbox=backbone.inbox,
            handler=handler,
            dead_letter_producer=dead,
            retry=RetryPolicy(attempts=2, first_backoff_s=0),
        ),
        dead,
        engine,
    )
