"""The habits HTTP API: translates requests into use cases and results into JSON."""

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Annotated, Any, cast

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from services.habits import service
from services.habits.domain.commands import HabitChanges, NewHabit
from services.habits.domain.credit import CreditRule
from services.habits.domain.model import CheckIn, Habit
from services.habits.service import PeriodProgress, UnitOfWorkFactory
from shared.bounds import Day, LocalTime
from shared.errors import DomainError
from shared.partial_update import not_clearable
from shared.schedules import InvalidSchedule, Schedule
from shared.vocabulary import (
    Category,
    CheckInSource,
    Direction,
    HabitMeasure,
    InteractionKind,
    ScheduleKind,
    Tie,
)

LocalDate = Day  # the API's field is called "date", which would shadow the type inside a class


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScheduleIn(Strict):
    kind: ScheduleKind
    times: int = Field(default=1, ge=1, le=100, description="Target per period.")
    every_days: int | None = Field(default=None, ge=1, le=365, description="For every_n_days.")
    weekdays: list[Annotated[int, Field(ge=1, le=7)]] = Field(
        default=[], max_length=7, description="For weekdays: 1 = Monday … 7 = Sunday."
    )


class RuleIn(Strict):
    """Which logged interactions check the habit in automatically (default: by its measure)."""

    kinds: list[InteractionKind] = Field(default=[], description="Empty: any kind.")
    direction: Direction | None = None
    categories: list[Category] = []
    ties: list[Tie] = Field(default=[], description="The contact's tie before the interaction.")


class HabitFields(Strict):
    description: Annotated[str, Field(max_length=2000)] | None = None
    reminder_time: LocalTime | None = Field(default=None, description="Local time of day to be reminded.")
    rule: RuleIn | None = None


class HabitIn(HabitFields):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    measure: HabitMeasure = HabitMeasure.FREE_FORM
    schedule: ScheduleIn
    timezone: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        default=None,
        description="IANA zone, e.g. Europe/Berlin. Default: the owner's (their preferences on the "
        "notifier), which the habit then follows when it changes.",
    )
    start_date: Day | None = Field(default=None, description="Default: today in that zone.")


class HabitPatch(HabitFields):
    model_config = ConfigDict(json_schema_extra=not_clearable(*Habit.REQUIRED))

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    measure: HabitMeasure | None = None
    schedule: ScheduleIn | None = None
    timezone: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    start_date: Day | None = None


class PauseIn(Strict):
    since: Day | None = Field(default=None, description="First paused day; default today.")


class CheckInIn(Strict):
    date: LocalDate | None = Field(default=None, description="The local day it counts for; default today.")
    count: int = Field(default=1, ge=1, le=100)


class PauseOut(BaseModel):
    start: date
    end: date | None


class RuleOut(BaseModel):
    kinds: list[InteractionKind]
    direction: Direction | None
    categories: list[Category]
    ties: list[Tie]


class HabitOut(BaseModel):
    id: str
    name: str
    description: str | None
    measure: HabitMeasure
    schedule: ScheduleIn
    timezone: str
    zone_is_owners: bool = Field(description="The habit follows the owner's zone (it has none of its own).")
    day_start: time = Field(
        description="When the owner's day starts: earlier moments count for the day before."
    )
    reminder_time: time | None
    start_date: date
    rule: RuleOut | None = Field(description="The rule in force (the measure's default if none was set).")
    pauses: list[PauseOut]
    paused: bool
    archived: bool
    created_at: datetime
    updated_at: datetime
    version: int


class CheckInOut(BaseModel):
    id: str
    habit_id: str
    date: LocalDate
    count: int
    source: CheckInSource
    source_event_id: str | None
    created_at: datetime


class PeriodOut(BaseModel):
    start: date
    end: date
    target: int
    done: int
    met: bool
    paused_days: int


def habit_out(habit: Habit) -> HabitOut:
    rule = habit.credit_rule
    return HabitOut(
        id=habit.id,
        name=habit.name,
        description=habit.description,
        measure=habit.measure,
        schedule=ScheduleIn(
            kind=habit.schedule.kind,
            times=habit.schedule.times,
            every_days=habit.schedule.every_days,
            weekdays=list(habit.schedule.weekdays),
        ),
        timezone=habit.timezone,
        zone_is_owners=habit.zone_is_owners,
        day_start=habit.day_start,
        reminder_time=habit.reminder_time,
        start_date=habit.start_date,
        rule=None
        if rule is None
        else RuleOut(
            kinds=sorted(rule.kinds),
            direction=rule.direction,
            categories=sorted(rule.categories),
            ties=sorted(rule.ties),
        ),
        pauses=[PauseOut(start=pause.start, end=pause.end) for pause in habit.pauses],
        paused=habit.paused,
        archived=habit.archived,
        created_at=habit.created_at,
        updated_at=habit.updated_at,
        version=habit.version,
    )


def check_in_out(entry: CheckIn) -> CheckInOut:
    return CheckInOut(
        id=entry.id,
        habit_id=entry.habit_id,
        date=entry.local_date,
        count=entry.count,
        source=entry.source,
        source_event_id=entry.source_event_id,
        created_at=entry.created_at,
    )


def period_out(progress: PeriodProgress) -> PeriodOut:
    period = progress.period
    return PeriodOut(
        start=period.start,
        end=period.end,
        target=period.target,
        done=progress.done,
        met=progress.met,
        paused_days=progress.paused_days,
    )


def habit_fields(body: HabitFields, *, only_sent: bool) -> dict[str, Any]:
    data = body.model_dump(exclude_unset=only_sent)
    if data.get("schedule") is not None:
        schedule = body.schedule.model_dump()  # type: ignore[attr-defined]  # whole, even in a patch
        try:
            data["schedule"] = Schedule(
                kind=schedule["kind"],
                times=schedule["times"],
                every_days=schedule["every_days"],
                weekdays=tuple(schedule["weekdays"]),
            )
        except InvalidSchedule as error:
            raise DomainError(str(error), field=error.field) from error
    if data.get("rule") is not None:
        rule = body.rule.model_dump()  # type: ignore[union-attr]
        data["rule"] = CreditRule(
            kinds=frozenset(rule["kinds"]) or frozenset(InteractionKind),
            direction=rule["direction"],
            categories=frozenset(rule["categories"]),
            ties=frozenset(rule["ties"]),
        )
    return data


From = Annotated[Day | None, Query(alias="from", description="First local day; default 4 weeks ago.")]
To = Annotated[Day | None, Query(alias="to", description="Last local day, inclusive; default today.")]


def habits_router(*, uow: UnitOfWorkFactory, owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    """The /v1 routes: habits, and their check-ins and history."""
    router = APIRouter(prefix="/v1", tags=["habits"])
    for routes in (habit_routes, check_in_routes):
        router.include_router(routes(uow=uow, owner=owner, clock=clock))
    return router


def habit_routes(*, uow: UnitOfWorkFactory, owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    """Create, list, read, edit, archive, pause and resume habits."""
    router = APIRouter()
    Owner = Annotated[str, owner]

    @router.post("/habits", status_code=status.HTTP_201_CREATED)
    async def create_habit(body: HabitIn, owner_id: Owner) -> HabitOut:
        habit = await service.create_habit(
            uow=uow,
            owner_id=owner_id,
            fields=cast(NewHabit, habit_fields(body, only_sent=False)),
            now=clock(),
        )
        return habit_out(habit)

    @router.get("/habits")
    async def list_habits(owner_id: Owner, include_archived: bool = False) -> list[HabitOut]:
        found = await service.list_habits(uow=uow, owner_id=owner_id, include_archived=include_archived)
        return [habit_out(habit) for habit in found]

    @router.get("/habits/{habit_id}")
    async def get_habit(habit_id: str, owner_id: Owner) -> HabitOut:
        return habit_out(await service.get_habit(uow=uow, owner_id=owner_id, habit_id=habit_id))

    @router.patch("/habits/{habit_id}")
    async def update_habit(habit_id: str, body: HabitPatch, owner_id: Owner) -> HabitOut:
        habit = await service.update_habit(
            uow=uow,
            owner_id=owner_id,
            habit_id=habit_id,
            changes=cast(HabitChanges, habit_fields(body, only_sent=True)),
            now=clock(),
        )
        return habit_out(habit)

    @router.delete("/habits/{habit_id}", status_code=status.HTTP_204_NO_CONTENT)
    async def archive_habit(habit_id: str, owner_id: Owner) -> Response:
        await service.archive_habit(uow=uow, owner_id=owner_id, habit_id=habit_id, now=clock())
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    router.include_router(rest_routes(uow=uow, owner=owner, clock=clock))
    return router


def rest_routes(*, uow: UnitOfWorkFactory, owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    """Pause and resume a habit: rest days neither count nor break a streak."""
    router = APIRouter()
    Owner = Annotated[str, owner]

    @router.post("/habits/{habit_id}/pause")
    async def pause_habit(habit_id: str, owner_id: Owner, body: PauseIn | None = None) -> HabitOut:
        since = body.since if body else None
        return habit_out(
            await service.pause_habit(uow=uow, owner_id=owner_id, habit_id=habit_id, since=since, now=clock())
        )

    @router.post("/habits/{habit_id}/resume")
    async def resume_habit(habit_id: str, owner_id: Owner) -> HabitOut:
        return habit_out(
            await service.resume_habit(uow=uow, owner_id=owner_id, habit_id=habit_id, now=clock())
        )

    return router


def check_in_routes(*, uow: UnitOfWorkFactory, owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    """Check in, list and undo check-ins, and each period's progress."""
    router = APIRouter()
    Owner = Annotated[str, owner]

    @router.post("/habits/{habit_id}/check-ins", status_code=status.HTTP_201_CREATED)
    async def check_in(habit_id: str, owner_id: Owner, body: CheckInIn | None = None) -> CheckInOut:
        body = body or CheckInIn()
        entry = await service.check_in(
            uow=uow, owner_id=owner_id, habit_id=habit_id, day=body.date, count=body.count, now=clock()
        )
        return check_in_out(entry)

    @router.get("/habits/{habit_id}/check-ins")
    async def list_check_ins(
        habit_id: str, owner_id: Owner, first: From = None, last: To = None
    ) -> list[CheckInOut]:
        found = await service.list_check_ins(
            uow=uow, owner_id=owner_id, habit_id=habit_id, first=first, last=last, now=clock()
        )
        return [check_in_out(entry) for entry in found]

    @router.delete("/habits/{habit_id}/check-ins/{check_in_id}", status_code=status.HTTP_204_NO_CONTENT)
    async def undo_check_in(habit_id: str, check_in_id: str, owner_id: Owner) -> Response:
        await service.undo_check_in(
            uow=uow, owner_id=owner_id, habit_id=habit_id, check_in_id=check_in_id, now=clock()
        )
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.get("/habits/{habit_id}/history", summary="Progress per period of the habit's schedule")
    async def history(habit_id: str, owner_id: Owner, first: From = None, last: To = None) -> list[PeriodOut]:
        found = await service.history(
            uow=uow, owner_id=owner_id, habit_id=habit_id, first=first, last=last, now=clock()
        )
        return [period_out(progress) for progress in found]

    return router
