"""A campus tool written in another language plugs into KeepWarm through the topics alone, on
the real broker and PostgreSQL, with all three services running.

KafkaJS (Node.js) publishes an event attended, a mentor match and an advising appointment to
the inbound campus topic, each checked against its committed JSON Schema first (Ajv); the
student who opted in gets contacts, conversations and a follow-up marked as from the campus, and
their "events attended" habit is checked in, which their Today screen shows. The same record sent
again changes nothing; a student who did not opt in, and a record without a person's name, are
dead-lettered with a reason the tool can read. The tool then reads the public stream and checks
every record against the committed contracts; no personal string of the journey is in it."""

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from services.contacts.adapters import db as contacts_db
from services.notifier.adapters.db import DEVELOPMENT_PSEUDONYMS
from shared.contracts.export import CONTRACTS_DIR, SCHEMAS_DIR
from shared.contracts.topics import Topics
from shared.runtime import Role
from shared.settings import KafkaSettings
from tests.api import Api
from tests.integration.services import three_services
from tests.kafka_io import header, read_until
from tests.node_tools import run_node

TOOL = Path(__file__).parent.parent / "contract_readers"
SHARING, NOT_SHARING = "student-shares", "student-keeps-to-self"
PERSONAL = [
    SHARING,
    NOT_SHARING,
    "Ada Lovelace",
    "ada@example.org",
    "Analytical Engines",
    "Grace Hopper",
    "Linus Torvalds",
    "linus@example.org",
    "Margaret Hamilton",
    "Spring career fair",
    "Alumni mentoring",
    "Ask about flight software",
]


def cloud_event(api: Api, owner: str, event_type: str, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    moment = (api.clock() - timedelta(hours=2)).isoformat().replace("+00:00", "Z")
    return {
        "key": owner,
        "id": str(uuid.uuid4()),
        "type": event_type,
        "source": "/campus/career-services",
        "time": moment,
        "data": {"owner_id": owner, "occurred_at": moment, "recorded_at": moment, **data},
        **extra,
    }


def campus_records(api: Api) -> list[dict[str, Any]]:
    fair = {
        "reference": "fair-2026-spring",
        "event_name": "Spring career fair",
        "people_met": [
            {"name": "Ada Lovelace", "company": "Analytical Engines", "email": "ada@example.org"},
            {"name": "Grace Hopper", "category": "recruiter"},
        ],
    }
    return [
        cloud_event(api, SHARING, "keepwarm.campus_event.attended.v1", fair),
        cloud_event(api, SHARING, "keepwarm.campus_event.attended.v1", fair),  # sent twice
        cloud_event(
            api,
            SHARING,
            "keepwarm.mentor.matched.v1",
            {
                "reference": "match-41",
                "mentor": {"name": "Linus Torvalds", "email": "linus@example.org"},
                "programme": "Alumni mentoring",
                "reason": "Maintains what you want to work on",
            },
        ),
        cloud_event(
            api,
            SHARING,
            "keepwarm.advising.completed.v1",
            {
                "reference": "advising-7",
                "advisor": {"name": "Margaret Hamilton", "role": "Career adviser"},
                "takeaway": "Ask about flight software",
            },
        ),
        cloud_event(api, NOT_SHARING, "keepwarm.campus_event.attended.v1", fair),
        cloud_event(
            api,
            SHARING,
            "keepwarm.campus_event.attended.v1",
            {"reference": "fair-broken", "event_name": "Meetup", "people_met": [{"company": "No name"}]},
            careless=True,
        ),
    ]


async def sharing_known(contacts: Api, owner: str) -> None:
    """Wait until the contacts service has heard that ``owner`` shares with their campus."""
    async with asyncio.timeout(30):
        while True:
            async with contacts.runtime.engine.connect() as connection:
                found = await connection.scalar(
                    select(contacts_db.campus_sharing.c.sharing).where(
                        contacts_db.campus_sharing.c.owner_id == owner
                    )
                )
            if found:
                return
            await asyncio.sleep(0.05)


async def events_attended_done(notifier: Api) -> Any:
    async with asyncio.timeout(60):
        while True:
            today = (await notifier.client.get("/v1/today", headers=notifier.as_owner(SHARING))).json()
            habits = [h for h in today["habits"] if h["last_period"] and h["last_period"]["done"] >= 1]
            if habits:
                return today
            await asyncio.sleep(0.02)


async def test_a_node_campus_tool_writes_campus_events_and_reads_the_public_stream(
    new_postgres_database: Callable[[], Awaitable[str]],
    kafka_settings: KafkaSettings,
    topics: Topics,
    tmp_path: Path,
) -> None:
    async with AsyncExitStack() as stack:
        contacts, habits, notifier = await three_services(stack, new_postgres_database, kafka_settings)
        stop = asyncio.Event()
        running = [
            asyncio.create_task(api.runtime.run({Role.RELAY, Role.CONSUME}, stop))
            for api in (contacts, habits, notifier)
        ]
        habit = {
            "name": "One campus event a month",
            "measure": "events_attended",
            "schedule": {"kind": "times_per_month", "times": 1},
            "timezone": "UTC",
            "start_date": "2026-03-01",
        }
        me = habits.as_owner(SHARING)
        assert (await habits.client.post("/v1/habits", json=habit, headers=me)).status_code == 201
        opted = await notifier.client.put("/v1/campus-sharing", json={"sharing": True}, headers=me)
        assert opted.status_code == 200
        await sharing_known(contacts, SHARING)

        records = tmp_path / "records.json"
        records.write_text(json.dumps(campus_records(contacts)))
        sent = json.loads(
            run_node(
                TOOL,
                "campus_publish.mjs",
                kafka_settings.bootstrap_servers,
                topics.campus,
                str(SCHEMAS_DIR),
                str(records),
                what="the KafkaJS campus publisher",
            )
        )
        today = await events_attended_done(notifier)
        lag_ms = time.time() * 1000 - sent["sentAt"]
        print(f"campus event → Today screen: {lag_ms:.0f} ms")

        dead = await read_until(
            kafka_settings.bootstrap_servers, Topics.dead_letter(topics.campus), lambda found: len(found) >= 2
        )
        public = await read_until(
            kafka_settings.bootstrap_servers,
            topics.public,
            lambda found: (
                sum(header(r, "ce_type") == "keepwarm.public.interaction.logged.v1" for r in found) >= 3
            ),
        )
        listed = (await contacts.client.get("/v1/contacts", headers=me)).json()["items"]
        stranger = (await contacts.client.get("/v1/contacts", headers=contacts.as_owner(NOT_SHARING))).json()
        stop.set()
        await asyncio.gather(*running)

    [habit_today] = today["habits"]
    assert habit_today["last_period"]["outcome"] == "met"
    assert sorted((c["name"], c["warmth"], c["origin"]) for c in listed) == [
        ("Ada Lovelace", "warm", "campus"),
        ("Grace Hopper", "warm", "campus"),
        ("Linus Torvalds", "cold", "campus"),
        ("Margaret Hamilton", "warm", "campus"),
    ]
    assert stranger["items"] == []
    reasons = {header(r, "dlq_error_type"): header(r, "dlq_error") or "" for r in dead}
    assert "has not opted in" in reasons["NotSharing"]
    assert "people_met" in reasons["MalformedEvent"]
    assert {r.key for r in dead} == {SHARING.encode(), NOT_SHARING.encode()}

    out = run_node(
        TOOL,
        "campus_tool.mjs",
        kafka_settings.bootstrap_servers,
        topics.public,
        str(len(public)),
        str(CONTRACTS_DIR / "asyncapi" / "notifier.json"),
        str(SCHEMAS_DIR),
        what="the KafkaJS campus tool",
    )
    seen = [json.loads(line) for line in out.decode().splitlines()]
    assert [
        (r["type"], r["bodyErrors"], r["headerErrors"]) for r in seen if r["bodyErrors"] or r["headerErrors"]
    ] == []
    assert {r["key"] for r in seen} == {DEVELOPMENT_PSEUDONYMS.student(SHARING)}
    kinds = [r["type"] for r in seen]
    assert (
        kinds.count("keepwarm.public.contact.added.v1"),
        kinds.count("keepwarm.public.interaction.logged.v1"),
    ) == (4, 3)
    assert kinds[0] == "keepwarm.public.student.joined.v1"
    raw = b"\0".join(
        b"\0".join([r.key or b"", r.value or b"", *(bytes(v) for _, v in r.headers)]) for r in public
    )
    assert [text for text in PERSONAL if text.encode() in raw] == []
