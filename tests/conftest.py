import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from shared.contracts.topics import Stream, Topics
from shared.db.engine import create_engine
from shared.kafka.provisioning import ensure_topics
from shared.settings import KafkaSettings
from tests.infrastructure import KafkaCluster, kafka_cluster, local_kafka, postgres_server


@pytest.fixture(scope="session")
def kafka() -> Iterator[KafkaCluster]:
    with kafka_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def restartable_kafka(kafka: KafkaCluster) -> Iterator[KafkaCluster]:
    """A broker the test may stop and start again (its data survives)."""
    if kafka.local is not None:
        yield kafka
        return
    with local_kafka() as broker:
        yield KafkaCluster(broker.bootstrap_servers, local=broker)


@pytest.fixture
def topics() -> Topics:
    """Topic names no other test uses."""
    return Topics.with_prefix(f"test-{uuid.uuid4().hex[:10]}.")


@pytest.fixture
async def kafka_settings(kafka: KafkaCluster, topics: Topics) -> KafkaSettings:
    """Settings for this test's own topics, created up front as an operator would (tests also
    read and write them without a service; the broker creates no topic by itself)."""
    prefix = topics.contacts.removesuffix(Topics().contacts)
    settings = KafkaSettings(bootstrap_servers=kafka.bootstrap_servers, topic_prefix=prefix)
    names = [topics.of(stream) for stream in Stream]
    await ensure_topics(settings, {*names, *(Topics.dead_letter(name) for name in names)})
    return settings


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture
async def new_postgres_database(postgres_admin_url: str) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    """Creates fresh, empty databases (one per service, say), dropped after the test."""
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    created: list[str] = []

    async def create() -> str:
        name = f"test_{uuid.uuid4().hex[:12]}"
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)

    yield create
    async with admin.connect() as connection:
        for name in created:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture
async def postgres_url(new_postgres_database: Callable[[], Awaitable[str]]) -> str:
    """A fresh, empty database for one test."""
    return await new_postgres_database()


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/test.db"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """The same test on the embedded default and on PostgreSQL."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url
