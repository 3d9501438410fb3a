"""Statements whose spelling differs between PostgreSQL and SQLite but whose meaning does not."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Table, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_insert(session: AsyncSession, table: Table) -> postgresql.Insert | sqlite.Insert:
    """``INSERT`` for the session's database, to which ``ON CONFLICT`` clauses can be added
    (``on_conflict_do_nothing``/``on_conflict_do_update``, spelled alike in both dialects)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for {dialect}")


async def upsert_newest(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]], *, terminal: str | None = None
) -> set[str]:
    """Store ``rows`` (keyed by ``id``, carrying ``version`` and ``owner_id``) where nothing newer
    is stored: the newest version wins whatever the order of arrival, and with ``terminal`` that
    boolean column, once set, stays set. Returns the owners of the rows that changed."""
    newest: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["id"] not in newest or newest[row["id"]]["version"] < row["version"]:
            newest[row["id"]] = row
    if not newest:
        return set()
    statement = dialect_insert(session, table)
    changes: dict[str, Any] = {c.name: statement.excluded[c.name] for c in table.c if c.name != "id"}
    if terminal is not None:
        changes[terminal] = or_(table.c[terminal], statement.excluded[terminal])
    stored = await session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.id], set_=changes, where=table.c.version < statement.excluded.version
        ).returning(table.c.owner_id),
        list(newest.values()),
    )
    return set(stored.scalars())


async def claim_due(
    session: AsyncSession, when: Column[Any], key: Column[Any], *, now: datetime, limit: int
) -> list[Any]:
    """The keys of up to ``limit`` rows whose ``when`` has come, earliest first: an index range
    read. On PostgreSQL the rows stay locked until the transaction ends and other transactions
    skip them (``FOR UPDATE SKIP LOCKED``), so several instances share the work; SQLite serves
    one instance."""
    statement = select(key).where(when <= now).order_by(when).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    return list((await session.execute(statement)).scalars())
