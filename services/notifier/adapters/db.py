"""The notifier database: its projections of the habits and contacts streams, streak state,
calendar feeds, keep-alive prompts, preferences, channels and nudges, and its unit of work."""

import uuid
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
    Select,
    String,
    Table,
    Text,
    Time,
    and_,
    bindparam,
    delete,
    false,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier.adapters.kafka_out import event_of
from services.notifier.calendars import ContactSeen, FollowUpSeen, InteractionSeen
from services.notifier.delivery import Attempt, StoredNudge
from services.notifier.domain.announcements import Announcement, StreakState, TrackedHabit
from services.notifier.domain.calendar import FollowUpItem, ReminderItem, sequence
from services.notifier.domain.feeds import Feed, Include
from services.notifier.domain.nudges import UNCOUNTED, Channel, Nudge, NudgeKind, NudgeStatus, Preferences
from services.notifier.domain.prompts import Person, Prompt, QuietHours, Suggestion, SuggestionKind, Touch
from services.notifier.domain.streaks import Checkpoint, HabitPlan
from services.notifier.prompts import Known
from services.notifier.service import CheckInRecord
from shared.contracts.base import EventData
from shared.db.engine import new_metadata
from shared.db.inbox import inbox_table
from shared.db.outbox import outbox_table
from shared.db.statements import claim_due, dialect_insert, upsert_newest
from shared.db.types import UTCDateTime
from shared.db.unit_of_work import SessionUnitOfWork
from shared.schedules import Schedule
from shared.time import utc_now
from shared.vocabulary import Category, Direction, FollowUpStatus, Outcome, ScheduleKind, Tie, Warmth

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
    Column("day_start", Time, nullable=False, server_default="00:00:00"),
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
    Column("risk_at", UTCDateTime(), comment="when to remind that the period in progress is still to do"),
    Index("ix_streaks_next_check", "next_check_at"),
    Index("ix_streaks_risk", "risk_at"),
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
    Column("warmth", String(8), nullable=False, server_default="warm"),
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
    Column("outcome", String(32)),
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
    Column(
        "reminded",
        Boolean,
        nullable=False,
        server_default=false(),
        comment="reminded since its last change (a new version clears it; nudge keys keep one per due time)",
    ),
    Index("ix_follow_ups_owner_status", "owner_id", "status"),
    Index(
        "ix_follow_ups_to_remind",
        "due_at",
        postgresql_where=text("status = 'open' AND NOT reminded"),
        sqlite_where=text("status = 'open' AND NOT reminded"),
    ),
)

calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("include", JSON, nullable=False),
    Column("timezone", String(64), comment="null: the owner's zone"),
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

prompts = Table(
    "prompts",
    metadata,
    Column("contact_id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("added_at", UTCDateTime(), nullable=False),
    Column("due_at", UTCDateTime(), nullable=False),
    Column("suggestion_kind", String(16), nullable=False),
    Column("suggestion_text", Text, nullable=False),
    Column("suggestion_topic", String(100)),
    Column("previous_kind", String(16)),
    Column("previous_topic", String(100)),
    Column("held", Boolean, nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("snoozed_until", UTCDateTime()),
    Column("dismissed", Boolean, nullable=False),
    Column("nudged_for", UTCDateTime()),
    Column("reset_at", UTCDateTime()),
    Column("wake_at", UTCDateTime(), comment="when the scheduler looks next; null: nothing to send"),
    Index("ix_prompts_owner_due", "owner_id", "due_at"),
    Index("ix_prompts_wake", "wake_at"),
)

preferences = Table(
    "preferences",
    metadata,
    Column("owner_id", String(128), primary_key=True),
    Column("timezone", String(64), nullable=False),
    Column("day_start", Time, nullable=False, server_default="00:00:00"),
    Column("quiet_start", Time, nullable=False),
    Column("quiet_end", Time, nullable=False),
    Column("daily_limit", Integer, nullable=False),
    Column("digest", Boolean, nullable=False),
    Column("digest_time", Time, nullable=False),
    Column("cadence", JSON, nullable=False, comment="days per tie, replacing the defaults"),
    Column("next_digest_at", UTCDateTime(), index=True),
    Column("updated_at", UTCDateTime(), nullable=False),
)

channels = Table(
    "channels",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("url", Text, nullable=False, comment="Apprise URL; may hold a secret: never logged or published"),
    Column("shown", Text, nullable=False, comment="the URL with its secrets masked"),
    Column("failures", Integer, nullable=False, comment="failed attempts in a row"),
    Column("paused_at", UTCDateTime()),
    Column("created_at", UTCDateTime(), nullable=False),
)

nudges = Table(
    "nudges",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("key", String(300), nullable=False, unique=True, comment="what it is about: one nudge per key"),
    Column("owner_id", String(128), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("subject_id", String(128), nullable=False),
    Column("title", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("expires_at", UTCDateTime()),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime(), comment="set while pending: when to try (or the lease's end)"),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime()),
    Index("ix_nudges_next_attempt", "next_attempt_at"),
    Index("ix_nudges_owner_status", "owner_id", "status", "sent_at"),
    Index("ix_nudges_subject", "subject_id"),
)

nudge_attempts = Table(
    "nudge_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nudge_id", String(36), index=True, comment="null for a test message"),
    Column("owner_id", String(128), nullable=False),
    Column("channel_id", String(36), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("error", String(500)),
    Index("ix_nudge_attempts_owner", "owner_id", "id"),
)


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
                    "warmth": s.contact.warmth.value,
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
                    "outcome": s.interaction.outcome.value if s.interaction.outcome else None,
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
                    "reminded": False,
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
        statement = self._follow_up_items().where(
            follow_ups.c.owner_id == owner_id,
            follow_ups.c.status == FollowUpStatus.OPEN.value,
            contacts.c.archived.is_(False),
        )
        if follow_up_id is not None:
            statement = statement.where(follow_ups.c.id == follow_up_id)
        return [_follow_up_item(row) for row in (await self._session.execute(statement)).mappings()]

    @staticmethod
    def _follow_up_items() -> Select[Any]:
        return (
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
            .order_by(follow_ups.c.due_at, follow_ups.c.id)
        )

    async def follow_ups_to_remind(self, *, until: datetime, limit: int) -> list[tuple[str, FollowUpItem]]:
        statement = (
            select(follow_ups.c.id)
            .where(
                follow_ups.c.status == FollowUpStatus.OPEN.value,
                follow_ups.c.reminded.is_(False),
                follow_ups.c.due_at <= until,
            )
            .order_by(follow_ups.c.due_at)
            .limit(limit)
        )
        if self._session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        ids = list((await self._session.execute(statement)).scalars())
        if not ids:
            return []
        rows = await self._session.execute(
            self._follow_up_items().where(follow_ups.c.id.in_(ids), contacts.c.archived.is_(False))
        )
        found = [(row["owner_id"], _follow_up_item(row)) for row in rows.mappings()]
        shown = {item.id for _, item in found}
        await self.mark_reminded([i for i in ids if i not in shown])
        return found

    async def mark_reminded(self, follow_up_ids: Collection[str]) -> None:
        if follow_up_ids:
            await self._session.execute(
                update(follow_ups).where(follow_ups.c.id.in_(list(follow_up_ids))).values(reminded=True)
            )

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


class SqlPrompts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def known(self, contact_ids: Collection[str]) -> dict[str, Known]:
        if not contact_ids:
            return {}
        rows = await self._session.execute(select(contacts).where(contacts.c.id.in_(list(contact_ids))))
        return {
            row["id"]: Known(
                owner_id=row["owner_id"],
                person=Person(
                    id=row["id"],
                    name=row["display_name"],
                    tie=Tie(row["tie"]),
                    category=Category(row["category"]),
                    cadence_days=row["cadence_days"],
                    added_at=row["changed_at"],
                    last_interaction_at=row["last_interaction_at"],
                    company=row["company"],
                    role=row["role"],
                    tags=tuple(row["tags"]),
                    warmth=Warmth(row["warmth"]),
                ),
                archived=row["archived"],
            )
            for row in rows.mappings()
        }

    async def touches(self, contact_ids: Collection[str]) -> dict[str, list[Touch]]:
        if not contact_ids:
            return {}
        rows = await self._session.execute(
            select(
                interactions.c.contact_id,
                interactions.c.direction,
                interactions.c.occurred_at,
                interactions.c.outcome,
            ).where(interactions.c.contact_id.in_(list(contact_ids)), interactions.c.deleted.is_(False))
        )
        found: dict[str, list[Touch]] = {}
        for contact_id, direction, occurred_at, outcome in rows.all():
            touch = Touch(Direction(direction), occurred_at, Outcome(outcome) if outcome else None)
            found.setdefault(contact_id, []).append(touch)
        return found

    async def prompts(self, contact_ids: Collection[str]) -> dict[str, Prompt]:
        if not contact_ids:
            return {}
        rows = await self._session.execute(select(prompts).where(prompts.c.contact_id.in_(list(contact_ids))))
        return {row["contact_id"]: _prompt(row) for row in rows.mappings()}

    async def put(self, changed: Sequence[Prompt]) -> None:
        if not changed:
            return
        statement = dialect_insert(self._session, prompts)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[prompts.c.contact_id],
                set_={c.name: statement.excluded[c.name] for c in prompts.c if c.name != "contact_id"},
            ),
            [_prompt_row(prompt) for prompt in changed],
        )

    async def of_owner(self, owner_id: str) -> list[Prompt]:
        rows = await self._session.execute(
            select(prompts)
            .where(prompts.c.owner_id == owner_id, prompts.c.archived.is_(False))
            .order_by(prompts.c.due_at, prompts.c.contact_id)
        )
        return [_prompt(row) for row in rows.mappings()]

    async def due(self, *, now: datetime, limit: int) -> list[Prompt]:
        ids = await claim_due(self._session, prompts.c.wake_at, prompts.c.contact_id, now=now, limit=limit)
        found = await self.prompts(ids)
        return [found[contact_id] for contact_id in ids]


class SqlNudges:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def preferences(self, owner_ids: Collection[str]) -> dict[str, Preferences]:
        if not owner_ids:
            return {}
        rows = await self._session.execute(
            select(preferences).where(preferences.c.owner_id.in_(list(owner_ids)))
        )
        return {
            row["owner_id"]: Preferences(
                timezone=row["timezone"],
                day_start=row["day_start"],
                quiet=QuietHours(row["quiet_start"], row["quiet_end"]),
                daily_limit=row["daily_limit"],
                digest=row["digest"],
                digest_time=row["digest_time"],
                cadence={Tie(tie): days for tie, days in row["cadence"].items()},
            )
            for row in rows.mappings()
        }

    async def put_preferences(
        self, owner_id: str, chosen: Preferences, *, next_digest_at: datetime | None, now: datetime
    ) -> None:
        row = {
            "owner_id": owner_id,
            "timezone": chosen.timezone,
            "day_start": chosen.day_start,
            "quiet_start": chosen.quiet.start,
            "quiet_end": chosen.quiet.end,
            "daily_limit": chosen.daily_limit,
            "digest": chosen.digest,
            "digest_time": chosen.digest_time,
            "cadence": {tie.value: days for tie, days in sorted(chosen.cadence.items())},
            "next_digest_at": next_digest_at,
            "updated_at": now,
        }
        statement = dialect_insert(self._session, preferences)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[preferences.c.owner_id],
                set_={key: statement.excluded[key] for key in row if key != "owner_id"},
            ),
            [row],
        )

    async def channels(self, owner_ids: Collection[str], *, active: bool) -> dict[str, list[Channel]]:
        if not owner_ids:
            return {}
        statement = select(channels).where(channels.c.owner_id.in_(list(owner_ids)))
        if active:
            statement = statement.where(channels.c.paused_at.is_(None))
        found: dict[str, list[Channel]] = {}
        for row in (
            await self._session.execute(
                statement.order_by(channels.c.created_at, channels.c.name, channels.c.id)
            )
        ).mappings():
            found.setdefault(row["owner_id"], []).append(_channel(row))
        return found

    async def add_channel(self, channel: Channel) -> None:
        await self._session.execute(insert(channels).values(_channel_row(channel)))

    async def put_channels(self, changed: Sequence[Channel]) -> None:
        for channel in changed:
            await self._session.execute(
                update(channels)
                .where(channels.c.id == channel.id)
                .values(failures=channel.failures, paused_at=channel.paused_at)
            )

    async def remove_channel(self, channel: Channel) -> None:
        await self._session.execute(
            delete(channels).where(channels.c.id == channel.id, channels.c.owner_id == channel.owner_id)
        )

    async def add(self, rows: Sequence[tuple[Nudge, NudgeStatus]], *, now: datetime) -> None:
        if not rows:
            return
        await self._session.execute(
            dialect_insert(self._session, nudges).on_conflict_do_nothing(index_elements=[nudges.c.key]),
            [
                {
                    "id": str(uuid.uuid4()),
                    "key": nudge.key,
                    "owner_id": nudge.owner_id,
                    "kind": nudge.kind.value,
                    "subject_id": nudge.subject_id,
                    "title": nudge.title,
                    "body": nudge.body,
                    "expires_at": nudge.expires_at,
                    "status": status.value,
                    "attempts": 0,
                    "next_attempt_at": now if status is NudgeStatus.PENDING else None,
                    "created_at": now,
                    "sent_at": None,
                }
                for nudge, status in rows
            ],
        )

    async def cancel(self, *, kind: str, subject_ids: Collection[str]) -> None:
        if subject_ids:
            await self._session.execute(
                update(nudges)
                .where(
                    nudges.c.subject_id.in_(list(subject_ids)),
                    nudges.c.kind == kind,
                    nudges.c.status.in_(
                        [s.value for s in (NudgeStatus.QUEUED, NudgeStatus.PENDING, NudgeStatus.NO_CHANNEL)]
                    ),
                )
                .values(status=NudgeStatus.CANCELLED.value, next_attempt_at=None)
            )

    async def claim(self, *, now: datetime, lease_until: datetime, limit: int) -> list[StoredNudge]:
        ids = await claim_due(self._session, nudges.c.next_attempt_at, nudges.c.id, now=now, limit=limit)
        if not ids:
            return []
        await self._session.execute(
            update(nudges).where(nudges.c.id.in_(ids)).values(next_attempt_at=lease_until)
        )
        rows = await self._session.execute(select(nudges).where(nudges.c.id.in_(ids)))
        found = {row["id"]: _stored_nudge(row) for row in rows.mappings()}
        return [found[nudge_id] for nudge_id in ids]

    async def reached(self, nudge_ids: Collection[str]) -> dict[str, set[str]]:
        rows = await self._session.execute(
            select(nudge_attempts.c.nudge_id, nudge_attempts.c.channel_id).where(
                nudge_attempts.c.nudge_id.in_(list(nudge_ids)), nudge_attempts.c.ok.is_(True)
            )
        )
        found: dict[str, set[str]] = {}
        for nudge_id, channel_id in rows.all():
            found.setdefault(nudge_id, set()).add(channel_id)
        return found

    async def counted_since(self, since: Mapping[str, datetime]) -> dict[str, int]:
        if not since:
            return {}
        # One read for every owner of the round: sent since the earliest local midnight asked
        # for, each owner's own midnight applied here.
        rows = await self._session.execute(
            select(nudges.c.owner_id, nudges.c.sent_at).where(
                nudges.c.owner_id.in_(list(since)),
                nudges.c.status == NudgeStatus.SENT.value,
                nudges.c.sent_at >= min(since.values()),
                nudges.c.kind.not_in([kind.value for kind in UNCOUNTED]),
            )
        )
        found = dict.fromkeys(since, 0)
        for owner_id, sent_at in rows.all():
            if sent_at >= since[owner_id]:
                found[owner_id] += 1
        return found

    async def record(self, attempts: Sequence[Attempt]) -> None:
        if attempts:
            await self._session.execute(
                insert(nudge_attempts),
                [
                    {
                        "nudge_id": a.nudge_id,
                        "owner_id": a.owner_id,
                        "channel_id": a.channel_id,
                        "attempt": a.number,
                        "at": a.at,
                        "ok": a.error is None,
                        "error": None if a.error is None else a.error[:500],
                    }
                    for a in attempts
                ],
            )

    async def settle(
        self,
        stored: StoredNudge,
        *,
        status: NudgeStatus,
        attempts: int,
        next_attempt_at: datetime | None,
        sent_at: datetime | None,
    ) -> None:
        await self._session.execute(
            update(nudges)
            .where(nudges.c.id == stored.id)
            .values(status=status.value, attempts=attempts, next_attempt_at=next_attempt_at, sent_at=sent_at)
        )

    async def due_digests(self, *, now: datetime, limit: int) -> list[str]:
        return await claim_due(
            self._session, preferences.c.next_digest_at, preferences.c.owner_id, now=now, limit=limit
        )

    async def queued(self, owner_id: str, *, status: NudgeStatus = NudgeStatus.QUEUED) -> list[StoredNudge]:
        rows = await self._session.execute(
            select(nudges)
            .where(nudges.c.owner_id == owner_id, nudges.c.status == status.value)
            .order_by(nudges.c.created_at, nudges.c.id)
        )
        return [_stored_nudge(row) for row in rows.mappings()]

    async def bundle(self, nudge_ids: Collection[str]) -> None:
        if nudge_ids:
            await self._session.execute(
                update(nudges)
                .where(nudges.c.id.in_(list(nudge_ids)))
                .values(status=NudgeStatus.BUNDLED.value)
            )

    async def set_next_digest(self, owner_id: str, at: datetime | None) -> None:
        await self._session.execute(
            update(preferences).where(preferences.c.owner_id == owner_id).values(next_digest_at=at)
        )

    async def attempts_of(self, *, owner_id: str, limit: int) -> list[tuple[Attempt, StoredNudge | None]]:
        rows = await self._session.execute(
            select(nudge_attempts)
            .outerjoin(nudges, nudges.c.id == nudge_attempts.c.nudge_id)
            .add_columns(*[c.label(f"n_{c.name}") for c in nudges.c])
            .where(nudge_attempts.c.owner_id == owner_id)
            .order_by(nudge_attempts.c.id.desc())
            .limit(limit)
        )
        found: list[tuple[Attempt, StoredNudge | None]] = []
        for row in rows.mappings():
            attempt = Attempt(
                row["nudge_id"], row["owner_id"], row["channel_id"], row["attempt"], row["at"], row["error"]
            )
            if row["nudge_id"] is None:
                found.append((attempt, None))
            else:
                nudge_row = {c.name: row[f"n_{c.name}"] for c in nudges.c}
                found.append((attempt, _stored_nudge(nudge_row)))
        return found


class SqlUnitOfWork(SessionUnitOfWork):
    projection: SqlProjection
    calendar: SqlCalendar
    prompts: SqlPrompts
    nudges: SqlNudges

    def __init__(self, *args: Any, clock: Callable[[], datetime] = utc_now, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def bind(self, session: AsyncSession) -> None:
        self.projection = SqlProjection(session)
        self.calendar = SqlCalendar(session)
        self.prompts = SqlPrompts(session)
        self.nudges = SqlNudges(session)

    def event_of(self, change: tuple[TrackedHabit, Announcement] | EventData) -> EventData:
        if isinstance(change, EventData):
            return change
        habit, announcement = change
        return event_of(habit, announcement, now=self._clock())


def _follow_up_item(row: Any) -> FollowUpItem:
    return FollowUpItem(
        id=row["id"],
        contact_name=row["display_name"],
        title=row["title"],
        due_at=row["due_at"],
        proposed_times=tuple(datetime.fromisoformat(t) for t in row["proposed_times"]),
        takeaway=row["takeaway"],
        sequence=sequence(row["version"], row["contact_version"]),
        modified_at=max(row["changed_at"], row["contact_changed_at"]),
    )


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
        day_start=row["day_start"],
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


def _prompt(row: Any) -> Prompt:
    previous = (
        Suggestion(SuggestionKind(row["previous_kind"]), "", row["previous_topic"])
        if row["previous_kind"]
        else None
    )
    return Prompt(
        contact_id=row["contact_id"],
        owner_id=row["owner_id"],
        added_at=row["added_at"],
        due_at=row["due_at"],
        suggestion=Suggestion(
            SuggestionKind(row["suggestion_kind"]), row["suggestion_text"], row["suggestion_topic"]
        ),
        previous=previous,
        held=row["held"],
        archived=row["archived"],
        snoozed_until=row["snoozed_until"],
        dismissed=row["dismissed"],
        nudged_for=row["nudged_for"],
        reset_at=row["reset_at"],
    )


def _prompt_row(prompt: Prompt) -> dict[str, Any]:
    return {
        "contact_id": prompt.contact_id,
        "owner_id": prompt.owner_id,
        "added_at": prompt.added_at,
        "due_at": prompt.due_at,
        "suggestion_kind": prompt.suggestion.kind.value,
        "suggestion_text": prompt.suggestion.text,
        "suggestion_topic": prompt.suggestion.topic,
        "previous_kind": prompt.previous.kind.value if prompt.previous else None,
        "previous_topic": prompt.previous.topic if prompt.previous else None,
        "held": prompt.held,
        "archived": prompt.archived,
        "snoozed_until": prompt.snoozed_until,
        "dismissed": prompt.dismissed,
        "nudged_for": prompt.nudged_for,
        "reset_at": prompt.reset_at,
        "wake_at": prompt.wake_at,
    }


def _channel(row: Any) -> Channel:
    return Channel(
        id=row["id"],
        owner_id=row["owner_id"],
        name=row["name"],
        kind=row["kind"],
        shown=row["shown"],
        url=row["url"],
        created_at=row["created_at"],
        failures=row["failures"],
        paused_at=row["paused_at"],
    )


def _channel_row(channel: Channel) -> dict[str, Any]:
    return {
        "id": channel.id,
        "owner_id": channel.owner_id,
        "name": channel.name,
        "kind": channel.kind,
        "url": channel.url,
        "shown": channel.shown,
        "failures": channel.failures,
        "paused_at": channel.paused_at,
        "created_at": channel.created_at,
    }


def _stored_nudge(row: Any) -> StoredNudge:
    return StoredNudge(
        id=row["id"],
        nudge=Nudge(
            key=row["key"],
            owner_id=row["owner_id"],
            kind=NudgeKind(row["kind"]),
            subject_id=row["subject_id"],
            title=row["title"],
            body=row["body"],
            expires_at=row["expires_at"],
        ),
        status=NudgeStatus(row["status"]),
        attempts=row["attempts"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
    )
