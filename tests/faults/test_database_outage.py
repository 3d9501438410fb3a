"""Faults: the notifier's PostgreSQL stopped for 30 seconds, then crashed with SIGKILL, while
habit events flow. The consumer and the relay wait out both (nothing is dead-lettered, nothing
lost): once the database is back, the projection is that of one clean application, and every
announcement it recorded is on the notifier's topic."""

import asyncio
import os
import signal
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from services.notifier.adapters import db
from services.notifier.adapters.kafka_in import habit_events
from services.notifier.bootstrap import NotifierSettings, bootstrap
from shared.contracts.topics import Topics
from shared.db.engine import create_engine
from shared.localinfra.postgres import LocalPostgres
from shared.localinfra.processes import free_port
from shared.runtime import Role
from shared.settings import KafkaSettings
from tests.faults.habit_stream import history, outcome, published, until_processed
from tests.kafka_io import header, read_topic, write_topic
from tests.notifier.stream import apply

OUTAGE_S = 30


async def test_the_database_stopped_then_crashed_loses_nothing_and_dead_letters_nothing(
    kafka_settings: KafkaSettings, topics: Topics, new_postgres_database: Any
) -> None:
    server = LocalPostgres(home=Path(tempfile.mkdtemp(prefix="keepwarm-outage-")), port=free_port())
    await asyncio.to_thread(server.start)  # durable: fsync on, as in production
    try:
        url = server.url("postgres")
        runtime = bootstrap(NotifierSettings(database_url=url, http_port=8003, kafka=kafka_settings))
        await runtime.migrate()
        stop = asyncio.Event()
        consuming = asyncio.create_task(runtime.run({Role.CONSUME, Role.RELAY}, stop))
        events = history()
        records = published(events, topics.habits)
        third = len(records) // 3
        await write_topic(kafka_settings.bootstrap_servers, records[:third])
        await until_processed(url, 1)

        await asyncio.to_thread(server.stop)  # a clean stop, 30 s long, while events keep coming
        await write_topic(kafka_settings.bootstrap_servers, records[third : 2 * third])
        await asyncio.sleep(OUTAGE_S)
        await asyncio.to_thread(server.start)
        await until_processed(url, 2 * third)

        _crash(server)  # SIGKILL: no checkpoint, no clean shutdown
        await write_topic(kafka_settings.bootstrap_servers, records[2 * third :])
        await asyncio.sleep(3)
        await asyncio.to_thread(server.start)  # recovers from its write-ahead log
        await until_processed(url, len(records))
        announced = await _until_relayed(url)  # the relay resumed on its own too
        announcements = await read_topic(kafka_settings.bootstrap_servers, topics.notifier, count=announced)
        stop.set()
        await asyncio.wait_for(consuming, 60)
        assert len({header(record, "ce_id") for record in announcements}) == announced

        clean_url = await new_postgres_database()
        clean = bootstrap(NotifierSettings(database_url=clean_url, http_port=8003, kafka=kafka_settings))
        await clean.migrate()
        await apply(clean, events, datetime.now(UTC), handler_of=habit_events)
        await clean.engine.dispose()

        assert await outcome(url) == await outcome(clean_url)
        dead = Topics.dead_letter(topics.habits)
        try:
            letters = await read_topic(kafka_settings.bootstrap_servers, dead, count=1, timeout_s=3)
        except AssertionError:
            letters = []
        assert letters == []
    finally:
        await asyncio.to_thread(server.stop)


async def _until_relayed(url: str, timeout_s: float = 120) -> int:
    """How many outbox rows there are, once none is left unsent."""
    engine = create_engine(url)
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                async with engine.connect() as connection:
                    unsent = await connection.scalar(
                        select(func.count()).where(db.outbox.c.sent_at.is_(None))
                    )
                    total = await connection.scalar(select(func.count()).select_from(db.outbox))
                if unsent == 0:
                    return int(total or 0)
                await asyncio.sleep(0.3)
    finally:
        await engine.dispose()


def _crash(server: LocalPostgres) -> None:
    pid = int((server.home / "data" / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
