"""The coaching stores: outreach drafts, informational interviews, networking goals, and what
goals are counted from."""

from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.contacts.adapters.db.tables import contacts, drafts, goals, interactions, interviews
from services.contacts.adapters.db.versioned import Versioned
from services.contacts.domain.goals import Counted, Goal, GoalKind
from services.contacts.domain.interviews import Interview, Proposal, ProposalKind, ProposalStatus, Stage
from services.contacts.domain.outreach import Draft
from shared.vocabulary import InteractionKind, Tie


class SqlDrafts(Versioned):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, drafts)

    async def get(self, *, owner_id: str, draft_id: str) -> Draft | None:
        row = (
            (
                await self._session.execute(
                    select(drafts).where(drafts.c.id == draft_id, drafts.c.owner_id == owner_id)
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else self._loaded(row)

    async def of_owner(self, *, owner_id: str, contact_id: str | None = None) -> list[Draft]:
        statement = select(drafts).where(drafts.c.owner_id == owner_id)
        if contact_id is not None:
            statement = statement.where(drafts.c.contact_id == contact_id)
        rows = await self._session.execute(statement.order_by(drafts.c.created_at, drafts.c.id))
        return [self._loaded(row) for row in rows.mappings()]

    async def add(self, draft: Draft) -> None:
        await self._insert(draft.id, draft.version, _row(draft))

    async def save(self, draft: Draft) -> None:
        await self._update(draft.id, draft.version, _row(draft))

    async def remove(self, draft: Draft) -> None:
        await self._session.execute(delete(drafts).where(drafts.c.id == draft.id))

    def _loaded(self, row: Any) -> Draft:
        draft = Draft(**{column.name: row[column.name] for column in drafts.c})
        self._remember(draft.id, draft.version)
        return draft


def _row(draft: Draft) -> dict[str, Any]:
    return {column.name: getattr(draft, column.name) for column in drafts.c}


class SqlInterviews(Versioned):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, interviews)

    async def get(self, *, owner_id: str, interview_id: str) -> Interview | None:
        statement = select(interviews).where(
            interviews.c.id == interview_id, interviews.c.owner_id == owner_id
        )
        row = (await self._session.execute(statement)).mappings().first()
        return None if row is None else self._loaded(row)

    async def of_owner(self, *, owner_id: str) -> list[Interview]:
        rows = await self._session.execute(
            select(interviews).where(interviews.c.owner_id == owner_id).order_by(interviews.c.scheduled_at)
        )
        return [self._loaded(row) for row in rows.mappings()]

    async def add(self, interview: Interview) -> None:
        await self._insert(interview.id, interview.version, _interview_row(interview))

    async def save(self, interview: Interview) -> None:
        await self._update(interview.id, interview.version, _interview_row(interview))

    def _loaded(self, row: Any) -> Interview:
        interview = Interview(
            id=row["id"],
            owner_id=row["owner_id"],
            contact_id=row["contact_id"],
            scheduled_at=row["scheduled_at"],
            questions=tuple(row["questions"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            reminder_id=row["reminder_id"],
            stage=Stage(row["stage"]),
            interaction_id=row["interaction_id"],
            takeaway=row["takeaway"],
            proposals=[
                Proposal(
                    kind=ProposalKind(p["kind"]),
                    due_at=datetime.fromisoformat(p["due_at"]),
                    status=ProposalStatus(p["status"]),
                    follow_up_id=p["follow_up_id"],
                )
                for p in row["proposals"]
            ],
            version=row["version"],
        )
        self._remember(interview.id, interview.version)
        return interview


def _interview_row(interview: Interview) -> dict[str, Any]:
    return {
        "id": interview.id,
        "owner_id": interview.owner_id,
        "contact_id": interview.contact_id,
        "scheduled_at": interview.scheduled_at,
        "questions": list(interview.questions),
        "reminder_id": interview.reminder_id,
        "stage": interview.stage.value,
        "interaction_id": interview.interaction_id,
        "takeaway": interview.takeaway,
        "proposals": [{**asdict(p), "due_at": p.due_at.isoformat()} for p in interview.proposals],
        "created_at": interview.created_at,
        "updated_at": interview.updated_at,
        "version": interview.version,
    }


class SqlGoals(Versioned):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, goals)

    async def get(self, *, owner_id: str, goal_id: str) -> Goal | None:
        statement = select(goals).where(goals.c.id == goal_id, goals.c.owner_id == owner_id)
        row = (await self._session.execute(statement)).mappings().first()
        return None if row is None else self._loaded(row)

    async def of_owner(self, *, owner_id: str) -> list[Goal]:
        rows = await self._session.execute(
            select(goals).where(goals.c.owner_id == owner_id).order_by(goals.c.created_at, goals.c.id)
        )
        return [self._loaded(row) for row in rows.mappings()]

    async def add(self, goal: Goal) -> None:
        await self._insert(goal.id, goal.version, _goal_row(goal))

    async def save(self, goal: Goal) -> None:
        await self._update(goal.id, goal.version, _goal_row(goal))

    async def remove(self, goal: Goal) -> None:
        await self._session.execute(delete(goals).where(goals.c.id == goal.id))

    async def counted(self, *, owner_id: str, month: date | None) -> Counted:
        roles = await self._session.execute(
            select(contacts.c.role).where(
                contacts.c.owner_id == owner_id, contacts.c.archived.is_(False), contacts.c.role.is_not(None)
            )
        )
        revived: set[str] = set()
        interviewed = 0
        if month is not None:
            # months in UTC: the contacts service does not follow the owner's zone
            start = datetime.combine(month, time(0), UTC)
            end = datetime.combine((month + timedelta(days=32)).replace(day=1), time(0), UTC)
            within = [
                interactions.c.owner_id == owner_id,
                interactions.c.deleted.is_(False),
                interactions.c.occurred_at >= start,
                interactions.c.occurred_at < end,
            ]
            revived = set(
                (
                    await self._session.execute(
                        select(interactions.c.contact_id)
                        .where(*within, interactions.c.tie_then == Tie.DORMANT.value)
                        .distinct()
                    )
                ).scalars()
            )
            interviewed = (
                await self._session.scalar(
                    select(func.count()).where(
                        *within, interactions.c.kind == InteractionKind.INFORMATIONAL_INTERVIEW.value
                    )
                )
                or 0
            )
        return Counted(
            roles=tuple(roles.scalars()), revived_contacts=frozenset(revived), interviews=interviewed
        )

    def _loaded(self, row: Any) -> Goal:
        goal = Goal(
            id=row["id"],
            owner_id=row["owner_id"],
            kind=GoalKind(row["kind"]),
            target=row["target"],
            created_at=row["created_at"],
            role=row["role"],
            month=row["month"],
            progress=row["progress"],
            reached_at=row["reached_at"],
            version=row["version"],
        )
        self._remember(goal.id, goal.version)
        return goal


def _goal_row(goal: Goal) -> dict[str, Any]:
    return {column.name: getattr(goal, column.name) for column in goals.c if column.name != "kind"} | {
        "kind": goal.kind.value
    }
