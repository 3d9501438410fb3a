"""The notifier database: its projection of habits and check-ins, streak state, and unit of work."""

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, date, datetime
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
    Text,
    Time,
    and_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier.adapters.kafka_out import event_of
from services.notifier.calendars import ContactSeen, FollowUpSeen, InteractionSeen
from services.notifier.domain.announcements import Announcement, StreakState, TrackedHabit
from services.notifier.domain.calendar import FollowUpItem, ReminderItem, sequence
from services.notifier.domain.feeds import Feed, Include
from services.notifier.domain.streaks import Checkpoint, HabitPlan
from services.notifier.service import CheckInRecord
from shared.contracts.base import EventData
from shared.db.engine import new_metadata
from shared.db.inbox import inbox_table
from shared.db.outbox import outbox_table
from shared.db.statements import dialect_insert, upsert_newest
from shared.db.types import UTCDateTime
from shared.db.unit_of_work import SessionUnitOfWork
from shared.schedules import Schedule
from shared.time import utc_now
from shared.vocabulary import FollowUpStatus, ScheduleKind

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
    Column("changed_at", UTCDateTime(), comment="recorded time of the newest version"),
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


contacts = Table(
    "contacts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False, index=True),
    Column("display_name", String(200), nullable=False),
    Column("company", String(200)),
    Column("role", String(200)),
    Column("category", String(32), nullable=False),
    Column("tie", String(16), nullable=False),
    Column("tags", JSON, nullable=False),
    Column("cadence_days", Integer, nullable=False),
    Column("last_interaction_at", UTCDateTime()),
    Column("archived", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("changed_at", UTCDateTime(), nullable=False),
)

interactions = Table(
    "interactions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("contact_id", String(36), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("direction", String(16), nullable=False),
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("takeaway", Text),
    Column("deleted", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("changed_at", UTCDateTime(), nullable=False),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("contact_id", String(36), nullable=False),
    Column("interaction_id", String(36)),
    Column("title", String(500), nullable=False),
    Column("due_at", UTCDateTime(), nullable=False),
    Column("proposed_times", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("changed_at", UTCDateTime(), nullable=False),
    Index("ix_follow_ups_owner_status", "owner_id", "status"),
)

calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("include", JSON, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("reminder_time", Time, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True, comment="SHA-256 of the token"),
    Column("token_hint", String(16), nullable=False, comment="prefix and last characters, to recognise it"),
    Column("version", Integer, nullable=False, comment="rises when the token or the settings change"),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime()),
)

calendar_revisions = Table(
    "calendar_revisions",
    metadata,
    Column("owner_id", String(128), primary_key=True),
    Column("revision", Integer, nullable=False, comment="rises with every change an owner's feeds show"),
    Column("changed_at", UTCDateTime(), nullable=False),
)


class SqlProjection:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def put_habits(self, habits_seen: Sequence[TrackedHabit]) -> set[str]:
        return await upsert_newest(self._session, habits, [_habit_row(habit) for habit in habits_seen])

    async def record_check_ins(self, records: Sequence[CheckInRecord]) -> None:
        latest: dict[str, CheckInRecord] = {}
        for record in records:
            seen = latest.get(record.id)
            latest[record.id] = record if seen is None or record.reverted else seen
        if not latest:
            return
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

    async def habits(self, *, habit_ids: Collection[str]) -> dict[str, TrackedHabit]:
        rows = await self._session.execute(select(habits).where(habits.c.id.in_(list(habit_ids))))
        return {row["id"]: _habit(row) for row in rows.mappings()}

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


class SqlCalendar:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def put_contacts(self, seen: Sequence[ContactSeen]) -> set[str]:
        return await upsert_newest(
            self._session,
            contacts,
            [
                {
                    "id": s.contact.id,
                    "owner_id": s.owner_id,
                    "display_name": s.contact.display_name,
                    "company": s.contact.company,
                    "role": s.contact.role,
                    "category": s.contact.category.value,
                    "tie": s.contact.tie.value,
                    "tags": list(s.contact.tags),
                    "cadence_days": s.contact.cadence_days,
                    "last_interaction_at": s.contact.last_interaction_at,
                    "archived": s.contact.archived,
                    "version": s.contact.version,
                    "changed_at": s.recorded_at,
                }
                for s in seen
            ],
        )

    async def put_interactions(self, seen: Sequence[InteractionSeen]) -> set[str]:
        return await upsert_newest(
            self._session,
            interactions,
            [
                {
                    "id": s.interaction.id,
                    "owner_id": s.owner_id,
                    "contact_id": s.interaction.contact_id,
                    "kind": s.interaction.kind.value,
                    "direction": s.interaction.direction.value,
                    "occurred_at": s.interaction.occurred_at,
                    "takeaway": s.interaction.takeaway,
                    "deleted": s.deleted,
                    "version": s.interaction.version,
                    "changed_at": s.recorded_at,
                }
                for s in seen
            ],
            terminal="deleted",
        )

    async def put_follow_ups(self, seen: Sequence[FollowUpSeen]) -> set[str]:
        return await upsert_newest(
            self._session,
            follow_ups,
            [
                {
                    "id": s.follow_up.id,
                    "owner_id": s.owner_id,
                    "contact_id": s.follow_up.contact_id,
                    "interaction_id": s.follow_up.interaction_id,
                    "title": s.follow_up.title,
                    "due_at": s.follow_up.due_at,
                    "proposed_times": [t.isoformat() for t in s.follow_up.proposed_times],
                    "status": s.follow_up.status.value,
                    "version": s.follow_up.version,
                    "changed_at": s.recorded_at,
                }
                for s in seen
            ],
        )

    async def touch(self, owner_ids: Collection[str], *, now: datetime) -> None:
        if not owner_ids:
            return
        statement = dialect_insert(self._session, calendar_revisions)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[calendar_revisions.c.owner_id],
                set_={
                    "revision": calendar_revisions.c.revision + 1,
                    "changed_at": statement.excluded.changed_at,
                },
            ),
            [{"owner_id": owner_id, "revision": 1, "changed_at": now} for owner_id in sorted(owner_ids)],
        )

    async def add_feed(self, feed: Feed, *, token_hash: str) -> None:
        await self._session.execute(
            insert(calendar_feeds).values({**_feed_row(feed), "token_hash": token_hash})
        )

    async def update_feed(self, feed: Feed, *, token_hash: str | None = None) -> None:
        row = _feed_row(feed)
        if token_hash is not None:
            row["token_hash"] = token_hash
        await self._session.execute(
            update(calendar_feeds)
            .where(calendar_feeds.c.id == feed.id, calendar_feeds.c.owner_id == feed.owner_id)
            .values(row)
        )

    async def feeds_of(self, *, owner_id: str) -> list[Feed]:
        rows = await self._session.execute(
            select(calendar_feeds)
            .where(calendar_feeds.c.owner_id == owner_id, calendar_feeds.c.revoked_at.is_(None))
            .order_by(calendar_feeds.c.created_at, calendar_feeds.c.id)
        )
        return [_feed(row) for row in rows.mappings()]

    async def feed(self, *, owner_id: str, feed_id: str) -> Feed | None:
        row = (
            (
                await self._session.execute(
                    select(calendar_feeds).where(
                        calendar_feeds.c.id == feed_id, calendar_feeds.c.owner_id == owner_id
                    )
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else _feed(row)

    async def feed_by_token_hash(self, digest: str) -> tuple[Feed, str, int, datetime | None] | None:
        row = (
            (
                await self._session.execute(
                    select(
                        calendar_feeds,
                        calendar_revisions.c.revision,
                        calendar_revisions.c.changed_at.label("seen"),
                    )
                    .outerjoin(calendar_revisions, calendar_revisions.c.owner_id == calendar_feeds.c.owner_id)
                    .where(calendar_feeds.c.token_hash == digest, calendar_feeds.c.revoked_at.is_(None))
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return _feed(row), row["token_hash"], row["revision"] or 0, row["seen"]

    async def follow_up_items(self, *, owner_id: str, follow_up_id: str | None = None) -> list[FollowUpItem]:
        statement = (
            select(
                follow_ups,
                contacts.c.display_name,
                contacts.c.version.label("contact_version"),
                contacts.c.changed_at.label("contact_changed_at"),
                interactions.c.takeaway,
            )
            .join(contacts, contacts.c.id == follow_ups.c.contact_id)
            .outerjoin(
                interactions,
                and_(interactions.c.id == follow_ups.c.interaction_id, interactions.c.deleted.is_(False)),
            )
            .where(
                follow_ups.c.owner_id == owner_id,
                follow_ups.c.status == FollowUpStatus.OPEN.value,
                contacts.c.archived.is_(False),
            )
            .order_by(follow_ups.c.due_at, follow_ups.c.id)
        )
        if follow_up_id is not None:
            statement = statement.where(follow_ups.c.id == follow_up_id)
        return [
            FollowUpItem(
                id=row["id"],
                contact_name=row["display_name"],
                title=row["title"],
                due_at=row["due_at"],
                proposed_times=tuple(datetime.fromisoformat(t) for t in row["proposed_times"]),
                takeaway=row["takeaway"],
                sequence=sequence(row["version"], row["contact_version"]),
                modified_at=max(row["changed_at"], row["contact_changed_at"]),
            )
            for row in (await self._session.execute(statement)).mappings()
        ]

    async def reminder_items(self, *, owner_id: str) -> list[ReminderItem]:
        rows = await self._session.execute(
            select(habits)
            .where(habits.c.owner_id == owner_id, habits.c.archived.is_(False))
            .order_by(habits.c.start_date, habits.c.id)
        )
        items = []
        for row in rows.mappings():
            habit = _habit(row)
            items.append(
                ReminderItem(
                    id=habit.id,
                    name=habit.name,
                    schedule=habit.plan.schedule,
                    timezone=habit.timezone,
                    start_date=habit.plan.start_date,
                    pauses=habit.plan.pauses,
                    sequence=sequence(habit.version),
                    modified_at=row["changed_at"] or datetime(2000, 1, 1, tzinfo=UTC),
                )
            )
        return items


class SqlUnitOfWork(SessionUnitOfWork):
    projection: SqlProjection
    calendar: SqlCalendar

    def __init__(self, *args: Any, clock: Callable[[], datetime] = utc_now, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def bind(self, session: AsyncSession) -> None:
        self.projection = SqlProjection(session)
        self.calendar = SqlCalendar(session)

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
        "changed_at": habit.changed_at,
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
        changed_at=row["changed_at"],
    )


def _feed_row(feed: Feed) -> dict[str, Any]:
    return {
        "id": feed.id,
        "owner_id": feed.owner_id,
        "name": feed.name,
        "include": sorted(feed.include),
        "timezone": feed.timezone,
        "reminder_time": feed.reminder_time,
        "token_hint": feed.token_hint,
        "version": feed.version,
        "created_at": feed.created_at,
        "updated_at": feed.updated_at,
        "revoked_at": feed.revoked_at,
    }


def _feed(row: Any) -> Feed:
    return Feed(
        id=row["id"],
        owner_id=row["owner_id"],
        name=row["name"],
        include=frozenset(Include(value) for value in row["include"]),
        timezone=row["timezone"],
        reminder_time=row["reminder_time"],
        token_hint=row["token_hint"],
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        revoked_at=row["revoked_at"],
    )
