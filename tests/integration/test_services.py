"""Each service migrates its own database and serves its probes and API docs."""

import asyncio
import logging
import uuid
from datetime import UTC, datetime
from importlib import import_module
from typing import Any

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData

from services.catalog import SERVICES
from services.contacts.adapters import db as contacts_db
from services.contacts.bootstrap import ContactsSettings
from services.habits.adapters import db as habits_db
from services.habits.bootstrap import HabitsSettings
from services.notifier.adapters import db as notifier_db
from services.notifier.bootstrap import NotifierSettings
from shared.auth import DEVELOPMENT_SECRET, mint_token
from shared.contracts.topics import Stream
from shared.localinfra.processes import free_port
from shared.runtime import Role, ServiceRuntime
from shared.settings import KafkaSettings, ServiceSettings
from tests.infrastructure import KafkaCluster

SETTINGS: dict[str, type[ServiceSettings]] = {
    "contacts": ContactsSettings,
    "habits": HabitsSettings,
    "notifier": NotifierSettings,
}
METADATA: dict[str, MetaData] = {
    "contacts": contacts_db.metadata,
    "habits": habits_db.metadata,
    "notifier": notifier_db.metadata,
}


def build(name: str, database_url: str, kafka: KafkaSettings) -> ServiceRuntime:
    settings = SETTINGS[name](database_url=database_url, http_port=free_port(), kafka=kafka)
    bootstrap: Any = import_module(f"services.{name}.bootstrap").bootstrap
    runtime: ServiceRuntime = bootstrap(settings)
    return runtime


@pytest.mark.parametrize("name", list(SERVICES))
async def test_migrations_build_exactly_the_schema_the_code_declares(
    name: str, database_url: str, kafka_settings: KafkaSettings
) -> None:
    runtime = build(name, database_url, kafka_settings)
    await runtime.migrate()
    await runtime.migrate()  # a second run is a no-op

    def differences(connection: Connection) -> list[Any]:
        return list(compare_metadata(MigrationContext.configure(connection), METADATA[name]))

    async with runtime.engine.connect() as connection:
        assert await connection.run_sync(differences) == []
    await runtime.engine.dispose()


@pytest.mark.parametrize("name", list(SERVICES))
async def test_outbox_ids_which_are_the_events_sequences_are_never_reused_even_once_all_are_pruned(
    name: str, database_url: str, kafka_settings: KafkaSettings
) -> None:
    """Consumers drop an event at or below the last sequence they applied for its key: an id
    handed out again would be dropped as a duplicate. (SQLite reuses the highest rowid of an
    emptied table unless the table is AUTOINCREMENT; the migration rebuilds it so.)"""
    runtime = build(name, database_url, kafka_settings)
    await runtime.migrate()
    outbox = METADATA[name].tables["outbox"]
    row = {
        "topic": "t",
        "key": "k",
        "type": "x",
        "source": "/s",
        "recorded_at": datetime.now(UTC),
        "data": b"{}",
    }

    async def write_then_prune(event_id: str) -> int:
        async with runtime.engine.begin() as connection:
            written = await connection.execute(outbox.insert().values(event_id=event_id, **row))
            await connection.execute(outbox.delete())
        [key] = written.inserted_primary_key or [0]
        return int(key)

    first = await write_then_prune("e1")
    assert await write_then_prune("e2") > first
    await runtime.engine.dispose()


@pytest.mark.parametrize("name", list(SERVICES))
async def test_a_service_serves_probes_and_openapi_then_stops_cleanly(
    name: str, sqlite_url: str, kafka_settings: KafkaSettings
) -> None:
    runtime = build(name, sqlite_url, kafka_settings)
    await runtime.migrate()
    stop = asyncio.Event()
    running = asyncio.create_task(runtime.run(set(Role), stop))
    base = f"http://127.0.0.1:{runtime.settings.http_port}"
    async with httpx.AsyncClient(base_url=base) as client:
        async with asyncio.timeout(20):
            while True:
                try:
                    health = await client.get("/healthz")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
        ready = await client.get("/readyz")
        openapi = await client.get("/openapi.json")
    stop.set()
    await asyncio.wait_for(running, 30)
    assert health.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok"}
    document = openapi.json()
    assert document["info"]["title"] == f"KeepWarm {name}"
    # A bearer scheme, required by every owner's operation: /docs shows an Authorize button. A
    # nudge's action link is its own credential.
    schemes = document["components"]["securitySchemes"]
    assert [(s["type"], s["scheme"]) for s in schemes.values()] == [("http", "bearer")]
    owned = [
        operation
        for path, item in document["paths"].items()
        if path.startswith("/v1/") and path != "/v1/links"
        for operation in item.values()
    ]
    assert owned
    assert all(operation.get("security") == [{name: []} for name in schemes] for operation in owned)


async def test_an_unreachable_database_answers_503_with_retry_after_and_logs_one_line_per_request(
    kafka_settings: KafkaSettings, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL is down (nothing listens on its port): the API answers 503 in JSON with
    ``Retry-After``, never a plain-text 500 or a dropped connection, and the log holds one line per
    request with at most one traceback."""
    settings = ContactsSettings(
        database_url=f"postgresql+asyncpg://keepwarm:secret@127.0.0.1:{free_port()}/gone",
        http_port=free_port(),
        kafka=kafka_settings,
    )
    runtime = import_module("services.contacts.bootstrap").bootstrap(settings)
    token = mint_token(secret=DEVELOPMENT_SECRET, owner_id="student-1")
    transport = httpx.ASGITransport(app=runtime.app)
    caplog.set_level(logging.ERROR, logger="keepwarm.http")
    async with httpx.AsyncClient(transport=transport, base_url="http://keepwarm") as client:
        answers = [
            await client.get("/v1/contacts", headers={"Authorization": f"Bearer {token}"}) for _ in range(5)
        ]
    assert {answer.status_code for answer in answers} == {503}
    assert all(answer.headers["retry-after"] == "5" for answer in answers)
    assert all("out of reach" in answer.json()["detail"] for answer in answers)
    lines = [record for record in caplog.records if record.name == "keepwarm.http"]
    assert len(lines) == 5
    assert sum(1 for record in lines if record.exc_info) <= 1
    assert all("secret" not in record.getMessage() for record in lines)
    await runtime.engine.dispose()


@pytest.mark.parametrize("name", list(SERVICES))
async def test_a_service_creates_its_topics_with_the_configured_partitions(
    name: str, sqlite_url: str, kafka: KafkaCluster
) -> None:
    """The broker creates no topic by itself: each service creates what it publishes, what it
    follows and their dead-letter topics, with the partitions its settings give."""
    prefix = f"fresh-{uuid.uuid4().hex[:8]}."
    settings = KafkaSettings(
        bootstrap_servers=kafka.bootstrap_servers, topic_prefix=prefix, topic_partitions=4
    )
    runtime = build(name, sqlite_url, settings)
    await runtime.migrate()
    stop = asyncio.Event()
    running = asyncio.create_task(runtime.run({Role.RELAY, Role.CONSUME}, stop))
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    await admin.start()
    try:
        async with asyncio.timeout(30):
            while not runtime.topics <= set(await admin.list_topics()):
                await asyncio.sleep(0.1)
        described = await admin.describe_topics(sorted(runtime.topics))
    finally:
        await admin.close()
        stop.set()
        await asyncio.wait_for(running, 30)
    published = settings.topics.of(Stream(name))
    assert published in runtime.topics
    if name != "contacts":  # habits and the notifier follow streams, and dead-letter what fails
        assert any(topic.endswith(".dlq") for topic in runtime.topics)
    assert {topic["topic"]: len(topic["partitions"]) for topic in described} == dict.fromkeys(
        runtime.topics, 4
    )
