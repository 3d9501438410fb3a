"""Deleting a contact for good through the API, on SQLite and PostgreSQL: everything about them
goes (interactions, follow-ups, drafts, interviews, tags), another owner cannot do it, and the
event that announces it carries ids only."""

import json

from sqlalchemy import func, select

from services.contacts.adapters import db
from shared.db.outbox import TOMBSTONE
from tests.api import Api

ME = "student-erasing"


async def count(api: Api, table: object) -> int:
    async with api.runtime.engine.connect() as connection:
        found: int = await connection.scalar(select(func.count()).select_from(table)) or 0  # type: ignore[arg-type]
        return found


async def test_a_contact_erased_leaves_nothing_behind_and_only_its_owner_can(api: Api) -> None:
    me = api.as_owner(ME)
    ada = (await api.client.post("/v1/contacts", json={"name": "Ada", "tags": ["math"]}, headers=me)).json()
    keep = (await api.client.post("/v1/contacts", json={"name": "Grace"}, headers=me)).json()
    base = f"/v1/contacts/{ada['id']}"
    talk = (await api.client.post(f"{base}/interactions", json={"kind": "message"}, headers=me)).json()
    await api.client.post(
        f"{base}/follow-ups",
        json={"title": "x", "due_at": "2026-04-01T09:00:00Z", "interaction_id": talk["id"]},
        headers=me,
    )
    await api.client.post(f"{base}/drafts", json={"subject": "Hi", "body": "Dear Ada"}, headers=me)
    await api.client.post(f"{base}/interviews", json={"scheduled_at": "2026-04-02T09:00:00Z"}, headers=me)
    await api.client.post(f"/v1/contacts/{keep['id']}/interactions", json={"kind": "message"}, headers=me)

    intruder = await api.client.post(f"{base}/erase", headers=api.as_owner("mallory"))
    assert intruder.status_code == 404
    assert (await api.client.post(f"{base}/erase", headers=me)).status_code == 204
    assert (await api.client.get(base, headers=me)).status_code == 404
    assert (await api.client.post(f"{base}/erase", headers=me)).status_code == 404
    assert [
        await count(api, t)
        for t in (db.contacts, db.interactions, db.follow_ups, db.drafts, db.interviews, db.contact_tags)
    ] == [1, 1, 0, 0, 0, 0]
    async with api.runtime.engine.connect() as connection:
        [data] = (
            (
                await connection.execute(
                    select(db.outbox.c.data).where(db.outbox.c.type == "keepwarm.contact.erased.v1")
                )
            )
            .scalars()
            .all()
        )
    event = json.loads(data)
    assert (event["contact_id"], event["interaction_ids"], len(event["follow_up_ids"])) == (
        ada["id"],
        [talk["id"]],
        2,
    )
    assert "Ada" not in data.decode()
    async with api.runtime.engine.connect() as connection:
        state = db.outbox.c.topic == api.runtime.settings.kafka.topics.contacts_state
        rows = (await connection.execute(select(db.outbox.c.key, db.outbox.c.type).where(state))).all()
    ended = {f"contact/{ada['id']}", f"interaction/{talk['id']}"} | {
        f"follow_up/{i}" for i in event["follow_up_ids"]
    }
    # the state topic hears the erased entities end, and the outbox keeps nothing else of them
    assert sorted(row for row in rows if row[0] in ended) == sorted((key, TOMBSTONE) for key in ended)
    assert f"contact/{keep['id']}" in {key for key, _ in rows}
