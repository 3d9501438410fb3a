"""An informational interview, from preparation to the follow-ups in the student's calendar, on
the real broker and PostgreSQL (the contacts API and relay, the notifier consuming and serving
the feed): the reminder to send questions ahead shows in the feed; once the interview is logged
with its takeaway the reminder leaves it, and the accepted thank-you and (moved) update
follow-ups appear; the monthly interview goal is reached and celebrated with a nudge. The feed is
read by icalendar and by ical.js (Thunderbird's parser)."""

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from services.notifier.adapters import db as notifier_db
from shared.contracts.topics import Topics
from shared.runtime import Role
from shared.settings import KafkaSettings
from tests.calendars import parse, read_with_icaljs
from tests.contacts.conftest import contacts_api
from tests.notifier.conftest import notifier_api

ME = "student-interviewing"


def summaries(calendar: Any) -> dict[str, datetime]:
    """Each follow-up's title (the first paragraph of its description) and start."""
    return {str(item["DESCRIPTION"]).split("\n\n")[0]: item["DTSTART"].dt for item in calendar.walk("VEVENT")}


async def test_prepare_interview_takeaway_and_the_thank_you_and_update_in_the_feed(
    new_postgres_database: Callable[[], Awaitable[str]], kafka_settings: KafkaSettings, topics: Topics
) -> None:
    async with AsyncExitStack() as stack:
        contacts = await stack.enter_async_context(
            contacts_api(await new_postgres_database(), kafka_settings)
        )
        notifier = await stack.enter_async_context(
            notifier_api(await new_postgres_database(), kafka_settings)
        )
        stop = asyncio.Event()
        running = [
            asyncio.create_task(contacts.runtime.run({Role.RELAY}, stop)),
            asyncio.create_task(notifier.runtime.run({Role.CONSUME}, stop)),
        ]
        me = contacts.as_owner(ME)
        feed = (await notifier.client.post("/v1/calendar-feeds", json={"name": "Network"}, headers=me)).json()
        token = feed["url"].rsplit("/", 1)[1]
        channel = {"name": "Phone", "url": "ntfy://127.0.0.1/keepwarm-test"}
        assert (
            await notifier.client.post("/v1/preferences/channels", json=channel, headers=me)
        ).status_code == 201
        goal = {"kind": "informational_interviews", "target": 1}
        assert (await contacts.client.post("/v1/goals", json=goal, headers=me)).status_code == 201

        async def feed_when(ready: Callable[[set[str]], bool]) -> tuple[str, dict[str, datetime]]:
            """The feed once the notifier's projection holds what it should show (the feed itself
            is rate-limited, as calendar apps should be)."""
            follow_ups = notifier_db.follow_ups
            async with asyncio.timeout(30):
                while True:
                    async with notifier.runtime.engine.connect() as connection:
                        titles = await connection.execute(
                            select(follow_ups.c.title).where(
                                follow_ups.c.owner_id == ME, follow_ups.c.status == "open"
                            )
                        )
                        if ready(set(titles.scalars())):
                            break
                    await asyncio.sleep(0.05)
            text = (await notifier.client.get(f"/calendars/{token}")).text
            return text, summaries(parse(text))

        ada = (
            await contacts.client.post(
                "/v1/contacts", json={"name": "Ada Lovelace", "category": "mentor"}, headers=me
            )
        ).json()
        interview = (
            await contacts.client.post(
                f"/v1/contacts/{ada['id']}/interviews",
                json={"scheduled_at": "2026-03-10T15:00:00Z"},
                headers=me,
            )
        ).json()
        reminder = "Send your questions to Ada Lovelace ahead of your conversation"
        _, found = await feed_when(lambda found: reminder in found)
        assert found[reminder] == datetime(2026, 3, 8, 15, tzinfo=UTC)

        contacts.clock.now = datetime(2026, 3, 10, 16, tzinfo=UTC)
        held = await contacts.client.post(
            f"/v1/interviews/{interview['id']}/held",
            json={"takeaway": "Read the Bernoulli notes"},
            headers=me,
        )
        assert held.status_code == 200, held.text
        base = f"/v1/interviews/{interview['id']}/proposals"
        assert (
            await contacts.client.post(f"{base}/thank_you/accept", json={}, headers=me)
        ).status_code == 200
        moved = {"due_at": "2026-04-02T09:00:00Z"}
        assert (
            await contacts.client.post(f"{base}/update/accept", json=moved, headers=me)
        ).status_code == 200

        thank_you = "Thank Ada Lovelace for the conversation"
        update = "Tell Ada Lovelace what came of it: Read the Bernoulli notes"
        text, found = await feed_when(lambda found: thank_you in found and update in found)
        assert reminder not in found  # the questions' reminder is done once the interview is logged
        assert (found[thank_you], found[update]) == (
            datetime(2026, 3, 11, 10, tzinfo=UTC),
            datetime(2026, 4, 2, 9, tzinfo=UTC),
        )
        async with asyncio.timeout(30):
            while True:
                async with notifier.runtime.engine.connect() as connection:
                    celebrated = (
                        (
                            await connection.execute(
                                select(notifier_db.nudges.c.title).where(
                                    notifier_db.nudges.c.owner_id == ME, notifier_db.nudges.c.kind == "goal"
                                )
                            )
                        )
                        .scalars()
                        .all()
                    )
                if celebrated:
                    break
                await asyncio.sleep(0.05)
        stop.set()
        await asyncio.gather(*running)

    assert celebrated == ["Goal reached: 1 informational interviews in March 2026"]
    seen = read_with_icaljs(text, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC))
    starts = {start for occurrences in seen.values() for start in occurrences}
    assert {datetime(2026, 3, 11, 10, tzinfo=UTC), datetime(2026, 4, 2, 9, tzinfo=UTC)} <= starts
