"""What the notifier consumes: the habits stream becomes its own projection, and each batch
recomputes the streaks it touched, once per habit."""

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier import service
from services.notifier.adapters.db import SqlUnitOfWork
from services.notifier.domain.announcements import TrackedHabit
from services.notifier.domain.streaks import HabitPlan
from shared.contracts.base import EventData
from shared.contracts.habits import CheckInEvent, HabitCheckInReverted, HabitEvent, HabitSnapshot
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.consumer import BatchFinisher, Handler
from shared.schedules import Schedule


def tracked(owner_id: str, snapshot: HabitSnapshot) -> TrackedHabit:
    schedule = snapshot.schedule
    return TrackedHabit(
        id=snapshot.id,
        owner_id=owner_id,
        name=snapshot.name,
        timezone=snapshot.timezone,
        plan=HabitPlan(
            schedule=Schedule(
                kind=schedule.kind,
                times=schedule.times,
                every_days=schedule.every_days,
                weekdays=schedule.weekdays,
            ),
            start_date=snapshot.start_date,
            pauses=tuple((pause.start, pause.end) for pause in snapshot.pauses),
        ),
        archived=snapshot.archived,
        version=snapshot.version,
    )


def habit_handler(*, uow: Callable[[], SqlUnitOfWork]) -> Handler:
    """Project one habits-stream event: the habit's snapshot, and the check-in it carries."""

    async def handle(session: AsyncSession, event: EventData, envelope: CloudEvent) -> None:
        if not isinstance(event, HabitEvent):
            return
        projection = uow().within(session).projection
        await projection.put_habit(tracked(event.owner_id, event.habit))
        if isinstance(event, CheckInEvent):
            await projection.record_check_in(
                check_in_id=event.check_in.id,
                owner_id=event.owner_id,
                habit_id=event.check_in.habit_id,
                day=event.check_in.local_date,
                count=event.check_in.count,
                reverted=isinstance(event, HabitCheckInReverted),
            )

    return handle


def streak_refresher(*, uow: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]) -> BatchFinisher:
    async def finish(session: AsyncSession, events: Sequence[EventData]) -> None:
        touched = [event.habit.id for event in events if isinstance(event, HabitEvent)]
        await service.refresh(work=uow().within(session), habit_ids=touched, now=clock())

    return finish
