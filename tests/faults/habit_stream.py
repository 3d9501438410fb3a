"""A stream of habit events to run the notifier through, and what it leaves in the database."""

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from services.notifier.adapters import db
from shared.contracts import habits as contract
from shared.contracts.base import EventData
from shared.db.engine import create_engine
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.producer import OutgoingRecord
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


def published(events: list[EventData], topic: str) -> list[OutgoingRecord]:
    """``events`` as the habits relay publishes them, each with its sequence; numbered here
    1, 2, 3… per owner, so a consumer's marks add up to how many events it applied."""
    numbers: Counter[str] = Counter()
    records = []
    for event in events:
        numbers[event.owner_id] += 1
        envelope = CloudEvent.of(event, source="/keepwarm/habits", sequence=numbers[event.owner_id])
        records.append(OutgoingRecord.of(envelope, topic=topic))
    return records


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


async def processed(url: str) -> int:
    """Events of :func:`published` the notifier has applied (the sum of its marks); 0 while the
    database cannot be reached."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            marks = select(func.sum(db.inbox.sequences.c.sequence))
            return int(await connection.scalar(marks) or 0)
    except Exception as error:
        if (
            not isinstance(error, OSError)
            and "starting up" not in str(error)
            and "connect" not in str(error).lower()
        ):
            raise
        return 0
    finally:
        await engine.dispose()


async def until_processed(url: str, count: int, timeout_s: float = 120) -> None:
    async with asyncio.timeout(timeout_s):
        while await processed(url) < count:
            await asyncio.sleep(0.2)
