"""The habits API over HTTP, on SQLite and PostgreSQL."""

from typing import Any

from sqlalchemy import select

from services.habits.adapters import db
from tests.api import Api, assert_routes_are_owner_scoped, outbox_count

OUTREACH = {
    "name": "Three outreach messages a week",
    "measure": "outreach_messages",
    "schedule": {"kind": "times_per_week", "times": 3},
    "timezone": "Europe/Berlin",
    "reminder_time": "18:00",
}


async def create(api: Api, owner: str = "student-1", **fields: Any) -> dict[str, Any]:
    response = await api.client.post("/v1/habits", json={**OUTREACH, **fields}, headers=api.as_owner(owner))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def outbox_types(api: Api) -> list[str]:
    async with api.runtime.engine.connect() as connection:
        stream = db.outbox.c.topic == api.runtime.settings.kafka.topics.habits
        rows = await connection.execute(select(db.outbox.c.type).where(stream).order_by(db.outbox.c.id))
        return list(rows.scalars())


async def test_a_habit_is_created_checked_in_paused_resumed_and_archived(api: Api) -> None:
    me = api.as_owner("student-1")
    habit = await create(api, start_date="2026-02-23")
    assert habit["rule"] == {
        "kinds": ["introduction_request", "message"],
        "direction": "outbound",
        "categories": [],
        "ties": [],
    }
    url = f"/v1/habits/{habit['id']}"
    done = await api.client.post(f"{url}/check-ins", json={"date": "2026-02-24", "count": 2}, headers=me)
    assert done.status_code == 201, done.text
    today = await api.client.post(f"{url}/check-ins", headers=me)
    assert today.json()["date"] == "2026-03-02"
    assert (await api.client.post(f"{url}/pause", headers=me)).json()["paused"] is True
    refused = await api.client.post(f"{url}/check-ins", json={"date": "2026-03-02"}, headers=me)
    assert refused.status_code == 422
    api.clock.advance(days=3)
    resumed = (await api.client.post(f"{url}/resume", headers=me)).json()
    assert resumed["pauses"] == [{"start": "2026-03-02", "end": "2026-03-04"}]

    history = await api.client.get(
        f"{url}/history", params={"from": "2026-02-23", "to": "2026-03-08"}, headers=me
    )
    assert history.json() == [
        {"start": "2026-02-23", "end": "2026-03-01", "target": 3, "done": 2, "met": False, "paused_days": 0},
        # today's check-in fell on a day that was paused afterwards: it no longer counts
        {"start": "2026-03-02", "end": "2026-03-08", "target": 3, "done": 0, "met": False, "paused_days": 3},
    ]
    undo = await api.client.delete(f"{url}/check-ins/{done.json()['id']}", headers=me)
    assert undo.status_code == 204
    assert (await api.client.delete(f"{url}/check-ins/{done.json()['id']}", headers=me)).status_code == 409
    assert (await api.client.delete(url, headers=me)).status_code == 204
    assert (await api.client.get("/v1/habits", headers=me)).json() == []
    assert await outbox_types(api) == [
        "keepwarm.habit.created.v1",
        "keepwarm.habit.checked_in.v1",
        "keepwarm.habit.checked_in.v1",
        "keepwarm.habit.paused.v1",
        "keepwarm.habit.resumed.v1",
        "keepwarm.check_in.reverted.v1",
        "keepwarm.habit.archived.v1",
    ]


async def test_editing_the_time_zone_and_schedule_is_published_with_what_changed(api: Api) -> None:
    me = api.as_owner("student-1")
    habit = await create(api)
    edited = await api.client.patch(
        f"/v1/habits/{habit['id']}",
        json={"timezone": "Asia/Kolkata", "schedule": {"kind": "weekdays", "weekdays": [1, 3, 5]}},
        headers=me,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["schedule"]["weekdays"] == [1, 3, 5]
    assert edited.json()["version"] == 2
    async with api.runtime.engine.connect() as connection:
        stream = db.outbox.c.topic == api.runtime.settings.kafka.topics.habits
        data = await connection.scalar(
            select(db.outbox.c.data).where(stream).order_by(db.outbox.c.id.desc()).limit(1)
        )
    assert isinstance(data, bytes)
    assert b'"changed":["schedule","timezone"]' in data


async def test_bad_input_gets_a_clear_4xx_and_changes_nothing(api: Api) -> None:
    me = api.as_owner("student-1")
    habit = await create(api)
    url = f"/v1/habits/{habit['id']}"
    before = await outbox_count(api, db.outbox)
    cases: list[tuple[str, str, dict[str, Any] | None, int, str | None]] = [
        ("POST", "/v1/habits", {**OUTREACH, "timezone": "Mars/Base"}, 422, "timezone"),
        ("POST", "/v1/habits", {**OUTREACH, "schedule": {"kind": "every_n_days"}}, 422, "schedule"),
        (
            "POST",
            "/v1/habits",
            {**OUTREACH, "schedule": {"kind": "weekdays", "weekdays": [8]}},
            422,
            "weekdays",
        ),
        ("POST", "/v1/habits", {**OUTREACH, "measure": "vibes"}, 422, "measure"),
        ("POST", "/v1/habits", {**OUTREACH, "name": ""}, 422, "name"),
        ("PATCH", url, {"timezone": None}, 422, "timezone"),
        ("POST", f"{url}/check-ins", {"date": "2026-03-09"}, 422, "date"),
        ("POST", f"{url}/check-ins", {"count": 0}, 422, "count"),
        ("POST", f"{url}/resume", None, 409, None),
        ("GET", f"{url}/history?from=2026-03-09&to=2026-03-01", None, 422, "to"),
        ("GET", f"{url}/history?from=2024-01-01&to=2026-03-01", None, 422, "to"),
        ("GET", f"{url}/history?from=yesterday&to=2026-03-01", None, 422, "from"),
        ("GET", "/v1/habits/nope", None, 404, None),
    ]
    for method, path, body, status, field in cases:
        response = await api.client.request(method, path, json=body, headers=me)
        assert response.status_code == status, (method, path, body, response.text)
        if field is not None:
            assert field in [str(part) for item in response.json()["detail"] for part in item["loc"]], (
                response.text
            )
    assert await outbox_count(api, db.outbox) == before


async def test_another_owner_gets_404_on_every_route(api: Api) -> None:
    alice, mallory = api.as_owner("alice"), api.as_owner("mallory")
    habit = await create(api, owner="alice", name="Alice's secret habit")
    entry = (await api.client.post(f"/v1/habits/{habit['id']}/check-ins", headers=alice)).json()
    before = await outbox_count(api, db.outbox)
    checked = await assert_routes_are_owner_scoped(
        api,
        intruder=mallory,
        ids={"habit_id": habit["id"], "check_in_id": entry["id"]},
        bodies={("PATCH", "/v1/habits/{habit_id}"): {"name": "mine"}},
        not_id_scoped={
            ("POST", "/v1/habits"),
            ("GET", "/v1/habits"),
            ("GET", "/v1/export"),  # the caller's own part of their archive
            ("GET", "/v1/export/schema"),
        },
        secret="Alice's secret habit",
    )
    assert "secret habit" not in (await api.client.get("/v1/export", headers=mallory)).text
    assert checked == 9
    assert (
        await api.client.get("/v1/habits", params={"include_archived": True}, headers=mallory)
    ).json() == []
    assert await outbox_count(api, db.outbox) == before
    assert (await api.client.get(f"/v1/habits/{habit['id']}", headers=alice)).json()["version"] == 1
