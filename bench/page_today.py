"""How soon Today is usable in a real browser, on the local stack (``keepwarm up`` on its own
Kafka), for a student with a realistic history, beside a baseline page of the same server.

    uv run python -m bench.page_today --contacts 300 --due 40 --rounds 20

A fresh tab per round in one headless Chromium (Debian's), signed in. Per round, from the
Navigation Timing entry of the load: ``domInteractive`` and ``loadEventEnd``; the Resource Timing of
the one ``GET /v1/today``; and **Today usable**:
the page's own User Timing mark ``keepwarm:today-shown`` (from navigation start), set once Today
has rendered the student's day: the one read of the notifier answered, every button in place. The
baseline is the same server's ``/config.json`` opened as a page (no script, no API call). Medians
and 95th percentiles of ``--rounds`` rounds after two warm-up rounds.
"""

import argparse
import asyncio
import json
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from playwright.async_api import Page, async_playwright

from shared.localinfra.kafka import LocalKafka
from shared.localinfra.system import RunningSystem, local_system

CHROMIUM = "/usr/bin/chromium"


def seed(system: RunningSystem, *, contacts: int, due: int) -> str:
    """A student with ``contacts`` contacts, ``due`` of them due (last met 90 days ago), a
    follow-up for every tenth, and five habits; returns the token."""
    token = system.session("bench-student")
    auth = {"Authorization": f"Bearer {token}"}
    long_ago = (datetime.now(UTC) - timedelta(days=90)).isoformat()
    with httpx.Client(timeout=30, headers=auth) as client:
        api = system.apis
        for n in range(contacts):
            contact = client.post(
                f"{api['contacts']}/v1/contacts", json={"name": f"Contact {n:04}", "tie": "weak"}
            )
            contact.raise_for_status()
            contact_id = contact.json()["id"]
            if n < due:
                body = {"kind": "message", "direction": "inbound", "occurred_at": long_ago}
                client.post(
                    f"{api['contacts']}/v1/contacts/{contact_id}/interactions", json=body
                ).raise_for_status()
            if n % 10 == 0:
                body = {"title": f"Send notes to {n}", "due_at": datetime.now(UTC).isoformat()}
                client.post(
                    f"{api['contacts']}/v1/contacts/{contact_id}/follow-ups", json=body
                ).raise_for_status()
        for n in range(5):
            habit = {"name": f"Habit {n}", "measure": "outreach_messages", "schedule": {"kind": "daily"}}
            client.post(f"{api['habits']}/v1/habits", json=habit).raise_for_status()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until the notifier projected it all
            today = client.get(f"{api['notifier']}/v1/today").json()
            if len(today["reach_out"]) >= due and len(today["habits"]) == 5:
                return token
            time.sleep(0.5)
    raise RuntimeError(f"the notifier did not catch up: {len(today['reach_out'])} of {due} due")


async def round_today(page: Page, url: str) -> dict[str, float]:
    await page.goto(f"{url}/#/today")
    await page.get_by_role("button", name="Log it").first.wait_for()
    usable = await page.evaluate("performance.getEntriesByName('keepwarm:today-shown')[0].startTime")
    timing = await page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
    entry = json.loads(timing)
    api = await page.evaluate(
        "performance.getEntriesByType('resource').filter(e => e.name.endsWith('/v1/today'))"
        ".map(e => e.responseEnd - e.startTime)[0]"
    )
    return {
        "domInteractive": entry["domInteractive"],
        "loadEventEnd": entry["loadEventEnd"],
        "GET /v1/today (with its CORS preflight)": api,
        "usable": usable,
    }


async def round_baseline(page: Page, url: str) -> dict[str, float]:
    await page.goto(f"{url}/config.json")
    timing = await page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
    entry = json.loads(timing)
    return {"domInteractive": entry["domInteractive"], "loadEventEnd": entry["loadEventEnd"]}


async def measure(system: RunningSystem, token: str, rounds: int) -> dict[str, list[dict[str, float]]]:
    found: dict[str, list[dict[str, float]]] = {"today": [], "baseline": []}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        session = f'{{"owner": "bench-student", "token": "{token}"}}'
        for n in range(rounds + 2):
            context = await browser.new_context()
            await context.add_init_script(f"sessionStorage.setItem('keepwarm.session', {session!r})")
            page = await context.new_page()
            today = await round_today(page, system.page_url)
            baseline = await round_baseline(page, system.page_url)
            await context.close()
            if n >= 2:
                found["today"].append(today)
                found["baseline"].append(baseline)
        await browser.close()
    return found


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=300)
    parser.add_argument("--due", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="keepwarm-bench-") as home:
        broker = LocalKafka.ephemeral(Path(home) / "kafka")
        broker.start()
        try:
            seeding = {"KEEPWARM_RATE_WRITES": "100000/minute"}  # the seed writes faster than a person
            with local_system(
                bootstrap_servers=broker.bootstrap_servers, home=Path(home), extra_env=seeding
            ) as system:
                token = seed(system, contacts=args.contacts, due=args.due)
                found = asyncio.run(measure(system, token, args.rounds))
        finally:
            broker.stop()
    print(
        f"Machine: {platform.machine()}, CPython {platform.python_version()}; {args.contacts} contacts, "
        f"{args.due} due, {args.contacts // 10} follow-ups, 5 habits; {args.rounds} rounds\n"
    )
    print("| what | median ms | p95 ms |\n|---|---:|---:|")
    for name, rows in found.items():
        for metric in rows[0]:
            values = [row[metric] for row in rows]
            print(f"| {name}: {metric} | {statistics.median(values):.0f} | {p95(values):.0f} |")


if __name__ == "__main__":
    main()
