"""A minimal service of the tests' own: a notes table written with its events, and a counter a
consumer bumps, so the delivery machinery is proven independently of any one service."""

from datetime import UTC, datetime

from sqlalchemy import Column, Integer, String, Table, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.contracts.base import EventData
from shared.contracts.contacts import ContactAdded, ContactSnapshot
from shared.db.engine import new_metadata
from shared.db.inbox import inbox_tables
from shared.db.outbox import outbox_table, stage_all
from shared.kafka.cloudevents import CloudEvent
from shared.vocabulary import Category, Tie, Warmth

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_tables(metadata)
notes = Table("notes", metadata, Column("id", String(64), primary_key=True), Column("owner_id", String(64)))
counters = Table("counters", metadata, Column("name", String(64), primary_key=True), Column("value", Integer))

SOURCE = "/tests/backbone"


async def create_schema(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)


def contact_added(*, owner_id: str, contact_id: str, name: str = "Ada Lovelace") -> ContactAdded:
    now = datetime.now(UTC)
    return ContactAdded(
        owner_id=owner_id,
        occurred_at=now,
        recorded_at=now,
        contact=ContactSnapshot(
            id=contact_id,
            display_name=name,
            category=Category.MENTOR,
            tie=Tie.WEAK,
            warmth=Warmth.WARM,
            cadence_days=60,
            version=1,
        ),
    )


async def write_note(
    sessions: async_sessionmaker[AsyncSession], *, topic: str, owner_id: str, note_id: str
) -> CloudEvent:
    """The state change and its event, in one transaction."""
    async with sessions.begin() as session:
        await session.execute(notes.insert().values(id=note_id, owner_id=owner_id))
        [envelope] = await stage_all(
            session,
            outbox,
            topic=topic,
            events=[contact_added(owner_id=owner_id, contact_id=note_id)],
            source=SOURCE,
        )
        return envelope


async def bump(session: AsyncSession, event: EventData, envelope: CloudEvent) -> None:
    """A handler with a visible, non-idempotent effect: a second application would show."""
    current = await session.scalar(select(counters.c.value).where(counters.c.name == envelope.key))
    if current is None:
        await session.execute(counters.insert().values(name=envelope.key, value=1))
    else:
        await session.execute(
            counters.update().where(counters.c.name == envelope.key).values(value=current + 1)
        )


async def counter(engine: AsyncEngine, name: str) -> int | None:
    async with engine.connect() as connection:
        return await connection.scalar(select(counters.c.value).where(counters.c.name == name))
