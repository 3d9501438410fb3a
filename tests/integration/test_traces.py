"""One HTTP write is one trace through contacts, the relay, habits and the notifier, on the real
broker and PostgreSQL, as OpenTelemetry's in-memory exporter records it: the request's server span
parents the relay's producer span, which parents the habits consumer's span, under which the
check-in is staged; its producer span parents the notifier's consumer span. Each record carries
its context as ``ce_traceparent``."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import select

from services.notifier.adapters import db as notifier_db
from shared.contracts.topics import Topics
from shared.runtime import Role
from shared.settings import KafkaSettings
from tests.integration.services import three_services
from tests.kafka_io import header, read_until

ME = "student-traced"
_EXPORTER = InMemorySpanExporter()


@pytest.fixture
def spans() -> InMemorySpanExporter:
    """The process's tracer provider, recording into memory (set once: OpenTelemetry allows one)."""
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
        trace.set_tracer_provider(provider)
    _EXPORTER.clear()
    return _EXPORTER


def one(found: Sequence[ReadableSpan], name: str) -> ReadableSpan:
    matching = [span for span in found if span.name == name]
    assert len(matching) == 1, (name, sorted(span.name for span in found))
    return matching[0]


def parent_of(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent else None


async def test_one_write_is_one_trace_through_every_service(
    spans: InMemorySpanExporter,
    new_postgres_database: Callable[[], Awaitable[str]],
    kafka_settings: KafkaSettings,
    topics: Topics,
) -> None:
    async with AsyncExitStack() as stack:
        contacts, habits, notifier = await three_services(stack, new_postgres_database, kafka_settings)
        me = contacts.as_owner(ME)
        habit = {
            "name": "Reach out",
            "measure": "outreach_messages",
            "schedule": {"kind": "daily"},
            "timezone": "UTC",
            "start_date": "2026-03-01",
        }
        assert (await habits.client.post("/v1/habits", json=habit, headers=me)).status_code == 201
        ada = (await contacts.client.post("/v1/contacts", json={"name": "Ada"}, headers=me)).json()
        stop = asyncio.Event()
        running = [
            asyncio.create_task(contacts.runtime.run({Role.RELAY}, stop)),
            asyncio.create_task(habits.runtime.run({Role.RELAY, Role.CONSUME}, stop)),
            asyncio.create_task(notifier.runtime.run({Role.CONSUME}, stop)),
        ]
        logged = await contacts.client.post(
            f"/v1/contacts/{ada['id']}/interactions",
            json={"kind": "message", "direction": "outbound"},
            headers=me,
        )
        assert logged.status_code == 201
        check_ins = notifier_db.check_ins
        async with asyncio.timeout(30):
            while True:
                async with notifier.runtime.engine.connect() as connection:
                    if await connection.scalar(select(check_ins.c.id).where(check_ins.c.owner_id == ME)):
                        break
                await asyncio.sleep(0.05)
        records = await read_until(
            kafka_settings.bootstrap_servers,
            topics.contacts,
            lambda found: any(header(r, "ce_type") == "keepwarm.interaction.logged.v1" for r in found),
        )
        await asyncio.sleep(0.3)  # the notifier's batch span ends after its commit
        stop.set()
        await asyncio.gather(*running)

    request = one(spans.get_finished_spans(), "POST /v1/contacts/{contact_id}/interactions")
    trace_id = request.context.trace_id
    found = [span for span in spans.get_finished_spans() if span.context.trace_id == trace_id]
    on_stream = [
        s
        for s in found
        if s.attributes and s.attributes.get("messaging.destination.name") not in topics.compacted
    ]
    published = one(on_stream, "publish keepwarm.interaction.logged.v1")
    credited = [span for span in found if span.name == "apply keepwarm.interaction.logged.v1"]
    check_in = one(on_stream, "publish keepwarm.habit.checked_in.v1")
    streaked = one(found, "apply keepwarm.habit.checked_in.v1")

    assert parent_of(published) == request.context.span_id
    assert {parent_of(span) for span in credited} == {published.context.span_id}  # habits and the notifier
    habits_span = next(span for span in credited if span.context.span_id == parent_of(check_in))
    assert habits_span in credited
    assert parent_of(streaked) == check_in.context.span_id
    assert published.kind is trace.SpanKind.PRODUCER
    assert streaked.kind is trace.SpanKind.CONSUMER

    [record] = [r for r in records if header(r, "ce_type") == "keepwarm.interaction.logged.v1"]
    carried = header(record, "ce_traceparent")
    assert carried is not None
    assert carried.startswith(f"00-{trace_id:032x}-{published.context.span_id:016x}-")  # then the flags
