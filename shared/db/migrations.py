"""Alembic, one history per service (``services/<name>/migrations``), run from code or the CLI.

Services migrate on an engine they already have: the connection is handed to Alembic's env.py,
which is the same three lines in every service (see :func:`run_env`).
"""

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db.engine import create_engine


def alembic_config(script_location: Path, *, url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(engine: AsyncEngine, script_location: Path, revision: str = "head") -> None:
    """Bring the database behind ``engine`` to ``revision``."""

    def _upgrade(connection: Connection) -> None:
        config = alembic_config(script_location)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


def run_env(metadata: MetaData) -> None:
    """The body of every service's ``env.py``: migrate the handed connection, or open one from
    the configured ``sqlalchemy.url`` (as the ``alembic`` command line does)."""
    connection: Connection | None = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection, metadata)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url (alembic -x or the service's migrate command)")

    async def _run() -> None:
        engine = create_engine(url)
        async with engine.begin() as async_connection:
            await async_connection.run_sync(_migrate, metadata)
        await engine.dispose()

    asyncio.run(_run())


def _migrate(connection: Connection, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
