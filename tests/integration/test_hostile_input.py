"""Input no service can store answers 422 naming the field, on every service and on SQLite and
PostgreSQL alike, and nothing is stored: non-finite JSON numbers, NUL characters and unpaired
surrogates, in a body, a query parameter, a path id or a token's subject."""

import secrets
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr

from services.contacts.bootstrap import ContactsSettings
from services.contacts.bootstrap import bootstrap as contacts
from services.habits.bootstrap import HabitsSettings
from services.habits.bootstrap import bootstrap as habits
from shared.auth import DEVELOPMENT_SECRET, AuthSettings, mint_token
from tests.api import Api, running_api

NAN_TIE = b'{"name": "Ada", "cadence_days": NaN}'
CASES = [
    ("POST", "/v1/contacts", b'{"name": "Ada", "cadence_days": NaN}', ["body", "cadence_days"]),
    ("POST", "/v1/contacts", b'{"name": "Ada", "cadence_days": Infinity}', ["body", "cadence_days"]),
    ("POST", "/v1/contacts", b'{"name": "Ada", "cadence_days": 1e400}', ["body", "cadence_days"]),
    ("POST", "/v1/contacts", b'{"name": "Ada\\u0000Lovelace"}', ["body", "name"]),
    ("POST", "/v1/contacts", b'{"name": "Ada \\ud800"}', ["body", "name"]),
    ("POST", "/v1/contacts", b'{"name": "Ada", "tags": ["ok", "x\\u0000"]}', ["body", "tags", 1]),
    ("GET", "/v1/contacts?q=ada%00", None, ["query", "q"]),
    ("GET", "/v1/contacts?tag=%ED%A0%80", None, ["query", "tag"]),
    ("GET", "/v1/contacts/abc%00def", None, ["path"]),
]


@pytest.fixture
async def api(database_url: str) -> AsyncIterator[Api]:
    settings = ContactsSettings(database_url=database_url, http_port=8001)
    async with running_api(lambda clock: contacts(settings, clock=clock), "contacts") as built:
        yield built


@pytest.mark.parametrize(("method", "path", "body", "field"), CASES)
async def test_what_no_database_can_store_is_refused_with_the_field_named(
    api: Api, method: str, path: str, body: bytes | None, field: list[Any]
) -> None:
    headers = {**api.as_owner("student-1"), "content-type": "application/json"}
    response = await api.client.request(method, path, content=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == field
    listed = await api.client.get("/v1/contacts", headers=api.as_owner("student-1"))
    assert listed.json()["items"] == []


async def test_a_token_whose_subject_holds_a_nul_is_refused(api: Api) -> None:
    token = mint_token(secret=DEVELOPMENT_SECRET, owner_id="student\x001")
    response = await api.client.get("/v1/contacts", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_a_file_holding_a_nul_is_refused_whole(api: Api) -> None:
    body = b"name,email\nAda\x00,ada@example.org\nGrace,grace@example.org\n"
    response = await api.client.post("/v1/imports/csv", content=body, headers=api.as_owner("student-1"))
    assert response.status_code == 422
    listed = await api.client.get("/v1/contacts", headers=api.as_owner("student-1"))
    assert listed.json()["items"] == []


async def test_the_other_services_refuse_the_same(database_url: str) -> None:
    settings = HabitsSettings(database_url=database_url, http_port=8002)
    async with running_api(lambda clock: habits(settings, clock=clock), "habits") as built:
        body = b'{"name": "Reach\\u0000out", "schedule": {"kind": "daily", "times": NaN}}'
        response = await built.client.post(
            "/v1/habits", content=body, headers={**built.as_owner("s"), "content-type": "application/json"}
        )
    assert response.status_code == 422
    assert {tuple(fault["loc"]) for fault in response.json()["detail"]} == {
        ("body", "name"),
        ("body", "schedule", "times"),
    }


async def test_moments_and_days_no_calendar_can_hold_are_refused_and_nothing_is_stored(api: Api) -> None:
    me = api.as_owner("student-1")
    ada = (await api.client.post("/v1/contacts", json={"name": "Ada"}, headers=me)).json()
    cases = [
        (
            f"/v1/contacts/{ada['id']}/interactions",
            {"kind": "message", "occurred_at": "0001-01-01T00:00:00+14:00"},
            "occurred_at",
        ),
        (
            f"/v1/contacts/{ada['id']}/follow-ups",
            {"title": "Write", "due_at": "9999-12-31T23:59:59-12:00"},
            "due_at",
        ),
        (
            f"/v1/contacts/{ada['id']}/follow-ups",
            {"title": "Write", "due_at": "2026-03-01T10:00:00Z", "proposed_times": ["1899-12-31T23:00:00Z"]},
            "proposed_times",
        ),
    ]
    for path, body, field in cases:
        response = await api.client.post(path, json=body, headers=me)
        assert response.status_code == 422, (path, response.text)
        assert field in response.json()["detail"][0]["loc"]
    assert (await api.client.get(f"/v1/contacts/{ada['id']}/interactions", headers=me)).json() == []
    assert (await api.client.get(f"/v1/contacts/{ada['id']}/follow-ups", headers=me)).json() == []


async def test_a_habit_starting_in_year_1_or_9999_or_decades_ago_is_refused(database_url: str) -> None:
    settings = HabitsSettings(database_url=database_url, http_port=8002)
    async with running_api(lambda clock: habits(settings, clock=clock), "habits") as built:
        me = built.as_owner("s")
        for start in ("0001-01-01", "9999-12-31", "2001-01-01"):
            body = {"name": "Reach out", "schedule": {"kind": "daily"}, "start_date": start}
            response = await built.client.post("/v1/habits", json=body, headers=me)
            assert response.status_code == 422, (start, response.text)
            assert response.json()["detail"][0]["loc"][-1] == "start_date"
        kept = await built.client.post(
            "/v1/habits", json={"name": "Reach out", "schedule": {"kind": "daily"}}, headers=me
        )
        history = await built.client.get(f"/v1/habits/{kept.json()['id']}/history?to=0", headers=me)
        assert history.status_code == 422
        assert [h["name"] for h in (await built.client.get("/v1/habits", headers=me)).json()] == ["Reach out"]


async def test_a_chunked_body_over_the_limit_answers_413(api: Api) -> None:
    """No Content-Length to go by: the limit holds while the body streams in."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(30):
            yield b"x" * 100_000

    response = await api.client.post(
        "/v1/contacts",
        content=chunks(),
        headers={**api.as_owner("student-1"), "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "request body larger than 2097152 bytes"}


@pytest.mark.parametrize(("environment", "served"), [("production", False), ("development", True)])
async def test_the_api_documents_are_served_outside_production_only(
    database_url: str, environment: str, served: bool
) -> None:
    settings = ContactsSettings(
        database_url=database_url,
        http_port=8001,
        environment=environment,
        auth=AuthSettings(jwt_secret=SecretStr(secrets.token_urlsafe(32))),
    )
    async with running_api(lambda clock: contacts(settings, clock=clock), "contacts") as built:
        codes = {path: (await built.client.get(path)).status_code for path in ("/docs", "/openapi.json")}
    assert codes == dict.fromkeys(("/docs", "/openapi.json"), 200 if served else 404)
