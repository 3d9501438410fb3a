"""Sharing with the campus, on SQLite and PostgreSQL: nothing of a student leaves before they opt
in or after they opt out; what leaves names no one (the student is a pseudonym); cohort figures
count only students who share, and none describes fewer than five."""

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from services.notifier import campus
from services.notifier.adapters import db
from services.notifier.adapters.db import DEVELOPMENT_PSEUDONYMS
from services.notifier.adapters.kafka_in import contact_events
from shared.contracts import contacts as contract
from shared.contracts.base import EventData
from shared.contracts.topics import Stream, Topics
from shared.db.engine import session_factory
from shared.vocabulary import Direction, InteractionKind, Outcome, Tie
from tests.api import Api
from tests.notifier.stream import RECORDED, at, contact

PUBLIC = Topics().public  # where the service under test routes them too


def uow_of(api: Api) -> Any:
    sessions = session_factory(api.runtime.engine)

    def uow() -> db.SqlUnitOfWork:
        return db.SqlUnitOfWork(
            sessions,
            outbox=db.outbox,
            topic="notifier-topic",
            routes={Stream.PUBLIC: PUBLIC},
            source="/keepwarm/notifier",
            clock=api.clock,
        )

    return uow


async def apply(api: Api, events: list[EventData]) -> None:
    uow = uow_of(api)
    async with session_factory(api.runtime.engine).begin() as session:
        await contact_events(uow=uow, clock=api.clock)(session, events)


async def public_events(api: Api) -> list[tuple[str, str, dict[str, Any]]]:
    """(key, type, data) of every event staged for the public topic, in order."""
    async with api.runtime.engine.connect() as connection:
        rows = await connection.execute(
            select(db.outbox.c.key, db.outbox.c.type, db.outbox.c.data)
            .where(db.outbox.c.topic == PUBLIC)
            .order_by(db.outbox.c.id)
        )
        return [(key, kind, json.loads(data)) for key, kind, data in rows.all()]


def talk(owner: str, n: int, *, version: int = 1, outcome: Outcome | None = None, **fields: Any) -> Any:
    return contract.InteractionSnapshot(
        id=f"{owner}-i{n}",
        contact_id=f"{owner}-c1",
        kind=fields.pop("kind", InteractionKind.MESSAGE),
        direction=Direction.OUTBOUND,
        occurred_at=RECORDED - timedelta(hours=1),
        outcome=outcome,
        takeaway="Ask Ada about the Analytical Engine",
        version=version,
    )


def logged(owner: str, n: int, **fields: Any) -> contract.InteractionLogged:
    tie = fields.pop("tie", Tie.WEAK)
    return contract.InteractionLogged(
        **at(owner), contact=contact(f"{owner}-c1", tie=tie), interaction=talk(owner, n, **fields)
    )


async def opt(api: Api, owner: str, sharing: bool) -> None:
    response = await api.client.put(
        "/v1/campus-sharing", json={"sharing": sharing}, headers=api.as_owner(owner)
    )
    assert response.status_code == 200, response.text
    assert response.json()["sharing"] is sharing


async def test_only_what_a_student_does_while_sharing_reaches_the_public_stream(api: Api) -> None:
    me = api.as_owner("student-a")
    assert (await api.client.get("/v1/campus-sharing", headers=me)).json() == {
        "sharing": False,
        "since": None,
    }
    await apply(
        api,
        [contract.ContactAdded(**at("student-a"), contact=contact("student-a-c0")), logged("student-a", 0)],
    )
    await opt(api, "student-a", False)  # never shared: nothing to say
    assert await public_events(api) == []  # before opting in: nothing

    await opt(api, "student-a", True)
    await apply(
        api,
        [
            contract.ContactAdded(**at("student-a"), contact=contact("student-a-c1")),
            logged("student-a", 1),
            logged("student-b", 1),  # never opted in
        ],
    )
    await apply(api, [logged("student-a", 1)])  # the same again: nothing new
    await apply(api, [logged("student-a", 1, version=2, outcome=Outcome.REPLIED)])
    await apply(api, [logged("student-a", 1, version=1)])  # stale: nothing

    pseudonym = DEVELOPMENT_PSEUDONYMS.student("student-a")
    found = await public_events(api)
    assert [kind for _, kind, _ in found] == [
        "keepwarm.public.student.joined.v1",
        "keepwarm.public.contact.added.v1",
        "keepwarm.public.interaction.logged.v1",
        "keepwarm.public.interaction.updated.v1",
    ]
    assert {key for key, _, _ in found} == {pseudonym}
    assert all(data["student"] == pseudonym and data["pseudonym_key"] == "development" for *_, data in found)
    logged_data, updated = found[2][2], found[3][2]
    assert logged_data["interaction"] == updated["interaction"] != "student-a-i1"
    assert (logged_data["outcome"], updated["outcome"]) == (None, "replied")
    assert (logged_data["kind"], logged_data["tie"], logged_data["category"]) == ("message", "weak", "mentor")
    assert "student-a" not in json.dumps(found)
    assert "Ada" not in json.dumps(found)

    await opt(api, "student-a", False)
    await apply(api, [logged("student-a", 2)])
    after = await public_events(api)
    assert [kind for _, kind, _ in after[4:]] == ["keepwarm.public.student.left.v1"]
    async with api.runtime.engine.connect() as connection:
        kept = await connection.scalar(select(func.count()).select_from(db.campus_facts))
        told = await connection.execute(
            select(db.outbox.c.key, db.outbox.c.data).where(
                db.outbox.c.type == "keepwarm.campus_sharing.changed.v1"
            )
        )
    assert kept == 0  # opting out forgets what was kept about them
    assert [(key, json.loads(data)["sharing"]) for key, data in told.all()] == [
        ("student-a", True),
        ("student-a", False),
    ]


async def test_a_week_is_summarised_once_it_ends_in_the_students_zone(api: Api) -> None:
    await opt(api, "student-a", True)  # Monday 2 March 2026, 09:00 UTC
    await apply(api, [logged("student-a", 1, outcome=Outcome.REPLIED), logged("student-a", 2)])
    uow = uow_of(api)
    assert await campus.summarize_weeks(uow=uow, now=api.clock() + timedelta(days=6)) == 0
    assert await campus.summarize_weeks(uow=uow, now=api.clock() + timedelta(days=7)) == 1
    assert await campus.summarize_weeks(uow=uow, now=api.clock() + timedelta(days=7)) == 0
    [(_, kind, week)] = [event for event in await public_events(api) if "week" in event[1]]
    assert kind == "keepwarm.public.week.summarized.v1"
    assert week["on"] == "2026-03-02"
    assert (week["interactions"], week["outbound"], week["answered"], week["contacts_added"]) == (2, 2, 1, 0)


async def test_cohort_figures_count_sharing_students_and_hide_any_cell_of_fewer_than_five(api: Api) -> None:
    for n in range(6):
        owner = f"student-{n}"
        if n < 5:
            await opt(api, owner, True)
        events: list[EventData] = [logged(owner, 1, outcome=Outcome.REPLIED if n % 2 else None)]
        if n < 4:
            events.append(logged(owner, 2, kind=InteractionKind.COFFEE_OR_CALL, tie=Tie.DORMANT))
        await apply(api, events)

    staff = api.as_owner("career-services", "campus")
    response = await api.client.get("/v1/cohort/insights?weeks=2", headers=staff)
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["min_students"] == 5
    rates = {(cell["tie"], cell["kind"]): cell for cell in found["reply_rates"]}
    # five sharing students wrote a message to a weak tie; two got a reply (the sixth does not share)
    assert rates["weak", "message"] == {
        "tie": "weak", "kind": "message", "students": 5, "outbound": 5, "answered": 2, "reply_rate": 0.4,
    }  # fmt: skip
    # only four called a dormant tie: no figure at all
    assert rates["dormant", "coffee_or_call"] == {
        "tie": "dormant", "kind": "coffee_or_call", "students": None, "outbound": None, "answered": None,
        "reply_rate": None,
    }  # fmt: skip
    assert found["weeks"][-1] == {"week": "2026-03-02", "students": 5, "interactions": 9}
    assert found["weeks"][0]["students"] is None  # nobody the week before
    assert {b["current_streak"]: b["students"] for b in found["streaks"]}["0"] == 5

    for headers in (api.as_owner("student-1"), api.as_owner("x", "student")):
        assert (await api.client.get("/v1/cohort/insights", headers=headers)).status_code == 403
    assert (await api.client.get("/v1/cohort/insights")).status_code == 401
    assert (await api.client.get("/v1/cohort/insights?weeks=0", headers=staff)).status_code == 422
