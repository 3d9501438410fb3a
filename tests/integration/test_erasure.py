"""Erasing a student, on the real broker and PostgreSQL, with all three services: the contacts
service deletes what it holds at once and asks the others; the erasure reports done only when the
habits service and the notifier have confirmed, and here the notifier is down when it is asked,
so it completes when the notifier is back. Afterwards no table of any service holds the
student's names, notes, habit names or channel address; the id can be used again, and inherits
nothing."""

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

from services.contacts.adapters import db as contacts_db
from services.habits.adapters import db as habits_db
from services.notifier.adapters import db as notifier_db
from shared.contracts.topics import Topics
from shared.runtime import Role
from shared.settings import KafkaSettings
from tests.api import Api
from tests.contacts.conftest import contacts_api
from tests.habits.conftest import habits_api
from tests.integration.test_contact_erasure import holding
from tests.notifier.conftest import notifier_api

ME = "student-leaving"
PERSONAL = [
    "Ada Lovelace",
    "Analytical Engines",
    "Bernoulli numbers",
    "Reach out to mentors",
    "ntfy.sh/ada-secret",
]


async def status(api: Api, headers: dict[str, str]) -> dict[str, Any]:
    response = await api.client.get("/v1/erasure", headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def left_behind(apis: dict[str, tuple[Api, Any]]) -> dict[str, list[str]]:
    return {
        name: sorted({table for text in PERSONAL for table in await holding(api, metadata, text)})
        for name, (api, metadata) in apis.items()
    }


async def test_an_erasure_reaches_every_service_even_one_that_was_down(
    new_postgres_database: Callable[[], Awaitable[str]], kafka_settings: KafkaSettings, topics: Topics
) -> None:
    async with AsyncExitStack() as stack:
        contacts = await stack.enter_async_context(
            contacts_api(await new_postgres_database(), kafka_settings)
        )
        habits = await stack.enter_async_context(habits_api(await new_postgres_database(), kafka_settings))
        notifier_database = await new_postgres_database()
        notifier = await stack.enter_async_context(notifier_api(notifier_database, kafka_settings))
        apis = {
            "contacts": (contacts, contacts_db.metadata),
            "habits": (habits, habits_db.metadata),
            "notifier": (notifier, notifier_db.metadata),
        }
        stop = asyncio.Event()
        running = [
            asyncio.create_task(contacts.runtime.run({Role.RELAY, Role.CONSUME}, stop)),
            asyncio.create_task(habits.runtime.run({Role.RELAY, Role.CONSUME}, stop)),
        ]
        me = contacts.as_owner(ME)
        habit = {
            "name": "Reach out to mentors",
            "measure": "outreach_messages",
            "schedule": {"kind": "daily"},
            "timezone": "UTC",
        }
        assert (await habits.client.post("/v1/habits", json=habit, headers=me)).status_code == 201
        channel = {"name": "Phone", "url": "ntfy://ntfy.sh/ada-secret"}
        assert (
            await notifier.client.post("/v1/preferences/channels", json=channel, headers=me)
        ).status_code == 201
        assert (
            await notifier.client.post("/v1/calendar-feeds", json={"name": "Net"}, headers=me)
        ).status_code == 201
        ada = (
            await contacts.client.post(
                "/v1/contacts", json={"name": "Ada Lovelace", "company": "Analytical Engines"}, headers=me
            )
        ).json()
        talk = {"kind": "message", "direction": "outbound", "takeaway": "Bernoulli numbers"}
        assert (
            await contacts.client.post(f"/v1/contacts/{ada['id']}/interactions", json=talk, headers=me)
        ).status_code == 201
        # the notifier is down: it has consumed nothing of this yet when the erasure is asked

        asked = await contacts.client.post("/v1/erasure", headers=me)
        assert asked.status_code == 202
        assert asked.json()["done"] is False
        async with asyncio.timeout(30):
            while (await status(contacts, me))["confirmed"] != ["habits"]:
                await asyncio.sleep(0.05)
        await asyncio.sleep(1)
        while_down = await status(contacts, me)

        # the notifier comes up: it takes in what was published before the erasure, then erases it
        notifier_stop = asyncio.Event()
        consuming = asyncio.create_task(notifier.runtime.run({Role.RELAY, Role.CONSUME}, notifier_stop))
        async with asyncio.timeout(60):
            while not (await status(contacts, me))["done"]:
                await asyncio.sleep(0.05)
        done = await status(contacts, me)
        remaining = await left_behind(apis)
        listed = (await contacts.client.get("/v1/contacts", headers=me)).json()["items"]
        habits_now = (await habits.client.get("/v1/habits", headers=me)).json()
        feeds = (await notifier.client.get("/v1/calendar-feeds", headers=me)).json()
        # the id is used again: a new contact, and nothing of before comes back
        again = await contacts.client.post("/v1/contacts", json={"name": "Grace Hopper"}, headers=me)
        stop.set()
        notifier_stop.set()
        await asyncio.gather(*running, consuming)

    assert (while_down["done"], while_down["waiting_for"]) == (False, ["notifier"])
    assert (done["done"], done["confirmed"], done["waiting_for"]) == (True, ["habits", "notifier"], [])
    assert remaining == {"contacts": [], "habits": [], "notifier": []}
    assert (listed, habits_now, feeds) == ([], [], [])
    assert again.status_code == 201
