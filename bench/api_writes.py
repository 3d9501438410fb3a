"""Interactions logged over the contacts API on PostgreSQL: the rate it answers at with p99 ≤ 50 ms,
and many writers on one contact at once.

    uv run python -m bench.api_writes --rates 50,100,200,300 --seconds 10

The whole system runs as ``keepwarm up`` does (its own Kafka, PostgreSQL databases); the load
comes from this process over HTTP/1.1 keep-alive connections, paced against the clock. Each rate
logs interactions spread over 50 contacts of one student; then 2,000 interactions at 100/s go to
a single contact, where every write changes the same row (its last interaction and version).
Every answer's status is counted; only 201 is a success.
"""

import argparse
import asyncio
import platform
import statistics
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx

from bench.system import whole_system
from shared.auth import DEVELOPMENT_SECRET, mint_token
from shared.localinfra.system import RunningSystem

GOAL_P99_MS = 50.0


async def paced(
    client: httpx.AsyncClient,
    system: RunningSystem,
    auth: dict[str, str],
    contacts: list[str],
    rate: float,
    count: int,
) -> tuple[list[float], Counter[int]]:
    api = system.apis["contacts"]
    when = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    body = {"kind": "message", "direction": "outbound", "occurred_at": when}

    async def one(contact: str) -> tuple[float, int]:
        started = time.perf_counter()
        try:
            answer = await client.post(f"{api}/v1/contacts/{contact}/interactions", json=body, headers=auth)
            code = answer.status_code
        except httpx.HTTPError:
            code = 0
        return (time.perf_counter() - started) * 1000, code

    tasks = []
    started = time.perf_counter()
    for n in range(count):
        tasks.append(asyncio.create_task(one(contacts[n % len(contacts)])))
        await asyncio.sleep(max(0.0, started + (n + 1) / rate - time.perf_counter()))
    outcomes = await asyncio.gather(*tasks)
    return sorted(ms for ms, code in outcomes if code == 201), Counter(code for _, code in outcomes)


def row(label: str, rate: float, times: list[float], codes: Counter[int]) -> str:
    p99 = times[max(0, round(0.99 * len(times)) - 1)] if times else float("nan")
    median = statistics.median(times) if times else float("nan")
    others = ", ".join(
        f"{count} answered {code or 'no answer'}" for code, count in sorted(codes.items()) if code != 201
    )
    return f"| {label} | {rate:g}/s | {sum(codes.values())} | {median:.0f} | {p99:.0f} | {others or 'none'} |"


async def measure(system: RunningSystem, rates: list[float], seconds: float) -> list[str]:
    auth = {"Authorization": f"Bearer {mint_token(secret=DEVELOPMENT_SECRET, owner_id='bench-student')}"}
    limits = httpx.Limits(max_connections=300, max_keepalive_connections=300)
    lines = []
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        contacts = []
        for n in range(51):
            created = await client.post(
                f"{system.apis['contacts']}/v1/contacts", json={"name": f"Contact {n}"}, headers=auth
            )
            created.raise_for_status()
            contacts.append(created.json()["id"])
        spread, single = contacts[:50], contacts[50:]
        await paced(client, system, auth, spread, 20, 40)  # warm-up
        for rate in rates:
            times, codes = await paced(client, system, auth, spread, rate, int(rate * seconds))
            lines.append(row("50 contacts", rate, times, codes))
        times, codes = await paced(client, system, auth, single, 100, 2000)
        lines.append(row("one contact", 100, times, codes))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rates", default="50,100,200,300")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    args = parser.parse_args()
    rates = [float(rate) for rate in args.rates.split(",")]
    with whole_system(args.database) as (system, _, _):
        lines = asyncio.run(measure(system, rates, args.seconds))
    print(f"Machine: {platform.machine()}, CPython {platform.python_version()}; {args.database}")
    print("| writes to | rate | writes | p50 ms | p99 ms | other answers |")
    print("|---|---:|---:|---:|---:|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
