"""The Today route: the student's daily screen in one read."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.notifier import today
from services.notifier.adapters.http.prompts import PromptOut, prompt_out
from services.notifier.adapters.http.streaks import StreakOut, streak_out
from services.notifier.domain.calendar import FollowUpItem
from services.notifier.today import TodayWork


class HeldOut(BaseModel):
    prompt: PromptOut
    reason: str = Field(description="Why it is not among the people to reach out to now.")


class FollowUpOut(BaseModel):
    id: str
    contact_id: str
    contact_name: str
    title: str
    due_at: datetime
    proposed_times: list[datetime]
    takeaway: str | None = Field(description="The takeaway of the conversation it came from.")


class TodayOut(BaseModel):
    day: date = Field(description="The owner's current day, in their zone, from their day start.")
    timezone: str
    day_ends_at: datetime
    reach_out: list[PromptOut] = Field(description="Due keep-alive prompts, the most overdue first.")
    follow_ups_overdue: list[FollowUpOut]
    follow_ups_today: list[FollowUpOut] = Field(description="Open follow-ups due before the day ends.")
    habits: list[StreakOut] = Field(description="Every habit; `at_risk` ones are still due today.")
    held_back: list[HeldOut]


def follow_up_out(item: FollowUpItem) -> FollowUpOut:
    return FollowUpOut(
        id=item.id,
        contact_id=item.contact_id,
        contact_name=item.contact_name,
        title=item.title,
        due_at=item.due_at,
        proposed_times=list(item.proposed_times),
        takeaway=item.takeaway,
    )


def today_router(*, uow: Callable[[], TodayWork], owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["today"])
    Owner = Annotated[str, owner]

    @router.get("/today", summary="The daily screen: whom to reach out to, what is due, habits, what is held")
    async def get_today(owner_id: Owner) -> TodayOut:
        view = await today.today(uow=uow, owner_id=owner_id, now=clock())
        return TodayOut(
            day=view.day.day,
            timezone=view.timezone,
            day_ends_at=view.day.ends.astimezone(UTC),
            reach_out=[prompt_out(prompt) for prompt in view.reach_out],
            follow_ups_overdue=[follow_up_out(item) for item in view.follow_ups.overdue],
            follow_ups_today=[follow_up_out(item) for item in view.follow_ups.today],
            habits=[streak_out(habit) for habit in view.habits],
            held_back=[
                HeldOut(prompt=prompt_out(prompt), reason=reason) for prompt, reason in view.held_back
            ],
        )

    return router
