"""Keep-alive nudges end to end on real Kafka and PostgreSQL with two notifier instances at once:
contacts arrive on the contacts topic, both instances consume and schedule, and every prompt
reaches a real SMTP server and a real push endpoint exactly once, also when the events are
delivered again; each nudge is announced once on the notifier topic."""

import asyncio
import json
from datetime import UTC, datetime

import httpx
from sqlalchemy import func, select

from services.notifier.adapters import db
from services.notifier.bootstrap import NotifierSettings, bootstrap
from shared.auth import DEVELOPMENT_SECRET, mint_token
from shared.contracts import contacts as contract
from shared.contracts.topics import Topics
from shared.kafka.producer import OutgoingRecord
from shared.localinfra.processes import free_port
from shared.runtime import Role, ServiceRuntime
from shared.settings import KafkaSettings
from tests.api import until_ready
from tests.kafka_io import header, read_until, write_topic
from tests.notifier.stream import at, contact, envelope
from tests.receivers import push_endpoint, smtp_server

OWNER = "student-9"
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
LONG_AGO = datetime(2025, 11, 20, 18, tzinfo=UTC)
PEOPLE = [f"Person {n:02d}" for n in range(20)]


def instance(database_url: str, kafka: KafkaSettings) -> tuple[ServiceRuntime, str]:
    port = free_port()
    settings = NotifierSettings(
        database_url=database_url,
        http_port=port,
        kafka=kafka,
        nudge_interval_s=0.1,
        period_check_interval_s=5,
    )
    return bootstrap(settings, clock=lambda: NOW), f"http://127.0.0.1:{port}"


async def test_two_instances_send_each_nudge_exactly_once(
    postgres_url: str, kafka_settings: KafkaSettings, topics: Topics
) -> None:
    (first, first_url), (second, second_url) = (instance(postgres_url, kafka_settings) for _ in range(2))
    await first.migrate()
    stop = asyncio.Event()
    roles = {Role.API, Role.CONSUME, Role.RELAY, Role.JOBS}
    running = [asyncio.create_task(runtime.run(roles, stop)) for runtime in (first, second)]
    records = [
        OutgoingRecord.of(
            envelope(
                contract.ContactAdded(
                    **at(OWNER), contact=contact(f"c{n:02d}", name=name, last_interaction_at=LONG_AGO)
                )
            ),
            topic=topics.contacts,
        )
        for n, name in enumerate(PEOPLE)
    ]
    try:
        with smtp_server() as mailbox, push_endpoint() as push:
            headers = {"Authorization": f"Bearer {mint_token(secret=DEVELOPMENT_SECRET, owner_id=OWNER)}"}
            async with (
                httpx.AsyncClient(base_url=first_url, timeout=10) as one,
                httpx.AsyncClient(base_url=second_url, timeout=10) as two,
            ):
                await until_ready(one)
                await until_ready(two)
                assert (
                    await one.patch("/v1/preferences", json={"daily_limit": 50}, headers=headers)
                ).status_code == 200
                for name, url in (("Email", mailbox.url()), ("Phone", push.url())):
                    added = await two.post(
                        "/v1/preferences/channels", json={"name": name, "url": url}, headers=headers
                    )
                    assert added.status_code == 201, added.text

                await write_topic(kafka_settings.bootstrap_servers, records)
                async with asyncio.timeout(60):
                    while len(mailbox.messages) < len(PEOPLE) or len(push.pushes) < len(PEOPLE):
                        await asyncio.sleep(0.1)

                await write_topic(kafka_settings.bootstrap_servers, records)  # delivered again
                await asyncio.sleep(3)  # dozens of scheduler turns on each instance
                assert sorted(mailbox.subjects()) == [f"Keep in touch with {name}" for name in PEOPLE]
                assert sorted(p["title"] for p in push.pushes) == [
                    f"Keep in touch with {name}" for name in PEOPLE
                ]

                listed = (await two.get("/v1/prompts", headers=headers)).json()
                assert len(listed) == len(PEOPLE)

        announced = await read_until(
            kafka_settings.bootstrap_servers,
            topics.notifier,
            lambda found: len(found) >= len(PEOPLE),
        )
        sent = [json.loads(record.value) for record in announced]
        assert {header(record, "ce_type") for record in announced} == {"keepwarm.nudge.sent.v1"}
        assert len({event["nudge_id"] for event in sent}) == len(sent) == len(PEOPLE)
        assert {event["subject_id"] for event in sent} == {f"c{n:02d}" for n in range(len(PEOPLE))}
        async with first.engine.connect() as connection:
            nudges = await connection.scalar(select(func.count()).select_from(db.nudges))
            delivered = await connection.scalar(
                select(func.count()).select_from(db.nudge_attempts).where(db.nudge_attempts.c.ok.is_(True))
            )
        assert (nudges, delivered) == (len(PEOPLE), 2 * len(PEOPLE))
    finally:
        stop.set()
        await asyncio.gather(*running)
        for runtime in (first, second):
            await runtime.engine.dispose()
