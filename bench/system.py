"""The whole system as ``keepwarm up`` runs it, for benchmarks: its own Kafka, and SQLite files or
PostgreSQL databases, with request limits lifted (the benchmarks are the only clients)."""

import asyncio
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from shared.db.engine import create_engine
from shared.localinfra.kafka import LocalKafka
from shared.localinfra.system import SERVICES, RunningSystem, local_system
from tests.infrastructure import postgres_server

UNLIMITED = {f"KEEPWARM_RATE_{name}": "1000000/minute" for name in ("WRITES", "PER_CLIENT")}


async def new_database(postgres_admin: str) -> str:
    """The URL of a new, empty database on the server ``postgres_admin`` administers."""
    database = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_admin, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{database}"'))
    await admin.dispose()
    return make_url(postgres_admin).set(database=database).render_as_string(hide_password=False)


@contextmanager
def databases(kind: str, home: Path) -> Iterator[dict[str, str]]:
    if kind == "sqlite":
        yield {name: f"sqlite+aiosqlite:///{home / name}.db" for name in SERVICES}
        return
    with postgres_server() as admin:

        async def create() -> dict[str, str]:
            return {name: await new_database(admin) for name in SERVICES}

        yield asyncio.run(create())


@contextmanager
def whole_system(database: str) -> Iterator[tuple[RunningSystem, dict[str, str], str]]:
    """The running system, each service's database URL, and the broker's bootstrap servers."""
    with tempfile.TemporaryDirectory(prefix="keepwarm-bench-") as home, ExitStack() as stack:
        urls = stack.enter_context(databases(database, Path(home)))
        broker = LocalKafka.ephemeral(Path(home) / "kafka")
        broker.start()
        stack.callback(broker.stop)
        system = stack.enter_context(
            local_system(
                bootstrap_servers=broker.bootstrap_servers,
                home=Path(home),
                extra_env=UNLIMITED,
                database_urls=urls,
            )
        )
        yield system, urls, broker.bootstrap_servers
