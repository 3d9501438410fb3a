"""Each service migrates its own database and serves its probes and API docs."""

import asyncio
from importlib import import_module
from typing import Any

import httpx
import pytest
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
from shared.localinfra.processes import free_port
from shared.runtime import Role, ServiceRuntime
from shared.settings import KafkaSettings, ServiceSettings

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
    # A bearer scheme, required by every owner's operation: /docs shows an Authorize button.
    schemes = document["components"]["securitySchemes"]
    assert [(s["type"], s["scheme"]) for s in schemes.values()] == [("http", "bearer")]
    owned = [
        operation
        for path, item in document["paths"].items()
        if path.startswith("/v1/")
        for operation in item.values()
    ]
    assert owned
    assert all(operation.get("security") == [{name: []} for name in schemes] for operation in owned)
