"""Campus routes: a student's choice to share with their campus, and the cohort figures career
services read (a token with the campus role)."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StrictBool

from services.notifier import campus
from services.notifier.campus import CampusWorkFactory
from services.notifier.domain.campus import MIN_STUDENTS, Cell


class SharingIO(BaseModel):
    sharing: StrictBool = Field(
        description="Share with your campus: pseudonymous counts and kinds of what you do, never "
        "names, notes or anything you wrote. Off until you turn it on."
    )


class SharingOut(SharingIO):
    since: datetime | None = Field(description="When it was last turned on or off; null: never set.")


class WeekOut(BaseModel):
    week: str = Field(description="The Monday of the week.")
    students: int | None = Field(description="Sharing students active that week; null below the minimum.")
    interactions: int | None


class ReplyRateOut(BaseModel):
    tie: str
    kind: str
    students: int | None
    outbound: int | None
    answered: int | None
    reply_rate: float | None = Field(description="answered / outbound.")


class StreakBucketOut(BaseModel):
    current_streak: str = Field(description="A range of current streaks, in periods (e.g. 3-6, 30+).")
    students: int | None


class InsightsOut(BaseModel):
    min_students: int = Field(description="No figure is built from fewer students: those cells are null.")
    sharing_only: bool = Field(default=True, description="Only students who opted in are counted.")
    weeks: list[WeekOut] = Field(description="Activity per week, oldest first.")
    reply_rates: list[ReplyRateOut] = Field(description="Outbound interactions answered, by tie and kind.")
    streaks: list[StreakBucketOut] = Field(description="Students by their longest current streak.")


def _value(cell: Cell, name: str) -> Any:
    return None if cell.values is None else cell.values[name]


def campus_router(
    *, uow: CampusWorkFactory, owner: Any, campus_staff: Any, clock: Callable[[], datetime]
) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["campus"])
    Owner = Annotated[str, owner]
    Staff = Annotated[str, campus_staff]

    @router.get("/campus-sharing", summary="Whether you share with your campus")
    async def get_sharing(owner_id: Owner) -> SharingOut:
        member = await campus.sharing_of(uow=uow, owner_id=owner_id)
        if member is None:
            return SharingOut(sharing=False, since=None)
        return SharingOut(sharing=member.sharing, since=member.changed_at)

    @router.put("/campus-sharing", summary="Opt in to share with your campus, or out")
    async def put_sharing(body: SharingIO, owner_id: Owner) -> SharingOut:
        member = await campus.set_sharing(uow=uow, owner_id=owner_id, share=body.sharing, now=clock())
        return SharingOut(sharing=member.sharing, since=member.changed_at)

    @router.get(
        "/cohort/insights",
        summary="Cohort figures over the students who share (campus role)",
        response_model=InsightsOut,
        responses={
            403: {
                "description": "The token does not carry the campus role",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        },
    )
    async def get_insights(
        _staff: Staff,
        weeks: Annotated[int, Query(ge=1, le=26, description="Weeks back, this one included.")] = 8,
    ) -> InsightsOut:
        found = await campus.cohort_insights(uow=uow, weeks=weeks, now=clock())
        return InsightsOut(
            min_students=MIN_STUDENTS,
            weeks=[
                WeekOut(week=c.labels[0], students=c.students, interactions=_value(c, "interactions"))
                for c in found.weeks
            ],
            reply_rates=[
                ReplyRateOut(
                    tie=c.labels[0],
                    kind=c.labels[1],
                    students=c.students,
                    outbound=_value(c, "outbound"),
                    answered=_value(c, "answered"),
                    reply_rate=_value(c, "reply_rate"),
                )
                for c in found.reply_rates
            ],
            streaks=[StreakBucketOut(current_streak=c.labels[0], students=c.students) for c in found.streaks],
        )

    return router
