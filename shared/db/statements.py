"""Statements whose spelling differs between PostgreSQL and SQLite but whose meaning does not."""

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_or_skip(session: AsyncSession, table: Table) -> postgresql.Insert | sqlite.Insert:
    """``INSERT`` for the session's database, with ``ON CONFLICT`` clauses to add
    (``on_conflict_do_nothing``/``on_conflict_do_update``, spelled alike in both dialects)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for {dialect}")
