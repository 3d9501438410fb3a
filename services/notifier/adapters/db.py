"""The notifier database: its projection of habits and check-ins, streak state, and unit of work."""

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    String,
    Table,
    bindparam,
    column,
    func,
    select,
    update,
    values,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import FromClause

from services.notifier.adapters.kafka_out import event_of
from services.notifier.domain.announcements import Announcement, StreakState, TrackedHabit
from services.notifier.domain.streaks import Checkpoint, HabitPlan
from services.notifier.service import CheckInRecord
from shared.contracts.base import EventData
from shared.db.engine import new_metadata
from shared.db.inbox import inbox_table
from shared.db.outbox import outbox_table
from shared.db.statements import insert_or_skip
from shared.db.types import UTCDateTime
from shared.db.unit_of_work import SessionUnitOfWork
from shared.schedules import Schedule
from shared.time import utc_now
from shared.vocabulary import ScheduleKind

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

habits = Table(
    "habits",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("schedule", JSON, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("pauses", JSON, nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
)

check_ins = Table(
    "check_ins",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("habit_id", String(36), nullable=False),
    Column("local_date", Date, nullable=False),
    Column("count", Integer, nullable=False),
    Column("reverted", Boolean, nullable=False),
    Index("ix_check_ins_habit", "habit_id", "local_date"),
)

streaks = Table(
    "streaks",
    metadata,
    Column("habit_id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("current", Integer, nullable=False),
    Column("longest", Integer, nullable=False),
    Column("broken_period_start", Date),
    Column("next_check_at", UTCDateTime(), comment="when the period in progress closes"),
    Column("settled_through", Date, comment="last day of the periods folded into settled_*"),
    Column("settled_run", Integer, nullable=False, server_default="0"),
    Column("settled_longest", Integer, nullable=False, server_default="0"),
    Column("plan_version", Integer, comment="the habit version the settled periods were computed for"),
    Index("ix_streaks_next_check", "next_check_at"),
)


class SqlProjection:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def put_habits(self, habits_seen: Sequence[TrackedHabit]) -> None:
        newest: dict[str, TrackedHabit] = {}
        for habit in habits_seen:
            if habit.id not in newest or newest[habit.id].version < habit.version:
                newest[habit.id] = habit
        if not newest:
            return
        statement = insert_or_skip(self._session, habits)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[habits.c.id],
                set_={c.name: statement.excluded[c.name] for c in habits.c if c.name != "id"},
                where=habits.c.version < statement.excluded.version,
            ),
            [_habit_row(habit) for habit in newest.values()],
        )

    async def record_check_ins(self, records: Sequence[CheckInRecord]) -> None:
        latest: dict[str, CheckInRecord] = {}
        for record in records:
            seen = latest.get(record.id)
            latest[record.id] = record if seen is None or record.reverted else seen
        if not latest:
            return
        await self._session.execute(
            insert_or_skip(self._session, check_ins).on_conflict_do_nothing(),
            [
                {
                    "id": r.id,
                    "owner_id": r.owner_id,
                    "habit_id": r.habit_id,
                    "local_date": r.day,
                    "count": r.count,
                    "reverted": r.reverted,
                }
                for r in latest.values()
            ],
        )
        reverted = [r.id for r in latest.values() if r.reverted]
        if reverted:
            await self._session.execute(
                update(check_ins)
                .where(check_ins.c.id.in_(reverted), check_ins.c.reverted.is_(False))
                .values(reverted=True)
            )

    async def habits(self, *, habit_ids: Collection[str]) -> dict[str, TrackedHabit]:
        rows = await self._session.execute(select(habits).where(habits.c.id.in_(list(habit_ids))))
        return {row["id"]: _habit(row) for row in rows.mappings()}

    async def counts(self, *, after: Mapping[str, date | None]) -> dict[str, dict[date, int]]:
        if not after:
            return {}
        pairs = [(habit_id, day or date.min) for habit_id, day in after.items()]
        wanted: FromClause
        if self._session.get_bind().dialect.name == "postgresql":
            # Two array parameters: one cached statement whatever the number of habits.
            wanted = (
                func.unnest(
                    bindparam("habit_ids", [key for key, _ in pairs], type_=ARRAY(String)),
                    bindparam("after", [day for _, day in pairs], type_=ARRAY(Date)),
                )
                .table_valued("habit_id", "after")
                .render_derived(name="wanted")
            )
        else:
            wanted = values(column("habit_id", String), column("after", Date), name="wanted").data(pairs)
        rows = await self._session.execute(
            select(check_ins.c.habit_id, check_ins.c.local_date, func.sum(check_ins.c.count))
            .join(wanted, wanted.c.habit_id == check_ins.c.habit_id)
            .where(check_ins.c.local_date > wanted.c.after, check_ins.c.reverted.is_(False))
            .group_by(check_ins.c.habit_id, check_ins.c.local_date)
        )
        found: dict[str, dict[date, int]] = {}
        for habit_id, day, total in rows.all():
            found.setdefault(habit_id, {})[day] = int(total)
        return found

    async def states(self, *, habit_ids: Collection[str]) -> dict[str, StreakState]:
        rows = await self._session.execute(select(streaks).where(streaks.c.habit_id.in_(list(habit_ids))))
        return {
            row["habit_id"]: StreakState(
                current=row["current"],
                longest=row["longest"],
                broken_period_start=row["broken_period_start"],
                next_check_at=row["next_check_at"],
                checkpoint=Checkpoint(row["settled_through"], row["settled_run"], row["settled_longest"]),
                plan_version=row["plan_version"],
            )
            for row in rows.mappings()
        }

    async def put_states(self, states: Sequence[tuple[TrackedHabit, StreakState]]) -> None:
        if not states:
            return
        statement = insert_or_skip(self._session, streaks)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[streaks.c.habit_id],
                set_={c.name: statement.excluded[c.name] for c in streaks.c if c.name != "habit_id"},
            ),
            [
                {
                    "habit_id": habit.id,
                    "owner_id": habit.owner_id,
                    "current": state.current,
                    "longest": state.longest,
                    "broken_period_start": state.broken_period_start,
                    "next_check_at": state.next_check_at,
                    "settled_through": state.checkpoint.through,
                    "settled_run": state.checkpoint.run,
                    "settled_longest": state.checkpoint.longest,
                    "plan_version": state.plan_version,
                }
                for habit, state in states
            ],
        )

    async def due_for_check(self, *, now: datetime, limit: int) -> list[str]:
        statement = (
            select(streaks.c.habit_id)
            .where(streaks.c.next_check_at <= now)
            .order_by(streaks.c.next_check_at)
            .limit(limit)
        )
        if self._session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        return list((await self._session.execute(statement)).scalars())

    async def habits_of(self, *, owner_id: str) -> list[TrackedHabit]:
        rows = await self._session.execute(
            select(habits)
            .where(habits.c.owner_id == owner_id, habits.c.archived.is_(False))
            .order_by(habits.c.name)
        )
        return [_habit(row) for row in rows.mappings()]


class SqlUnitOfWork(SessionUnitOfWork):
    projection: SqlProjection

    def __init__(self, *args: Any, clock: Callable[[], datetime] = utc_now, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def bind(self, session: AsyncSession) -> None:
        self.projection = SqlProjection(session)

    def event_of(self, change: tuple[TrackedHabit, Announcement]) -> EventData:
        habit, announcement = change
        return event_of(habit, announcement, now=self._clock())


def _habit_row(habit: TrackedHabit) -> dict[str, Any]:
    schedule = habit.plan.schedule
    return {
        "id": habit.id,
        "owner_id": habit.owner_id,
        "name": habit.name,
        "timezone": habit.timezone,
        "schedule": {
            "kind": schedule.kind.value,
            "times": schedule.times,
            "every_days": schedule.every_days,
            "weekdays": list(schedule.weekdays),
        },
        "start_date": habit.plan.start_date,
        "pauses": [[start.isoformat(), end.isoformat() if end else None] for start, end in habit.plan.pauses],
        "archived": habit.archived,
        "version": habit.version,
    }


def _habit(row: Any) -> TrackedHabit:
    schedule = row["schedule"]
    return TrackedHabit(
        id=row["id"],
        owner_id=row["owner_id"],
        name=row["name"],
        timezone=row["timezone"],
        plan=HabitPlan(
            schedule=Schedule(
                kind=ScheduleKind(schedule["kind"]),
                times=schedule["times"],
                every_days=schedule["every_days"],
                weekdays=tuple(schedule["weekdays"]),
            ),
            start_date=row["start_date"],
            pauses=tuple(
                (date.fromisoformat(start), date.fromisoformat(end) if end else None)
                for start, end in row["pauses"]
            ),
        ),
        archived=row["archived"],
        version=row["version"],
    )
