"""A service's HTTP app in-process (httpx over ASGI) with a controllable clock and minted tokens."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from shared.auth import DEVELOPMENT_SECRET, mint_token
from shared.runtime import ServiceRuntime


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

    def as_owner(self, owner_id: str, *roles: str) -> dict[str, str]:
        token = mint_token(secret=DEVELOPMENT_SECRET, owner_id=owner_id, roles=roles)
        return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def running_api(build: Callable[[Clock], ServiceRuntime], host: str) -> AsyncIterator[Api]:
    clock = Clock()
    runtime = build(clock)
    await runtime.migrate()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=runtime.app), base_url=f"http://{host}"
    ) as client:
        yield Api(runtime, client, clock)
    await runtime.engine.dispose()


async def assert_routes_are_owner_scoped(
    api: Api,
    *,
    intruder: dict[str, str],
    ids: dict[str, str],
    bodies: dict[tuple[str, str], dict[str, Any]],
    not_id_scoped: set[tuple[str, str]],
    secret: str,
) -> int:
    """Call every /v1 operation of the OpenAPI document as ``intruder`` with another owner's ``ids``:
    each must answer 404 without showing ``secret``. Returns how many were checked."""
    routes = [
        (method.upper(), path)
        for path, operations in api.runtime.app.openapi()["paths"].items()
        if path.startswith("/v1")
        for method in operations
    ]
    checked = 0
    for method, path in routes:
        if (method, path) in not_id_scoped:
            continue
        response = await api.client.request(
            method, path.format(**ids), json=bodies.get((method, path)), headers=intruder
        )
        assert response.status_code == 404, (method, path, response.status_code, response.text)
        assert secret not in response.text
        checked += 1
    assert checked == len(routes) - len(not_id_scoped)
    return checked


async def outbox_count(api: Api, outbox: Any) -> int:
    async with api.runtime.engine.connect() as connection:
        count: int = await connection.scalar(select(func.count()).select_from(outbox)) or 0
        return count


async def until_ready(client: httpx.AsyncClient, timeout_s: float = 30) -> None:
    """Wait until a service started over real HTTP answers ``/readyz`` with 200."""
    async with asyncio.timeout(timeout_s):
        while True:
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
