"""Channel secrets sealed at rest, on SQLite and PostgreSQL: a channel's URL (here an ntfy topic,
which is its secret) is never in the database in clear, not even in SQLite's write-ahead log; a
test send still reaches a real endpoint; after a key rotation the reseal job seals every channel
under the new key, and the old key can then be dropped."""

from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.engine import make_url

from services.notifier.adapters import db
from services.notifier.bootstrap import NotifierSettings, bootstrap
from shared.auth import ConfigurationError
from shared.sealed import PREFIX, Sealer
from shared.settings import KafkaSettings
from tests.api import Api, running_api
from tests.receivers import PushEndpoint, push_endpoint

OWNER = "student-1"
TOPIC = "kw-secret-topic-4f9c2d"
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def notifier(database_url: str, keys: str) -> AbstractAsyncContextManager[Api]:
    settings = NotifierSettings(
        database_url=database_url, http_port=8003, kafka=KafkaSettings(), secret_keys=SecretStr(keys)
    )
    return running_api(lambda clock: bootstrap(settings, clock=clock), "notifier")


async def stored_urls(api: Api) -> list[str]:
    async with api.runtime.engine.connect() as connection:
        return list((await connection.execute(select(db.channels.c.url))).scalars())


async def send_test(api: Api, channel_id: str) -> bool:
    response = await api.client.post(
        f"/v1/preferences/channels/{channel_id}/test", headers=api.as_owner(OWNER)
    )
    assert response.status_code == 200, response.text
    delivered: bool = response.json()["delivered"]
    return delivered


def files_of(database_url: str) -> list[Path]:
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite"):
        return []
    main = Path(url.database or "")
    return [path for path in main.parent.glob(main.name + "*") if path.is_file()]


async def test_a_channel_secret_is_sealed_at_rest_and_resealed_after_a_key_rotation(
    database_url: str,
) -> None:
    endpoint: PushEndpoint
    with push_endpoint() as endpoint:
        async with notifier(database_url, OLD) as api:
            added = await api.client.post(
                "/v1/preferences/channels",
                json={"name": "Phone", "url": endpoint.url(TOPIC)},
                headers=api.as_owner(OWNER),
            )
            assert added.status_code == 201, added.text
            channel_id = added.json()["id"]
            [url] = await stored_urls(api)
            assert url.startswith(PREFIX)
            assert TOPIC not in url
            assert Sealer([OLD]).open(url) == endpoint.url(TOPIC)
            assert await send_test(api, channel_id)
            files = files_of(database_url)
            assert files or not database_url.startswith("sqlite")
            for path in files:  # the database file and its write-ahead log
                assert TOPIC.encode() not in path.read_bytes(), path

        async with notifier(database_url, f"{NEW},{OLD}") as api:
            assert await send_test(api, channel_id)  # the old key still opens it
            [job] = [job for job in api.runtime.jobs if job.name == "reseal"]
            await job.run()
            [url] = await stored_urls(api)
            assert Sealer([NEW]).is_current(url)
            assert Sealer([NEW]).open(url) == endpoint.url(TOPIC)

        async with notifier(database_url, NEW) as api:  # the old key dropped
            assert await send_test(api, channel_id)
    assert [push["topic"] for push in endpoint.pushes] == [TOPIC, TOPIC, TOPIC]


def test_production_needs_keys_and_refuses_a_malformed_one() -> None:
    with pytest.raises(ConfigurationError, match="KEEPWARM_NOTIFIER_SECRET_KEYS"):
        NotifierSettings(environment="production").sealer()
    with pytest.raises(ConfigurationError, match=r"Fernet\.generate_key"):
        NotifierSettings(environment="production", secret_keys=SecretStr("not-a-key")).sealer()
    assert NotifierSettings(environment="production", secret_keys=SecretStr(f" {NEW} , {OLD} ")).sealer()
