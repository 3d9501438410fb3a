"""How long a write on the contacts API takes to reach the notifier's projection, on the local
stack (``keepwarm up`` on SQLite with its own Kafka): a contact is added over HTTP and the
notifier's ``GET /v1/prompts?status=waiting`` is read every 2 ms until it shows that contact.

    uv run python -m bench.write_to_projection --rate 20 --seconds 10

Each write is by its own owner, so the read stays one row. Writes are paced at ``--rate`` per
second; the figure per write is from sending the POST to the first read that shows the contact
(it includes the POST's own answer, also shown alone). p50, p99 and max over all writes after 5
warm-up writes.
"""

import argparse
import asyncio
import platform
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from shared.auth import DEVELOPMENT_SECRET, mint_token
from shared.localinfra.kafka import LocalKafka
from shared.localinfra.system import RunningSystem, local_system

UNLIMITED = {f"KEEPWARM_RATE_{name}": "1000000/minute" for name in ("WRITES", "PER_CLIENT")}


async def one(client: httpx.AsyncClient, system: RunningSystem) -> tuple[float, float]:
    owner = f"bench-{uuid.uuid4().hex[:10]}"
    auth = {"Authorization": f"Bearer {mint_token(secret=DEVELOPMENT_SECRET, owner_id=owner)}"}
    started = time.perf_counter()
    created = await client.post(f"{system.apis['contacts']}/v1/contacts", json={"name": "Ada"}, headers=auth)
    created.raise_for_status()
    answered = (time.perf_counter() - started) * 1000
    url = f"{system.apis['notifier']}/v1/prompts"
    while True:
        shown = await client.get(url, params={"status": "waiting"}, headers=auth)
        if shown.json():
            return answered, (time.perf_counter() - started) * 1000
        if time.perf_counter() - started > 30:
            raise TimeoutError("the write never reached the notifier")
        await asyncio.sleep(0.002)


async def run(system: RunningSystem, rate: float, seconds: float) -> list[tuple[float, float]]:
    async with httpx.AsyncClient(timeout=30) as client:
        for _ in range(5):
            await one(client, system)
        tasks = []
        for _ in range(int(rate * seconds)):
            tasks.append(asyncio.create_task(one(client, system)))
            await asyncio.sleep(1 / rate)
        return list(await asyncio.gather(*tasks))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="keepwarm-bench-") as home:
        broker = LocalKafka.ephemeral(Path(home) / "kafka")
        broker.start()
        try:
            with local_system(
                bootstrap_servers=broker.bootstrap_servers, home=Path(home), extra_env=UNLIMITED
            ) as system:
                found = asyncio.run(run(system, args.rate, args.seconds))
        finally:
            broker.stop()
    rows = {
        "POST answered": sorted(answer for answer, _ in found),
        "write → projection": sorted(shown for _, shown in found),
    }
    machine = f"{platform.machine()}, CPython {platform.python_version()}"
    print(f"Machine: {machine}; {len(found)} writes at {args.rate}/s")
    for name, values in rows.items():
        p99 = values[max(0, round(0.99 * len(values)) - 1)]
        median, worst = statistics.median(values), values[-1]
        print(f"| {name} | p50 {median:.0f} ms | p99 {p99:.0f} ms | max {worst:.0f} ms |")


if __name__ == "__main__":
    main()
