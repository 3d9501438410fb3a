"""Networking goal use cases: set, list, drop goals, and recount an owner's goals whenever their
contacts or conversations change (called inside that change's unit of work, so a goal's
progress commits with what moved it)."""

from datetime import datetime

from services.contacts import ports
from services.contacts.domain.changes import GoalChange
from services.contacts.domain.goals import MAX_GOALS, Goal, GoalKind
from services.contacts.ports import UnitOfWork, UnitOfWorkFactory
from shared.errors import DomainError, NotFound


async def set_goal(
    *, uow: UnitOfWorkFactory, owner_id: str, kind: GoalKind, target: int, role: str | None, now: datetime
) -> Goal:
    """A new goal, counted at once (it may be reached already)."""
    goal = Goal(id=ports.new_id(), owner_id=owner_id, kind=kind, target=target, role=role, created_at=now)
    async with uow() as work:
        if len(await work.goals.of_owner(owner_id=owner_id)) >= MAX_GOALS:
            raise DomainError(f"at most {MAX_GOALS} goals", field="kind")
        await work.goals.add(goal)
        await follow(work, owner_id, now=now)
        await work.commit()
    return (await goals_of(uow=uow, owner_id=owner_id, goal_id=goal.id))[0]


async def goals_of(*, uow: UnitOfWorkFactory, owner_id: str, goal_id: str | None = None) -> list[Goal]:
    async with uow() as work:
        found = await work.goals.of_owner(owner_id=owner_id)
    if goal_id is None:
        return found
    chosen = [goal for goal in found if goal.id == goal_id]
    if not chosen:
        raise NotFound("goal")
    return chosen


async def drop_goal(*, uow: UnitOfWorkFactory, owner_id: str, goal_id: str) -> None:
    async with uow() as work:
        goal = await work.goals.get(owner_id=owner_id, goal_id=goal_id)
        if goal is None:
            raise NotFound("goal")
        await work.goals.remove(goal)
        await work.commit()


async def follow(work: UnitOfWork, owner_id: str, *, now: datetime) -> None:
    """Recount the owner's goals; publish the progress of each that moved, and celebrate each
    reached just now."""
    goals = await work.goals.of_owner(owner_id=owner_id)
    counted = {}
    for goal in goals:
        if goal.month not in counted:
            counted[goal.month] = await work.goals.counted(owner_id=owner_id, month=goal.month)
        before = goal.progress
        reached = goal.recount(counted[goal.month], now=now)
        if goal.progress != before:
            await work.goals.save(goal)
            await work.publish(GoalChange(goal, reached, now))
