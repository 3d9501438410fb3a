"""Streaks from applied habit events on SQLite (the local default) and PostgreSQL: the first
batch computes from the habit's start, later batches resume from the checkpoint."""

from datetime import UTC, datetime
from typing import Any

from services.notifier.adapters.kafka_in import habit_events
from shared.contracts.base import EventData
from tests.api import Api
from tests.notifier.stream import apply, checked_in, daily_habit

OWNER = "student-3"
HABIT = daily_habit("Europe/Berlin")


def done(day: int) -> EventData:
    return checked_in(OWNER, HABIT, day)


async def streak(api: Api) -> dict[str, Any]:
    [shown] = (await api.client.get("/v1/streaks", headers=api.as_owner(OWNER))).json()
    found: dict[str, Any] = shown
    return found


async def test_streaks_grow_batch_after_batch(api: Api) -> None:
    api.clock.now = datetime(2026, 3, 5, 18, tzinfo=UTC)
    await apply(api.runtime, [done(2), done(3), done(4)], api.clock.now, handler_of=habit_events)
    assert (await streak(api))["current"] == 3

    api.clock.now = datetime(2026, 3, 6, 18, tzinfo=UTC)
    await apply(api.runtime, [done(5), done(6)], api.clock.now, handler_of=habit_events)
    shown = await streak(api)
    assert (shown["current"], shown["longest"]) == (5, 5)
