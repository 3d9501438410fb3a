"""A student's week on real Kafka and PostgreSQL: every change reaches the contacts topic, in order,
as a CloudEvent keyed by the student."""

import asyncio
from pathlib import Path

from shared.contracts import contacts as contract
from shared.contracts.topics import Topics
from shared.kafka.cloudevents import CloudEvent
from shared.settings import KafkaSettings
from tests.contacts.conftest import contacts_api
from tests.kafka_io import header, read_topic


async def test_contact_journey_publishes_each_change_in_order(
    postgres_url: str, kafka_settings: KafkaSettings, topics: Topics
) -> None:
    async with contacts_api(postgres_url, kafka_settings) as api:
        me = api.as_owner("student-42")
        stop = asyncio.Event()
        relay = asyncio.create_task(api.runtime.relay.run(stop))

        ada = (
            await api.client.post("/v1/contacts", json={"name": "Ada Lovelace", "tie": "dormant"}, headers=me)
        ).json()
        api.clock.advance(hours=1)
        chat = (
            await api.client.post(
                f"/v1/contacts/{ada['id']}/interactions",
                json={
                    "kind": "coffee_or_call",
                    "occurred_at": "2026-03-01T18:00:00Z",
                    "takeaway": "Read the Notes",
                },
                headers=me,
            )
        ).json()
        follow_up = (
            await api.client.post(
                f"/v1/contacts/{ada['id']}/follow-ups",
                json={
                    "title": "Send my notes on the Engine",
                    "due_at": "2026-03-04T09:00:00Z",
                    "interaction_id": chat["id"],
                },
                headers=me,
            )
        ).json()
        await api.client.post(f"/v1/follow-ups/{follow_up['id']}/complete", headers=me)
        linkedin = (Path(__file__).parent / "files" / "Connections.csv").read_bytes()
        assert (await api.client.post("/v1/imports/linkedin", content=linkedin, headers=me)).json()[
            "created"
        ] == 2
        assert (await api.client.delete(f"/v1/contacts/{ada['id']}", headers=me)).status_code == 204

        records = await read_topic(kafka_settings.bootstrap_servers, topics.contacts, count=7)
        stop.set()
        await relay

    assert {record.key for record in records} == {b"student-42"}
    assert len({record.partition for record in records}) == 1
    records.sort(key=lambda record: record.offset)
    assert [header(r, "ce_type") for r in records] == [
        "keepwarm.contact.added.v1",
        "keepwarm.interaction.logged.v1",
        "keepwarm.followup.scheduled.v1",
        "keepwarm.followup.completed.v1",
        "keepwarm.contact.added.v1",
        "keepwarm.contact.added.v1",
        "keepwarm.contact.archived.v1",
    ]
    for record in records:
        assert header(record, "ce_source") == "/keepwarm/contacts"
        assert header(record, "ce_specversion") == "1.0"
        assert header(record, "content-type") == "application/json"
    events = [CloudEvent.from_record(key=r.key, value=r.value, headers=r.headers).decode() for r in records]
    logged = events[1]
    assert isinstance(logged, contract.InteractionLogged)
    assert header(records[1], "ce_subject") == chat["id"]
    assert logged.previous_tie == "dormant"
    assert logged.contact.tie == "weak"
    assert logged.interaction.takeaway == "Read the Notes"
    assert logged.occurred_at.isoformat() == "2026-03-01T18:00:00+00:00"  # backdated: when it happened
    assert logged.recorded_at.isoformat() == "2026-03-02T10:00:00+00:00"
    scheduled = events[2]
    assert isinstance(scheduled, contract.FollowUpScheduled)
    assert scheduled.follow_up.interaction_id == chat["id"]
    assert scheduled.contact.display_name == "Ada Lovelace"
    archived = events[6]
    assert isinstance(archived, contract.ContactArchived)
    assert archived.contact.archived
    assert archived.contact.version > events[0].contact.version  # type: ignore[attr-defined]
