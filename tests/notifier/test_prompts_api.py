"""Keep-alive prompts and nudge preferences over the notifier's HTTP API, on SQLite and
PostgreSQL: prompts follow the contacts stream, snooze, dismiss, politeness and its reset,
preferences and channels (a test send to a real SMTP server), bad input, owner scoping."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import apprise
import pytest
from sqlalchemy import func, select

from services.contacts.adapters.kafka_out import contact_snapshot
from services.contacts.domain.model import Contact
from services.notifier.adapters import db
from shared.contracts import contacts as contract
from shared.contracts.base import EventData
from shared.vocabulary import Category, Direction, InteractionKind, Outcome, Tie, Warmth
from tests.api import Api
from tests.notifier.stream import apply, at, contact
from tests.receivers import push_endpoint, smtp_server

OWNER = "student-1"
OUT = Direction.OUTBOUND
LONG_AGO = datetime(2025, 12, 1, 17, tzinfo=UTC)  # the clock starts on 2 March 2026
RECENT = datetime(2026, 2, 20, 17, tzinfo=UTC)


def touch(
    interaction_id: str,
    contact_id: str,
    direction: Direction,
    occurred_at: datetime,
    outcome: Outcome | None = None,
    version: int = 1,
) -> contract.InteractionSnapshot:
    return contract.InteractionSnapshot(
        id=interaction_id,
        contact_id=contact_id,
        kind=InteractionKind.MESSAGE,
        direction=direction,
        occurred_at=occurred_at,
        outcome=outcome,
        version=version,
    )


async def seed(api: Api) -> None:
    """Ada is overdue (weak tie, last met in December); Grace was met last month."""
    await apply(
        api.runtime,
        [
            contract.ContactAdded(
                **at(OWNER),
                contact=contact("ada", name="Ada", last_interaction_at=LONG_AGO, tags=("compilers",)),
            ),
            contract.ContactAdded(
                **at(OWNER), contact=contact("grace", name="Grace", last_interaction_at=RECENT)
            ),
        ],
        api.clock.now,
    )


async def prompts(api: Api, *statuses: str) -> list[dict[str, Any]]:
    response = await api.client.get(
        "/v1/prompts", params=[("status", s) for s in statuses], headers=api.as_owner(OWNER)
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def test_a_due_prompt_names_the_person_and_an_interaction_resolves_it(api: Api) -> None:
    await seed(api)
    [due] = await prompts(api)
    assert due["contact_name"] == "Ada"
    assert due["status"] == "due"
    assert due["due_at"] == "2026-01-30T17:00:00Z"
    assert due["suggestion"] == {"kind": "share", "text": "Send Ada something worth reading on compilers."}
    [waiting] = await prompts(api, "waiting")
    assert waiting["contact_name"] == "Grace"

    met = api.clock.now - timedelta(hours=2)
    await apply(
        api.runtime,
        [
            contract.InteractionLogged(
                **at(OWNER, api.clock.now),
                contact=contact("ada", name="Ada", version=2, last_interaction_at=met, tags=("compilers",)),
                interaction=touch("i1", "ada", Direction.INBOUND, met),
            )
        ],
        api.clock.now,
    )
    assert await prompts(api) == []
    [next_cycle] = [p for p in await prompts(api, "waiting") if p["contact_name"] == "Ada"]
    assert next_cycle["due_at"] == "2026-05-01T07:00:00Z"
    assert next_cycle["suggestion"]["kind"] != "share"  # never the same suggestion twice in a row


async def test_snooze_dismiss_and_politeness_with_its_reset(api: Api) -> None:
    await seed(api)
    owner = api.as_owner(OWNER)
    response = await api.client.post("/v1/prompts/ada/snooze", json={"days": 2}, headers=owner)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "snoozed"
    assert await prompts(api) == []
    api.clock.advance(days=2)
    assert [p["contact_name"] for p in await prompts(api)] == ["Ada"]

    response = await api.client.post("/v1/prompts/ada/dismiss", headers=owner)
    assert response.json()["status"] == "dismissed"
    assert await prompts(api) == []
    conflict = await api.client.post("/v1/prompts/grace/dismiss", headers=owner)
    assert conflict.status_code == 409  # not due yet

    # Two messages to Grace that got no answer: she is held back even once due.
    await apply(
        api.runtime,
        [
            contract.InteractionLogged(
                **at(OWNER),
                contact=contact("grace", name="Grace", version=1 + n, last_interaction_at=RECENT),
                interaction=touch(f"g{n}", "grace", Direction.OUTBOUND, RECENT - timedelta(days=n)),
            )
            for n in (1, 2)
        ],
        api.clock.now,
    )
    api.clock.advance(days=60)
    assert [p["contact_name"] for p in await prompts(api, "held")] == ["Grace"]
    assert "Grace" not in [p["contact_name"] for p in await prompts(api)]
    response = await api.client.post("/v1/prompts/grace/reset", headers=owner)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "due"
    assert (await api.client.post("/v1/prompts/grace/reset", headers=owner)).status_code == 409


async def test_a_message_that_got_a_reply_is_no_unanswered_touch(api: Api) -> None:
    """Two messages to Linus: the second is marked "replied" when he answers, so he is not held;
    marked "no reply" again, he is."""
    met = datetime(2026, 2, 1, 10, tzinfo=UTC)
    linus = contact("linus", name="Linus", last_interaction_at=met)

    def messages(outcome: Outcome, version: int) -> list[EventData]:
        return [
            contract.InteractionLogged(
                **at(OWNER), contact=linus, interaction=touch("l1", "linus", OUT, met)
            ),
            contract.InteractionUpdated(
                **at(OWNER),
                contact=linus,
                interaction=touch("l2", "linus", OUT, met + timedelta(days=3), outcome, version),
            ),
        ]

    await apply(api.runtime, messages(Outcome.REPLIED, 1), api.clock.now)
    api.clock.advance(days=90)
    assert "Linus" in [p["contact_name"] for p in await prompts(api, "due")]
    assert "Linus" not in [p["contact_name"] for p in await prompts(api, "held")]
    await apply(api.runtime, messages(Outcome.NO_REPLY, 2), api.clock.now)
    assert [p["contact_name"] for p in await prompts(api, "held")] == ["Linus"]


async def test_bad_input_is_refused_and_changes_nothing(api: Api) -> None:
    await seed(api)
    owner = api.as_owner(OWNER)
    before = (await api.client.get("/v1/preferences", headers=owner)).json()
    cases = [
        ("POST", "/v1/prompts/ada/snooze", {}, 422, None),
        ("POST", "/v1/prompts/ada/snooze", {"days": 2, "until": "2026-03-09T10:00:00Z"}, 422, None),
        ("POST", "/v1/prompts/ada/snooze", {"until": "2026-03-01T10:00:00Z"}, 422, "until"),
        ("POST", "/v1/prompts/ada/snooze", {"days": 0}, 422, "days"),
        ("POST", "/v1/prompts/nobody/snooze", {"days": 1}, 404, None),
        ("PATCH", "/v1/preferences", {"timezone": "Mars/Olympus"}, 422, "timezone"),
        ("PATCH", "/v1/preferences", {"daily_limit": 0}, 422, "daily_limit"),
        ("PATCH", "/v1/preferences", {"cadence": {"strong": 0, "weak": 60, "dormant": 180}}, 422, "strong"),
        ("PATCH", "/v1/preferences", {"digest": {"enabled": True, "time": "23:00"}}, 422, "digest_time"),
        ("PATCH", "/v1/preferences", {"quiet_hours": {"start": "25:00", "end": "07:00"}}, 422, "start"),
        ("POST", "/v1/preferences/channels", {"name": "x", "url": "bogus://nowhere"}, 422, "url"),
        ("POST", "/v1/preferences/channels", {"name": "", "url": "ntfy://ntfy.sh/t"}, 422, "name"),
        ("POST", "/v1/preferences/channels/nope/test", None, 404, None),
        ("GET", "/v1/prompts?status=sleeping", None, 422, "status"),
    ]
    for method, path, body, status, field in cases:
        response = await api.client.request(method, path, json=body, headers=owner)
        assert response.status_code == status, (path, body, response.text)
        if field is not None:
            assert field in str(response.json()["detail"]), (path, response.text)
    assert (await api.client.get("/v1/preferences", headers=owner)).json() == before
    [due] = await prompts(api)
    assert due["contact_name"] == "Ada"
    async with api.runtime.engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(db.channels)) == 0
        assert await connection.scalar(select(func.count()).select_from(db.preferences)) == 0


async def test_preferences_and_channels_with_a_test_send_to_real_servers(api: Api) -> None:
    await seed(api)
    owner = api.as_owner(OWNER)
    response = await api.client.patch(
        "/v1/preferences",
        json={
            "timezone": "Europe/Berlin",
            "quiet_hours": {"start": "22:00", "end": "07:30"},
            "daily_limit": 5,
            "cadence": {"strong": 14, "weak": 30, "dormant": 120},
        },
        headers=owner,
    )
    assert response.status_code == 200, response.text
    chosen = response.json()
    assert chosen["cadence"] == {"strong": 14, "weak": 30, "dormant": 120}
    assert chosen["digest"] == {"enabled": False, "time": "08:00:00"}
    # The owner's weak-tie cadence of 30 days makes Grace (met 20 February) due on 22 March.
    [grace] = [p for p in await prompts(api, "waiting") if p["contact_name"] == "Grace"]
    assert grace["due_at"] == "2026-03-22T17:00:00Z"

    with smtp_server() as mailbox, push_endpoint() as push:
        secret_url = mailbox.url().replace("mailto://", "mailto://kw:hunter2secret@")
        mail = await api.client.post(
            "/v1/preferences/channels", json={"name": "Email", "url": secret_url}, headers=owner
        )
        assert mail.status_code == 201, mail.text
        assert "hunter2secret" not in mail.text
        assert mail.json()["kind"] == "mailto"
        phone = await api.client.post(
            "/v1/preferences/channels", json={"name": "Phone", "url": push.url()}, headers=owner
        )
        listed = (await api.client.get("/v1/preferences", headers=owner)).json()["channels"]
        assert [c["name"] for c in listed] == ["Email", "Phone"]
        assert "hunter2secret" not in str(listed)

        plain = await api.client.post(
            "/v1/preferences/channels", json={"name": "Plain", "url": mailbox.url()}, headers=owner
        )
        sent = await api.client.post(f"/v1/preferences/channels/{plain.json()['id']}/test", headers=owner)
        assert sent.json() == {"delivered": True, "error": None}
        assert mailbox.subjects() == ["KeepWarm test message"]
        pushed = await api.client.post(f"/v1/preferences/channels/{phone.json()['id']}/test", headers=owner)
        assert pushed.json()["delivered"] is True
        assert push.pushes[0]["title"] == "KeepWarm test message"
        push.failing = True
        refused = await api.client.post(f"/v1/preferences/channels/{phone.json()['id']}/test", headers=owner)
        assert refused.json()["delivered"] is False
        assert refused.json()["error"]

    log = (await api.client.get("/v1/deliveries", headers=owner)).json()
    assert [(a["delivered"], a["nudge_kind"]) for a in log] == [(False, None), (True, None), (True, None)]
    removed = await api.client.delete(f"/v1/preferences/channels/{plain.json()['id']}", headers=owner)
    assert removed.status_code == 204
    remaining = (await api.client.get("/v1/preferences", headers=owner)).json()["channels"]
    assert [c["name"] for c in remaining] == ["Email", "Phone"]


async def test_another_owner_sees_none_of_it(api: Api) -> None:
    """Every id route answering 404 to another owner is checked with the feeds' routes."""
    await seed(api)
    owner, intruder = api.as_owner(OWNER), api.as_owner("student-2")
    await api.client.post(
        "/v1/preferences/channels", json={"name": "P", "url": "ntfy://127.0.0.1:9/t"}, headers=owner
    )
    await api.client.post("/v1/preferences/channels/x/test", headers=owner)
    assert (await api.client.get("/v1/prompts", headers=intruder)).json() == []
    assert (await api.client.get("/v1/prompts?status=waiting", headers=intruder)).json() == []
    assert (await api.client.get("/v1/preferences", headers=intruder)).json()["channels"] == []
    assert (await api.client.get("/v1/deliveries", headers=intruder)).json() == []
    assert [p["contact_name"] for p in await prompts(api)] == ["Ada"]
    assert len((await api.client.get("/v1/preferences", headers=owner)).json()["channels"]) == 1


async def test_the_contacts_service_and_the_notifier_agree_on_when_a_contact_is_due(api: Api) -> None:
    """Contacts as the contacts service holds them, sent as it sends them: the notifier's prompt
    is due exactly when the contacts API says the contact starts going cold."""
    added = datetime(2026, 2, 2, 9, tzinfo=UTC)
    people = [
        Contact(
            id="katherine",
            owner_id=OWNER,
            name="Katherine",
            category=Category.COMPANY_CONTACT,
            tie=Tie.WEAK,
            warmth=Warmth.COLD,
            created_at=added,
            updated_at=added,
            company="NASA",
            role="flight engineer",
        ),
        Contact(
            id="margaret",
            owner_id=OWNER,
            name="Margaret",
            category=Category.ALUMNI,
            tie=Tie.DORMANT,
            warmth=Warmth.WARM,
            created_at=added,
            updated_at=added,
            last_interaction_at=added - timedelta(days=400),
        ),
        Contact(
            id="alan",
            owner_id=OWNER,
            name="Alan",
            category=Category.PEER,
            tie=Tie.STRONG,
            warmth=Warmth.WARM,
            created_at=added,
            updated_at=added,
            cadence_override_days=10,
            last_interaction_at=added - timedelta(days=3),
        ),
    ]
    await apply(
        api.runtime,
        [contract.ContactAdded(**at(OWNER, added), contact=contact_snapshot(person)) for person in people],
        api.clock.now,
    )
    for days in (0, 10, 60):
        api.clock.now = added + timedelta(days=days, minutes=1)
        listed = {p["contact_id"]: p for p in await prompts(api, "due", "waiting")}
        for person in people:
            prompt = listed[person.id]
            assert datetime.fromisoformat(prompt["due_at"]) == person.due_at
            assert (prompt["status"] == "due") == person.going_cold(api.clock.now), (person.name, days)

    katherine = listed["katherine"]["suggestion"]
    assert katherine["kind"] == "first_contact"
    assert "flight engineer at NASA" in katherine["text"]
    assert "15 minutes" in katherine["text"]
    assert "last conversation" not in katherine["text"]
    assert listed["margaret"]["suggestion"]["kind"] == "revive"


@pytest.mark.parametrize(
    "url",
    [
        "mailto://user:pass@smtp.example.org:2525?to=me@example.org",
        "mailtos://user:pass@smtp.example.org:465?to=me@example.org",
        "mailto://user:pass@localhost:2525?to=me@example.org",
        "mailto://user:pass@127.0.0.1:2525?to=me@example.org&from=kw@example.org",
        "ntfy://ntfy.example.org:8080/my-secret-topic",
        "ntfys://user:pw@ntfy.example.org/topic-one/topic-two",
        "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
    ],
)
async def test_every_url_apprise_accepts_is_a_channel_with_its_secrets_masked(api: Api, url: str) -> None:
    assert apprise.Apprise.instantiate(url) is not None  # the oracle: Apprise itself
    response = await api.client.post(
        "/v1/preferences/channels", json={"name": "Mine", "url": url}, headers=api.as_owner(OWNER)
    )
    assert response.status_code == 201, response.text
    shown = response.json()["url"]
    for secret in (
        "pass",
        ":pw@",
        "my-secret-topic",
        "topic-one",
        "topic-two",
        "JHMHI8qBe7bk2ZwO5U711o3dV_js",
    ):
        assert secret not in shown, shown
    assert (
        ":2525" in shown or ":465" in shown or ":8080" in shown or "ntfys://" in shown or "discord" in shown
    )


async def test_a_url_apprise_refuses_is_refused_with_its_reason(api: Api) -> None:
    url = "mailto://user:pass@127.0.0.1:2525?to=me@example.org"
    assert apprise.Apprise.instantiate(url) is None
    response = await api.client.post(
        "/v1/preferences/channels", json={"name": "Mine", "url": url}, headers=api.as_owner(OWNER)
    )
    assert response.status_code == 422
    text = response.text
    assert "url" in text
    assert "From" in text
    assert "from=you@example.org" in text
    assert "pass" not in text
    listed = (await api.client.get("/v1/preferences", headers=api.as_owner(OWNER))).json()["channels"]
    assert listed == []


async def test_the_owners_zone_and_day_start_are_set_once_and_announced(api: Api) -> None:
    owner = api.as_owner(OWNER)

    async def announced() -> list[dict[str, Any]]:
        async with api.runtime.engine.connect() as connection:
            rows = await connection.execute(
                select(db.outbox.c.data, db.outbox.c.key)
                .where(db.outbox.c.type == "keepwarm.preferences.changed.v1")
                .order_by(db.outbox.c.id)
            )
            return [{**json.loads(data), "key": key} for data, key in rows.all()]

    late = await api.client.patch("/v1/preferences", json={"day_start": "07:00"}, headers=owner)
    assert late.status_code == 422
    assert "day_start" in late.text
    chosen = await api.client.patch(
        "/v1/preferences", json={"timezone": "America/Chicago", "day_start": "03:30"}, headers=owner
    )
    assert chosen.status_code == 200, chosen.text
    assert (chosen.json()["timezone"], chosen.json()["day_start"]) == ("America/Chicago", "03:30:00")
    same = await api.client.patch("/v1/preferences", json={"daily_limit": 5}, headers=owner)
    assert same.status_code == 200
    [event] = await announced()
    assert (event["timezone"], event["day_start"], event["key"]) == ("America/Chicago", "03:30:00", OWNER)


async def test_a_networking_style_changes_how_suggestions_say_it(api: Api) -> None:
    await seed(api)
    me = api.as_owner(OWNER)
    style = {"networking_style": {"medium": "online", "size": "groups"}}
    changed = await api.client.patch("/v1/preferences", json=style, headers=me)
    assert changed.status_code == 200, changed.text
    assert changed.json()["networking_style"] == {"medium": "online", "size": "groups"}
    [due] = await prompts(api)
    text = due["suggestion"]["text"]
    assert text.startswith("Send Ada something worth reading on compilers.")
    assert text.endswith(
        ("in an online community or group chat you share.", "one step outside your usual way.")
    )
    refused = await api.client.patch(
        "/v1/preferences", json={"networking_style": {"medium": "telepathy"}}, headers=me
    )
    assert refused.status_code == 422
    assert "networking_style" in refused.text
