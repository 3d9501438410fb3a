"""Calendar feeds over the notifier's HTTP API, on SQLite and PostgreSQL: tokens (shown once,
stored hashed, rotated, revoked), conditional requests, owner scoping, bad input, and an access
log that never shows a token."""

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from services.notifier.adapters import db
from services.notifier.adapters.kafka_in import habit_events
from shared.contracts import contacts as contract
from shared.contracts import habits as habit_contract
from shared.vocabulary import FollowUpStatus
from tests.api import Api, assert_routes_are_owner_scoped
from tests.calendars import parse
from tests.notifier.stream import apply, at, contact, daily_habit, follow_up, interaction

OWNER = "student-1"
DUE = datetime(2026, 3, 10, 14, tzinfo=UTC)


async def new_feed(api: Api, **body: Any) -> dict[str, Any]:
    response = await api.client.post("/v1/calendar-feeds", json=body, headers=api.as_owner(OWNER))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def path_of(feed: dict[str, Any]) -> str:
    url: str = feed["url"]
    return "/" + url.split("/", 3)[3]


async def seed(api: Api) -> None:
    await apply(
        api.runtime,
        [
            contract.ContactAdded(**at(OWNER), contact=contact()),
            contract.InteractionLogged(
                **at(OWNER), contact=contact(version=2), interaction=interaction("Ask about the engine")
            ),
            contract.FollowUpScheduled(
                **at(OWNER), contact=contact(version=2), follow_up=follow_up(due_at=DUE)
            ),
        ],
        api.clock.now,
    )


async def test_a_feed_url_is_shown_once_and_serves_the_owners_follow_ups(api: Api) -> None:
    await seed(api)
    feed = await new_feed(api, name="Networking", include=["follow_ups"], timezone="Europe/Berlin")
    token = feed["url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert token.startswith("kwcal_")
    assert len(token) >= 6 + 43
    assert feed["webcal_url"] == "webcal://" + feed["url"].split("://", 1)[1]
    assert feed["token_hint"] == f"kwcal_…{token[-4:]}"

    listed = (await api.client.get("/v1/calendar-feeds", headers=api.as_owner(OWNER))).json()
    assert [f["id"] for f in listed] == [feed["id"]]
    assert "url" not in listed[0]
    async with api.runtime.engine.connect() as connection:
        stored = (await connection.execute(select(db.calendar_feeds))).mappings().one()
    assert token not in str(dict(stored))
    assert len(stored["token_hash"]) == 64

    response = await api.client.get(path_of(feed))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "private, no-cache"
    assert response.headers["referrer-policy"] == "no-referrer"
    calendar = parse(response.text)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Follow up with Ada Lovelace"
    assert "Takeaway: Ask about the engine" in str(event["DESCRIPTION"])
    assert event["DTSTART"].dt == DUE

    head = await api.client.head(path_of(feed))
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == response.headers["etag"]
    assert head.headers["content-type"] == response.headers["content-type"]
    assert int(head.headers["content-length"]) == len(response.content)


async def test_conditional_requests_answer_304_until_something_changes(api: Api) -> None:
    await seed(api)
    feed = await new_feed(api)
    first = await api.client.get(path_of(feed))
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = await api.client.get(path_of(feed), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert (
        await api.client.get(path_of(feed), headers={"If-None-Match": f'W/{etag}, "x"'})
    ).status_code == 304
    assert (await api.client.get(path_of(feed), headers={"If-Modified-Since": modified})).status_code == 304
    assert (await api.client.get(path_of(feed), headers={"If-None-Match": '"other"'})).status_code == 200

    api.clock.advance(minutes=5)
    await apply(
        api.runtime,
        [
            contract.FollowUpCompleted(
                **at(OWNER, api.clock.now),
                contact=contact(version=2),
                follow_up=follow_up(due_at=DUE, version=2, status=FollowUpStatus.DONE),
            )
        ],
        api.clock.now,
    )
    changed = await api.client.get(path_of(feed), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.headers["last-modified"] != modified
    assert parse(changed.text).walk("VEVENT") == []


async def test_rotation_retires_the_old_url_and_revocation_the_feed(api: Api) -> None:
    feed = await new_feed(api)
    me = api.as_owner(OWNER)
    rotated = (await api.client.post(f"/v1/calendar-feeds/{feed['id']}/rotate", headers=me)).json()
    assert rotated["url"] != feed["url"]
    assert rotated["id"] == feed["id"]
    assert (await api.client.get(path_of(feed))).status_code == 404
    assert (await api.client.get(path_of(rotated))).status_code == 200

    assert (await api.client.delete(f"/v1/calendar-feeds/{feed['id']}", headers=me)).status_code == 204
    assert (await api.client.get(path_of(rotated))).status_code == 404
    assert (await api.client.get("/v1/calendar-feeds", headers=me)).json() == []
    assert (await api.client.post(f"/v1/calendar-feeds/{feed['id']}/rotate", headers=me)).status_code == 404
    for unknown in ("kwcal_" + "A" * 43, "nothing", "kwcal_short"):
        assert (await api.client.get(f"/calendars/{unknown}.ics")).status_code == 404


async def test_another_owner_reaches_nothing(api: Api) -> None:
    await seed(api)
    habit = daily_habit("Europe/Berlin")
    await apply(
        api.runtime,
        [habit_contract.HabitCreated(**at(OWNER), habit=habit)],
        api.clock.now,
        handler_of=habit_events,
    )
    feed = await new_feed(api)
    channel = await api.client.post(
        "/v1/preferences/channels",
        json={"name": "Phone", "url": "ntfy://127.0.0.1:9/t"},
        headers=api.as_owner(OWNER),
    )
    checked = await assert_routes_are_owner_scoped(
        api,
        intruder=api.as_owner("someone-else"),
        ids={
            "feed_id": feed["id"],
            "follow_up_id": "f1",
            "contact_id": "c1",
            "channel_id": channel.json()["id"],
            "habit_id": habit.id,
        },
        bodies={("POST", "/v1/prompts/{contact_id}/snooze"): {"days": 1}},
        not_id_scoped={
            ("GET", "/v1/streaks"),
            ("GET", "/v1/calendar-feeds"),
            ("POST", "/v1/calendar-feeds"),
            ("GET", "/v1/prompts"),
            ("GET", "/v1/preferences"),
            ("PATCH", "/v1/preferences"),
            ("POST", "/v1/preferences/channels"),
            ("GET", "/v1/deliveries"),
            ("GET", "/v1/today"),
            ("GET", "/v1/campus-sharing"),
            ("PUT", "/v1/campus-sharing"),
            ("GET", "/v1/cohort/insights"),  # the campus role's, over every sharing student
            ("POST", "/v1/links"),  # the signed link is the credential, not the bearer token
            ("GET", "/v1/export"),  # the caller's own part of their archive
            ("GET", "/v1/export/schema"),
        },
        secret="Ada",
    )
    assert checked == 11  # the feed's calendar.ics download among them
    assert "Ada" not in (await api.client.get("/v1/export", headers=api.as_owner("someone-else"))).text
    assert (await api.client.get("/v1/calendar-feeds", headers=api.as_owner("someone-else"))).json() == []
    assert (await api.client.get(path_of(feed))).status_code == 200  # the feed itself is untouched
    download = await api.client.get(
        "/v1/follow-ups/f1.ics?timezone=Europe/Berlin", headers=api.as_owner(OWNER)
    )
    assert download.status_code == 200
    assert download.headers["content-disposition"] == 'attachment; filename="follow-up-f1.ics"'
    assert "Follow up with Ada Lovelace" in download.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"include": []}, "include"),
        ({"include": ["birthdays"]}, "include"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "x" * 101}, "name"),
        ({"name": "   "}, "name"),
        ({"reminder_time": "25:00"}, "reminder_time"),
    ],
)
async def test_bad_feed_settings_are_refused_and_nothing_is_stored(
    api: Api, body: dict[str, Any], field: str
) -> None:
    response = await api.client.post("/v1/calendar-feeds", json=body, headers=api.as_owner(OWNER))
    assert response.status_code == 422, response.text
    assert field in str(response.json()["detail"][0]["loc"])
    async with api.runtime.engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(db.calendar_feeds)) == 0


async def test_a_bad_download_zone_is_refused(api: Api) -> None:
    await seed(api)
    response = await api.client.get("/v1/follow-ups/f1.ics?timezone=Nowhere", headers=api.as_owner(OWNER))
    assert response.status_code == 422


async def test_the_access_log_never_shows_a_token(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    feed = await new_feed(api)
    token = feed["url"].rsplit("/", 1)[1].removesuffix(".ics")
    with caplog.at_level(logging.INFO, logger="keepwarm.access"):
        await api.client.get(path_of(feed))
        await api.client.get(path_of(feed) + "x")
    lines = [record.getMessage() for record in caplog.records if record.name == "keepwarm.access"]
    assert lines[0].startswith("GET /calendars/[redacted].ics 200 ")
    assert lines[1].startswith("GET /calendars/[redacted].icsx 404 ")
    assert all(token[6:] not in line for line in caplog.text.splitlines())


async def test_a_feed_without_a_zone_of_its_own_writes_times_in_the_owners(api: Api) -> None:
    await seed(api)
    feed = await new_feed(api, name="Mine", include=["follow_ups"])
    assert feed["timezone"] is None
    before = await api.client.get(path_of(feed))
    assert "(UTC)" in str(parse(before.text).walk("VEVENT")[0]["DESCRIPTION"])
    moved = await api.client.patch(
        "/v1/preferences", json={"timezone": "Asia/Kolkata"}, headers=api.as_owner(OWNER)
    )
    assert moved.status_code == 200
    after = await api.client.get(path_of(feed), headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200  # the zone changed what the feed says: a new version
    description = str(parse(after.text).walk("VEVENT")[0]["DESCRIPTION"])
    assert "Proposed times: Thu 12 Mar 2026 19:30 (Asia/Kolkata)" in description
    download = await api.client.get(
        f"/v1/follow-ups/{parse(after.text).walk('VEVENT')[0]['UID'].split('-', 2)[2].split('@')[0]}.ics",
        headers=api.as_owner(OWNER),
    )
    assert "(Asia/Kolkata)" in str(parse(download.text).walk("VEVENT")[0]["DESCRIPTION"])
