"""The campus store: who shares with their campus, the facts shared about them, and the cohort
figures read over them."""

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, case, delete, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier.adapters.db.tables import campus_facts, campus_members, streaks
from services.notifier.campus import ActiveDay, OutboundTotals
from services.notifier.domain.campus import Fact, FactKind, Member
from shared.db.statements import claim_due, dialect_insert
from shared.vocabulary import Category, Direction, GiveFirstKind, InteractionKind, Outcome, Tie, Warmth

ANSWERED = [outcome.value for outcome in Outcome if outcome.answered]


class SqlCampus:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def members(self, owner_ids: Collection[str]) -> dict[str, Member]:
        if not owner_ids:
            return {}
        rows = await self._session.execute(
            select(campus_members).where(campus_members.c.owner_id.in_(list(owner_ids)))
        )
        return {row["owner_id"]: Member(**row) for row in rows.mappings()}

    async def put_member(self, member: Member) -> None:
        row = {
            "owner_id": member.owner_id,
            "sharing": member.sharing,
            "changed_at": member.changed_at,
            "week_from": member.week_from,
            "summary_at": member.summary_at,
        }
        statement = dialect_insert(self._session, campus_members)
        await self._session.execute(
            statement.values(row).on_conflict_do_update(
                index_elements=[campus_members.c.owner_id],
                set_={name: value for name, value in row.items() if name != "owner_id"},
            )
        )

    async def forget(self, owner_id: str) -> None:
        await self._session.execute(delete(campus_facts).where(campus_facts.c.owner_id == owner_id))

    async def facts(self, ids: Collection[str]) -> dict[str, Fact]:
        if not ids:
            return {}
        rows = await self._session.execute(select(campus_facts).where(campus_facts.c.id.in_(list(ids))))
        return {row["id"]: _fact(row) for row in rows.mappings()}

    async def put_facts(self, facts: Sequence[Fact]) -> None:
        if not facts:
            return
        statement = dialect_insert(self._session, campus_facts)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[campus_facts.c.id],
                set_={c.name: statement.excluded[c.name] for c in campus_facts.c if c.name != "id"},
            ),
            [_row(fact) for fact in facts],
        )

    async def facts_between(self, owner_id: str, *, first: date, last: date) -> list[Fact]:
        rows = await self._session.execute(
            select(campus_facts).where(
                campus_facts.c.owner_id == owner_id, campus_facts.c.on >= first, campus_facts.c.on <= last
            )
        )
        return [_fact(row) for row in rows.mappings()]

    async def longest_current_streaks(self, owner_ids: Collection[str] | None) -> dict[str, int]:
        statement = (
            select(campus_members.c.owner_id, func.coalesce(func.max(streaks.c.current), 0))
            .select_from(campus_members.outerjoin(streaks, streaks.c.owner_id == campus_members.c.owner_id))
            .where(campus_members.c.sharing.is_(True))
            .group_by(campus_members.c.owner_id)
        )
        if owner_ids is not None:
            statement = statement.where(campus_members.c.owner_id.in_(list(owner_ids)))
        return {owner: int(longest) for owner, longest in (await self._session.execute(statement)).all()}

    async def due_weeks(self, *, now: datetime, limit: int) -> list[Member]:
        due = await claim_due(
            self._session, campus_members.c.summary_at, campus_members.c.owner_id, now=now, limit=limit
        )
        found = await self.members(due)
        return [found[owner] for owner in due if found[owner].sharing]

    async def active_days(self, *, since: date) -> list[ActiveDay]:
        rows = await self._session.execute(
            select(campus_facts.c.owner_id, campus_facts.c.on, func.count())
            .join(campus_members, campus_members.c.owner_id == campus_facts.c.owner_id)
            .where(*_live_interactions(since))
            .group_by(campus_facts.c.owner_id, campus_facts.c.on)
        )
        return [ActiveDay(owner, on, count) for owner, on, count in rows.all()]

    async def outbound_totals(self, *, since: date) -> list[OutboundTotals]:
        answered = case((campus_facts.c.outcome.in_(ANSWERED), 1), else_=0)
        rows = await self._session.execute(
            select(
                campus_facts.c.tie,
                campus_facts.c.interaction_kind,
                func.count(distinct(campus_facts.c.owner_id)),
                func.count(),
                func.coalesce(func.sum(answered), 0).cast(Integer),
            )
            .join(campus_members, campus_members.c.owner_id == campus_facts.c.owner_id)
            .where(*_live_interactions(since), campus_facts.c.direction == Direction.OUTBOUND.value)
            .group_by(campus_facts.c.tie, campus_facts.c.interaction_kind)
            .order_by(campus_facts.c.tie, campus_facts.c.interaction_kind)
        )
        return [OutboundTotals(*row) for row in rows.all()]


def _live_interactions(since: date) -> list[Any]:
    return [
        campus_members.c.sharing.is_(True),
        campus_facts.c.kind == FactKind.INTERACTION.value,
        campus_facts.c.deleted.is_(False),
        campus_facts.c.on >= since,
    ]


def _row(fact: Fact) -> dict[str, Any]:
    def value(member: Any) -> Any:
        return None if member is None else member.value

    return {
        "id": fact.id,
        "owner_id": fact.owner_id,
        "kind": fact.kind.value,
        "on": fact.on,
        "version": fact.version,
        "interaction_kind": value(fact.interaction_kind),
        "give_first_kind": value(fact.give_first_kind),
        "direction": value(fact.direction),
        "tie": value(fact.tie),
        "category": value(fact.category),
        "warmth": value(fact.warmth),
        "outcome": value(fact.outcome),
        "from_campus": fact.from_campus,
        "deleted": fact.deleted,
        "milestone": fact.milestone,
    }


def _fact(row: Any) -> Fact:
    def of(kind: Any, name: str) -> Any:
        return None if row[name] is None else kind(row[name])

    return Fact(
        id=row["id"],
        owner_id=row["owner_id"],
        kind=FactKind(row["kind"]),
        at=datetime.combine(row["on"], datetime.min.time()),
        version=row["version"],
        on=row["on"],
        interaction_kind=of(InteractionKind, "interaction_kind"),
        give_first_kind=of(GiveFirstKind, "give_first_kind"),
        direction=of(Direction, "direction"),
        tie=of(Tie, "tie"),
        category=of(Category, "category"),
        warmth=of(Warmth, "warmth"),
        outcome=of(Outcome, "outcome"),
        from_campus=row["from_campus"],
        deleted=row["deleted"],
        milestone=row["milestone"],
    )
