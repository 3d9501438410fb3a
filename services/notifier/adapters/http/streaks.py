"""Streak routes: each habit's current and longest streak, strength and risk."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.notifier import streaks
from services.notifier.domain.streaks import Outcome, PeriodResult
from services.notifier.streaks import StreakView, UnitOfWorkFactory


class PeriodOut(BaseModel):
    start: date
    end: date
    target: int
    done: int
    outcome: Outcome


class StrengthPoint(BaseModel):
    day: date = Field(description="The last day of a period (the period in progress: today).")
    strength: float


class StrengthOut(BaseModel):
    habit_id: str
    points: list[StrengthPoint] = Field(description="Oldest first; rested periods keep the score.")


class StreakOut(BaseModel):
    habit_id: str
    habit_name: str
    current: int = Field(description="Periods in a row with the target met, up to now.")
    longest: int
    strength: float = Field(description="0…1: rises with regular check-ins, decays slowly when missed.")
    last_period: PeriodOut | None = Field(description="The newest period (possibly still in progress).")
    at_risk: bool = Field(description="Due by the end of today and not done yet.")


def period_out(result: PeriodResult | None) -> PeriodOut | None:
    if result is None:
        return None
    return PeriodOut(
        start=result.period.start,
        end=result.period.end,
        target=result.target,
        done=result.done,
        outcome=result.outcome,
    )


def streak_out(view: StreakView) -> StreakOut:
    return StreakOut(
        habit_id=view.habit.id,
        habit_name=view.habit.name,
        current=view.streaks.current,
        longest=view.streaks.longest,
        strength=view.strength,
        last_period=period_out(view.last_period),
        at_risk=view.streaks.at_risk,
    )


def streaks_router(*, uow: UnitOfWorkFactory, owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["streaks"])
    Owner = Annotated[str, owner]

    @router.get("/streaks", summary="Streak, strength and risk of each of the owner's habits")
    async def list_streaks(owner_id: Owner) -> list[StreakOut]:
        views = await streaks.overview(uow=uow, owner_id=owner_id, now=clock())
        return [streak_out(view) for view in views]

    @router.get("/streaks/{habit_id}/strength", summary="The habit's strength over time, period by period")
    async def strength_over_time(
        habit_id: str,
        owner_id: Owner,
        days: Annotated[int, Query(ge=7, le=3660, description="How far back, in days.")] = 90,
    ) -> StrengthOut:
        habit, history = await streaks.strength_over_time(
            uow=uow, owner_id=owner_id, habit_id=habit_id, now=clock(), days=days
        )
        return StrengthOut(
            habit_id=habit.id, points=[StrengthPoint(day=day, strength=score) for day, score in history]
        )

    return router
