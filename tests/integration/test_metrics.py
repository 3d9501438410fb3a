"""``GET /metrics`` answers in Prometheus' text format (read back with the Prometheus client's own
parser) with what an operator watches, on the real broker and PostgreSQL: request latency by
route template, the outbox backlog and its oldest row's age, events published, consumer batches,
applied events, duplicates, dead letters and lag per partition, feed renders and 304s, and
scheduler job durations. Counters are read before and after, as other tests share the process."""

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from shared.contracts.topics import Topics
from shared.kafka.producer import OutgoingRecord
from shared.runtime import Role
from shared.settings import KafkaSettings
from tests.api import Api
from tests.contacts.conftest import contacts_api
from tests.kafka_io import write_topic
from tests.notifier.conftest import notifier_api

ME = "student-measured"


async def scrape(api: Api) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await api.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return sum(v for (n, found), v in samples.items() if n == name and set(labels.items()) <= found)


async def test_every_service_reports_what_an_operator_watches(
    new_postgres_database: Callable[[], Awaitable[str]], kafka_settings: KafkaSettings, topics: Topics
) -> None:
    async with AsyncExitStack() as stack:
        contacts = await stack.enter_async_context(
            contacts_api(await new_postgres_database(), kafka_settings)
        )
        notifier = await stack.enter_async_context(
            notifier_api(await new_postgres_database(), kafka_settings)
        )
        before = await scrape(notifier)
        me = contacts.as_owner(ME)
        for name in ("Ada", "Grace", "Linus"):
            assert (
                await contacts.client.post("/v1/contacts", json={"name": name}, headers=me)
            ).status_code == 201

        waiting, age = await contacts.runtime.relay.measure_backlog()
        assert waiting == 6  # each contact's event, and its copy for the contacts state topic
        assert age >= 0
        backlog = await scrape(contacts)
        assert value(backlog, "keepwarm_outbox_backlog", service="contacts") == 6
        route = {"service": "contacts", "method": "POST", "route": "/v1/contacts", "status": "201"}
        assert value(backlog, "keepwarm_http_request_duration_seconds_count", **route) >= 3

        # a record no consumer can read, for the dead-letter count
        await write_topic(
            kafka_settings.bootstrap_servers,
            [
                OutgoingRecord(
                    topic=topics.contacts, key=ME.encode(), value=b"{}", headers=[("ce_type", b"x")]
                )
            ],
        )
        stop = asyncio.Event()
        running = [
            asyncio.create_task(contacts.runtime.run({Role.RELAY}, stop)),
            asyncio.create_task(notifier.runtime.run({Role.CONSUME, Role.JOBS}, stop)),
        ]
        feed = (await notifier.client.post("/v1/calendar-feeds", json={"name": "Net"}, headers=me)).json()
        path = "/calendars/" + feed["url"].rsplit("/", 1)[1]
        after: dict[Any, float] = {}
        async with asyncio.timeout(30):
            while (
                value(after, "keepwarm_consumer_events_applied_total", consumer="notifier.contacts")
                < value(before, "keepwarm_consumer_events_applied_total", consumer="notifier.contacts") + 3
            ):
                await asyncio.sleep(0.1)
                after = await scrape(notifier)
        first = await notifier.client.get(path)
        assert (
            await notifier.client.get(path, headers={"If-None-Match": first.headers["etag"]})
        ).status_code == 304
        await asyncio.sleep(0.2)
        stop.set()
        await asyncio.gather(*running)
        after = await scrape(notifier)
        published = await scrape(contacts)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    consumer = {"consumer": "notifier.contacts"}
    assert grew("keepwarm_consumer_batches_total", **consumer) >= 1
    assert grew("keepwarm_consumer_events_applied_total", **consumer) == 3
    assert grew("keepwarm_consumer_dead_letters_total", **consumer, topic=topics.contacts) == 1
    lag = [
        v
        for (n, labels), v in after.items()
        if n == "keepwarm_consumer_lag_records" and ("topic", topics.contacts) in labels
    ]
    assert lag  # a gauge per partition the consumer read
    assert all(v >= 0 for v in lag)
    assert grew("keepwarm_feed_requests_total", answer="rendered") == 1
    assert grew("keepwarm_feed_requests_total", answer="not_modified") == 1
    assert grew("keepwarm_scheduler_claim_duration_seconds_count", job="nudges") >= 1
    assert value(published, "keepwarm_outbox_published_total", service="contacts") >= 6
    assert value(published, "keepwarm_outbox_backlog", service="contacts") == 0
    assert ME not in (await asyncio.to_thread(lambda: str(after)))  # no owner in any label
