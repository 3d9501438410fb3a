"""Contacts-stream events as the contacts service writes them, for the notifier's tests."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.notifier.adapters import db
from services.notifier.adapters.kafka_in import contact_events
from shared.contracts import contacts as contract
from shared.contracts import habits as habit_contract
from shared.contracts.base import EventData
from shared.db.engine import session_factory
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.consumer import BatchHandler
from shared.runtime import ServiceRuntime
from shared.vocabulary import (
    Category,
    CheckInSource,
    Direction,
    FollowUpStatus,
    HabitMeasure,
    InteractionKind,
    ScheduleKind,
    Tie,
    Warmth,
)

RECORDED = datetime(2026, 3, 2, 8, tzinfo=UTC)


def contact(
    contact_id: str = "c1", *, name: str = "Ada Lovelace", version: int = 1, **fields: Any
) -> contract.ContactSnapshot:
    values: dict[str, Any] = {
        "category": Category.MENTOR,
        "tie": Tie.WEAK,
        "warmth": Warmth.WARM,
        "cadence_days": 60,
        **fields,
    }
    return contract.ContactSnapshot(id=contact_id, display_name=name, version=version, **values)


def interaction(takeaway: str, *, contact_id: str = "c1") -> contract.InteractionSnapshot:
    return contract.InteractionSnapshot(
        id="i1",
        contact_id=contact_id,
        kind=InteractionKind.COFFEE_OR_CALL,
        direction=Direction.OUTBOUND,
        occurred_at=RECORDED - timedelta(days=1),
        takeaway=takeaway,
        version=1,
    )


def follow_up(
    follow_up_id: str = "f1",
    *,
    due_at: datetime,
    version: int = 1,
    status: FollowUpStatus = FollowUpStatus.OPEN,
    contact_id: str = "c1",
    interaction_id: str | None = "i1",
) -> contract.FollowUpSnapshot:
    return contract.FollowUpSnapshot(
        id=follow_up_id,
        contact_id=contact_id,
        interaction_id=interaction_id,
        title="Send the paper we talked about",
        due_at=due_at,
        proposed_times=(due_at + timedelta(days=2),),
        status=status,
        version=version,
    )


def daily_habit(timezone: str) -> habit_contract.HabitSnapshot:
    """A daily outreach habit started on 2 March 2026 (the habits stream's snapshot)."""
    return habit_contract.HabitSnapshot(
        id="habit-1",
        name="One outreach a day",
        measure=HabitMeasure.OUTREACH_MESSAGES,
        schedule=habit_contract.Schedule(kind=ScheduleKind.DAILY),
        timezone=timezone,
        start_date=date(2026, 3, 2),
        version=1,
    )


def checked_in(
    owner_id: str, habit: habit_contract.HabitSnapshot, day: int, *, hour: int = 12
) -> habit_contract.HabitCheckedIn:
    """A manual check-in on ``day`` March 2026, recorded at ``hour`` UTC that day."""
    moment = datetime(2026, 3, day, hour, tzinfo=UTC)
    return habit_contract.HabitCheckedIn(
        owner_id=owner_id,
        occurred_at=moment,
        recorded_at=moment,
        habit=habit,
        check_in=habit_contract.CheckIn(
            id=f"c{day}",
            habit_id=habit.id,
            local_date=date(2026, 3, day),
            count=1,
            source=CheckInSource.MANUAL,
        ),
    )


def envelope(event: EventData) -> CloudEvent:
    return CloudEvent.of(event, source="/keepwarm/contacts")


def at(owner_id: str, recorded_at: datetime = RECORDED) -> dict[str, Any]:
    return {"owner_id": owner_id, "occurred_at": recorded_at, "recorded_at": recorded_at}


async def apply(
    runtime: ServiceRuntime,
    events: list[EventData],
    now: datetime,
    *,
    handler_of: Callable[..., BatchHandler] = contact_events,
) -> None:
    """Apply a batch of events as the notifier's consumer would (the contacts stream unless
    ``handler_of`` says otherwise), without Kafka."""
    sessions = session_factory(runtime.engine)

    def uow() -> db.SqlUnitOfWork:
        return db.SqlUnitOfWork(sessions, outbox=db.outbox, topic="unused", source="/test", clock=lambda: now)

    handler = handler_of(uow=uow, clock=lambda: now)
    async with sessions.begin() as session:
        await handler(session, events)
