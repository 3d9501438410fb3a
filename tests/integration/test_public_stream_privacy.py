"""The public stream carries no personal data, read byte by byte from the real broker.

Every event type the notifier consumes is written to its topics with random personal strings in
every text field (names, companies, roles, tags, takeaways, follow-up and habit titles, ids,
the login id itself); the notifier consumes them on PostgreSQL for a student who opted in, a
week is summarised, and the student opts out. Every public event type appears on the public
topic, and none of those strings appears in any record's key, headers or body."""

import asyncio
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.notifier import campus
from services.notifier.adapters import db
from shared.contracts import contacts as c
from shared.contracts import habits as h
from shared.contracts.base import EventData
from shared.contracts.registry import PUBLIC_TYPES
from shared.contracts.topics import Stream, Topics
from shared.db.engine import session_factory
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.producer import OutgoingRecord
from shared.runtime import Role
from shared.settings import KafkaSettings
from shared.vocabulary import (
    Category,
    CheckInSource,
    Direction,
    FollowUpStatus,
    HabitMeasure,
    InteractionKind,
    Outcome,
    ScheduleKind,
    Tie,
    Warmth,
)
from tests.kafka_io import header, read_until, write_topic
from tests.notifier.conftest import notifier_api

PERSONAL: list[str] = []


def personal(kind: str) -> str:
    """A personal string no public record may contain."""
    value = f"{kind}{secrets.token_hex(5)}"
    PERSONAL.append(value)
    return value


def event_stream(owner: str, now: datetime) -> tuple[list[EventData], list[EventData], list[EventData]]:
    """(contacts stream, habits stream, later habits stream) events about ``owner``, each text
    field personal (the later ones end the habit: an archived habit announces no milestone)."""
    stamp = {
        "owner_id": owner,
        "occurred_at": now - timedelta(hours=2),
        "recorded_at": now - timedelta(hours=2),
    }

    def person(version: int, **fields: Any) -> c.ContactSnapshot:
        return c.ContactSnapshot(
            id=contact_id,
            display_name=name,
            company=company,
            role=role,
            category=Category.ALUMNI,
            tie=Tie.DORMANT,
            warmth=Warmth.WARM,
            tags=(tag,),
            cadence_days=30,
            version=version,
            **fields,
        )

    contact_id, name, company = personal("contact-"), personal("Name"), personal("Company")
    role, tag, interaction_id = personal("Role"), personal("tag"), personal("talk-")
    talk = c.InteractionSnapshot(
        id=interaction_id,
        contact_id=contact_id,
        kind=InteractionKind.INFORMATIONAL_INTERVIEW,
        direction=Direction.OUTBOUND,
        occurred_at=now - timedelta(hours=3),
        takeaway=personal("Takeaway"),
        version=1,
    )
    answered = talk.model_copy(update={"outcome": Outcome.MEETING_BOOKED, "version": 2})
    step = c.FollowUpSnapshot(
        id=personal("step-"),
        contact_id=contact_id,
        interaction_id=interaction_id,
        title=personal("Title"),
        due_at=now + timedelta(days=1),
        status=FollowUpStatus.OPEN,
        version=1,
    )
    other = step.model_copy(update={"id": personal("step-"), "title": personal("Title")})
    contacts: list[EventData] = [
        c.ContactAdded(**stamp, contact=person(1)),
        c.ContactUpdated(**stamp, contact=person(2), changed=("role",)),
        c.InteractionLogged(**stamp, contact=person(3), interaction=talk, previous_tie=Tie.DORMANT),
        c.InteractionUpdated(**stamp, contact=person(4), interaction=answered, changed=("outcome",)),
        c.FollowUpScheduled(**stamp, contact=person(4), follow_up=step),
        c.FollowUpScheduled(**stamp, contact=person(4), follow_up=other),
        c.FollowUpCompleted(
            **stamp,
            contact=person(4),
            follow_up=step.model_copy(update={"status": FollowUpStatus.DONE, "version": 2}),
        ),
        c.FollowUpCancelled(
            **stamp,
            contact=person(4),
            follow_up=other.model_copy(update={"status": FollowUpStatus.CANCELLED, "version": 2}),
        ),
        c.InteractionDeleted(
            **stamp, contact=person(5), interaction=answered.model_copy(update={"version": 3})
        ),
        c.ContactArchived(**stamp, contact=person(6, archived=True)),
    ]
    habit = h.HabitSnapshot(
        id=personal("habit-"),
        name=personal("Habit"),
        measure=HabitMeasure.FREE_FORM,
        schedule=h.Schedule(kind=ScheduleKind.DAILY),
        timezone="Europe/Berlin",
        start_date=date(2026, 2, 26),
        version=1,
    )
    habits: list[EventData] = [h.HabitCreated(**stamp, habit=habit)]
    for n, day in enumerate((date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2))):
        check_in = h.CheckIn(
            id=personal("check-"), habit_id=habit.id, local_date=day, count=1, source=CheckInSource.MANUAL
        )
        habits.append(h.HabitCheckedIn(**stamp, habit=habit, check_in=check_in))
        if n == 3:
            habits.append(h.HabitCheckInReverted(**stamp, habit=habit, check_in=check_in))
    renamed = habit.model_copy(update={"name": personal("Habit"), "version": 2})
    later: list[EventData] = [
        h.HabitUpdated(**stamp, habit=renamed, changed=("name",)),
        h.HabitPaused(**stamp, habit=renamed.model_copy(update={"version": 3})),
        h.HabitResumed(**stamp, habit=renamed.model_copy(update={"version": 4})),
        h.HabitArchived(**stamp, habit=renamed.model_copy(update={"version": 5, "archived": True})),
    ]
    return contacts, habits, later


def records(topic: str, events: list[EventData], source: str) -> list[OutgoingRecord]:
    return [
        OutgoingRecord(topic=topic, key=e.key.encode(), value=envelope.data, headers=envelope.headers())
        for e in events
        for envelope in [CloudEvent.of(e, source=source, sequence=None)]
    ]


async def test_no_personal_string_reaches_the_public_topic_for_any_public_event_type(
    postgres_url: str, kafka_settings: KafkaSettings, topics: Topics
) -> None:
    owner = personal("login-")
    async with notifier_api(postgres_url, kafka_settings) as api:
        api.clock.now = datetime(2026, 3, 2, 9, tzinfo=UTC)
        me = api.as_owner(owner)
        assert (
            await api.client.put("/v1/campus-sharing", json={"sharing": True}, headers=me)
        ).status_code == 200
        stop = asyncio.Event()
        running = asyncio.create_task(api.runtime.run({Role.RELAY, Role.CONSUME}, stop))
        contacts, habits, later = event_stream(owner, api.clock())
        await write_topic(
            kafka_settings.bootstrap_servers, records(topics.contacts, contacts, "/keepwarm/contacts")
        )
        await write_topic(
            kafka_settings.bootstrap_servers, records(topics.habits, habits, "/keepwarm/habits")
        )

        def public_types(found: list[Any]) -> set[str | None]:
            return {header(record, "ce_type") for record in found}

        def until(*types: str) -> Any:
            return lambda found: set(types) <= public_types(found)

        await read_until(
            kafka_settings.bootstrap_servers,
            topics.public,
            until("keepwarm.public.interaction.deleted.v1", "keepwarm.public.milestone.reached.v1"),
        )
        await write_topic(kafka_settings.bootstrap_servers, records(topics.habits, later, "/keepwarm/habits"))
        sessions = session_factory(api.runtime.engine)

        def uow() -> db.SqlUnitOfWork:
            return db.SqlUnitOfWork(
                sessions,
                outbox=db.outbox,
                topic=topics.notifier,
                routes={Stream.PUBLIC: topics.public},
                source="/t",
            )

        assert await campus.summarize_weeks(uow=uow, now=api.clock() + timedelta(days=7)) == 1
        assert (
            await api.client.put("/v1/campus-sharing", json={"sharing": False}, headers=me)
        ).status_code == 200
        found = await read_until(kafka_settings.bootstrap_servers, topics.public, until(*PUBLIC_TYPES))
        stop.set()
        await running

    assert public_types(found) == set(PUBLIC_TYPES)
    raw = [
        b"\0".join(
            [
                record.key or b"",
                record.value or b"",
                *(name.encode() + value for name, value in record.headers),
            ]
        )
        for record in found
    ]
    leaked = {text for text in PERSONAL for record in raw if text.encode() in record}
    assert leaked == set(), f"personal strings on the public topic: {leaked}"
    assert len(PERSONAL) > 15
