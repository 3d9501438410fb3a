"""The habits projection (habits and check-ins from the habits stream) and streak state."""

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    String,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier.adapters.db.tables import (
    check_ins,
    habits,
    streaks,
)
from services.notifier.domain.announcements import StreakState, TrackedHabit
from services.notifier.domain.streaks import Checkpoint, HabitPlan
from services.notifier.streaks import CheckInRecord
from shared.db.statements import claim_due, dialect_insert, upsert_newest
from shared.schedules import Schedule
from shared.vocabulary import ScheduleKind


class SqlProjection:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def put_habits(self, habits_seen: Sequence[TrackedHabit]) -> set[str]:
        return await upsert_newest(self._session, habits, [_habit_row(habit) for habit in habits_seen])

    async def record_check_ins(self, records: Sequence[CheckInRecord]) -> list[tuple[CheckInRecord, int]]:
        if not records:
            return []
        stored = await self._session.execute(
            select(check_ins.c.id, check_ins.c.count, check_ins.c.reverted).where(
                check_ins.c.id.in_({record.id for record in records})
            )
        )
        counted = {key: 0 if reverted else count for key, count, reverted in stored.all()}
        recorded = []
        latest: dict[str, CheckInRecord] = {}
        for record in records:
            seen = latest.get(record.id)
            latest[record.id] = record if seen is None or record.reverted else seen
            if record.reverted:
                recorded.append((record, -counted.get(record.id, 0)))
                counted[record.id] = 0
            elif record.id in counted:
                recorded.append((record, 0))
            else:
                recorded.append((record, record.count))
                counted[record.id] = record.count
        await self._session.execute(
            dialect_insert(self._session, check_ins).on_conflict_do_nothing(),
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
        return recorded

    async def habits(self, *, habit_ids: Collection[str]) -> dict[str, TrackedHabit]:
        rows = await self._session.execute(select(habits).where(habits.c.id.in_(list(habit_ids))))
        return {row["id"]: habit_from_row(row) for row in rows.mappings()}

    async def counts(self, *, after: Mapping[str, date | None]) -> dict[str, dict[date, int]]:
        if not after:
            return {}
        since = {habit_id: day or date.min for habit_id, day in after.items()}
        totals = select(check_ins.c.habit_id, check_ins.c.local_date, func.sum(check_ins.c.count)).where(
            check_ins.c.reverted.is_(False)
        )
        if self._session.get_bind().dialect.name == "postgresql":
            # Each habit from its own day, with two array parameters: one cached statement
            # whatever the number of habits.
            wanted = (
                func.unnest(
                    bindparam("habit_ids", list(since), type_=ARRAY(String)),
                    bindparam("after", list(since.values()), type_=ARRAY(Date)),
                )
                .table_valued("habit_id", "after")
                .render_derived(name="wanted")
            )
            totals = totals.join(wanted, wanted.c.habit_id == check_ins.c.habit_id).where(
                check_ins.c.local_date > wanted.c.after
            )
        else:
            # SQLite (a one-person run) has no derived-table column lists: read from the
            # earliest day asked for and drop the rest here.
            totals = totals.where(
                check_ins.c.habit_id.in_(list(since)), check_ins.c.local_date > min(since.values())
            )
        rows = await self._session.execute(totals.group_by(check_ins.c.habit_id, check_ins.c.local_date))
        found: dict[str, dict[date, int]] = {}
        for habit_id, day, total in rows.all():
            if day > since[habit_id]:
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
                risk_at=row["risk_at"],
            )
            for row in rows.mappings()
        }

    async def put_states(self, states: Sequence[tuple[TrackedHabit, StreakState]]) -> None:
        if not states:
            return
        statement = dialect_insert(self._session, streaks)
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
                    "risk_at": state.risk_at,
                }
                for habit, state in states
            ],
        )

    async def due_for_check(self, *, now: datetime, limit: int) -> list[str]:
        return await claim_due(
            self._session, streaks.c.next_check_at, streaks.c.habit_id, now=now, limit=limit
        )

    async def due_for_risk(self, *, now: datetime, limit: int) -> list[str]:
        return await claim_due(self._session, streaks.c.risk_at, streaks.c.habit_id, now=now, limit=limit)

    async def clear_risk(self, habit_ids: Collection[str]) -> None:
        if habit_ids:
            await self._session.execute(
                update(streaks).where(streaks.c.habit_id.in_(list(habit_ids))).values(risk_at=None)
            )

    async def habits_of(self, *, owner_id: str) -> list[TrackedHabit]:
        rows = await self._session.execute(
            select(habits)
            .where(habits.c.owner_id == owner_id, habits.c.archived.is_(False))
            .order_by(habits.c.name)
        )
        return [habit_from_row(row) for row in rows.mappings()]


def _habit_row(habit: TrackedHabit) -> dict[str, Any]:
    schedule = habit.plan.schedule
    return {
        "id": habit.id,
        "owner_id": habit.owner_id,
        "name": habit.name,
        "timezone": habit.timezone,
        "day_start": habit.day_start,
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
        "changed_at": habit.changed_at,
    }


def habit_from_row(row: Any) -> TrackedHabit:
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
        changed_at=row["changed_at"],
        day_start=row["day_start"],
    )
