"""The habits database: its tables (this service's own metadata), repositories and unit of work."""

from collections.abc import Sequence
from datetime import date, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    false,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.habits.adapters.kafka_out import event_of
from services.habits.domain.changes import Change, Erased
from services.habits.domain.credit import CreditRule
from services.habits.domain.model import CheckIn, Habit, OwnerSettings, Pause
from shared.contracts.base import EventData
from shared.db.engine import new_metadata
from shared.db.inbox import inbox_tables
from shared.db.outbox import outbox_table
from shared.db.statements import dialect_insert
from shared.db.types import UTCDateTime
from shared.db.unit_of_work import SessionUnitOfWork
from shared.schedules import Schedule
from shared.vocabulary import (
    Category,
    CheckInSource,
    Direction,
    HabitMeasure,
    InteractionKind,
    ScheduleKind,
    Tie,
)

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_tables(metadata)

habits = Table(
    "habits",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("description", Text),
    Column("measure", String(40), nullable=False),
    Column("schedule", JSON, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("reminder_time", String(8)),
    Column("day_start", String(8), nullable=False, server_default="00:00"),
    Column("zone_is_owners", Boolean, nullable=False, server_default=false()),
    Column("start_date", Date, nullable=False),
    Column("rule", JSON),
    Column("pauses", JSON, nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
)

check_ins = Table(
    "check_ins",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("habit_id", String(36), ForeignKey("habits.id"), nullable=False),
    Column("local_date", Date, nullable=False),
    Column("count", Integer, nullable=False),
    Column("source", String(16), nullable=False),
    Column("source_event_id", String(64)),
    Column("interaction_id", String(64)),
    Column("reverted", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_check_ins_owner_habit_date", "owner_id", "habit_id", "local_date"),
    Index("ix_check_ins_owner_interaction", "owner_id", "interaction_id"),
)

owner_settings = Table(
    "owner_settings",
    metadata,
    Column("owner_id", String(128), primary_key=True),
    Column("timezone", String(64), nullable=False),
    Column("day_start", String(8), nullable=False),
    comment="Each owner's zone and day start, from their preferences on the notifier stream",
)

interaction_versions = Table(
    "interaction_versions",
    metadata,
    Column("owner_id", String(128), primary_key=True),
    Column("interaction_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("tie_before", String(16), nullable=False),
)


class SqlOwnerSettings:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, owner_id: str) -> OwnerSettings | None:
        found = (
            await self._session.execute(
                select(owner_settings.c.timezone, owner_settings.c.day_start).where(
                    owner_settings.c.owner_id == owner_id
                )
            )
        ).first()
        return None if found is None else OwnerSettings(found[0], time.fromisoformat(found[1]))

    async def put(self, owner_id: str, settings: OwnerSettings) -> None:
        values = {
            "timezone": settings.timezone,
            "day_start": settings.day_start.isoformat(timespec="minutes"),
        }
        await self._session.execute(
            dialect_insert(self._session, owner_settings)
            .values(owner_id=owner_id, **values)
            .on_conflict_do_update(index_elements=[owner_settings.c.owner_id], set_=values)
        )


class SqlHabits:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, *, owner_id: str, habit_id: str) -> Habit | None:
        row = (
            (
                await self._session.execute(
                    select(habits).where(habits.c.id == habit_id, habits.c.owner_id == owner_id)
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else habit_from_row(row)

    async def add(self, habit: Habit) -> None:
        await self._session.execute(insert(habits).values(habit_row(habit)))

    async def save(self, habit: Habit) -> None:
        await self._session.execute(update(habits).where(habits.c.id == habit.id).values(habit_row(habit)))

    async def of_owner(self, *, owner_id: str, include_archived: bool) -> list[Habit]:
        statement = select(habits).where(habits.c.owner_id == owner_id)
        if not include_archived:
            statement = statement.where(habits.c.archived.is_(False))
        rows = await self._session.execute(statement.order_by(habits.c.created_at, habits.c.id))
        return [habit_from_row(row) for row in rows.mappings()]


class SqlCheckIns:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, *, owner_id: str, check_in_id: str) -> CheckIn | None:
        row = (
            (
                await self._session.execute(
                    select(check_ins).where(check_ins.c.id == check_in_id, check_ins.c.owner_id == owner_id)
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else _check_in(row)

    async def add(self, check_in: CheckIn) -> None:
        await self._session.execute(insert(check_ins).values(_check_in_row(check_in)))

    async def save(self, check_in: CheckIn) -> None:
        await self._session.execute(
            update(check_ins).where(check_ins.c.id == check_in.id).values(reverted=check_in.reverted)
        )

    async def between(self, *, owner_id: str, habit_id: str, first: date, last: date) -> list[CheckIn]:
        rows = await self._session.execute(
            select(check_ins)
            .where(
                check_ins.c.owner_id == owner_id,
                check_ins.c.habit_id == habit_id,
                check_ins.c.local_date.between(first, last),
                check_ins.c.reverted.is_(False),
            )
            .order_by(check_ins.c.local_date, check_ins.c.created_at, check_ins.c.id)
        )
        return [_check_in(row) for row in rows.mappings()]

    async def credited_for(self, *, owner_id: str, interaction_id: str) -> list[CheckIn]:
        rows = await self._session.execute(
            select(check_ins).where(
                check_ins.c.owner_id == owner_id,
                check_ins.c.interaction_id == interaction_id,
                check_ins.c.reverted.is_(False),
            )
        )
        return [_check_in(row) for row in rows.mappings()]


class SqlInteractionMemory:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def recall(self, *, owner_id: str, interaction_id: str) -> tuple[int, Tie] | None:
        row = (
            await self._session.execute(
                select(interaction_versions.c.version, interaction_versions.c.tie_before).where(
                    interaction_versions.c.owner_id == owner_id,
                    interaction_versions.c.interaction_id == interaction_id,
                )
            )
        ).first()
        return None if row is None else (row.version, Tie(row.tie_before))

    async def forget(self, *, owner_id: str, interaction_ids: Sequence[str]) -> None:
        if interaction_ids:
            await self._session.execute(
                delete(interaction_versions).where(
                    interaction_versions.c.owner_id == owner_id,
                    interaction_versions.c.interaction_id.in_(list(interaction_ids)),
                )
            )

    async def remember(self, *, owner_id: str, interaction_id: str, version: int, tie_before: Tie) -> None:
        updated = await self._session.execute(
            update(interaction_versions)
            .where(
                interaction_versions.c.owner_id == owner_id,
                interaction_versions.c.interaction_id == interaction_id,
            )
            .values(version=version)
        )
        if updated.rowcount == 0:  # type: ignore[attr-defined]
            await self._session.execute(
                insert(interaction_versions).values(
                    owner_id=owner_id,
                    interaction_id=interaction_id,
                    version=version,
                    tie_before=tie_before.value,
                )
            )


class SqlUnitOfWork(SessionUnitOfWork):
    """One transaction over the habits tables; published changes go to the outbox in it."""

    owners: SqlOwnerSettings
    habits: SqlHabits
    check_ins: SqlCheckIns
    interactions: SqlInteractionMemory

    def bind(self, session: AsyncSession) -> None:
        self.owners = SqlOwnerSettings(session)
        self.habits = SqlHabits(session)
        self.check_ins = SqlCheckIns(session)
        self.interactions = SqlInteractionMemory(session)

    async def erase_owner(self, owner_id: str) -> None:
        """Everything of the owner here, and tombstones on the state topic for every habit and
        check-in it held."""
        await self.erase_owner_from(metadata, owner_id, entities={"habit": habits, "check_in": check_ins})

    def event_of(self, change: Change | Erased) -> EventData:
        return event_of(change)


def habit_row(habit: Habit) -> dict[str, Any]:
    rule = habit.rule
    return {
        "id": habit.id,
        "owner_id": habit.owner_id,
        "name": habit.name,
        "description": habit.description,
        "measure": habit.measure.value,
        "schedule": {
            "kind": habit.schedule.kind.value,
            "times": habit.schedule.times,
            "every_days": habit.schedule.every_days,
            "weekdays": list(habit.schedule.weekdays),
        },
        "timezone": habit.timezone,
        "day_start": habit.day_start.isoformat(timespec="minutes"),
        "zone_is_owners": habit.zone_is_owners,
        "reminder_time": habit.reminder_time.isoformat(timespec="minutes") if habit.reminder_time else None,
        "start_date": habit.start_date,
        "rule": None
        if rule is None
        else {
            "kinds": sorted(kind.value for kind in rule.kinds),
            "direction": rule.direction.value if rule.direction else None,
            "categories": sorted(category.value for category in rule.categories),
            "ties": sorted(tie.value for tie in rule.ties),
        },
        "pauses": [
            {"start": pause.start.isoformat(), "end": pause.end.isoformat() if pause.end else None}
            for pause in habit.pauses
        ],
        "archived": habit.archived,
        "created_at": habit.created_at,
        "updated_at": habit.updated_at,
        "version": habit.version,
    }


def habit_from_row(row: Any) -> Habit:
    schedule, rule = row["schedule"], row["rule"]
    return Habit(
        id=row["id"],
        owner_id=row["owner_id"],
        name=row["name"],
        description=row["description"],
        measure=HabitMeasure(row["measure"]),
        schedule=Schedule(
            kind=ScheduleKind(schedule["kind"]),
            times=schedule["times"],
            every_days=schedule["every_days"],
            weekdays=tuple(schedule["weekdays"]),
        ),
        timezone=row["timezone"],
        day_start=time.fromisoformat(row["day_start"]),
        zone_is_owners=row["zone_is_owners"],
        reminder_time=time.fromisoformat(row["reminder_time"]) if row["reminder_time"] else None,
        start_date=row["start_date"],
        rule=None
        if rule is None
        else CreditRule(
            kinds=frozenset(InteractionKind(kind) for kind in rule["kinds"]),
            direction=Direction(rule["direction"]) if rule["direction"] else None,
            categories=frozenset(Category(category) for category in rule["categories"]),
            ties=frozenset(Tie(tie) for tie in rule["ties"]),
        ),
        pauses=tuple(
            Pause(date.fromisoformat(p["start"]), date.fromisoformat(p["end"]) if p["end"] else None)
            for p in row["pauses"]
        ),
        archived=row["archived"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        version=row["version"],
    )


def _check_in_row(check_in: CheckIn) -> dict[str, Any]:
    return {
        "id": check_in.id,
        "owner_id": check_in.owner_id,
        "habit_id": check_in.habit_id,
        "local_date": check_in.local_date,
        "count": check_in.count,
        "source": check_in.source.value,
        "source_event_id": check_in.source_event_id,
        "interaction_id": check_in.interaction_id,
        "reverted": check_in.reverted,
        "created_at": check_in.created_at,
    }


def _check_in(row: Any) -> CheckIn:
    return CheckIn(
        id=row["id"],
        owner_id=row["owner_id"],
        habit_id=row["habit_id"],
        local_date=row["local_date"],
        count=row["count"],
        source=CheckInSource(row["source"]),
        source_event_id=row["source_event_id"],
        interaction_id=row["interaction_id"],
        reverted=row["reverted"],
        created_at=row["created_at"],
    )
