"""Streaks from the habits stream on real Kafka and PostgreSQL: a redelivered and an out-of-order
event converge, the streak is announced as it grows, and the clock breaks it once."""

import asyncio
from datetime import UTC, date, datetime
from typing import Any

from shared.contracts import habits as habit_contract
from shared.contracts import notifier as contract
from shared.contracts.topics import Topics
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.producer import OutgoingRecord
from shared.settings import KafkaSettings
from shared.vocabulary import CheckInSource, HabitMeasure, ScheduleKind
from tests.kafka_io import header, read_until, write_topic
from tests.notifier.conftest import notifier_api

OWNER = "student-9"
RECORDED = datetime(2026, 3, 4, 8, tzinfo=UTC)
HABIT = habit_contract.HabitSnapshot(
    id="habit-1",
    name="One outreach a day",
    measure=HabitMeasure.OUTREACH_MESSAGES,
    schedule=habit_contract.Schedule(kind=ScheduleKind.DAILY),
    timezone="Europe/Berlin",
    start_date=date(2026, 3, 2),
    version=1,
)


def check_in(check_in_id: str, day: int, *, reverted: bool = False) -> CloudEvent:
    model = habit_contract.HabitCheckInReverted if reverted else habit_contract.HabitCheckedIn
    event = model(
        owner_id=OWNER,
        occurred_at=RECORDED,
        recorded_at=RECORDED,
        habit=HABIT,
        check_in=habit_contract.CheckIn(
            id=check_in_id,
            habit_id=HABIT.id,
            local_date=date(2026, 3, day),
            count=1,
            source=CheckInSource.MANUAL,
        ),
    )
    return CloudEvent.of(event, source="/keepwarm/habits")


def decoded(records: list[Any]) -> list[Any]:
    return [CloudEvent.from_record(key=r.key, value=r.value, headers=r.headers).decode() for r in records]


async def test_streaks_converge_and_break_once_when_a_day_is_missed(
    postgres_url: str, kafka_settings: KafkaSettings, topics: Topics
) -> None:
    created = CloudEvent.of(
        habit_contract.HabitCreated(owner_id=OWNER, occurred_at=RECORDED, recorded_at=RECORDED, habit=HABIT),
        source="/keepwarm/habits",
    )
    second = check_in("c2", 3)
    stream = [
        created,
        check_in("c1", 2),
        second,
        second,  # redelivered
        check_in("c3", 4, reverted=True),  # the undo arrives before the check-in it undoes
        check_in("c3", 4),
        check_in("c4", 4),
    ]
    await write_topic(
        kafka_settings.bootstrap_servers, [OutgoingRecord.of(e, topic=topics.habits) for e in stream]
    )

    async with notifier_api(postgres_url, kafka_settings) as api:
        api.clock.now = datetime(2026, 3, 4, 10, tzinfo=UTC)
        stop = asyncio.Event()
        relay = asyncio.create_task(api.runtime.relay.run(stop))
        await api.runtime.broker.start()
        me = api.as_owner(OWNER)

        async def current() -> list[dict[str, Any]]:
            body: list[dict[str, Any]] = (await api.client.get("/v1/streaks", headers=me)).json()
            return body

        async with asyncio.timeout(30):
            while not (shown := await current()) or shown[0]["current"] != 3:
                await asyncio.sleep(0.1)
        assert shown[0]["longest"] == 3
        assert shown[0]["last_period"] == {
            "start": "2026-03-04",
            "end": "2026-03-04",
            "target": 1,
            "done": 1,
            "outcome": "met",
        }
        assert shown[0]["at_risk"] is False
        assert 0 < shown[0]["strength"] < 1
        assert (await api.client.get("/v1/streaks", headers=api.as_owner("someone-else"))).json() == []

        api.clock.now = datetime(2026, 3, 5, 20, tzinfo=UTC)  # 21:00 in Berlin, nothing done yet
        assert (await current())[0]["at_risk"] is True
        [job] = [job for job in api.runtime.jobs if job.name == "closed-periods"]
        assert await job.run() == 1  # 4 March closed: recomputed; the 5th is in progress, nothing breaks
        api.clock.now = datetime(2026, 3, 6, 0, 30, tzinfo=UTC)  # 01:30 on the 6th in Berlin
        assert await job.run() == 1  # 5 March closed short: broken (announced once, below)
        assert await job.run() == 0

        records = await read_until(
            kafka_settings.bootstrap_servers,
            topics.notifier,
            lambda seen: any(header(r, "ce_type") == "keepwarm.streak.broken.v1" for r in seen),
        )
        await api.runtime.broker.stop()
        stop.set()
        await relay

    events = decoded(records)
    extended = [e for e in events if isinstance(e, contract.StreakExtended)]
    milestones = [e for e in events if isinstance(e, contract.StreakMilestoneReached)]
    broken = [e for e in events if isinstance(e, contract.StreakBroken)]
    assert extended[-1].current == 3
    assert [m.milestone for m in milestones] == [3]
    assert [(b.period_start, b.previous, b.current, b.longest) for b in broken] == [
        (date(2026, 3, 5), 3, 0, 3)
    ]
    assert {r.key for r in records} == {OWNER.encode()}
    assert {header(r, "ce_source") for r in records} == {"/keepwarm/notifier"}
