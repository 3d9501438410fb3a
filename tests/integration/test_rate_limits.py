"""Rate limits on the real apps: writes per owner, imports and test sends per owner, fetches of
one feed, action links and everything per client address answer 429 with Retry-After, name what
was limited, change nothing, and leave other owners alone."""

import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from services.contacts.bootstrap import ContactsSettings
from services.contacts.bootstrap import bootstrap as contacts
from services.notifier.bootstrap import NotifierSettings
from services.notifier.bootstrap import bootstrap as notifier
from shared.localinfra.processes import free_port, port_open
from shared.rate_limits import RateSettings
from shared.settings import KafkaSettings
from tests.api import Api, running_api

TIGHT = RateSettings(
    writes="3/minute",
    imports="1/hour",
    test_sends="1/hour",
    feeds="2/hour",
    links="2/minute",
    per_client="40/minute",
)


@pytest.fixture
async def contacts_api(sqlite_url: str) -> AsyncIterator[Api]:
    settings = ContactsSettings(database_url=sqlite_url, http_port=8001, kafka=KafkaSettings(), rate=TIGHT)
    async with running_api(lambda clock: contacts(settings, clock=clock), "contacts") as api:
        yield api


@pytest.fixture
async def notifier_api(sqlite_url: str) -> AsyncIterator[Api]:
    rate = TIGHT.model_copy(update={"writes": "10/minute"})
    settings = NotifierSettings(database_url=sqlite_url, http_port=8003, kafka=KafkaSettings(), rate=rate)
    async with running_api(lambda clock: notifier(settings, clock=clock), "notifier") as api:
        yield api


async def test_writes_are_limited_per_owner_with_retry_after_and_nothing_changes(contacts_api: Api) -> None:
    api = contacts_api
    ada = api.as_owner("ada")
    for n in range(3):
        created = await api.client.post("/v1/contacts", json={"name": f"Person {n}"}, headers=ada)
        assert created.status_code == 201, created.text
    limited = await api.client.post("/v1/contacts", json={"name": "One too many"}, headers=ada)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert "writes" in limited.json()["detail"]
    listed = await api.client.get("/v1/contacts", headers=ada)  # reads are not writes
    assert [c["name"] for c in listed.json()["items"]] == ["Person 0", "Person 1", "Person 2"]
    other = await api.client.post("/v1/contacts", json={"name": "Grace"}, headers=api.as_owner("grace"))
    assert other.status_code == 201


async def test_imports_have_their_own_tighter_limit(contacts_api: Api) -> None:
    api = contacts_api
    owner = api.as_owner("ada")
    sheet = "name,email\nAda,ada@example.org\n"
    first = await api.client.post("/v1/imports/csv", content=sheet, headers=owner)
    assert first.status_code == 200, first.text
    second = await api.client.post("/v1/imports/csv", content=sheet, headers=owner)
    assert second.status_code == 429
    assert "imports" in second.json()["detail"]
    assert int(second.headers["retry-after"]) > 60


async def test_every_request_counts_against_its_client_address_even_with_invented_owners(
    contacts_api: Api,
) -> None:
    api = contacts_api
    answers = [
        (await api.client.get("/v1/contacts", headers=api.as_owner(f"invented-{n}"))).status_code
        for n in range(41)
    ]
    assert answers[:40] == [200] * 40
    assert answers[40] == 429


async def test_test_sends_feed_fetches_and_action_links_are_limited(notifier_api: Api) -> None:
    api = notifier_api
    owner = api.as_owner("ada")
    channel = await api.client.post(
        "/v1/preferences/channels", json={"name": "Phone", "url": "ntfy://127.0.0.1:9/t"}, headers=owner
    )
    first = await api.client.post(f"/v1/preferences/channels/{channel.json()['id']}/test", headers=owner)
    assert first.status_code == 200
    second = await api.client.post(f"/v1/preferences/channels/{channel.json()['id']}/test", headers=owner)
    assert (second.status_code, "test sends" in second.json()["detail"]) == (429, True)

    feed = await api.client.post("/v1/calendar-feeds", json={"name": "Networking"}, headers=owner)
    path = "/" + feed.json()["url"].split("/", 3)[3]
    assert [(await api.client.get(path)).status_code for _ in range(3)] == [200, 200, 429]

    links = [(await api.client.post("/v1/links", json={"token": "x.y"})).status_code for _ in range(3)]
    assert links == [404, 404, 429]


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A throwaway Redis server: the counts several instances share."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail(
            "sharing rate limits across instances is tested with Redis: apt-get install -y redis-server"
        )
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not port_open(port):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_instances_sharing_redis_count_writes_together(sqlite_url: str, redis_url: str) -> None:
    rate = TIGHT.model_copy(update={"storage_uri": redis_url})
    settings = ContactsSettings(database_url=sqlite_url, http_port=8001, kafka=KafkaSettings(), rate=rate)
    async with (
        running_api(lambda clock: contacts(settings, clock=clock), "contacts") as first,
        running_api(lambda clock: contacts(settings, clock=clock), "contacts") as second,
    ):
        ada = first.as_owner("ada")
        answers = [
            (await api.client.post("/v1/contacts", json={"name": f"Person {n}"}, headers=ada)).status_code
            for n, api in enumerate([first, second, first, second])
        ]
    assert answers == [201, 201, 201, 429]
