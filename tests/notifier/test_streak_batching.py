"""Streaks are a function of the check-ins alone: a random history of check-ins and reverts,
applied as one batch or cut into random batches, gives the same streaks, the same state and the
same announcements, and the streaks of one recomputation from scratch."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from services.notifier.adapters import db
from services.notifier.adapters.kafka_in import habit_events
from services.notifier.domain.streaks import HabitPlan, period_results, streaks
from shared.contracts import habits as contract
from shared.contracts.base import EventData
from shared.schedules import Schedule
from shared.vocabulary import CheckInSource, HabitMeasure, ScheduleKind
from tests.api import Api
from tests.notifier.stream import apply

START = date(2026, 3, 2)
NOW = datetime(2026, 3, 30, 18, tzinfo=UTC)
SCHEDULES = [
    Schedule(ScheduleKind.DAILY),
    Schedule(ScheduleKind.TIMES_PER_WEEK, times=2),
    Schedule(ScheduleKind.WEEKDAYS, weekdays=(1, 3, 5)),
]
ANNOUNCED = ("keepwarm.streak.extended.v1", "keepwarm.milestone.reached.v1", "keepwarm.streak.broken.v1")


@dataclass(frozen=True)
class History:
    schedule: Schedule
    steps: list[tuple[str, int]]
    """("in", day offset) checks a day in; ("undo", n) reverts the n-th check-in so far."""
    cuts: list[int]


@st.composite
def histories(draw: st.DrawFn) -> History:
    steps: list[tuple[str, int]] = []
    checked = 0
    for _ in range(draw(st.integers(1, 40))):
        if checked and draw(st.booleans()) and draw(st.booleans()):
            steps.append(("undo", draw(st.integers(0, checked - 1))))
        else:
            steps.append(("in", draw(st.integers(0, 27))))
            checked += 1
    cuts = sorted(set(draw(st.lists(st.integers(1, max(1, len(steps) - 1)), max_size=10))))
    return History(draw(st.sampled_from(SCHEDULES)), steps, cuts)


def events(history: History, owner: str) -> list[EventData]:
    habit = contract.HabitSnapshot(
        id=f"{owner}-habit",
        name="Reach out",
        measure=HabitMeasure.OUTREACH_MESSAGES,
        schedule=contract.Schedule(
            kind=history.schedule.kind, times=history.schedule.times, weekdays=history.schedule.weekdays
        ),
        timezone="Europe/Berlin",
        start_date=START,
        version=1,
    )
    check_ins: list[contract.CheckIn] = []
    found: list[EventData] = []
    for action, value in history.steps:
        if action == "in":
            check_in = contract.CheckIn(
                id=f"{owner}-{len(check_ins)}",
                habit_id=habit.id,
                local_date=START + timedelta(days=value),
                count=1,
                source=CheckInSource.MANUAL,
            )
            check_ins.append(check_in)
            found.append(
                contract.HabitCheckedIn(
                    owner_id=owner, occurred_at=NOW, recorded_at=NOW, habit=habit, check_in=check_in
                )
            )
        else:
            found.append(
                contract.HabitCheckInReverted(
                    owner_id=owner, occurred_at=NOW, recorded_at=NOW, habit=habit, check_in=check_ins[value]
                )
            )
    return found


async def outcome(api: Api, owner: str) -> tuple[Any, list[tuple[str, dict[str, Any]]], Any]:
    [shown] = (await api.client.get("/v1/streaks", headers=api.as_owner(owner))).json()
    async with api.runtime.engine.connect() as connection:
        rows = await connection.execute(
            select(db.outbox.c.type, db.outbox.c.data)
            .where(db.outbox.c.type.in_(ANNOUNCED), db.outbox.c.key == owner)
            .order_by(db.outbox.c.id)
        )
        announced = [(kind, _without_ids(json.loads(data))) for kind, data in rows.all()]
        state = (
            await connection.execute(
                select(db.streaks.c.current, db.streaks.c.longest).where(
                    db.streaks.c.habit_id == f"{owner}-habit"
                )
            )
        ).one()
    return {k: shown[k] for k in ("current", "longest", "strength", "at_risk")}, announced, tuple(state)


def _without_ids(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("owner_id", "habit_id", "recorded_at")}


runs = 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories())
async def test_any_batching_gives_the_streaks_and_announcements_of_one_batch(
    api: Api, history: History
) -> None:
    global runs
    runs += 1
    whole, cut = f"whole-{runs}", f"cut-{runs}"
    api.clock.now = NOW
    await apply(api.runtime, events(history, whole), NOW, handler_of=habit_events)
    stream = events(history, cut)
    for first, last in zip([0, *history.cuts], [*history.cuts, len(stream)], strict=True):
        if stream[first:last]:
            await apply(api.runtime, stream[first:last], NOW, handler_of=habit_events)

    assert await outcome(api, cut) == await outcome(api, whole)

    counts: dict[date, int] = {}
    undone: set[int] = set()
    for action, value in history.steps:
        if action == "undo":
            undone.add(value)
    day_of = [value for action, value in history.steps if action == "in"]
    for index, offset in enumerate(day_of):
        if index not in undone:
            counts[START + timedelta(days=offset)] = counts.get(START + timedelta(days=offset), 0) + 1
    today = NOW.date()
    scratch = streaks(period_results(HabitPlan(history.schedule, START), counts, today), today)
    shown, _, state = await outcome(api, cut)
    assert (shown["current"], shown["longest"]) == (scratch.current, scratch.longest) == state
