"""Every route, called by another owner with this owner's ids, answers 404 and changes nothing;
the lists and exports of another owner never show this owner's data."""

from typing import Any

from sqlalchemy import func, select

from services.contacts.adapters import db
from tests.api import Api, assert_routes_are_owner_scoped

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PATCH", "/v1/contacts/{contact_id}"): {"name": "Mallory"},
    ("POST", "/v1/contacts/{contact_id}/interactions"): {"kind": "message"},
    ("PATCH", "/v1/interactions/{interaction_id}"): {"takeaway": "mine now"},
    ("POST", "/v1/contacts/{contact_id}/follow-ups"): {"title": "x", "due_at": "2026-04-01T09:00:00Z"},
    ("POST", "/v1/follow-ups/{follow_up_id}/reschedule"): {"due_at": "2026-04-01T09:00:00Z"},
    ("POST", "/v1/contacts/{contact_id}/drafts"): {"subject": "Hi", "body": "Hello"},
    ("PATCH", "/v1/drafts/{draft_id}"): {"body": "mine now"},
    ("POST", "/v1/contacts/{contact_id}/interviews"): {"scheduled_at": "2026-04-01T09:00:00Z"},
    ("PATCH", "/v1/interviews/{interview_id}"): {"questions": ["mine now?"]},
    ("POST", "/v1/interviews/{interview_id}/held"): {"takeaway": "mine now"},
    ("POST", "/v1/interviews/{interview_id}/proposals/{kind}/accept"): {},
}
NOT_ID_SCOPED = {
    ("POST", "/v1/erasure"),  # the caller's own
    ("GET", "/v1/erasure"),
    ("POST", "/v1/erasures/{owner_id}"),  # the operator role's
    ("GET", "/v1/erasures/{owner_id}"),
    ("POST", "/v1/contacts"),
    ("GET", "/v1/contacts"),
    ("POST", "/v1/imports/{file_format}"),
    ("GET", "/v1/exports/contacts.csv"),
    ("GET", "/v1/exports/contacts.vcf"),
    ("GET", "/v1/export"),  # the caller's own part of their archive
    ("GET", "/v1/export/schema"),  # the same for everyone
    ("GET", "/v1/results"),
    ("GET", "/v1/interviews"),
    ("POST", "/v1/goals"),
    ("GET", "/v1/goals"),
    ("POST", "/v1/links"),  # the signed link is the credential, not the bearer token
}


async def snapshot(api: Api) -> list[Any]:
    async with api.runtime.engine.connect() as connection:
        return [
            await connection.scalar(select(func.count()).select_from(db.outbox)),
            list((await connection.execute(select(db.contacts).order_by(db.contacts.c.id))).all()),
            list((await connection.execute(select(db.interactions))).all()),
            list((await connection.execute(select(db.follow_ups))).all()),
            list((await connection.execute(select(db.drafts))).all()),
            list((await connection.execute(select(db.interviews))).all()),
            list((await connection.execute(select(db.goals))).all()),
        ]


async def test_another_owner_gets_404_on_every_route_and_changes_nothing(api: Api) -> None:
    alice, mallory = api.as_owner("alice"), api.as_owner("mallory")
    contact = (
        await api.client.post(
            "/v1/contacts", json={"name": "Ada", "emails": ["ada@example.org"]}, headers=alice
        )
    ).json()
    interaction = (
        await api.client.post(
            f"/v1/contacts/{contact['id']}/interactions", json={"kind": "message"}, headers=alice
        )
    ).json()
    follow_up = (
        await api.client.post(
            f"/v1/contacts/{contact['id']}/follow-ups",
            json={"title": "Thank", "due_at": "2026-04-01T09:00:00Z"},
            headers=alice,
        )
    ).json()
    draft = (
        await api.client.post(
            f"/v1/contacts/{contact['id']}/drafts",
            json={"subject": "Hi Ada", "body": "Ada, hello"},
            headers=alice,
        )
    ).json()
    interview = (
        await api.client.post(
            f"/v1/contacts/{contact['id']}/interviews",
            json={"scheduled_at": "2026-04-01T09:00:00Z"},
            headers=alice,
        )
    ).json()
    goal = (
        await api.client.post(
            "/v1/goals", json={"kind": "people_in_role", "target": 5, "role": "Ada"}, headers=alice
        )
    ).json()
    ids = {
        "contact_id": contact["id"],
        "interaction_id": interaction["id"],
        "follow_up_id": follow_up["id"],
        "draft_id": draft["id"],
        "interview_id": interview["id"],
        "goal_id": goal["id"],
        "kind": "thank_you",
    }
    before = await snapshot(api)

    checked = await assert_routes_are_owner_scoped(
        api, intruder=mallory, ids=ids, bodies=BODIES, not_id_scoped=NOT_ID_SCOPED, secret="Ada"
    )
    assert checked >= 12

    listed = await api.client.get("/v1/contacts", params={"include_archived": True}, headers=mallory)
    assert listed.json()["items"] == []
    for export in ("/v1/exports/contacts.csv", "/v1/exports/contacts.vcf", "/v1/export"):
        assert "Ada" not in (await api.client.get(export, headers=mallory)).text
    # the same file imported by another owner creates their own contact, never touching alice's
    imported = await api.client.post(
        "/v1/imports/csv", content=b"name,email\nAda,ada@example.org\n", headers=mallory
    )
    assert imported.json()["created"] == 1
    after = await snapshot(api)
    assert [row for row in after[1] if row.owner_id == "alice"] == [
        row for row in before[1] if row.owner_id == "alice"
    ]
    assert after[2:] == before[2:]
