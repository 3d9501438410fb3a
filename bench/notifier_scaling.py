"""One notifier consumer process against two, on a topic of 12 partitions, on one machine.

    uv run python -m bench.notifier_scaling --habits 2000 --events 60000

The same check-ins (today's, over ``--habits`` habits of half as many owners) are applied by one
``python -m services.notifier consume`` process, then, into a fresh database, by two processes
in one consumer group. The time is from the first applied event to the last (start-up and the
group join left out), read from the consumer's marks in PostgreSQL.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack

from sqlalchemy import func, select

from bench.notifier_throughput import check_ins, marks_when_done, produce
from bench.relay_throughput import Measurement
from bench.system import new_database
from services.notifier.adapters import db
from shared.db.engine import create_engine
from shared.kafka.provisioning import ensure_topics
from shared.settings import KafkaSettings
from tests.infrastructure import kafka_cluster, postgres_server

PARTITIONS = 12


async def applied_over_time(database_url: str, marks: int, timeout_s: float = 600) -> float:
    """Seconds from the first applied event to the one that makes the marks add up to ``marks``."""
    engine = create_engine(database_url)
    total = select(func.coalesce(func.sum(db.inbox.sequences.c.sequence), 0))
    first: float | None = None
    deadline = time.monotonic() + timeout_s
    try:
        async with engine.connect() as connection:
            while time.monotonic() < deadline:
                try:
                    now_applied = int(await connection.scalar(total) or 0)
                except Exception:  # noqa: BLE001 - the table appears once the process migrated
                    now_applied = 0
                await connection.rollback()
                now = time.perf_counter()
                if now_applied and first is None:
                    first = now
                if now_applied >= marks and first is not None:
                    return now - first
                await asyncio.sleep(0.01)
    finally:
        await engine.dispose()
    raise TimeoutError(f"the consumers did not apply everything in {timeout_s} s")


def consumer_processes(
    count: int, database_url: str, kafka: KafkaSettings
) -> list["subprocess.Popen[bytes]"]:
    environment = {
        **os.environ,
        "KEEPWARM_NOTIFIER_DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "KAFKA_TOPIC_PREFIX": kafka.topic_prefix,
        "KAFKA_TOPIC_PARTITIONS": str(PARTITIONS),
    }
    return [
        subprocess.Popen(
            [sys.executable, "-m", "services.notifier", "consume"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


async def run_with(
    count: int, postgres_admin: str, kafka: KafkaSettings, marks: int, events: int
) -> Measurement:
    database_url = await new_database(postgres_admin)
    from services.notifier.bootstrap import NotifierSettings, bootstrap

    runtime = bootstrap(NotifierSettings(database_url=database_url, kafka=kafka))
    await runtime.migrate()  # before the processes start, so they do not race to migrate
    await runtime.engine.dispose()
    processes = consumer_processes(count, database_url, kafka)
    try:
        seconds = await applied_over_time(database_url, marks)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    return Measurement(f"{count} notifier consumer process(es), {PARTITIONS} partitions", events, seconds)


async def measure(
    bootstrap_servers: str, postgres_admin: str, *, habits: int, events: int
) -> list[Measurement]:
    results = []
    for count in (1, 2):
        prefix = f"bench-{uuid.uuid4().hex[:8]}."  # a new topic and group for each run
        kafka = KafkaSettings(
            bootstrap_servers=bootstrap_servers, topic_prefix=prefix, topic_partitions=PARTITIONS
        )
        await ensure_topics(kafka, [kafka.topics.habits])
        await produce(bootstrap_servers, kafka.topics.habits, check_ins(events, habits, days=1))
        results.append(await run_with(count, postgres_admin, kafka, marks_when_done(events, habits), events))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--habits", type=int, default=2000)
    parser.add_argument("--events", type=int, default=60_000)
    arguments = parser.parse_args()
    with ExitStack() as stack:
        cluster = stack.enter_context(kafka_cluster())
        postgres_admin = stack.enter_context(postgres_server())
        results = asyncio.run(
            measure(
                cluster.bootstrap_servers, postgres_admin, habits=arguments.habits, events=arguments.events
            )
        )
    print(f"{os.cpu_count()} cores; {arguments.events} check-ins over {arguments.habits} habits.\n")
    print("| what | events | seconds | events/s | against one process |")
    print("|---|---:|---:|---:|---:|")
    for result in results:
        print(
            f"| {result.name} | {result.events} | {result.seconds:.2f} | {result.rate:,.0f} "
            f"| {result.rate / results[0].rate:.2f}x |"
        )


if __name__ == "__main__":
    main()
