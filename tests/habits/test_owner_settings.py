"""One time zone per person: the habits service follows the owner's zone and day start, set once
in their preferences on the notifier, on SQLite and PostgreSQL; a day that starts at 04:00 keeps
a meetup that ended after midnight on the evening it began; check-ins for yesterday count."""

import json
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import select

from services.habits.adapters import db
from services.habits.adapters.kafka_in import interaction_handler, preferences_handler
from shared.contracts import contacts as contacts_contract
from shared.contracts.base import EventData
from shared.contracts.notifier import PreferencesChanged
from shared.db.engine import session_factory
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.consumer import Handler
from shared.vocabulary import Category, Direction, InteractionKind, Tie, Warmth
from tests.api import Api

OWNER = "student-1"
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


async def consume(api: Api, factory: Any, event: EventData) -> None:
    """Apply one event as the habits consumer would (without Kafka)."""
    sessions = session_factory(api.runtime.engine)

    def uow() -> db.SqlUnitOfWork:
        return db.SqlUnitOfWork(sessions, outbox=db.outbox, topic="unused", source="/test")

    handler: Handler = factory(uow=uow, clock=lambda: api.clock.now)
    async with sessions.begin() as session:
        await handler(session, event, CloudEvent.of(event, source="/keepwarm/test"))


def preferences(zone: str, day_start: time = time(0)) -> PreferencesChanged:
    return PreferencesChanged(
        owner_id=OWNER, occurred_at=NOW, recorded_at=NOW, timezone=zone, day_start=day_start
    )


async def habit(api: Api, **fields: Any) -> dict[str, Any]:
    body = {"name": "Reach out", "measure": "outreach_messages", "schedule": {"kind": "daily"}, **fields}
    response = await api.client.post("/v1/habits", json=body, headers=api.as_owner(OWNER))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def updates(api: Api) -> list[dict[str, Any]]:
    async with api.runtime.engine.connect() as connection:
        rows = await connection.execute(
            select(db.outbox.c.data)
            .where(db.outbox.c.type == "keepwarm.habit.updated.v1")
            .order_by(db.outbox.c.id)
        )
        return [json.loads(data)["habit"] for (data,) in rows.all()]


async def test_a_habit_without_a_zone_takes_the_owners_and_follows_it(api: Api) -> None:
    api.clock.now = NOW
    before = await habit(api)
    assert (before["timezone"], before["zone_is_owners"]) == ("UTC", True)  # nothing set yet

    await consume(api, preferences_handler, preferences("America/New_York"))
    follows = await habit(api)
    own = await habit(api, timezone="Asia/Tokyo")
    assert (follows["timezone"], follows["zone_is_owners"]) == ("America/New_York", True)
    assert (own["timezone"], own["zone_is_owners"]) == ("Asia/Tokyo", False)
    assert [h["timezone"] for h in await updates(api)] == ["America/New_York"]  # the first one moved

    await consume(api, preferences_handler, preferences("Europe/Berlin", time(4)))
    listed = {h["id"]: h for h in (await api.client.get("/v1/habits", headers=api.as_owner(OWNER))).json()}
    assert listed[before["id"]]["timezone"] == listed[follows["id"]]["timezone"] == "Europe/Berlin"
    assert listed[own["id"]]["timezone"] == "Asia/Tokyo"
    assert {h["day_start"] for h in listed.values()} == {"04:00:00"}
    moved = await updates(api)
    assert {(h["id"], h["timezone"], h["day_start"]) for h in moved[-3:]} == {
        (before["id"], "Europe/Berlin", "04:00:00"),
        (follows["id"], "Europe/Berlin", "04:00:00"),
        (own["id"], "Asia/Tokyo", "04:00:00"),
    }

    patched = await api.client.patch(
        f"/v1/habits/{follows['id']}", json={"timezone": "Europe/Berlin"}, headers=api.as_owner(OWNER)
    )
    assert patched.json()["zone_is_owners"] is False  # chosen for the habit: its own from now on


async def test_a_meetup_that_ends_after_midnight_counts_for_the_evening_it_began(api: Api) -> None:
    api.clock.now = datetime(2026, 3, 10, 23, 45, tzinfo=UTC)  # 00:45 on the 11th in Berlin
    await consume(api, preferences_handler, preferences("Europe/Berlin", time(4)))
    created = await habit(api, measure="events_attended", start_date="2026-03-01")
    contact = contacts_contract.ContactSnapshot(
        id="c1",
        display_name="Ada",
        category=Category.PEER,
        tie=Tie.WEAK,
        warmth=Warmth.WARM,
        cadence_days=60,
        version=2,
    )
    event = contacts_contract.InteractionLogged(
        owner_id=OWNER,
        occurred_at=api.clock.now,
        recorded_at=api.clock.now,
        contact=contact,
        interaction=contacts_contract.InteractionSnapshot(
            id="i1",
            contact_id="c1",
            kind=InteractionKind.EVENT,
            direction=Direction.OUTBOUND,
            occurred_at=api.clock.now,
            version=1,
        ),
    )
    await consume(api, interaction_handler, event)
    check_ins = (
        await api.client.get(f"/v1/habits/{created['id']}/check-ins", headers=api.as_owner(OWNER))
    ).json()
    assert [c["date"] for c in check_ins] == ["2026-03-10"]

    # Still the 10th for this owner until 04:00: a manual check-in with no date counts for it,
    # and one for yesterday (the 9th) is taken too.
    today = await api.client.post(
        f"/v1/habits/{created['id']}/check-ins", json={}, headers=api.as_owner(OWNER)
    )
    yesterday = await api.client.post(
        f"/v1/habits/{created['id']}/check-ins", json={"date": "2026-03-09"}, headers=api.as_owner(OWNER)
    )
    assert (today.status_code, today.json()["date"]) == (201, "2026-03-10")
    assert (yesterday.status_code, yesterday.json()["date"]) == (201, "2026-03-09")
    tomorrow = await api.client.post(
        f"/v1/habits/{created['id']}/check-ins", json={"date": "2026-03-11"}, headers=api.as_owner(OWNER)
    )
    assert tomorrow.status_code == 422
