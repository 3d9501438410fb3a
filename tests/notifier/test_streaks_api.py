"""Streaks from applied habit events on SQLite (the local default) and PostgreSQL: the first
batch computes from the habit's start, later batches resume from the checkpoint."""

from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import select

from services.notifier.adapters import db
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


async def test_the_owners_day_starts_when_they_say_and_closes_periods_then(api: Api) -> None:
    """Check-ins on 2, 3 and 4 March; at 01:00 on the 6th in Berlin, an owner whose day starts
    at 04:00 is still on the 5th: the 5th is in progress, the streak holds until 04:00."""
    late = HABIT.model_copy(update={"day_start": time(4)})
    api.clock.now = datetime(2026, 3, 6, 0, tzinfo=UTC)  # 01:00 in Berlin
    await apply(
        api.runtime,
        [checked_in(OWNER, late, day) for day in (2, 3, 4)],
        api.clock.now,
        handler_of=habit_events,
    )
    shown = await streak(api)
    assert (shown["current"], shown["at_risk"]) == (3, True)
    assert shown["last_period"]["start"] == "2026-03-05"
    async with api.runtime.engine.connect() as connection:
        closes = (await connection.execute(select(db.streaks.c.next_check_at))).scalar_one()
    assert closes == datetime(2026, 3, 6, 3, tzinfo=UTC)  # 04:00 in Berlin, not midnight


async def test_a_check_in_for_yesterday_mends_the_day_the_clock_had_closed(api: Api) -> None:
    api.clock.now = datetime(2026, 3, 5, 9, tzinfo=UTC)
    await apply(api.runtime, [done(2), done(3)], api.clock.now, handler_of=habit_events)
    [job] = [job for job in api.runtime.jobs if job.name == "closed-periods"]
    await job.run()
    assert (await streak(api))["current"] == 0  # the 4th closed without a check-in
    await apply(api.runtime, [done(4)], api.clock.now, handler_of=habit_events)  # logged a day late
    shown = await streak(api)
    assert (shown["current"], shown["longest"]) == (3, 3)


async def test_strength_over_time_rises_with_check_ins_dents_on_a_miss_and_ends_at_todays(api: Api) -> None:
    api.clock.now = datetime(2026, 3, 9, 18, tzinfo=UTC)
    await apply(
        api.runtime,
        [done(2), done(3), done(4), done(6), done(7), done(8)],
        api.clock.now,
        handler_of=habit_events,
    )
    response = await api.client.get(f"/v1/streaks/{HABIT.id}/strength", headers=api.as_owner(OWNER))
    assert response.status_code == 200, response.text
    points = response.json()["points"]
    assert [p["day"] for p in points] == [f"2026-03-0{d}" for d in range(2, 10)]
    scores = [p["strength"] for p in points]
    assert scores[:3] == sorted(scores[:3])
    assert scores[0] > 0
    assert scores[3] < scores[2]  # the 5th was missed: a dent, not a zero
    assert scores[3] > 0
    assert scores[4] > scores[3]
    assert scores[7] < scores[6]  # the 9th, in progress and not done yet
    assert scores[-1] == (await streak(api))["strength"]

    last_week = await api.client.get(
        f"/v1/streaks/{HABIT.id}/strength", params={"days": 7}, headers=api.as_owner(OWNER)
    )
    assert last_week.json()["points"][0]["day"] == "2026-03-03"
    stranger = await api.client.get(f"/v1/streaks/{HABIT.id}/strength", headers=api.as_owner("someone-else"))
    assert stranger.status_code == 404
    too_short = await api.client.get(
        f"/v1/streaks/{HABIT.id}/strength", params={"days": 0}, headers=api.as_owner(OWNER)
    )
    assert too_short.status_code == 422
    assert "days" in too_short.text
