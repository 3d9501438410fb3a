from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.contacts.bootstrap import ContactsSettings, bootstrap
from shared.auth import DEVELOPMENT_SECRET, mint_token
from shared.runtime import ServiceRuntime
from shared.settings import KafkaSettings


@dataclass
class Clock:
    now: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Api:
    runtime: ServiceRuntime
    client: httpx.AsyncClient
    clock: Clock

    def as_owner(self, owner_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {mint_token(secret=DEVELOPMENT_SECRET, owner_id=owner_id)}"}


def contacts_api(database_url: str, kafka: KafkaSettings | None = None) -> Callable[[], "AsyncIterator[Api]"]:
    async def build() -> AsyncIterator[Api]:
        clock = Clock()
        settings = ContactsSettings(database_url=database_url, http_port=8001, kafka=kafka or KafkaSettings())
        runtime = bootstrap(settings, clock=clock)
        await runtime.migrate()
        transport = httpx.ASGITransport(app=runtime.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://contacts") as client:
            yield Api(runtime, client, clock)
        await runtime.engine.dispose()

    return build


@pytest.fixture
async def api(database_url: str) -> AsyncIterator[Api]:
    async for built in contacts_api(database_url)():
        yield built
