"""Nudges delivered by the notifier's scheduler to a real SMTP server and a real push endpoint,
on SQLite and PostgreSQL, with a controlled clock: quiet hours and the daily limit, retries with
backoff, a failing channel paused and the owner told, follow-up and habit reminders, milestones,
and the daily digest."""

import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from services.notifier.adapters import db
from services.notifier.adapters.kafka_in import habit_events
from shared.contracts import contacts as contract
from shared.contracts.base import EventData
from tests.api import Api
from tests.notifier.stream import apply, at, checked_in, contact, daily_habit, follow_up
from tests.receivers import Mailbox, PushEndpoint, push_endpoint, smtp_server

OWNER = "student-1"
LONG_AGO = datetime(2025, 12, 1, 17, tzinfo=UTC)


PAGE = "http://127.0.0.1:8000"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def service_log() -> Iterator[list[str]]:
    """What reaches the root logger, where a service's log lines go (pytest's own capture also
    listens to loggers that do not propagate, so it cannot tell)."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler, root = Keep(logging.INFO), logging.getLogger()
    root.addHandler(handler)
    yield lines
    root.removeHandler(handler)


@pytest.fixture
def push() -> Iterator[PushEndpoint]:
    with push_endpoint() as endpoint:
        yield endpoint


@pytest.fixture
async def owner(api: Api, mailbox: Mailbox, push: PushEndpoint) -> dict[str, str]:
    headers = api.as_owner(OWNER)
    for name, url in (("Email", mailbox.url()), ("Phone", push.url())):
        response = await api.client.post(
            "/v1/preferences/channels", json={"name": name, "url": url}, headers=headers
        )
        assert response.status_code == 201, response.text
    return headers


async def tick(api: Api) -> None:
    [job] = [job for job in api.runtime.jobs if job.name == "nudges"]
    await job.run()


async def overdue(api: Api, *names: str) -> None:
    await apply(
        api.runtime,
        [
            contract.ContactAdded(
                **at(OWNER), contact=contact(name.lower(), name=name, last_interaction_at=LONG_AGO)
            )
            for name in names
        ],
        api.clock.now,
    )


async def events(api: Api, event_type: str) -> list[dict[str, Any]]:
    async with api.runtime.engine.connect() as connection:
        rows = await connection.execute(
            select(db.outbox.c.data).where(db.outbox.c.type == event_type).order_by(db.outbox.c.id)
        )
        return [json.loads(data) for (data,) in rows.all()]


async def test_prompts_wait_for_quiet_hours_to_end_and_respect_the_daily_limit(
    api: Api, owner: dict[str, str], mailbox: Mailbox, push: PushEndpoint
) -> None:
    preferences = {
        "timezone": "Europe/Berlin",
        "quiet_hours": {"start": "22:00", "end": "07:30"},
        "daily_limit": 2,
    }
    assert (await api.client.patch("/v1/preferences", json=preferences, headers=owner)).status_code == 200
    api.clock.now = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)  # 23:30 in Berlin
    await overdue(api, "Ada", "Grace", "Linus")
    await tick(api)
    assert mailbox.messages == []
    assert push.pushes == []

    api.clock.now = datetime(2026, 3, 3, 6, 31, tzinfo=UTC)  # 07:31 in Berlin
    await tick(api)
    await tick(api)
    assert sorted(mailbox.subjects()) == ["Keep in touch with Ada", "Keep in touch with Grace"]
    assert sorted(p["title"] for p in push.pushes) == ["Keep in touch with Ada", "Keep in touch with Grace"]
    assert all(body.startswith("Send ") for body in mailbox.bodies())
    sent = await events(api, "keepwarm.nudge.sent.v1")
    assert [(e["kind"], e["channels"], e["attempts"]) for e in sent] == [
        ("prompt", ["mailto", "ntfy"], 1)
    ] * 2
    assert "Ada" not in json.dumps(sent)  # the event carries ids and counts, not the message

    api.clock.now = datetime(2026, 3, 4, 6, 29, tzinfo=UTC)  # 07:29: still quiet
    await tick(api)
    assert len(mailbox.messages) == 2
    api.clock.now = datetime(2026, 3, 4, 6, 30, tzinfo=UTC)
    await tick(api)
    assert mailbox.subjects()[2:] == ["Keep in touch with Linus"]
    await tick(api)
    assert len(mailbox.messages) == 3
    assert len(push.pushes) == 3


async def test_a_failing_channel_is_retried_with_backoff_then_paused_and_the_owner_told(
    api: Api, owner: dict[str, str], mailbox: Mailbox, push: PushEndpoint, service_log: list[str]
) -> None:
    push.failing = True
    await overdue(api, "Ada")
    await tick(api)
    assert mailbox.subjects() == ["Keep in touch with Ada"]
    for wait in (1, 4, 16, 64):  # minutes, with the default 60 s base
        api.clock.advance(minutes=wait - 0.5)
        await tick(api)  # not yet
        api.clock.advance(minutes=0.5)
        await tick(api)
    log = (await api.client.get("/v1/deliveries", headers=owner)).json()
    attempts = [(a["attempt"], a["delivered"]) for a in reversed(log) if a["nudge_kind"] == "prompt"]
    assert attempts == [(1, True), (1, False), (2, False), (3, False), (4, False), (5, False)]
    assert all("503" in a["error"] for a in log if not a["delivered"])
    assert not [
        line for line in service_log if "keepwarm-student" in line
    ]  # an ntfy topic is a secret  # an ntfy topic is a secret: kept out of the log
    [sent] = await events(api, "keepwarm.nudge.sent.v1")
    assert (sent["channels"], sent["attempts"]) == (["mailto"], 5)

    [phone] = [
        c
        for c in (await api.client.get("/v1/preferences", headers=owner)).json()["channels"]
        if c["name"] == "Phone"
    ]
    assert (phone["paused"], phone["failures"]) == (True, 5)
    await tick(api)
    assert mailbox.subjects()[-1] == "Channel paused: Phone"
    assert "failed 5 times in a row" in mailbox.bodies()[-1]

    resumed = await api.client.post(f"/v1/preferences/channels/{phone['id']}/resume", headers=owner)
    assert (resumed.json()["paused"], resumed.json()["failures"]) == (False, 0)


async def test_nudges_without_a_working_channel_fail_and_say_so(api: Api, mailbox: Mailbox) -> None:
    headers = api.as_owner(OWNER)
    dead = mailbox.url().replace(str(mailbox.port), "9")
    await api.client.post("/v1/preferences/channels", json={"name": "Old", "url": dead}, headers=headers)
    await overdue(api, "Ada")
    for wait in (0, 1, 4, 16, 64):
        api.clock.advance(minutes=wait)
        await tick(api)
    [failed] = await events(api, "keepwarm.nudge.failed.v1")
    assert (failed["kind"], failed["attempts"], failed["reason"]) == ("prompt", 5, "every attempt failed")
    assert await events(api, "keepwarm.nudge.sent.v1") == []


HABIT = daily_habit("America/New_York")


def done(day: int) -> EventData:
    return checked_in(OWNER, HABIT, day, hour=16)


async def test_a_habit_still_to_do_late_in_the_day_and_a_milestone(
    api: Api, owner: dict[str, str], mailbox: Mailbox
) -> None:
    assert (
        await api.client.patch("/v1/preferences", json={"timezone": "America/New_York"}, headers=owner)
    ).status_code == 200
    api.clock.now = datetime(2026, 3, 4, 17, tzinfo=UTC)
    await apply(api.runtime, [done(2), done(3)], api.clock.now, handler_of=habit_events)
    await tick(api)
    assert mailbox.messages == []  # 12:00 in New York: not late yet

    api.clock.now = datetime(2026, 3, 4, 23, 1, tzinfo=UTC)  # 18:01 in New York
    await tick(api)
    assert mailbox.subjects() == ["Still to do today: One outreach a day"]
    assert mailbox.bodies()[0].splitlines() == [
        "Today is the last day to do it once more to keep your streak of 2.",
        "",
        "Check in: http://127.0.0.1:8000/#/habits",
    ]
    await tick(api)
    assert len(mailbox.messages) == 1

    api.clock.now = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)
    await apply(api.runtime, [done(4)], api.clock.now, handler_of=habit_events)
    await tick(api)
    assert mailbox.subjects()[1:] == ["3 in a row: One outreach a day"]

    api.clock.now = datetime(2026, 3, 5, 23, 1, tzinfo=UTC)  # the next evening, done already
    await apply(api.runtime, [done(5)], api.clock.now, handler_of=habit_events)
    await tick(api)
    assert len(mailbox.messages) == 2


async def test_the_digest_bundles_prompts_follow_ups_and_reminders_into_one_message(
    api: Api, owner: dict[str, str], mailbox: Mailbox, push: PushEndpoint
) -> None:
    preferences = {"timezone": "Europe/Berlin", "digest": {"enabled": True, "time": "08:00"}}
    assert (await api.client.patch("/v1/preferences", json=preferences, headers=owner)).status_code == 200
    api.clock.now = datetime(2026, 3, 2, 9, tzinfo=UTC)  # 10:00 in Berlin: today's digest time is past
    await overdue(api, "Ada")
    due_today = datetime(2026, 3, 3, 15, tzinfo=UTC)
    await apply(
        api.runtime,
        [
            contract.FollowUpScheduled(
                **at(OWNER),
                contact=contact("ada", name="Ada", last_interaction_at=LONG_AGO),
                follow_up=follow_up(due_at=due_today, contact_id="ada", interaction_id=None),
            )
        ],
        api.clock.now,
    )
    await tick(api)
    assert mailbox.messages == []  # waits for tomorrow's digest

    api.clock.now = datetime(2026, 3, 3, 6, 59, tzinfo=UTC)  # 07:59
    await tick(api)
    assert mailbox.messages == []
    api.clock.now = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # 08:00: the follow-up's day has begun
    await tick(api)
    assert mailbox.subjects() == ["Your network today: 2 things to do"]
    assert mailbox.bodies()[0].splitlines() == [
        "Follow-ups due:",
        "- Follow up with Ada today: Send the paper we talked about (due 16:00, Europe/Berlin).",
        "Keep in touch:",
        "- Keep in touch with Ada: Send Ada a short note: what has changed for them lately?",
        "",
        "Open KeepWarm: http://127.0.0.1:8000/#/today",
    ]
    assert push.pushes[0]["title"] == "Your network today: 2 things to do"
    api.clock.advance(days=1)
    await tick(api)
    assert len(mailbox.messages) == 1  # nothing new: no empty digest
    [sent] = await events(api, "keepwarm.nudge.sent.v1")
    assert sent["kind"] == "digest"


async def test_logging_an_interaction_cancels_the_unsent_prompt(
    api: Api, owner: dict[str, str], mailbox: Mailbox
) -> None:
    assert (
        await api.client.patch(
            "/v1/preferences", json={"quiet_hours": {"start": "08:00", "end": "12:00"}}, headers=owner
        )
    ).status_code == 200
    await overdue(api, "Ada")
    await tick(api)  # 09:00 UTC: quiet, so the nudge waits
    met = api.clock.now - timedelta(minutes=5)
    await apply(
        api.runtime,
        [
            contract.ContactUpdated(
                **at(OWNER, api.clock.now),
                contact=contact("ada", name="Ada", version=2, last_interaction_at=met),
            )
        ],
        api.clock.now,
    )
    api.clock.advance(hours=4)
    await tick(api)
    assert mailbox.messages == []
    async with api.runtime.engine.connect() as connection:
        statuses = (await connection.execute(select(db.nudges.c.status))).scalars().all()
    assert statuses == ["cancelled"]


async def test_what_came_due_before_the_first_channel_is_nudged_once_one_is_added(
    api: Api, mailbox: Mailbox, push: PushEndpoint
) -> None:
    headers = api.as_owner(OWNER)
    body = {"daily_limit": 2, "quiet_hours": {"start": "23:00", "end": "06:00"}}
    assert (await api.client.patch("/v1/preferences", json=body, headers=headers)).status_code == 200
    api.clock.now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    await overdue(api, "Ada", "Grace", "Linus")
    await tick(api)
    await tick(api)
    assert mailbox.messages == []
    async with api.runtime.engine.connect() as connection:
        statuses = (await connection.execute(select(db.nudges.c.status))).scalars().all()
    assert statuses == ["no_channel"] * 3  # made, and kept for a channel: not marked sent

    api.clock.now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    added = await api.client.post(
        "/v1/preferences/channels", json={"name": "Email", "url": mailbox.url()}, headers=headers
    )
    assert added.status_code == 201, added.text
    await tick(api)
    await tick(api)
    assert len(mailbox.subjects()) == 2  # the daily limit
    api.clock.now = datetime(2026, 3, 3, 6, 1, tzinfo=UTC)
    await tick(api)
    assert sorted(mailbox.subjects()) == [
        "Keep in touch with Ada",
        "Keep in touch with Grace",
        "Keep in touch with Linus",
    ]
    sent = await events(api, "keepwarm.nudge.sent.v1")
    assert len(sent) == 3


async def test_a_resumed_channel_sends_what_came_due_while_every_channel_was_paused(
    api: Api, mailbox: Mailbox
) -> None:
    headers = api.as_owner(OWNER)
    added = await api.client.post(
        "/v1/preferences/channels", json={"name": "Email", "url": mailbox.url()}, headers=headers
    )
    channel_id = added.json()["id"]
    async with api.runtime.engine.begin() as connection:
        await connection.execute(db.channels.update().values(paused_at=datetime(2026, 3, 1, tzinfo=UTC)))
    api.clock.now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    await overdue(api, "Ada")
    await tick(api)
    assert mailbox.messages == []
    resumed = await api.client.post(f"/v1/preferences/channels/{channel_id}/resume", headers=headers)
    assert resumed.status_code == 200, resumed.text
    await tick(api)
    assert mailbox.subjects() == ["Keep in touch with Ada"]


async def test_a_prompt_nudge_links_to_logging_it_and_to_a_snooze_that_needs_no_sign_in(
    api: Api, owner: dict[str, str], mailbox: Mailbox
) -> None:
    await overdue(api, "Ada")
    await tick(api)
    [body] = mailbox.bodies()
    lines = body.splitlines()
    assert lines[:3] == [
        "Send Ada a short note: what has changed for them lately?",
        "",
        f"Log it: {PAGE}/#/contacts/ada/log",
    ]
    [token] = re.findall(rf"^Snooze a week: {re.escape(PAGE)}/#/act/(\S+)$", body, flags=re.MULTILINE)

    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert (await api.client.post("/v1/links", json={"token": tampered})).status_code == 404
    acted = await api.client.post("/v1/links", json={"token": token})
    assert acted.json() == {"action": "snooze_prompt", "message": "Snoozed Ada for a week."}
    [snoozed] = (await api.client.get("/v1/prompts", params={"status": "snoozed"}, headers=owner)).json()
    assert snoozed["snoozed_until"] == "2026-03-09T09:00:00Z"
    api.clock.advance(days=1)
    again = await api.client.post("/v1/links", json={"token": token})
    assert again.json()["message"] == "Snoozed Ada for a week."  # a week from the second use
    [snoozed] = (await api.client.get("/v1/prompts", params={"status": "snoozed"}, headers=owner)).json()
    assert snoozed["snoozed_until"] == "2026-03-10T09:00:00Z"
    api.clock.advance(days=14)
    expired = await api.client.post("/v1/links", json={"token": token})
    assert (expired.status_code, expired.json()["detail"]) == (
        410,
        "this link has expired: open KeepWarm to do it there",
    )
