"""A stream of habit events to run the notifier through, and what it leaves in the database."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from services.notifier.adapters import db
from shared.contracts import habits as contract
from shared.contracts.base import EventData
from shared.db.engine import create_engine
from shared.vocabulary import CheckInSource, HabitMeasure, ScheduleKind

HABITS = 20
DAYS = 60


def history() -> list[EventData]:
    """Each habit created, then checked in on most days of the last ``DAYS``, a few undone."""
    now = datetime.now(UTC)
    today = now.date()
    events: list[EventData] = []
    for h in range(HABITS):
        owner = f"owner-{h:02d}"
        habit = contract.HabitSnapshot(
            id=f"habit-{h:02d}",
            name="Reach out",
            measure=HabitMeasure.OUTREACH_MESSAGES,
            schedule=contract.Schedule(kind=ScheduleKind.DAILY),
            timezone="UTC",
            start_date=today - timedelta(days=DAYS),
            version=1,
        )
        stamp = {"owner_id": owner, "occurred_at": now, "recorded_at": now, "habit": habit}
        events.append(contract.HabitCreated(**stamp))
        for day in range(DAYS):
            if (day * 7 + h) % 11 == 0:
                continue  # a missed day
            check_in = contract.CheckIn(
                id=f"{owner}-{day}",
                habit_id=habit.id,
                local_date=today - timedelta(days=DAYS - day),
                count=1,
                source=CheckInSource.MANUAL,
            )
            events.append(contract.HabitCheckedIn(**stamp, check_in=check_in))
            if (day + h) % 17 == 0:
                events.append(contract.HabitCheckInReverted(**stamp, check_in=check_in))
    return events


async def outcome(url: str) -> tuple[Any, ...]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        check_ins = (
            await connection.execute(
                select(db.check_ins.c.id, db.check_ins.c.reverted).order_by(db.check_ins.c.id)
            )
        ).all()
        streaks = (
            await connection.execute(
                select(db.streaks.c.habit_id, db.streaks.c.current, db.streaks.c.longest).order_by(
                    db.streaks.c.habit_id
                )
            )
        ).all()
        announced = (
            await connection.execute(select(db.outbox.c.type, db.outbox.c.data).order_by(db.outbox.c.id))
        ).all()
    await engine.dispose()
    news = sorted(
        (kind, data["habit_id"], data["period_start"], data["current"])
        for kind, raw in announced
        for data in [json.loads(raw)]
    )
    return [tuple(row) for row in check_ins], [tuple(row) for row in streaks], news
