"""Faults: the notifier's consumer process killed with SIGKILL, again and again, while habit
events flow (so some batches die between their database commit and their offset commit). The
projection, the streaks and the announcements come out exactly as one clean application of the
same events gives them: a redelivered event has no second effect, none is lost."""

import asyncio
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from services.notifier.adapters.kafka_in import habit_events
from services.notifier.bootstrap import NotifierSettings, bootstrap
from shared.contracts.topics import Topics
from shared.settings import KafkaSettings
from tests.faults.habit_stream import history, outcome, processed, published
from tests.kafka_io import write_topic
from tests.notifier.stream import apply

ROOT = Path(__file__).resolve().parents[2]


def consumer_process(url: str, settings: KafkaSettings) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "KEEPWARM_NOTIFIER_DATABASE_URL": url,
        "KAFKA_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
        "KAFKA_TOPIC_PREFIX": settings.topic_prefix,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "services.notifier", "consume"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


async def test_a_consumer_killed_again_and_again_ends_with_the_projection_of_a_clean_run(
    new_postgres_database: Any, kafka_settings: KafkaSettings, topics: Topics
) -> None:
    killed_url, clean_url = await new_postgres_database(), await new_postgres_database()
    for url in (killed_url, clean_url):
        runtime = bootstrap(NotifierSettings(database_url=url, http_port=8003, kafka=kafka_settings))
        await runtime.migrate()
        await runtime.engine.dispose()
    events = history()
    records = published(events, topics.habits)

    kills = 0
    process = consumer_process(killed_url, kafka_settings)
    try:
        for start in range(0, len(records), 150):
            await write_topic(kafka_settings.bootstrap_servers, records[start : start + 150])
            if start and start % 300 == 0:
                # Once this process has applied something, kill it while it works: a batch may
                # die between its database commit and its offset commit.
                before = await processed(killed_url)
                async with asyncio.timeout(60):
                    while await processed(killed_url) == before:
                        await asyncio.sleep(0.05)
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                kills += 1
                process = consumer_process(killed_url, kafka_settings)
        async with asyncio.timeout(120):
            while (await processed(killed_url)) < len(events):
                await asyncio.sleep(0.5)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)

    clean = bootstrap(NotifierSettings(database_url=clean_url, http_port=8003, kafka=kafka_settings))
    await apply(
        clean.runtime if hasattr(clean, "runtime") else clean,
        events,
        datetime.now(UTC),
        handler_of=habit_events,
    )
    await clean.engine.dispose()

    assert kills >= 3
    killed, expected = await outcome(killed_url), await outcome(clean_url)
    assert killed[0] == expected[0]  # every check-in once, reverted where it was
    assert killed[1] == expected[1]  # the same streaks
    assert killed[2] == expected[2]  # the same announcements, none twice
    print(
        f"\nconsumer SIGKILL x{kills}: {len(events)} events, {len(killed[0])} check-ins, "
        f"{len(killed[2])} announcements, all equal to a clean run"
    )
