"""A contact deleted for good is forgotten by every service, on the real broker and PostgreSQL:
the contacts service deletes the contact, its interactions, follow-ups, drafts and interviews; the
habits service takes back the check-in their conversation earned; the notifier drops its copy,
the prompt and the nudges, and the follow-up leaves the calendar feed. Afterwards no table of any
service holds the person's name, and the event that said so names nobody."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

from sqlalchemy import MetaData, select

from services.contacts.adapters import db as contacts_db
from services.habits.adapters import db as habits_db
from services.notifier.adapters import db as notifier_db
from shared.contracts.topics import Topics
from shared.runtime import Role
from shared.settings import KafkaSettings
from tests.api import Api
from tests.calendars import parse
from tests.integration.services import three_services
from tests.kafka_io import header, read_until

ME = "student-forgetting"
NAME = "Ada Lovelace"


async def holding(api: Api, metadata: MetaData, text: str) -> list[str]:
    """The tables of a service's database with a row that contains ``text`` anywhere."""
    found = []
    async with api.runtime.engine.connect() as connection:
        for table in metadata.sorted_tables:
            rows = (await connection.execute(select(table))).all()
            if any(text in str(value) for row in rows for value in row):
                found.append(table.name)
    return found


async def until(check: Callable[[], Awaitable[bool]]) -> None:
    async with asyncio.timeout(30):
        while not await check():
            await asyncio.sleep(0.05)


async def test_an_erased_contact_is_forgotten_by_every_service(
    new_postgres_database: Callable[[], Awaitable[str]], kafka_settings: KafkaSettings, topics: Topics
) -> None:
    async with AsyncExitStack() as stack:
        contacts, habits, notifier = await three_services(stack, new_postgres_database, kafka_settings)
        stop = asyncio.Event()
        running = [
            asyncio.create_task(contacts.runtime.run({Role.RELAY}, stop)),
            asyncio.create_task(habits.runtime.run({Role.RELAY, Role.CONSUME}, stop)),
            asyncio.create_task(notifier.runtime.run({Role.CONSUME}, stop)),
        ]
        me = contacts.as_owner(ME)
        habit = {
            "name": "Reach out",
            "measure": "outreach_messages",
            "schedule": {"kind": "daily"},
            "timezone": "UTC",
        }
        habit_id = (await habits.client.post("/v1/habits", json=habit, headers=me)).json()["id"]
        feed = (await notifier.client.post("/v1/calendar-feeds", json={"name": "Net"}, headers=me)).json()
        ada = (
            await contacts.client.post(
                "/v1/contacts", json={"name": NAME, "company": "Analytical Engines"}, headers=me
            )
        ).json()
        grace = (await contacts.client.post("/v1/contacts", json={"name": "Grace Hopper"}, headers=me)).json()
        base = f"/v1/contacts/{ada['id']}"
        talk = {"kind": "message", "direction": "outbound", "takeaway": f"{NAME} likes Bernoulli numbers"}
        assert (await contacts.client.post(f"{base}/interactions", json=talk, headers=me)).status_code == 201
        step = {"title": f"Send {NAME} the notes", "due_at": "2026-03-05T09:00:00Z"}
        assert (await contacts.client.post(f"{base}/follow-ups", json=step, headers=me)).status_code == 201
        draft = {"subject": "Hi", "body": f"Dear {NAME}"}
        assert (await contacts.client.post(f"{base}/drafts", json=draft, headers=me)).status_code == 201
        interview = {"scheduled_at": "2026-03-10T15:00:00Z"}
        assert (
            await contacts.client.post(f"{base}/interviews", json=interview, headers=me)
        ).status_code == 201

        async def done_today() -> int:
            history = await habits.client.get(f"/v1/habits/{habit_id}/check-ins", headers=me)
            return sum(c["count"] for c in history.json())

        await until(lambda: _is(done_today, 1))
        await until(lambda: _tables(notifier, notifier_db.metadata, NAME, present=True))
        assert "follow_ups" in await holding(notifier, notifier_db.metadata, NAME)
        token = feed["url"].rsplit("/", 1)[1]
        assert any(
            NAME in str(e["SUMMARY"])
            for e in parse((await notifier.client.get(f"/calendars/{token}")).text).walk("VEVENT")
        )

        erased = await contacts.client.post(f"{base}/erase", headers=me)
        assert erased.status_code == 204
        assert (await contacts.client.get(base, headers=me)).status_code == 404
        await until(lambda: _is(done_today, 0))  # the check-in the conversation earned is taken back
        await until(lambda: _tables(notifier, notifier_db.metadata, NAME, present=False))
        events = await read_until(
            kafka_settings.bootstrap_servers,
            topics.contacts,
            lambda found: any(header(r, "ce_type") == "keepwarm.contact.erased.v1" for r in found),
        )
        calendar = parse((await notifier.client.get(f"/calendars/{token}")).text)
        left: dict[str, list[str]] = {
            "contacts": await holding(contacts, contacts_db.metadata, NAME),
            "habits": await holding(habits, habits_db.metadata, NAME),
            "notifier": await holding(notifier, notifier_db.metadata, NAME),
        }
        others = (await contacts.client.get("/v1/contacts", headers=me)).json()["items"]
        stop.set()
        await asyncio.gather(*running)

    # the outbox keeps what was published for a while (for replays): only it may still name her
    assert left == {"contacts": ["outbox"], "habits": [], "notifier": []}
    assert not any(NAME in str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert [c["name"] for c in others] == ["Grace Hopper"]
    [gone] = [r for r in events if header(r, "ce_type") == "keepwarm.contact.erased.v1"]
    data: dict[str, Any] = json.loads(gone.value)
    assert (data["contact_id"], len(data["interaction_ids"]), len(data["follow_up_ids"])) == (ada["id"], 1, 2)
    assert NAME not in gone.value.decode()
    assert grace["id"] != ada["id"]


async def _is(count: Callable[[], Awaitable[int]], expected: int) -> bool:
    return await count() == expected


async def _tables(api: Api, metadata: MetaData, text: str, *, present: bool) -> bool:
    return bool(await holding(api, metadata, text)) is present
