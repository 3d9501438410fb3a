"""The contacts API over HTTP, on SQLite and PostgreSQL: the tracker's everyday use and its
answers to bad input."""

import json
from typing import Any

from sqlalchemy import func, select

from services.contacts.adapters import db
from tests.contacts.conftest import Api

ADA = {
    "name": "Ada Lovelace",
    "category": "mentor",
    "tie": "weak",
    "company": "Analytical Engines",
    "emails": ["ada@example.org"],
    "tags": ["Math", "engines"],
    "ask": "How did you pick your first project?",
}


async def add(api: Api, owner: str = "student-1", **fields: Any) -> dict[str, Any]:
    response = await api.client.post("/v1/contacts", json={**ADA, **fields}, headers=api.as_owner(owner))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def outbox_types(api: Api) -> list[str]:
    async with api.runtime.engine.connect() as connection:
        stream = db.outbox.c.topic == api.runtime.settings.kafka.topics.contacts
        rows = await connection.execute(select(db.outbox.c.type).where(stream).order_by(db.outbox.c.id))
        return list(rows.scalars())


async def test_a_contact_is_added_read_edited_and_archived(api: Api) -> None:
    me = api.as_owner("student-1")
    ada = await add(api)
    assert ada["tags"] == ["engines", "math"]
    assert ada["cadence_days"] == 60
    assert ada["cadence_is_default"] is True
    assert ada["going_cold"] is False

    edited = await api.client.patch(
        f"/v1/contacts/{ada['id']}", json={"tie": "strong", "role": None}, headers=me
    )
    assert edited.status_code == 200
    assert edited.json()["cadence_days"] == 21
    assert edited.json()["version"] == 2

    unchanged = await api.client.patch(f"/v1/contacts/{ada['id']}", json={"tie": "strong"}, headers=me)
    assert unchanged.json()["version"] == 2

    assert (await api.client.delete(f"/v1/contacts/{ada['id']}", headers=me)).status_code == 204
    listed = await api.client.get("/v1/contacts", headers=me)
    assert listed.json()["items"] == []
    archived = await api.client.get("/v1/contacts", params={"include_archived": True}, headers=me)
    assert [c["archived"] for c in archived.json()["items"]] == [True]
    assert await outbox_types(api) == [
        "keepwarm.contact.added.v1",
        "keepwarm.contact.updated.v1",
        "keepwarm.contact.archived.v1",
    ]


async def test_contacts_filter_search_and_paginate(api: Api) -> None:
    me = api.as_owner("student-1")
    for n in range(7):
        await add(
            api,
            name=f"Person {n}",
            emails=[],
            company="Initech" if n % 2 else "Globex",
            tie="dormant" if n == 3 else "weak",
            tags=["alumni"] if n < 2 else [],
        )
    pages, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await api.client.get("/v1/contacts", params=params, headers=me)).json()
        pages.append([c["name"] for c in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == [["Person 0", "Person 1", "Person 2"], ["Person 3", "Person 4", "Person 5"], ["Person 6"]]

    async def names(**params: Any) -> list[str]:
        response = await api.client.get("/v1/contacts", params=params, headers=me)
        assert response.status_code == 200, response.text
        return [c["name"] for c in response.json()["items"]]

    assert await names(tie="dormant") == ["Person 3"]
    assert await names(tag="ALUMNI") == ["Person 0", "Person 1"]  # tags ignore case
    assert await names(tag="alumni") == ["Person 0", "Person 1"]
    assert await names(q="initech") == ["Person 1", "Person 3", "Person 5"]
    assert await names(q="son 6") == ["Person 6"]
    assert await names(q="100%") == []

    api.clock.advance(days=61)
    assert len(await names(going_cold=True)) == 6  # the dormant one has a 180-day cadence


async def test_interactions_move_the_last_touch_and_revive_a_dormant_tie(api: Api) -> None:
    me = api.as_owner("student-1")
    grace = await add(api, name="Grace Hopper", tie="dormant", emails=[])
    logged = await api.client.post(
        f"/v1/contacts/{grace['id']}/interactions",
        json={"kind": "coffee_or_call", "occurred_at": "2026-03-01T15:00:00+01:00", "takeaway": "Ship early"},
        headers=me,
    )
    assert logged.status_code == 201, logged.text
    after = (await api.client.get(f"/v1/contacts/{grace['id']}", headers=me)).json()
    assert after["tie"] == "weak"
    assert after["last_interaction_at"] == "2026-03-01T14:00:00Z"

    interaction_id = logged.json()["id"]
    moved = await api.client.patch(
        f"/v1/interactions/{interaction_id}", json={"occurred_at": "2026-02-20T10:00:00Z"}, headers=me
    )
    assert moved.status_code == 200
    assert (await api.client.delete(f"/v1/interactions/{interaction_id}", headers=me)).status_code == 204
    after = (await api.client.get(f"/v1/contacts/{grace['id']}", headers=me)).json()
    assert after["last_interaction_at"] is None
    assert (await api.client.get(f"/v1/contacts/{grace['id']}/interactions", headers=me)).json() == []
    assert await outbox_types(api) == [
        "keepwarm.contact.added.v1",
        "keepwarm.interaction.logged.v1",
        "keepwarm.interaction.updated.v1",
        "keepwarm.interaction.deleted.v1",
    ]


async def test_follow_ups_are_scheduled_rescheduled_completed_and_cannot_be_reopened(api: Api) -> None:
    me = api.as_owner("student-1")
    ada = await add(api)
    created = await api.client.post(
        f"/v1/contacts/{ada['id']}/follow-ups",
        json={
            "title": "Send the article on Babbage",
            "due_at": "2026-03-05T09:00:00Z",
            "proposed_times": ["2026-03-06T16:00:00Z", "2026-03-06T15:00:00Z"],
        },
        headers=me,
    )
    assert created.status_code == 201, created.text
    follow_up = created.json()
    assert follow_up["proposed_times"] == ["2026-03-06T15:00:00Z", "2026-03-06T16:00:00Z"]
    moved = await api.client.post(
        f"/v1/follow-ups/{follow_up['id']}/reschedule", json={"due_at": "2026-03-09T09:00:00Z"}, headers=me
    )
    assert moved.json()["due_at"] == "2026-03-09T09:00:00Z"
    assert moved.json()["version"] == 2
    done = await api.client.post(f"/v1/follow-ups/{follow_up['id']}/complete", headers=me)
    assert done.json()["status"] == "done"
    again = await api.client.post(f"/v1/follow-ups/{follow_up['id']}/cancel", headers=me)
    assert again.status_code == 409
    assert again.json() == {"detail": "the follow-up is done"}
    open_ones = await api.client.get(
        f"/v1/contacts/{ada['id']}/follow-ups", params={"status": "open"}, headers=me
    )
    assert open_ones.json() == []


async def test_archiving_a_contact_cancels_its_open_follow_ups(api: Api) -> None:
    me = api.as_owner("student-1")
    ada = await add(api)
    await api.client.post(
        f"/v1/contacts/{ada['id']}/follow-ups",
        json={"title": "Say thanks", "due_at": "2026-03-05T09:00:00Z"},
        headers=me,
    )
    await api.client.delete(f"/v1/contacts/{ada['id']}", headers=me)
    [follow_up] = (await api.client.get(f"/v1/contacts/{ada['id']}/follow-ups", headers=me)).json()
    assert follow_up["status"] == "cancelled"
    assert (await outbox_types(api))[-2:] == [
        "keepwarm.followup.cancelled.v1",
        "keepwarm.contact.archived.v1",
    ]


async def test_bad_input_gets_a_clear_4xx_and_changes_nothing(api: Api) -> None:
    me = api.as_owner("student-1")
    ada = await add(api)

    async def status_and_fields(method: str, url: str, **kwargs: Any) -> tuple[int, list[Any]]:
        headers = {**me, **kwargs.pop("headers", {})}
        response = await api.client.request(method, url, headers=headers, **kwargs)
        detail = response.json().get("detail")
        fields = [item["loc"][-1] for item in detail] if isinstance(detail, list) else [detail]
        return response.status_code, fields

    cases: list[tuple[str, str, dict[str, Any], int, list[Any]]] = [
        ("POST", "/v1/contacts", {"json": {"name": ""}}, 422, ["name"]),
        ("POST", "/v1/contacts", {"json": {"name": "X", "tie": "lukewarm"}}, 422, ["tie"]),
        ("POST", "/v1/contacts", {"json": {"name": "X", "emails": ["not-an-email"]}}, 422, ["emails"]),
        (
            "POST",
            "/v1/contacts",
            {"json": {"name": "X", "linkedin_url": "https://example.com/ada"}},
            422,
            ["linkedin_url"],
        ),
        ("POST", "/v1/contacts", {"json": {"name": "X", "cadence_days": 0}}, 422, ["cadence_days"]),
        ("POST", "/v1/contacts", {"json": {"name": "X", "surprise": 1}}, 422, ["surprise"]),
        (
            "POST",
            "/v1/contacts",
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            422,
            [1],
        ),
        ("PATCH", f"/v1/contacts/{ada['id']}", {"json": {"name": None}}, 422, ["name"]),
        ("GET", "/v1/contacts?limit=500", {}, 422, ["limit"]),
        ("GET", "/v1/contacts?cursor=garbage", {}, 422, ["cursor"]),
        (
            "POST",
            f"/v1/contacts/{ada['id']}/interactions",
            {"json": {"kind": "give_first"}},
            422,
            ["give_first_kind"],
        ),
        (
            "POST",
            f"/v1/contacts/{ada['id']}/interactions",
            {"json": {"kind": "message", "occurred_at": "2026-03-01T10:00:00"}},
            422,
            ["occurred_at"],
        ),
        (
            "POST",
            f"/v1/contacts/{ada['id']}/interactions",
            {"json": {"kind": "message", "occurred_at": "2027-01-01T10:00:00Z"}},
            422,
            ["occurred_at"],
        ),
        (
            "POST",
            f"/v1/contacts/{ada['id']}/follow-ups",
            {"json": {"title": " ", "due_at": "2026-03-05T09:00:00Z"}},
            422,
            ["title"],
        ),
        (
            "POST",
            f"/v1/contacts/{ada['id']}/follow-ups",
            {"json": {"title": "x", "due_at": "2026-03-05T09:00:00Z", "interaction_id": "nope"}},
            422,
            ["interaction_id"],
        ),
        ("POST", "/v1/imports/linkedin", {"content": b"Name,Email\nAda,ada@x.org\n"}, 422, ["body"]),
        ("POST", "/v1/imports/csv", {"content": "name\n".encode("utf-16")}, 422, ["body"]),
        ("POST", "/v1/imports/xlsx", {"content": b"x"}, 422, ["file_format"]),
        ("GET", "/v1/contacts/does-not-exist", {}, 404, ["contact not found"]),
        ("POST", "/v1/follow-ups/does-not-exist/complete", {}, 404, ["follow-up not found"]),
    ]
    for method, url, kwargs, expected_status, expected_fields in cases:
        assert await status_and_fields(method, url, **kwargs) == (expected_status, expected_fields), (
            method,
            url,
            kwargs,
        )

    too_big = await api.client.post(
        "/v1/contacts", content=b"x" * 3_000_000, headers={**me, "content-type": "application/json"}
    )
    assert too_big.status_code == 413
    unauthenticated = await api.client.get("/v1/contacts")
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["www-authenticate"] == "Bearer"
    forged = await api.client.get("/v1/contacts", headers={"Authorization": "Bearer not.a.token"})
    assert forged.status_code == 401
    assert await outbox_types(api) == ["keepwarm.contact.added.v1"]
    async with api.runtime.engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(db.contacts)) == 1


async def test_the_drift_job_cools_silent_ties_and_publishes_the_change(api: Api) -> None:
    me = api.as_owner("student-1")
    ada = await add(api, tie="strong")
    talked = await add(api, name="Grace Hopper", tie="strong", emails=[])
    api.clock.advance(days=60)
    await api.client.post(f"/v1/contacts/{talked['id']}/interactions", json={"kind": "message"}, headers=me)
    api.clock.advance(days=31)
    [drift] = api.runtime.jobs
    assert await drift.run() == 1
    assert (await api.client.get(f"/v1/contacts/{ada['id']}", headers=me)).json()["tie"] == "weak"
    assert (await api.client.get(f"/v1/contacts/{talked['id']}", headers=me)).json()["tie"] == "strong"
    api.clock.advance(days=90)
    assert await drift.run() == 2  # ada: weak → dormant at 180 days; grace: strong → weak at 90
    assert await drift.run() == 0
    async with api.runtime.engine.connect() as connection:
        data = await connection.execute(
            select(db.outbox.c.data).where(
                db.outbox.c.type == "keepwarm.contact.updated.v1",
                db.outbox.c.topic == api.runtime.settings.kafka.topics.contacts,
            )
        )
        changed = [json.loads(row)["changed"] for row in data.scalars()]
    assert changed == [["tie"], ["tie"], ["tie"]]
