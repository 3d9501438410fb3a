"""A student's archive, on the real broker and PostgreSQL, with all three services: each
service's part holds what it keeps of the student (the notifier's copy came over the contacts
stream) and nothing of another student, follows its committed JSON Schema (checked by the
``jsonschema`` validator, formats included), and leaves the secrets out: the channel's address
only masked, the feeds without their tokens. The feed download is read by icalendar and the CSV
by the csv module."""

import asyncio
import csv
import io
import json
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import icalendar
from jsonschema import Draft202012Validator

from services.openapi import EXPORT_DIR
from shared.runtime import Role
from shared.settings import KafkaSettings
from tests.api import Api
from tests.integration.services import three_services

ME, OTHER = "student-archiving", "student-other"
SECRET = "ada-secret-topic"


def copied(part: tuple[dict[str, Any], str]) -> set[str]:
    """The follow-up titles and habit names in the notifier's part."""
    tables = part[0]["tables"]
    return {f["title"] for f in tables["follow_ups"]} | {h["name"] for h in tables["habits"]}


def valid(part: dict[str, Any], service: str) -> list[str]:
    schema = json.loads((EXPORT_DIR / f"{service}.schema.json").read_text())
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(part)]


async def part(api: Api, headers: dict[str, str]) -> tuple[dict[str, Any], str]:
    response = await api.client.get("/v1/export", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return json.loads(response.text), response.text


async def test_each_service_gives_its_part_of_a_students_archive(
    new_postgres_database: Callable[[], Awaitable[str]], kafka_settings: KafkaSettings
) -> None:
    async with AsyncExitStack() as stack:
        contacts, habits, notifier = await three_services(stack, new_postgres_database, kafka_settings)
        stop = asyncio.Event()
        running = [
            asyncio.create_task(api.runtime.run({Role.RELAY, Role.CONSUME}, stop))
            for api in (contacts, habits, notifier)
        ]
        me, other = contacts.as_owner(ME), contacts.as_owner(OTHER)
        for who, name in ((me, "Ada Lovelace"), (other, "Someone Else Entirely")):
            added = await contacts.client.post(
                "/v1/contacts", json={"name": name, "company": "Engines"}, headers=who
            )
            assert added.status_code == 201, added.text
        ada = (await contacts.client.get("/v1/contacts", headers=me)).json()["items"][0]
        talk = {"kind": "message", "direction": "outbound", "takeaway": "Bernoulli numbers"}
        assert (
            await contacts.client.post(f"/v1/contacts/{ada['id']}/interactions", json=talk, headers=me)
        ).status_code == 201
        step = {"title": "Send the notes", "due_at": "2030-01-07T09:00:00Z"}
        assert (
            await contacts.client.post(f"/v1/contacts/{ada['id']}/follow-ups", json=step, headers=me)
        ).status_code == 201
        habit = {"name": "Reach out weekly", "measure": "outreach_messages", "schedule": {"kind": "daily"}}
        assert (
            await habits.client.post("/v1/habits", json={**habit, "timezone": "UTC"}, headers=me)
        ).status_code == 201
        channel = {"name": "Phone", "url": f"ntfy://ntfy.sh/{SECRET}"}
        assert (
            await notifier.client.post("/v1/preferences/channels", json=channel, headers=me)
        ).status_code == 201
        issued = (await notifier.client.post("/v1/calendar-feeds", json={"name": "Net"}, headers=me)).json()
        token = issued["url"].rsplit("/", 1)[1].removesuffix(".ics")

        async with asyncio.timeout(30):  # the notifier's copies of the follow-up and the habit have come
            while not {"Send the notes", "Reach out weekly"} <= copied(await part(notifier, me)):
                await asyncio.sleep(0.1)
        parts = {
            name: await part(api, me)
            for name, api in (("contacts", contacts), ("habits", habits), ("notifier", notifier))
        }
        schemas = {
            name: (await api.client.get("/v1/export/schema", headers=me)).json()
            for name, api in (("contacts", contacts), ("habits", habits), ("notifier", notifier))
        }
        feed = await notifier.client.get(f"/v1/calendar-feeds/{issued['id']}/calendar.ics", headers=me)
        someone_elses_feed = await notifier.client.get(
            f"/v1/calendar-feeds/{issued['id']}/calendar.ics", headers=other
        )
        spreadsheet = await contacts.client.get("/v1/exports/contacts.csv", headers=me)
        stop.set()
        await asyncio.gather(*running)

    for name, (found, text) in parts.items():
        assert valid(found, name) == [], name
        assert (found["service"], found["owner_id"], found["format"]) == (name, ME, "keepwarm.export.v1")
        assert "Someone Else" not in text, name
        assert OTHER not in text, name
        assert schemas[name] == json.loads((EXPORT_DIR / f"{name}.schema.json").read_text())
    held = {name: found["tables"] for name, (found, _) in parts.items()}
    assert [c["name"] for c in held["contacts"]["contacts"]] == ["Ada Lovelace"]
    assert [i["takeaway"] for i in held["contacts"]["interactions"]] == ["Bernoulli numbers"]
    assert [f["title"] for f in held["contacts"]["follow_ups"]] == ["Send the notes"]
    assert [h["name"] for h in held["habits"]["habits"]] == ["Reach out weekly"]
    assert [c["display_name"] for c in held["notifier"]["contacts"]] == ["Ada Lovelace"]
    assert [f["title"] for f in held["notifier"]["follow_ups"]] == ["Send the notes"]
    [shown] = held["notifier"]["channels"]
    assert "url" not in shown
    assert SECRET not in shown["shown"]
    [calendar] = held["notifier"]["calendar_feeds"]
    assert "token_hash" not in calendar
    assert calendar["name"] == "Net"
    assert SECRET not in parts["notifier"][1]
    assert token not in parts["notifier"][1]

    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(feed.text).walk("VEVENT")
    assert [(str(e["SUMMARY"]), str(e["DESCRIPTION"])) for e in events] == [
        ("Follow up with Ada Lovelace", "Send the notes"),
        ("Habit: Reach out weekly", "Every day. A small step keeps your network warm."),
    ]
    assert someone_elses_feed.status_code == 404
    rows = list(csv.DictReader(io.StringIO(spreadsheet.text)))
    assert [row["Name"] for row in rows] == ["Ada Lovelace"]
