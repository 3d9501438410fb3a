"""Your results over HTTP, on SQLite and PostgreSQL: outreach, answers and meetings by tie, kind,
give-first act and month, from the owner's own interactions (deleted ones and other owners'
left out); a window that makes no sense is a 422 naming the field."""

from typing import Any

from tests.api import Api

OWNER = "student-1"


async def post(api: Api, path: str, body: dict[str, Any], owner: str = OWNER) -> dict[str, Any]:
    response = await api.client.post(path, json=body, headers=api.as_owner(owner))
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_results_count_outreach_answers_and_meetings_by_tie_kind_give_first_and_month(api: Api) -> None:
    ada = await post(api, "/v1/contacts", {"name": "Ada", "tie": "weak"})
    bob = await post(api, "/v1/contacts", {"name": "Bob", "tie": "dormant"})
    logged = [
        (ada, {"kind": "message", "outcome": "replied", "occurred_at": "2026-01-10T10:00:00Z"}),
        (ada, {"kind": "message", "outcome": "no_reply", "occurred_at": "2026-02-10T10:00:00Z"}),
        (
            bob,
            {
                "kind": "give_first",
                "give_first_kind": "article",
                "outcome": "meeting_booked",
                "occurred_at": "2026-02-11T10:00:00Z",
            },
        ),
        (bob, {"kind": "message", "occurred_at": "2026-02-12T10:00:00Z"}),  # no outcome yet
        (ada, {"kind": "coffee_or_call", "direction": "inbound", "occurred_at": "2026-02-20T10:00:00Z"}),
    ]
    for contact, body in logged:
        await post(api, f"/v1/contacts/{contact['id']}/interactions", body)
    deleted = await post(
        api, f"/v1/contacts/{ada['id']}/interactions", {"kind": "message", "outcome": "replied"}
    )
    response = await api.client.delete(f"/v1/interactions/{deleted['id']}", headers=api.as_owner(OWNER))
    assert response.status_code == 204
    other = await post(api, "/v1/contacts", {"name": "Eve"}, owner="someone-else")
    await post(api, f"/v1/contacts/{other['id']}/interactions", {"kind": "message"}, owner="someone-else")

    response = await api.client.get("/v1/results", headers=api.as_owner(OWNER))
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["since"] == "2025-03-02T09:00:00Z"
    assert found["total"] == {
        "interactions": 5,
        "outreach": 4,
        "answered": 2,
        "meetings": 1,
        "answer_rate": 0.5,
    }

    def by(group: str) -> dict[str, tuple[int, int, int]]:
        return {g["key"]: (g["outreach"], g["answered"], g["meetings"]) for g in found[group]}

    # The give-first article revived Bob's dormant tie: the message after it was to a weak tie.
    assert by("by_tie") == {"weak": (3, 1, 0), "dormant": (1, 1, 1)}
    assert by("by_kind") == {"message": (3, 1, 0), "give_first": (1, 1, 1), "coffee_or_call": (0, 0, 0)}
    assert by("by_give_first") == {"none": (3, 1, 0), "article": (1, 1, 1)}
    assert [(g["key"], g["interactions"]) for g in found["by_month"]] == [("2026-01", 1), ("2026-02", 4)]

    february = await api.client.get(
        "/v1/results",
        params={"since": "2026-02-01T00:00:00Z", "until": "2026-03-01T00:00:00Z"},
        headers=api.as_owner(OWNER),
    )
    assert february.json()["total"]["interactions"] == 4


async def test_a_window_that_makes_no_sense_is_refused_naming_the_field(api: Api) -> None:
    for params in (
        {"since": "2026-03-01T00:00:00Z", "until": "2026-02-01T00:00:00Z"},
        {"since": "2020-01-01T00:00:00Z", "until": "2026-02-01T00:00:00Z"},
        {"since": "yesterday"},
    ):
        response = await api.client.get("/v1/results", params=params, headers=api.as_owner(OWNER))
        assert response.status_code == 422, (params, response.text)
        assert "since" in response.text
