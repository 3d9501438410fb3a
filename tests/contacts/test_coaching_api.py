"""Coaching through the contacts API, on SQLite and PostgreSQL: a draft checked against the
warm-message rules and sent (which logs the outbound message); an informational interview from
preparation to the thank-you and update follow-ups; goals counted as contacts and conversations
happen, celebrated once when reached."""

import json
from typing import Any

from sqlalchemy import select

from services.contacts.adapters import db
from tests.api import Api

ME = "student-coached"


async def events(api: Api, prefix: str) -> list[dict[str, Any]]:
    async with api.runtime.engine.connect() as connection:
        rows = await connection.execute(
            select(db.outbox.c.type, db.outbox.c.data)
            .where(
                db.outbox.c.type.like(f"{prefix}%"),
                db.outbox.c.topic == api.runtime.settings.kafka.topics.contacts,
            )
            .order_by(db.outbox.c.id)
        )
        return [{"type": kind, **json.loads(data)} for kind, data in rows.all()]


async def contact(api: Api, **fields: Any) -> dict[str, Any]:
    response = await api.client.post("/v1/contacts", json=fields, headers=api.as_owner(ME))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_draft_is_checked_as_it_is_written_and_sending_it_logs_the_message(api: Api) -> None:
    me = api.as_owner(ME)
    ada = await contact(api, name="Ada Lovelace", company="Analytical Engines", role="Staff Engineer")
    first = await api.client.post(
        f"/v1/contacts/{ada['id']}/drafts",
        json={"subject": "Hello", "body": "Hi, are you hiring? I would love a referral."},
        headers=me,
    )
    assert first.status_code == 201
    draft = first.json()
    failed = {f["rule"]: f for f in draft["findings"] if not f["passed"]}
    assert set(failed) == {
        "subject_says_who_and_why",
        "common_ground",
        "small_specific_ask",
        "time_options",
        "no_job_or_referral_ask",
    }
    assert [s["text"] for s in failed["no_job_or_referral_ask"]["spans"]] == ["hiring", "referral"]

    better = await api.client.patch(
        f"/v1/drafts/{draft['id']}",
        json={
            "subject": "Question from a bootcamp student",
            "body": "Hi Ada, your work at Analytical Engines is why I write. Could I ask one question "
            "in a 15-minute call, Tuesday at 3pm or Thursday at 10am?",
        },
        headers=me,
    )
    assert all(f["passed"] for f in better.json()["findings"]), better.json()["findings"]

    sent = await api.client.post(f"/v1/drafts/{draft['id']}/send", headers=me)
    assert sent.status_code == 200
    assert sent.json()["sent_at"] is not None
    talks = (await api.client.get(f"/v1/contacts/{ada['id']}/interactions", headers=me)).json()
    assert [(t["id"], t["kind"], t["direction"]) for t in talks] == [
        (sent.json()["interaction_id"], "message", "outbound")
    ]
    assert (await api.client.post(f"/v1/drafts/{draft['id']}/send", headers=me)).status_code == 409
    assert (
        await api.client.patch(f"/v1/drafts/{draft['id']}", json={"body": "x"}, headers=me)
    ).status_code == 409
    [event] = await events(api, "keepwarm.draft.")
    assert (event["type"], event["interaction_id"], event["failed"]) == (
        "keepwarm.draft.sent.v1",
        talks[0]["id"],
        [],
    )
    assert "body" not in event  # no text leaves with it
    assert "subject" not in event


async def test_the_same_text_to_two_people_is_flagged_as_a_template(api: Api) -> None:
    me = api.as_owner(ME)
    ada, grace = await contact(api, name="Ada Lovelace"), await contact(api, name="Grace Hopper")
    text = (
        "Hi {0}, I am a bootcamp student learning to build compilers and would love your advice on my "
        "first year."
    )
    await api.client.post(
        f"/v1/contacts/{ada['id']}/drafts", json={"subject": "Hi", "body": text.format("Ada")}, headers=me
    )
    second = await api.client.post(
        f"/v1/contacts/{grace['id']}/drafts", json={"subject": "Hi", "body": text.format("Grace")}, headers=me
    )
    [finding] = [f for f in second.json()["findings"] if f["rule"] == "written_for_them"]
    assert finding["passed"] is False
    assert "Ada Lovelace" in finding["explanation"]


async def test_an_informational_interview_from_preparation_to_its_follow_ups(api: Api) -> None:
    me = api.as_owner(ME)
    ada = await contact(api, name="Ada Lovelace", category="mentor")
    prepared = await api.client.post(
        f"/v1/contacts/{ada['id']}/interviews", json={"scheduled_at": "2026-03-10T15:00:00Z"}, headers=me
    )
    assert prepared.status_code == 201, prepared.text
    interview = prepared.json()
    assert interview["stage"] == "prepared"
    assert interview["questions"][0] == "What do you wish you had known in your first year in this field?"
    steps = (await api.client.get(f"/v1/contacts/{ada['id']}/follow-ups", headers=me)).json()
    assert [(s["id"], s["due_at"]) for s in steps] == [(interview["reminder_id"], "2026-03-08T15:00:00Z")]

    moved = await api.client.patch(
        f"/v1/interviews/{interview['id']}",
        json={
            "scheduled_at": "2026-03-12T15:00:00Z",
            "questions": ["How did you start?", "What would you do in my place?"],
        },
        headers=me,
    )
    assert moved.json()["questions"] == ["How did you start?", "What would you do in my place?"]
    reminder = (await api.client.get(f"/v1/follow-ups/{interview['reminder_id']}", headers=me)).json()
    assert reminder["due_at"] == "2026-03-10T15:00:00Z"

    no_takeaway = await api.client.post(
        f"/v1/interviews/{interview['id']}/held", json={"takeaway": " "}, headers=me
    )
    assert no_takeaway.status_code == 422
    assert "takeaway" in no_takeaway.text
    api.clock.advance(days=10)
    held = await api.client.post(
        f"/v1/interviews/{interview['id']}/held", json={"takeaway": "Read the Bernoulli notes"}, headers=me
    )
    assert held.status_code == 200, held.text
    proposals = {p["kind"]: p for p in held.json()["proposals"]}
    assert proposals["thank_you"]["due_at"] == "2026-03-13T10:00:00Z"
    assert proposals["update"]["due_at"] == "2026-03-29T10:00:00Z"
    assert {p["status"] for p in proposals.values()} == {"proposed"}
    reminder = (await api.client.get(f"/v1/follow-ups/{interview['reminder_id']}", headers=me)).json()
    assert reminder["status"] == "done"

    base = f"/v1/interviews/{interview['id']}/proposals"
    accepted = (await api.client.post(f"{base}/thank_you/accept", json={}, headers=me)).json()
    moved_update = await api.client.post(
        f"{base}/update/accept", json={"due_at": "2026-04-02T09:00:00Z"}, headers=me
    )
    assert moved_update.status_code == 200
    assert (await api.client.post(f"{base}/update/drop", headers=me)).status_code == 409
    steps = (
        await api.client.get(f"/v1/contacts/{ada['id']}/follow-ups", headers=me, params={"status": "open"})
    ).json()
    assert sorted((s["title"], s["due_at"]) for s in steps) == [
        ("Tell Ada Lovelace what came of it: Read the Bernoulli notes", "2026-04-02T09:00:00Z"),
        ("Thank Ada Lovelace for the conversation", "2026-03-13T10:00:00Z"),
    ]
    assert {p["follow_up_id"] for p in accepted["proposals"]} - {None}
    talks = (await api.client.get(f"/v1/contacts/{ada['id']}/interactions", headers=me)).json()
    assert [(t["kind"], t["takeaway"]) for t in talks] == [
        ("informational_interview", "Read the Bernoulli notes")
    ]
    [prepared_event] = await events(api, "keepwarm.interview.")
    assert (prepared_event["interview_id"], prepared_event["questions"]) == (interview["id"], 3)


async def test_goals_are_counted_as_things_happen_and_celebrated_once(api: Api) -> None:
    me = api.as_owner(ME)
    set_goal = await api.client.post(
        "/v1/goals", json={"kind": "people_in_role", "target": 2, "role": "data engineer"}, headers=me
    )
    assert set_goal.status_code == 201
    goal = set_goal.json()
    assert (goal["title"], goal["progress"], goal["reached_at"]) == (
        "2 people who are data engineer",
        0,
        None,
    )
    revive = (
        await api.client.post("/v1/goals", json={"kind": "dormant_ties_revived", "target": 1}, headers=me)
    ).json()
    assert revive["title"] == "Revive 1 dormant ties in March 2026"

    await contact(api, name="Ada", role="Senior Data Engineer")
    await contact(api, name="Grace", role="Admiral")
    linus = await contact(api, name="Linus", role="Data Engineer", tie="dormant")
    await api.client.post(f"/v1/contacts/{linus['id']}/interactions", json={"kind": "message"}, headers=me)
    await api.client.patch(f"/v1/contacts/{linus['id']}", json={"role": "Kernel maintainer"}, headers=me)
    await contact(api, name="Margaret", role="data engineer")

    found = {g["kind"]: g for g in (await api.client.get("/v1/goals", headers=me)).json()}
    assert (found["people_in_role"]["progress"], found["people_in_role"]["reached_at"]) == (
        2,
        "2026-03-02T09:00:00Z",
    )
    assert found["dormant_ties_revived"]["progress"] == 1
    reached = [(e["type"], e["goal"]["progress"]) for e in await events(api, "keepwarm.goal.")]
    assert [r for r in reached if r[0] == "keepwarm.goal.reached.v1"] == [
        ("keepwarm.goal.reached.v1", 2),  # two data engineers, once (it dropped to 1 and rose again)
        ("keepwarm.goal.reached.v1", 1),  # the dormant tie revived
    ]
    bad = await api.client.post("/v1/goals", json={"kind": "people_in_role", "target": 5}, headers=me)
    assert bad.status_code == 422
    assert "role" in bad.text
    assert (
        await api.client.post("/v1/goals", json={"kind": "x", "target": 5}, headers=me)
    ).status_code == 422
    assert (await api.client.delete(f"/v1/goals/{goal['id']}", headers=me)).status_code == 204
    assert (await api.client.delete(f"/v1/goals/{goal['id']}", headers=me)).status_code == 404
