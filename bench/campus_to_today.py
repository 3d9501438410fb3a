"""How long a campus tool's event takes to show on the student's Today screen, on the whole
system as ``keepwarm up`` runs it (its own Kafka; SQLite files, or PostgreSQL databases with
``--database postgresql``).

    uv run python -m bench.campus_to_today --events 40 --rate 2
    uv run python -m bench.campus_to_today --events 40 --rate 2 --database postgresql

Each of ``--students`` students has a daily "events attended" habit and shares with their
campus. Events attended, each with one person met, are published to the campus topic at
``--rate`` per second (round-robin over the students, with an idempotent ``acks=all``
producer, as a campus tool would). A figure is from handing the record to the producer to the
first ``GET /v1/today`` of that student (polled every 10 ms over HTTP) that counts it: the path
is the contacts consumer (contact and conversation), the contacts relay, the habits consumer (the
check-in), the habits relay, and the notifier's consumer (the streak). p50, p95 and max after a
warm-up event per student.
"""

import argparse
import asyncio
import json
import platform
import statistics
import time
import uuid
from datetime import UTC, datetime

import httpx
from aiokafka import AIOKafkaProducer

from bench.system import whole_system
from shared.auth import DEVELOPMENT_SECRET, mint_token
from shared.contracts.topics import Topics
from shared.localinfra.system import RunningSystem

POLL_S = 0.01


def headers_of(student: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(secret=DEVELOPMENT_SECRET, owner_id=student)}"}


async def done_today(client: httpx.AsyncClient, system: RunningSystem, student: str) -> int:
    today = (await client.get(f"{system.apis['notifier']}/v1/today", headers=headers_of(student))).json()
    return sum(habit["last_period"]["done"] for habit in today["habits"] if habit["last_period"])


async def publish(producer: AIOKafkaProducer, topic: str, student: str, n: int) -> None:
    moment = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    data = {
        "owner_id": student,
        "occurred_at": moment,
        "recorded_at": moment,
        "reference": f"bench-{student}-{n}",
        "event_name": "Bench meetup",
        "people_met": [{"name": f"Person {n}", "email": f"person{n}@example.org"}],
    }
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", str(uuid.uuid4()).encode()),
        ("ce_source", b"/campus/bench"),
        ("ce_type", b"keepwarm.campus_event.attended.v1"),
        ("ce_time", moment.encode()),
        ("content-type", b"application/json"),
    ]
    await producer.send_and_wait(topic, json.dumps(data).encode(), key=student.encode(), headers=headers)


async def until_counted(client: httpx.AsyncClient, system: RunningSystem, student: str, count: int) -> float:
    while True:
        if await done_today(client, system, student) >= count:
            return time.perf_counter()
        await asyncio.sleep(POLL_S)


async def run(
    system: RunningSystem, bootstrap: str, *, students: int, events: int, rate: float
) -> list[float]:
    topic = Topics.with_prefix(system.topic_prefix).campus
    names = [f"bench-{uuid.uuid4().hex[:8]}" for _ in range(students)]
    habit = {
        "name": "A campus event a day",
        "measure": "events_attended",
        "schedule": {"kind": "daily"},
        "timezone": "UTC",
    }
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    lags: list[float] = []
    async with httpx.AsyncClient(timeout=30) as client:
        for student in names:
            auth = headers_of(student)
            assert (
                await client.post(f"{system.apis['habits']}/v1/habits", json=habit, headers=auth)
            ).is_success
            put = await client.put(
                f"{system.apis['notifier']}/v1/campus-sharing", json={"sharing": True}, headers=auth
            )
            assert put.is_success, put.text
        counted = dict.fromkeys(names, 0)
        # warm-up: the first event of each student also waits for their opt-in to reach contacts
        for n, student in enumerate(names):
            async with asyncio.timeout(60):
                while await done_today(client, system, student) < 1:
                    await publish(producer, topic, student, -n - 1)
                    await asyncio.sleep(1.0)
            counted[student] = await done_today(client, system, student)

        async def one(n: int) -> None:
            student = names[n % len(names)]
            counted[student] += 1
            wanted = counted[student]
            started = time.perf_counter()
            await publish(producer, topic, student, n)
            lags.append((await until_counted(client, system, student, wanted)) - started)

        tasks = []
        for n in range(events):
            tasks.append(asyncio.create_task(one(n)))
            await asyncio.sleep(1 / rate)
        async with asyncio.timeout(120):
            await asyncio.gather(*tasks)
    await producer.stop()
    return lags


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--rate", type=float, default=2)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    with whole_system(args.database) as (system, _, bootstrap):
        lags = asyncio.run(run(system, bootstrap, students=args.students, events=args.events, rate=args.rate))
    ms = sorted(lag * 1000 for lag in lags)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    print(f"Machine: {platform.machine()}, {platform.python_version()}; {args.database}; {len(ms)} events")
    print("| database | rate | events | p50 | p95 | max |")
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| {args.database} | {args.rate:g}/s | {len(ms)} | {statistics.median(ms):.0f} ms | {p95:.0f} ms "
        f"| {ms[-1]:.0f} ms |"
    )


if __name__ == "__main__":
    main()
