"""The contacts projection (contacts, interactions, follow-ups from the contacts stream), calendar
feeds and the revisions their ETags follow."""

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier.adapters.db.streaks import habit_from_row
from services.notifier.adapters.db.tables import (
    calendar_feeds,
    calendar_revisions,
    contacts,
    follow_ups,
    habits,
    interactions,
)
from services.notifier.domain.calendar import FollowUpItem, ReminderItem, sequence
from services.notifier.domain.feeds import Feed, Include
from shared.db.statements import dialect_insert
from shared.vocabulary import FollowUpStatus


class SqlCalendar:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
            habit = habit_from_row(row)
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


def _follow_up_item(row: Any) -> FollowUpItem:
    return FollowUpItem(
        id=row["id"],
        contact_id=row["contact_id"],
        contact_name=row["display_name"],
        title=row["title"],
        due_at=row["due_at"],
        proposed_times=tuple(datetime.fromisoformat(t) for t in row["proposed_times"]),
        takeaway=row["takeaway"],
        sequence=sequence(row["version"], row["contact_version"]),
        modified_at=max(row["changed_at"], row["contact_changed_at"]),
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
