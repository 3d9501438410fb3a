"""A campus tool written by someone else, in another language, reads KeepWarm's events with only
the committed contracts to go on: KafkaJS (Node.js) consumes the contacts topic on the real
broker and checks every record's body against the JSON Schema of its ``ce_type`` and its headers
against that message's CloudEvents headers in the AsyncAPI document (Ajv)."""

import asyncio
import json
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path

from shared.contracts.export import CONTRACTS_DIR, SCHEMAS_DIR
from shared.contracts.topics import Topics
from shared.kafka.producer import OutgoingRecord
from shared.settings import KafkaSettings
from tests.contacts.conftest import contacts_api
from tests.kafka_io import read_topic, write_topic
from tests.node_tools import run_node

TOOL = Path(__file__).parent.parent / "contract_readers"
OWNER = "student-campus"


async def test_a_node_campus_tool_validates_every_contacts_event_against_the_committed_contracts(
    new_postgres_database: Callable[[], Awaitable[str]], kafka_settings: KafkaSettings, topics: Topics
) -> None:
    async with contacts_api(await new_postgres_database(), kafka_settings) as api:
        stop = asyncio.Event()
        relay = asyncio.create_task(api.runtime.relay.run(stop))
        me = api.as_owner(OWNER)
        contact = (
            await api.client.post(
                "/v1/contacts",
                json={"name": "Ada Lovelace", "company": "Analytical Engines", "tags": ["alumni"]},
                headers=me,
            )
        ).json()
        base = f"/v1/contacts/{contact['id']}"
        talk = (
            await api.client.post(
                f"{base}/interactions",
                json={"kind": "coffee_or_call", "direction": "outbound", "takeaway": "Read her notes"},
                headers=me,
            )
        ).json()
        step = (
            await api.client.post(
                f"{base}/follow-ups",
                json={
                    "title": "Send the notes",
                    "due_at": "2026-03-09T09:00:00Z",
                    "interaction_id": talk["id"],
                },
                headers=me,
            )
        ).json()
        assert (await api.client.post(f"/v1/follow-ups/{step['id']}/complete", headers=me)).status_code == 200
        assert (await api.client.patch(base, json={"role": "Engineer"}, headers=me)).status_code == 200
        assert (await api.client.delete(f"/v1/interactions/{talk['id']}", headers=me)).status_code == 204
        published = await read_topic(kafka_settings.bootstrap_servers, topics.contacts, count=6)
        stop.set()
        await relay
    # and one record a careless producer wrote: the tool must see what is wrong with it
    await write_topic(
        kafka_settings.bootstrap_servers,
        [
            OutgoingRecord(
                topic=topics.contacts,
                key=b"someone",
                value=b'{"owner_id": "someone"}',
                headers=[("ce_type", b"keepwarm.contact.added.v1"), ("ce_specversion", b"0.3")],
            )
        ],
    )

    out = run_node(
        TOOL,
        "campus_tool.mjs",
        kafka_settings.bootstrap_servers,
        topics.contacts,
        str(len(published) + 1),
        str(CONTRACTS_DIR / "asyncapi" / "contacts.json"),
        str(SCHEMAS_DIR),
        what="the KafkaJS campus tool",
    )
    seen = [json.loads(line) for line in out.decode().splitlines()]
    mine = [record for record in seen if record["key"] == OWNER]
    [careless] = [record for record in seen if record["key"] == "someone"]
    assert [
        (r["type"], r["bodyErrors"], r["headerErrors"]) for r in mine if r["bodyErrors"] or r["headerErrors"]
    ] == []
    assert {record["type"] for record in mine} == {
        "keepwarm.contact.added.v1",
        "keepwarm.interaction.logged.v1",
        "keepwarm.followup.scheduled.v1",
        "keepwarm.followup.completed.v1",
        "keepwarm.contact.updated.v1",
        "keepwarm.interaction.deleted.v1",
    }
    by_partition: dict[int, list[int]] = defaultdict(list)
    for record in mine:
        by_partition[record["partition"]].append(int(record["sequence"]))
    assert all(numbers == sorted(numbers) for numbers in by_partition.values())
    assert careless["bodyErrors"]  # no contact in the body
    assert careless["headerErrors"]  # wrong spec version, no id, source or time
