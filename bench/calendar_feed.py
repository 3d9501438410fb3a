"""Calendar feed generation for one owner with 1,000 items (700 follow-ups, 300 habit reminders in
three zones), on PostgreSQL over real HTTP, beside a naive build of the same feed with
``icalendar`` objects, in one run.

    uv run python -m bench.calendar_feed --follow-ups 700 --habits 300 --rounds 30

- cold: ``GET /calendars/<token>.ics`` answered in full (token lookup, items read, rendered);
- conditional: the same with ``If-None-Match`` (answered 304 from two indexed rows);
- naive: the same items read, then a ``Calendar`` of ``Event``/``Alarm`` objects with
  ``add_missing_timezones()`` and ``to_ical()``, as a straightforward implementation would.

Each figure is the median of ``--rounds`` requests or builds after two warm-up rounds.
"""

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import icalendar

from bench.system import new_database
from services.notifier import calendars
from services.notifier.adapters import db
from services.notifier.adapters.kafka_in import tracked
from services.notifier.bootstrap import NotifierSettings, bootstrap
from services.notifier.domain.calendar import (
    FOLLOW_UP_MINUTES,
    REMINDER_MINUTES,
    FollowUpItem,
    ReminderItem,
    describe,
    first_occurrence,
    follow_up_description,
    follow_up_summary,
    reminder_summary,
    rrule,
)
from services.notifier.domain.feeds import Feed
from services.notifier.projection import ContactSeen, FollowUpSeen, InteractionSeen, apply_contacts
from shared.auth import DEVELOPMENT_SECRET, mint_token
from shared.contracts import habits as habit_contract
from shared.db.engine import create_engine, session_factory
from shared.localinfra.processes import free_port
from shared.runtime import Role
from shared.settings import KafkaSettings
from shared.vocabulary import HabitMeasure, ScheduleKind
from tests.api import until_ready
from tests.infrastructure import postgres_server
from tests.notifier.stream import contact, follow_up, interaction

OWNER = "bench-owner"
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata")


async def seed(runtime_url: str, follow_ups: int, habits: int) -> None:
    engine = create_engine(runtime_url)
    sessions = session_factory(engine)
    work = db.SqlUnitOfWork(sessions, outbox=db.outbox, topic="bench", source="/bench")
    async with work:
        await apply_contacts(
            work=work,
            contacts=[
                ContactSeen(OWNER, NOW, contact(f"c{n}", name=f"Contact {n}")) for n in range(follow_ups)
            ],
            interactions=[
                InteractionSeen(
                    OWNER, NOW, interaction(f"Takeaway number {n}, with details", contact_id=f"c{n}"), False
                )
                for n in range(follow_ups)
            ],
            follow_ups=[
                FollowUpSeen(
                    OWNER,
                    NOW,
                    follow_up(
                        f"f{n}", due_at=NOW + timedelta(hours=n), contact_id=f"c{n}", interaction_id="i1"
                    ),
                )
                for n in range(follow_ups)
            ],
            now=NOW,
        )
        await work.projection.put_habits(
            [
                tracked(
                    OWNER,
                    habit_contract.HabitSnapshot(
                        id=f"h{n}",
                        name=f"Habit {n}",
                        measure=HabitMeasure.OUTREACH_MESSAGES,
                        schedule=habit_contract.Schedule(kind=ScheduleKind.TIMES_PER_WEEK, times=1 + n % 7),
                        timezone=ZONES[n % len(ZONES)],
                        start_date=date(2026, 1, 5),
                        pauses=[habit_contract.PausePeriod(start=date(2026, 2, 1), end=date(2026, 2, 7))],
                        version=1 + n % 3,
                    ),
                    NOW,
                )
                for n in range(habits)
            ]
        )
        await work.commit()
    await engine.dispose()


def naive(feed: Feed, follow_ups: list[FollowUpItem], reminders: list[ReminderItem]) -> bytes:
    """The same feed built from icalendar objects."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//KeepWarm//naive//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", feed.name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    zone = ZoneInfo(feed.timezone or "UTC")
    for item in follow_ups:
        event = icalendar.Event()
        event.add("uid", f"follow-up-{item.id}@keepwarm")
        event.add("dtstamp", item.modified_at)
        event.add("last-modified", item.modified_at)
        event.add("sequence", item.sequence)
        event.add("dtstart", item.due_at)
        event.add("duration", timedelta(minutes=FOLLOW_UP_MINUTES))
        event.add("summary", follow_up_summary(item.contact_name))
        event.add("description", follow_up_description(item, zone))
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", follow_up_summary(item.contact_name))
        alarm.add("trigger", timedelta(minutes=-15))
        event.add_component(alarm)
        calendar.add_component(event)
    for reminder in reminders:
        event = icalendar.Event()
        tz = ZoneInfo(reminder.timezone)
        start = datetime.combine(
            first_occurrence(reminder.schedule, reminder.start_date), feed.reminder_time, tz
        )
        event.add("uid", f"habit-{reminder.id}@keepwarm")
        event.add("dtstamp", reminder.modified_at)
        event.add("last-modified", reminder.modified_at)
        event.add("sequence", reminder.sequence)
        event.add("dtstart", start)
        event.add("duration", timedelta(minutes=REMINDER_MINUTES))
        event.add("rrule", icalendar.vRecur.from_ical(rrule(reminder.schedule, reminder.start_date)))
        for pause_start, pause_end in reminder.pauses:
            day = pause_start
            while pause_end is not None and day <= pause_end:
                event.add("exdate", datetime.combine(day, feed.reminder_time, tz))
                day += timedelta(days=1)
        event.add("summary", reminder_summary(reminder.name))
        event.add("description", describe(reminder.schedule))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    built: bytes = calendar.to_ical()
    return built


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def timed(action: Callable[[], Awaitable[object]], rounds: int) -> list[float]:
    for _ in range(2):
        await action()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await action()
        samples.append(time.perf_counter() - started)
    return samples


async def measure(postgres_admin: str, follow_ups: int, habits: int, rounds: int) -> dict[str, float]:
    url = await new_database(postgres_admin)
    port = free_port()
    settings = NotifierSettings(
        database_url=url,
        http_port=port,
        public_url=f"http://127.0.0.1:{port}",
        kafka=KafkaSettings(bootstrap_servers="127.0.0.1:1"),
    )
    runtime = bootstrap(settings, clock=lambda: NOW)
    await runtime.migrate()
    await seed(url, follow_ups, habits)
    stop = asyncio.Event()
    running = asyncio.create_task(runtime.run({Role.API}, stop))
    results: dict[str, float] = {}
    try:
        async with httpx.AsyncClient(base_url=settings.public_url, timeout=30) as client:
            await until_ready(client)
            owner = {"Authorization": f"Bearer {mint_token(secret=DEVELOPMENT_SECRET, owner_id=OWNER)}"}
            created = (
                await client.post("/v1/calendar-feeds", json={"timezone": "Europe/Berlin"}, headers=owner)
            ).json()
            feed_url = created["url"]
            first = await client.get(feed_url)
            assert first.status_code == 200
            items = first.text.count("BEGIN:VEVENT")
            assert items == follow_ups + habits, items
            etag = first.headers["etag"]

            async def cold() -> None:
                assert (await client.get(feed_url)).status_code == 200

            async def conditional() -> None:
                assert (await client.get(feed_url, headers={"If-None-Match": etag})).status_code == 304

            sessions = session_factory(runtime.engine)

            def uow() -> db.SqlUnitOfWork:
                return db.SqlUnitOfWork(sessions, outbox=db.outbox, topic="bench", source="/bench")

            version = await calendars.feed_version(
                uow=uow, token=feed_url.rsplit("/", 1)[1].removesuffix(".ics")
            )

            async def naive_build() -> None:
                async with uow() as work:
                    loaded_follow_ups = await work.calendar.follow_up_items(owner_id=OWNER)
                    loaded_reminders = await work.calendar.reminder_items(owner_id=OWNER)
                body = naive(version.feed, loaded_follow_ups, loaded_reminders)
                assert body.count(b"BEGIN:VEVENT") == items

            async def fast_build() -> None:
                body = await calendars.render(uow=uow, feed=version.feed)
                assert body.count("BEGIN:VEVENT") == items

            results["bytes"] = len(first.content)
            results["cold HTTP GET, full feed"] = median_ms(await timed(cold, rounds))
            results["conditional HTTP GET (If-None-Match), 304"] = median_ms(await timed(conditional, rounds))
            results["read + render in process (the cold path without HTTP)"] = median_ms(
                await timed(fast_build, rounds)
            )
            results["read + naive icalendar build in process"] = median_ms(await timed(naive_build, rounds))
    finally:
        stop.set()
        await running
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--follow-ups", type=int, default=700)
    parser.add_argument("--habits", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=30)
    arguments = parser.parse_args()
    with ExitStack() as stack:
        postgres_admin = stack.enter_context(postgres_server())
        results = asyncio.run(
            measure(postgres_admin, arguments.follow_ups, arguments.habits, arguments.rounds)
        )
    size = results.pop("bytes")
    naive_ms = results["read + naive icalendar build in process"]
    items = f"{arguments.follow_ups} follow-ups + {arguments.habits} habit reminders"
    print(f"{items}, feed of {size / 1024:.0f} KiB\n")
    print("| what | median ms | naive build / this |")
    print("|---|---:|---:|")
    for name, ms in results.items():
        print(f"| {name} | {ms:.2f} | {naive_ms / ms:.1f}x |")


if __name__ == "__main__":
    main()
