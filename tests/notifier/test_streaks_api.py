"""Streaks from applied habit events on SQLite (the local default) and PostgreSQL: the first
batch computes from the habit's start, later batches resume from the checkpoint."""

from datetime import UTC, date, datetime
from typing import Any

from services.notifier.adapters.kafka_in import habit_events
from shared.contracts import habits as contract
from shared.vocabulary import CheckInSource, HabitMeasure, ScheduleKind
from tests.api import Api
from tests.notifier.stream import apply

OWNER = "student-3"
HABIT = contract.HabitSnapshot(
    id="habit-1",
    name="One outreach a day",
    measure=HabitMeasure.OUTREACH_MESSAGES,
    schedule=contract.Schedule(kind=ScheduleKind.DAILY),
    timezone="Europe/Berlin",
    start_date=date(2026, 3, 2),
    version=1,
)


def checked_in(day: int) -> contract.HabitCheckedIn:
    moment = datetime(2026, 3, day, 12, tzinfo=UTC)
    return contract.HabitCheckedIn(
        owner_id=OWNER,
        occurred_at=moment,
        recorded_at=moment,
        habit=HABIT,
        check_in=contract.CheckIn(
            id=f"c{day}",
            habit_id=HABIT.id,
            local_date=date(2026, 3, day),
            count=1,
            source=CheckInSource.MANUAL,
        ),
    )


async def streak(api: Api) -> dict[str, Any]:
    [shown] = (await api.client.get("/v1/streaks", headers=api.as_owner(OWNER))).json()
    found: dict[str, Any] = shown
    return found


async def test_streaks_grow_batch_after_batch(api: Api) -> None:
    api.clock.now = datetime(2026, 3, 5, 18, tzinfo=UTC)
    await apply(
        api.runtime, [checked_in(2), checked_in(3), checked_in(4)], api.clock.now, handler_of=habit_events
    )
    assert (await streak(api))["current"] == 3

    api.clock.now = datetime(2026, 3, 6, 18, tzinfo=UTC)
    await apply(api.runtime, [checked_in(5), checked_in(6)], api.clock.now, handler_of=habit_events)
    shown = await streak(api)
    assert (shown["current"], shown["longest"]) == (5, 5)
