"""Erasing a student, on the real broker and PostgreSQL, with all three services: the contacts
service deletes what it holds at once and asks the others; the erasure reports done only when the
habits service and the notifier have confirmed, and here the notifier is down when it is asked,
so it completes when the notifier is back. Afterwards no table of any service holds the
student's names, notes, habit names or channel address; the id can be used again, and inherits
nothing.

Then the topics: a notifier rebuilt from the contacts state topic into an empty database holds
the same copy as the live one, with the other student's contacts and none of the erased one's;
and once the horizon has passed (brought forward here by setting the topics' retention,
segments and compaction lag to a second), no topic holds anything of the erased student, nor
the other student's deleted conversation, while the other student's contact is still on the
state topic."""

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from sqlalchemy import select

from services.contacts.adapters import db as contacts_db
from services.habits.adapters import db as habits_db
from services.notifier.adapters import db as notifier_db
from services.notifier.adapters.db import tables as notifier_tables
from shared.contracts.topics import Stream, Topics
from shared.runtime import Role
from shared.settings import KafkaSettings
from tests.api import Api
from tests.integration.services import three_services
from tests.integration.test_contact_erasure import holding
from tests.kafka_io import read_all
from tests.notifier.conftest import notifier_api

ME = "student-leaving"
PERSONAL = [
    "Ada Lovelace",
    "Analytical Engines",
    "Bernoulli numbers",
    "Reach out to mentors",
    "ntfy.sh/ada-secret",
]
KEPT = "student-staying"
DELETED = "Trajectory tables"
"""The staying student's conversation, deleted: it leaves the state topic too."""


async def kept_student(contacts: Api, habits: Api) -> None:
    """A contact, a conversation, a deleted conversation, a follow-up, a habit and a check-in of
    a student who stays."""
    them = contacts.as_owner(KEPT)
    habit = {
        "name": "Write to one alum",
        "measure": "free_form",
        "schedule": {"kind": "daily"},
        "timezone": "UTC",
    }
    created = await habits.client.post("/v1/habits", json=habit, headers=them)
    assert created.status_code == 201, created.text
    checked = await habits.client.post(f"/v1/habits/{created.json()['id']}/check-ins", headers=them)
    assert checked.status_code == 201, checked.text
    person = {"name": "Katherine Johnson", "company": "NASA Langley"}
    katherine = (await contacts.client.post("/v1/contacts", json=person, headers=them)).json()
    talks = f"/v1/contacts/{katherine['id']}/interactions"
    for takeaway in ("Orbital mechanics", DELETED):
        talk = {"kind": "coffee_or_call", "direction": "outbound", "takeaway": takeaway}
        logged = await contacts.client.post(talks, json=talk, headers=them)
        assert logged.status_code == 201, logged.text
    gone = await contacts.client.delete(f"/v1/interactions/{logged.json()['id']}", headers=them)
    assert gone.status_code == 204
    step = {"title": "Send the paper", "due_at": "2030-01-07T09:00:00Z"}
    scheduled = await contacts.client.post(
        f"/v1/contacts/{katherine['id']}/follow-ups", json=step, headers=them
    )
    assert scheduled.status_code == 201, scheduled.text


async def copy_of(api: Api) -> dict[str, list[tuple[Any, ...]]]:
    """The notifier's copy of contacts, conversations (not deleted ones), follow-ups, habits and
    check-ins (not reverted ones)."""
    found = {}
    copies = ("contacts", "interactions", "follow_ups", "habits", "check_ins")
    async with api.runtime.engine.connect() as connection:
        for table in (notifier_tables.metadata.tables[name] for name in copies):
            query = select(table).order_by(table.c.id)
            for gone in ("deleted", "reverted"):
                if gone in table.c:
                    query = query.where(table.c[gone].is_(False))
            found[table.name] = [tuple(row) for row in (await connection.execute(query)).all()]
    return found


async def bring_the_horizon_forward(settings: KafkaSettings) -> None:
    """Retention, segments and compaction lag of a second: what the documented horizon does in
    days. Then a write to every partition of the state topic, as any later write would, so that
    each rolls its segment and the cleaner may compact it."""
    topics = settings.topics
    streams = [topics.of(s) for s in Stream if topics.of(s) not in topics.compacted]
    second = {"segment.ms": "1000"}
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    await admin.start()
    try:
        await admin.alter_configs(
            [
                ConfigResource(ConfigResourceType.TOPIC, name, configs=second | {"retention.ms": "1000"})
                for name in (*streams, *(Topics.dead_letter(name) for name in streams))
            ]
            + [
                ConfigResource(
                    ConfigResourceType.TOPIC,
                    name,
                    configs=second
                    | {
                        "cleanup.policy": "compact",
                        "max.compaction.lag.ms": "1000",
                        "delete.retention.ms": "1000",
                        "min.cleanable.dirty.ratio": "0.01",
                    },
                )
                for name in topics.compacted
            ]
        )
    finally:
        await admin.close()
    await asyncio.sleep(1.5)
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers)
    await producer.start()
    try:
        for name in topics.compacted:
            for partition in sorted(await producer.partitions_for(name)):
                await producer.send_and_wait(name, None, key=b"later-write", partition=partition)
    finally:
        await producer.stop()


async def readable(settings: KafkaSettings, texts: list[str]) -> dict[str, list[str]]:
    """The topics (with their dead letters) holding any of ``texts``, and which."""
    topics = settings.topics
    names = [topics.of(stream) for stream in Stream]
    found: dict[str, list[str]] = {}
    for name in (*names, *(Topics.dead_letter(n) for n in names)):
        records = await read_all(settings.bootstrap_servers, name)
        raw = [
            bytes(part)
            for r in records
            for part in (r.key or b"", r.value or b"", *(v for _, v in r.headers))
        ]
        held = [text for text in texts if any(text.encode() in part for part in raw)]
        if held:
            found[name] = held
    return found


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
        contacts, habits, notifier = await three_services(stack, new_postgres_database, kafka_settings)
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
        await kept_student(contacts, habits)
        async with asyncio.timeout(30):  # all of it is on the topics, the state topics too
            while (await contacts.runtime.relay.measure_backlog())[0] or (
                await habits.runtime.relay.measure_backlog()
            )[0]:
                await asyncio.sleep(0.05)
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

        # a notifier rebuilt from the state topic, which still holds the erased records before
        # their tombstones (nothing is compacted yet)
        rebuilt = await stack.enter_async_context(notifier_api(await new_postgres_database(), kafka_settings))
        applied = await rebuilt.runtime.rebuild()
        rebuilt_copy = await copy_of(rebuilt)
        rebuilt_holds = await left_behind({"rebuilt": (rebuilt, notifier_db.metadata)})
        async with asyncio.timeout(30):
            while (live_copy := await copy_of(notifier)) != rebuilt_copy:
                await asyncio.sleep(0.1)

        await bring_the_horizon_forward(kafka_settings)
        async with asyncio.timeout(90):
            while on_topics := await readable(kafka_settings, [*PERSONAL, ME, DELETED]):
                await asyncio.sleep(1)
        kept_on_topics = await readable(kafka_settings, ["Katherine Johnson", "Send the paper", "one alum"])

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

    # the contact, its conversation, its follow-up; the habit and its check-in
    assert applied == {topics.contacts_state: 3, topics.habits_state: 2}
    assert [len(rows) for rows in rebuilt_copy.values()] == [1, 1, 1, 1, 1]
    assert {row[1] for rows in live_copy.values() for row in rows} == {KEPT}
    assert rebuilt_holds == {"rebuilt": []}
    assert on_topics == {}
    assert kept_on_topics == {
        topics.contacts_state: ["Katherine Johnson", "Send the paper"],
        topics.habits_state: ["one alum"],
    }
