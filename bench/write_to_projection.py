"""How long a write on the contacts API takes to reach the notifier's projection, on the whole
system as ``keepwarm up`` runs it (its own Kafka; SQLite files, or PostgreSQL databases with
``--database postgresql``).

    uv run python -m bench.write_to_projection --rate 20 --seconds 10
    uv run python -m bench.write_to_projection --rate 100 --seconds 10 --database postgresql

Writes are paced at ``--rate`` per second, each a contact added over HTTP by its own owner. One
probe reads the notifier's database every 2 ms for the owners still waiting (one query, whatever
the rate, so the probe's own load stays flat); a write's figure is from sending its POST to the
first read that shows its contact there, committed. The POST's own answer time is shown too.
p50, p99 and max over all writes after 5 warm-up writes; failed writes are counted.

Where the time goes, per write, from wall-clock stamps the parts leave anyway: the POST sent and
answered (the bench), the relay handing the event to its producer (the record's CreateTime, ms),
the notifier's consumer claiming it in its transaction (``applied_sequences.applied_at``), and
the probe's first read that shows it.
"""

import argparse
import asyncio
import platform
import statistics
import time
import uuid
from dataclasses import dataclass, field

import httpx
from aiokafka import AIOKafkaConsumer
from sqlalchemy import select

from bench.system import whole_system
from services.notifier.adapters import db as notifier_db
from shared.auth import DEVELOPMENT_SECRET, mint_token
from shared.contracts.topics import Topics
from shared.db.engine import create_engine
from shared.localinfra.system import RunningSystem

PROBE_INTERVAL_S = 0.002


@dataclass
class Probe:
    """Sees owners' contacts arrive in the notifier's projection."""

    database_url: str
    waiting: dict[str, asyncio.Future[float]] = field(default_factory=dict)

    async def watch(self, stop: asyncio.Event) -> None:
        engine = create_engine(self.database_url)
        contacts = notifier_db.contacts
        async with engine.connect() as connection:
            while not stop.is_set():
                owners = [owner for owner, seen in self.waiting.items() if not seen.done()]
                if owners:
                    rows = await connection.execute(
                        select(contacts.c.owner_id).where(contacts.c.owner_id.in_(owners))
                    )
                    now = time.perf_counter()
                    for owner in rows.scalars():
                        self.waiting[owner].set_result(now)
                    await connection.rollback()  # the next read sees what committed since
                await asyncio.sleep(PROBE_INTERVAL_S)
        await engine.dispose()


@dataclass(frozen=True)
class Write:
    owner: str
    sent_at: float
    """wall clock, s"""
    answered_ms: float
    shown_ms: float


async def one(client: httpx.AsyncClient, system: RunningSystem, probe: Probe) -> Write | None:
    owner = f"bench-{uuid.uuid4().hex[:10]}"
    auth = {"Authorization": f"Bearer {mint_token(secret=DEVELOPMENT_SECRET, owner_id=owner)}"}
    seen = probe.waiting[owner] = asyncio.get_running_loop().create_future()
    sent_at, started = time.time(), time.perf_counter()
    try:
        created = await client.post(
            f"{system.apis['contacts']}/v1/contacts", json={"name": "Ada"}, headers=auth
        )
        created.raise_for_status()
    except httpx.HTTPError:
        seen.cancel()
        return None
    answered = (time.perf_counter() - started) * 1000
    shown = await asyncio.wait_for(seen, 60)
    return Write(owner, sent_at, answered, (shown - started) * 1000)


async def stamps(
    system: RunningSystem, bootstrap_servers: str, notifier_url: str
) -> tuple[dict[str, float], dict[str, float]]:
    """Per owner: when the relay handed the event to its producer, and when the notifier's
    consumer claimed it (wall clock, s)."""
    topic = Topics.with_prefix(system.topic_prefix).contacts
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap_servers, auto_offset_reset="earliest")
    await consumer.start()
    relayed: dict[str, float] = {}
    try:
        while batch := await consumer.getmany(timeout_ms=1000, max_records=5000):
            for records in batch.values():
                relayed.update({r.key.decode(): r.timestamp / 1000 for r in records if r.key})
    finally:
        await consumer.stop()
    engine = create_engine(notifier_url)
    marks = notifier_db.inbox.sequences
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(marks.c.key, marks.c.applied_at).where(marks.c.consumer == "notifier.contacts")
        )
        claimed = {key: applied_at.timestamp() for key, applied_at in rows}
    await engine.dispose()
    return relayed, claimed


async def run(system: RunningSystem, notifier_url: str, rate: float, seconds: float) -> list[Write | None]:
    probe = Probe(notifier_url)
    stop = asyncio.Event()
    watching = asyncio.create_task(probe.watch(stop))
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    try:
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            for _ in range(5):
                await one(client, system, probe)
            tasks = []
            started = time.perf_counter()
            for n in range(int(rate * seconds)):
                tasks.append(asyncio.create_task(one(client, system, probe)))
                # paced against the clock, so a slow moment is caught up rather than lost
                await asyncio.sleep(max(0.0, started + (n + 1) / rate - time.perf_counter()))
            return list(await asyncio.gather(*tasks))
    finally:
        stop.set()
        await watching


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    with whole_system(args.database) as (system, urls, bootstrap_servers):
        outcomes = asyncio.run(run(system, urls["notifier"], args.rate, args.seconds))
        relayed, claimed = asyncio.run(stamps(system, bootstrap_servers, urls["notifier"]))
    found = [outcome for outcome in outcomes if outcome is not None]
    traced = [w for w in found if w.owner in relayed and w.owner in claimed]
    rows = {
        "POST answered": sorted(w.answered_ms for w in found),
        "write → projection": sorted(w.shown_ms for w in found),
        "· POST sent → relay sends (ms clock)": sorted((relayed[w.owner] - w.sent_at) * 1000 for w in traced),
        "· relay sends → notifier claims": sorted(
            (claimed[w.owner] - relayed[w.owner]) * 1000 for w in traced
        ),
        "· notifier claims → probe sees it": sorted(
            w.shown_ms - (claimed[w.owner] - w.sent_at) * 1000 for w in traced
        ),
    }
    machine = f"{platform.machine()}, CPython {platform.python_version()}"
    failed = len(outcomes) - len(found)
    print(f"Machine: {machine}; {args.database}; {len(outcomes)} writes at {args.rate:g}/s, {failed} failed")
    for name, values in rows.items():
        p99 = values[max(0, round(0.99 * len(values)) - 1)]
        median, worst = statistics.median(values), values[-1]
        figures = f"{median:.0f} | {p99:.0f} | {worst:.0f} | {failed}"
        print(f"| {args.database} | {args.rate:g}/s | {name} | {figures} |")


if __name__ == "__main__":
    main()
