"""From a conversation logged in contacts to a check-in on the habits topic, on real Kafka and
PostgreSQL, each service with its own database; a redelivered event credits once, and deleting
the interaction takes the credit back."""

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

from sqlalchemy import func, select

from services.habits.adapters import db
from shared.contracts import habits as contract
from shared.contracts.topics import Topics
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.producer import OutgoingRecord
from shared.settings import KafkaSettings
from tests.api import Api
from tests.contacts.conftest import contacts_api
from tests.habits.conftest import habits_api
from tests.kafka_io import header, read_topic, write_topic
from tests.notifier.conftest import notifier_api


async def started(api: Api, stack: AsyncExitStack, *, consume: bool) -> None:
    stop = asyncio.Event()
    relay = asyncio.create_task(api.runtime.relay.run(stop))

    async def shutdown() -> None:
        stop.set()
        await relay

    stack.push_async_callback(shutdown)
    if consume:
        await api.runtime.broker.start()
        stack.push_async_callback(api.runtime.broker.stop)


def decoded(records: list[Any]) -> list[Any]:
    return [CloudEvent.from_record(key=r.key, value=r.value, headers=r.headers).decode() for r in records]


async def test_an_interaction_checks_habits_in_once_and_its_deletion_takes_it_back(
    new_postgres_database: Callable[[], Awaitable[str]], kafka_settings: KafkaSettings, topics: Topics
) -> None:
    contacts_db, habits_db = await new_postgres_database(), await new_postgres_database()
    async with AsyncExitStack() as stack:
        contacts = await stack.enter_async_context(contacts_api(contacts_db, kafka_settings))
        habits = await stack.enter_async_context(habits_api(habits_db, kafka_settings))
        await started(contacts, stack, consume=False)
        await started(habits, stack, consume=True)
        me_c, me_h = contacts.as_owner("student-7"), habits.as_owner("student-7")

        for body in (
            {
                "name": "Three outreach messages a week",
                "measure": "outreach_messages",
                "schedule": {"kind": "times_per_week", "times": 3},
                "timezone": "America/New_York",
                "start_date": "2026-02-23",
            },
            {
                "name": "Revive one dormant tie a week",
                "measure": "dormant_ties_revived",
                "schedule": {"kind": "times_per_week", "times": 1},
                "timezone": "America/New_York",
                "start_date": "2026-02-23",
            },
        ):
            assert (await habits.client.post("/v1/habits", json=body, headers=me_h)).status_code == 201
        grace = (
            await contacts.client.post(
                "/v1/contacts", json={"name": "Grace Hopper", "tie": "dormant"}, headers=me_c
            )
        ).json()
        # 03:30 UTC on 2 March is still 1 March in New York
        message = (
            await contacts.client.post(
                f"/v1/contacts/{grace['id']}/interactions",
                json={"kind": "message", "direction": "outbound", "occurred_at": "2026-03-02T03:30:00Z"},
                headers=me_c,
            )
        ).json()

        checked_in = decoded(await read_topic(kafka_settings.bootstrap_servers, topics.habits, count=4))
        assert [type(e).__name__ for e in checked_in] == [
            "HabitCreated",
            "HabitCreated",
            "HabitCheckedIn",
            "HabitCheckedIn",
        ]

        # the same interaction event once more, as a redelivery would bring it
        [logged] = [
            r
            for r in await read_topic(kafka_settings.bootstrap_servers, topics.contacts, count=2)
            if header(r, "ce_type") == "keepwarm.interaction.logged.v1"
        ]
        await write_topic(
            kafka_settings.bootstrap_servers,
            [
                OutgoingRecord(
                    topic=topics.contacts, key=logged.key, value=logged.value, headers=list(logged.headers)
                )
            ],
        )
        assert (
            await contacts.client.delete(f"/v1/interactions/{message['id']}", headers=me_c)
        ).status_code == 204

        habit_records = await read_topic(kafka_settings.bootstrap_servers, topics.habits, count=6)
        events = decoded(habit_records)
        async with habits.runtime.engine.connect() as connection:
            check_ins = await connection.scalar(select(func.count()).select_from(db.check_ins))
            by_id = await connection.scalar(select(func.count()).select_from(db.inbox.events))
            marks = (await connection.execute(select(db.inbox.sequences))).mappings().all()
        contact_records = await read_topic(kafka_settings.bootstrap_servers, topics.contacts, count=4)

    assert [type(e).__name__ for e in events] == [
        "HabitCreated",
        "HabitCreated",
        "HabitCheckedIn",
        "HabitCheckedIn",
        "HabitCheckInReverted",
        "HabitCheckInReverted",
    ]
    credited = [e for e in events if isinstance(e, contract.HabitCheckedIn)]
    assert {e.check_in.local_date.isoformat() for e in credited} == {"2026-03-01"}
    assert {e.check_in.source for e in credited} == {"automatic"}
    assert {e.check_in.source_event_id for e in credited} == {header(logged, "ce_id")}
    assert {e.habit.name for e in credited} == {
        "Three outreach messages a week",
        "Revive one dormant tie a week",
    }
    reverted = [e for e in events if isinstance(e, contract.HabitCheckInReverted)]
    assert {e.check_in.id for e in reverted} == {e.check_in.id for e in credited}
    assert {r.key for r in habit_records} == {b"student-7"}
    assert {header(r, "ce_source") for r in habit_records} == {"/keepwarm/habits"}
    assert check_ins == 2  # the redelivered event earned nothing more
    # contact added, interaction logged (its copy dropped by its sequence), interaction deleted:
    # the habits consumer's mark for this student is the last event's sequence, and no event
    # needed an id of its own in the inbox
    assert [(m["consumer"], m["source"], m["key"]) for m in marks] == [
        ("habits.interactions", "/keepwarm/contacts", "student-7")
    ]
    last_sequence = header(contact_records[-1], "ce_sequence")
    assert last_sequence is not None
    assert marks[0]["sequence"] == int(last_sequence)
    assert by_id == 0


async def test_the_zone_set_once_on_the_notifier_reaches_the_habits_service(
    new_postgres_database: Callable[[], Awaitable[str]], kafka_settings: KafkaSettings, topics: Topics
) -> None:
    """Preferences on the notifier, over real Kafka: the habits service then gives a new habit the
    owner's zone and moves the habits that follow it."""
    notifier_db, habits_db = await new_postgres_database(), await new_postgres_database()
    async with AsyncExitStack() as stack:
        notifier = await stack.enter_async_context(notifier_api(notifier_db, kafka_settings))
        habits = await stack.enter_async_context(habits_api(habits_db, kafka_settings))
        await started(notifier, stack, consume=False)
        await started(habits, stack, consume=True)
        me_n, me_h = notifier.as_owner("student-8"), habits.as_owner("student-8")
        body = {"name": "One outreach a day", "schedule": {"kind": "daily"}}
        early = (await habits.client.post("/v1/habits", json=body, headers=me_h)).json()
        assert early["timezone"] == "UTC"

        chosen = {"timezone": "Australia/Adelaide", "day_start": "04:00"}
        assert (await notifier.client.patch("/v1/preferences", json=chosen, headers=me_n)).status_code == 200
        moved = decoded(await read_topic(kafka_settings.bootstrap_servers, topics.habits, count=2))
        later = (await habits.client.post("/v1/habits", json=body, headers=me_h)).json()

    assert isinstance(moved[1], contract.HabitUpdated)
    assert (moved[1].habit.id, moved[1].habit.timezone) == (early["id"], "Australia/Adelaide")
    assert moved[1].habit.day_start.isoformat() == "04:00:00"
    assert (later["timezone"], later["day_start"], later["zone_is_owners"]) == (
        "Australia/Adelaide",
        "04:00:00",
        True,
    )
