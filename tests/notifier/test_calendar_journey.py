"""A follow-up's life as a subscribed calendar sees it, on real Kafka and PostgreSQL, fetched over
real HTTP: scheduled, rescheduled (same UID, higher SEQUENCE, moved), completed (gone); a habit's
reminder appears; an archived contact's follow-ups disappear; the old URL dies on rotation."""

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from services.notifier.bootstrap import NotifierSettings, bootstrap
from shared.auth import DEVELOPMENT_SECRET, mint_token
from shared.contracts import contacts as contract
from shared.contracts import habits as habit_contract
from shared.contracts.topics import Topics
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.producer import OutgoingRecord
from shared.localinfra.processes import free_port
from shared.runtime import Role
from shared.settings import KafkaSettings
from shared.vocabulary import FollowUpStatus, HabitMeasure, ScheduleKind
from tests.api import until_ready
from tests.calendars import parse
from tests.kafka_io import write_topic
from tests.notifier.stream import at, contact, envelope, follow_up, interaction

OWNER = "student-7"
DUE = datetime(2026, 3, 10, 14, tzinfo=UTC)
MOVED = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)


def later(minutes: int) -> dict[str, Any]:
    return at(OWNER, datetime(2026, 3, 2, 8, tzinfo=UTC) + timedelta(minutes=minutes))


async def test_successive_feed_versions_follow_the_streams(
    postgres_url: str, kafka_settings: KafkaSettings, topics: Topics
) -> None:
    port = free_port()
    settings = NotifierSettings(
        database_url=postgres_url,
        http_port=port,
        public_url=f"http://127.0.0.1:{port}",
        kafka=kafka_settings,
    )
    runtime = bootstrap(settings, clock=lambda: datetime(2026, 3, 2, 9, tzinfo=UTC))
    await runtime.migrate()
    stop = asyncio.Event()
    running = asyncio.create_task(runtime.run({Role.API, Role.CONSUME}, stop))

    async def publish(topic: str, *events: CloudEvent) -> None:
        await write_topic(
            kafka_settings.bootstrap_servers, [OutgoingRecord.of(e, topic=topic) for e in events]
        )

    try:
        async with httpx.AsyncClient(base_url=settings.public_url, timeout=10) as client:
            await until_ready(client)
            token = mint_token(secret=DEVELOPMENT_SECRET, owner_id=OWNER)
            created = await client.post(
                "/v1/calendar-feeds",
                json={"name": "My network", "timezone": "Europe/Berlin"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert created.status_code == 201
            url = created.json()["url"]

            versions: list[tuple[str, Any]] = []

            async def feed_when(ready: Callable[[Any], bool]) -> Any:
                async with asyncio.timeout(30):
                    while True:
                        response = await client.get(url)
                        assert response.status_code == 200
                        calendar = parse(response.text)
                        if ready(calendar):
                            versions.append((response.headers["etag"], calendar))
                            return calendar
                        await asyncio.sleep(0.1)

            await publish(
                topics.contacts,
                envelope(contract.ContactAdded(**later(0), contact=contact())),
                envelope(
                    contract.InteractionLogged(
                        **later(1), contact=contact(version=2), interaction=interaction("Loves Babbage")
                    )
                ),
                envelope(
                    contract.FollowUpScheduled(
                        **later(2), contact=contact(version=2), follow_up=follow_up(due_at=DUE)
                    )
                ),
            )
            first = events_of(await feed_when(lambda c: len(events_of(c)) == 1))[0]
            assert str(first["UID"]) == "follow-up-f1@keepwarm"
            assert first["DTSTART"].dt == DUE
            assert "Takeaway: Loves Babbage" in str(first["DESCRIPTION"])

            await publish(
                topics.contacts,
                envelope(
                    contract.FollowUpScheduled(
                        **later(3), contact=contact(version=2), follow_up=follow_up(due_at=MOVED, version=2)
                    )
                ),
            )
            moved = events_of(
                await feed_when(lambda c: bool(events_of(c)) and events_of(c)[0]["DTSTART"].dt == MOVED)
            )[0]
            assert str(moved["UID"]) == str(first["UID"])
            assert moved["SEQUENCE"] > first["SEQUENCE"]
            assert moved["LAST-MODIFIED"].dt > first["LAST-MODIFIED"].dt

            not_modified = await client.get(url, headers={"If-None-Match": versions[-1][0]})
            assert not_modified.status_code == 304

            habit = habit_contract.HabitSnapshot(
                id="habit-1",
                name="Three outreach messages",
                measure=HabitMeasure.OUTREACH_MESSAGES,
                schedule=habit_contract.Schedule(kind=ScheduleKind.TIMES_PER_WEEK, times=3),
                timezone="America/New_York",
                start_date=date(2026, 3, 2),
                version=1,
            )
            await publish(
                topics.habits,
                CloudEvent.of(
                    habit_contract.HabitCreated(**later(4), habit=habit), source="/keepwarm/habits"
                ),
            )
            with_habit = await feed_when(lambda c: len(events_of(c)) == 2)
            reminder = next(e for e in events_of(with_habit) if str(e["UID"]) == "habit-habit-1@keepwarm")
            assert str(reminder["DTSTART"].dt.tzinfo) == "America/New_York"
            assert [str(tz["TZID"]) for tz in with_habit.walk("VTIMEZONE")] == ["America/New_York"]

            await publish(
                topics.contacts,
                envelope(
                    contract.FollowUpCompleted(
                        **later(5),
                        contact=contact(version=2),
                        follow_up=follow_up(due_at=MOVED, version=3, status=FollowUpStatus.DONE),
                    )
                ),
                envelope(
                    contract.FollowUpScheduled(
                        **later(6),
                        contact=contact(version=2),
                        follow_up=follow_up("f2", due_at=DUE, interaction_id=None),
                    )
                ),
            )
            await feed_when(lambda c: uids(c) == {"habit-habit-1@keepwarm", "follow-up-f2@keepwarm"})
            await publish(
                topics.contacts,
                envelope(contract.ContactArchived(**later(7), contact=contact(version=3, archived=True))),
            )
            await feed_when(lambda c: uids(c) == {"habit-habit-1@keepwarm"})
            assert len({etag for etag, _ in versions}) == len(versions)

            rotated = await client.post(
                f"/v1/calendar-feeds/{created.json()['id']}/rotate",
                headers={"Authorization": f"Bearer {token}"},
            )
            assert (await client.get(url)).status_code == 404
            assert (await client.get(rotated.json()["url"])).status_code == 200
    finally:
        stop.set()
        await running


def events_of(calendar: Any) -> list[Any]:
    found: list[Any] = calendar.walk("VEVENT")
    return found


def uids(calendar: Any) -> set[str]:
    return {str(event["UID"]) for event in events_of(calendar)}
