"""What campus tools send, applied as the contacts service's consumers apply it (on SQLite and
PostgreSQL): nothing for a student who does not share; for one who does, contacts, interactions
and a follow-up marked as from the campus; the same record twice adds nothing; a person the
student already met through the campus stays one contact."""

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from services.contacts.adapters import db
from services.contacts.adapters.kafka_in import campus_handler, sharing_handler
from services.contacts.domain.campus import NotSharing
from shared.contracts import campus as contract
from shared.contracts.base import EventData
from shared.contracts.notifier import CampusSharingChanged
from shared.db.engine import session_factory
from shared.kafka.cloudevents import CloudEvent
from tests.api import Api

STUDENT = "student-campus"


def uow_of(api: Api) -> Any:
    sessions = session_factory(api.runtime.engine)
    return lambda: db.SqlUnitOfWork(sessions, outbox=db.outbox, topic="contacts", source="/keepwarm/contacts")


async def consume(api: Api, event: EventData) -> None:
    uow = uow_of(api)
    handler = (
        campus_handler(uow=uow, clock=api.clock)
        if event.stream.value == "campus"
        else sharing_handler(uow=uow, clock=api.clock)
    )
    async with session_factory(api.runtime.engine).begin() as session:
        await handler(session, event, CloudEvent.of(event, source="/campus/tool"))


def at(api: Api, **ago: float) -> dict[str, Any]:
    moment = api.clock() - timedelta(**ago)
    return {"owner_id": STUDENT, "occurred_at": moment, "recorded_at": moment}


def fair(api: Api, reference: str = "fair-1") -> contract.EventAttended:
    return contract.EventAttended(
        **at(api, hours=3),
        reference=reference,
        event_name="Spring career fair",
        people_met=(
            contract.CampusPerson(name="Ada Lovelace", company="Analytical Engines", email="ada@example.org"),
            contract.CampusPerson(name="Grace Hopper", category="recruiter"),
        ),
    )


async def published(api: Api) -> list[str]:
    async with api.runtime.engine.connect() as connection:
        return list((await connection.execute(select(db.outbox.c.type).order_by(db.outbox.c.id))).scalars())


async def test_a_record_for_a_student_who_does_not_share_changes_nothing(api: Api) -> None:
    with pytest.raises(NotSharing, match="has not opted in"):
        await consume(api, fair(api))
    await consume(api, CampusSharingChanged(**at(api, hours=2), sharing=True))
    await consume(api, CampusSharingChanged(**at(api, hours=1), sharing=False))
    await consume(api, CampusSharingChanged(**at(api, hours=5), sharing=True))  # older: ignored
    with pytest.raises(NotSharing):
        await consume(api, fair(api))
    assert await published(api) == []
    listed = await api.client.get("/v1/contacts", headers=api.as_owner(STUDENT))
    assert listed.json()["items"] == []


async def test_campus_records_become_contacts_interactions_and_follow_ups_marked_as_from_the_campus(
    api: Api,
) -> None:
    me = api.as_owner(STUDENT)
    await consume(api, CampusSharingChanged(**at(api, hours=10), sharing=True))
    await consume(api, fair(api))
    await consume(api, fair(api))  # sent again (another event id): nothing new
    await consume(
        api,
        contract.MentorMatched(
            **at(api, hours=1),
            reference="match-7",
            mentor=contract.CampusPerson(
                name="Ada Lovelace", company="Analytical Engines", email="ada@example.org"
            ),
            programme="Alumni mentoring",
            reason="She moved from research into engineering, as you want to",
        ),
    )
    contacts = (await api.client.get("/v1/contacts", headers=me)).json()["items"]
    assert sorted((c["name"], c["warmth"], c["origin"]) for c in contacts) == [
        ("Ada Lovelace", "warm", "campus"),  # met at the fair before the match: one contact
        ("Grace Hopper", "warm", "campus"),
    ]
    ada = next(c for c in contacts if c["name"] == "Ada Lovelace")
    assert ada["how_met"] == "Met at Spring career fair (2026-03-02), from your campus"
    talks = (await api.client.get(f"/v1/contacts/{ada['id']}/interactions", headers=me)).json()
    assert [(t["kind"], t["outcome"], t["origin"]) for t in talks] == [("event", "replied", "campus")]
    steps = (await api.client.get(f"/v1/contacts/{ada['id']}/follow-ups", headers=me)).json()
    assert [s["title"] for s in steps] == ["Reach out to Ada Lovelace: introduce yourself"]
    assert await published(api) == [
        "keepwarm.contact.added.v1",
        "keepwarm.interaction.logged.v1",
        "keepwarm.contact.added.v1",
        "keepwarm.interaction.logged.v1",
        "keepwarm.followup.scheduled.v1",
    ]
    async with api.runtime.engine.connect() as connection:
        data = (await connection.execute(select(db.outbox.c.data).order_by(db.outbox.c.id))).scalars().all()
    assert json.loads(data[1])["interaction"]["origin"] == "campus"


async def test_a_person_the_tracker_cannot_hold_is_refused_with_the_field_named(api: Api) -> None:
    await consume(api, CampusSharingChanged(**at(api, hours=10), sharing=True))
    matched = contract.MentorMatched(
        **at(api, hours=1),
        reference="match-8",
        mentor=contract.CampusPerson(name="Ada", linkedin_url="https://example.org/not-a-profile"),
    )
    with pytest.raises(ValueError, match="linkedin"):
        await consume(api, matched)
    assert await published(api) == []
