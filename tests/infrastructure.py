"""Real infrastructure for the tests: Kafka and PostgreSQL, found or started, never faked.

Order of preference: what the environment names (``KAFKA_BOOTSTRAP_SERVERS``,
``KEEPWARM_TEST_POSTGRES_URL``), then a Docker engine through testcontainers, then servers started
here from the machine's own Java/Maven and PostgreSQL binaries. When none works the tests that need
it fail with the reason; they never skip.
"""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from shared.localinfra.kafka import LocalKafka
from shared.localinfra.postgres import LocalPostgres


def docker_engine_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=15).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@dataclass
class KafkaCluster:
    bootstrap_servers: str
    local: LocalKafka | None = None
    """Set when the tests started the broker themselves and so may stop and restart it."""


@contextmanager
def kafka_cluster() -> Iterator[KafkaCluster]:
    if servers := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield KafkaCluster(servers)
    elif docker_engine_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer("apache/kafka:4.1.0").with_kraft() as container:
            yield KafkaCluster(container.get_bootstrap_server())
    else:
        with local_kafka() as broker:
            yield KafkaCluster(broker.bootstrap_servers, local=broker)


@contextmanager
def local_kafka() -> Iterator[LocalKafka]:
    home = Path(tempfile.mkdtemp(prefix="keepwarm-kafka-"))
    broker = LocalKafka.ephemeral(home)
    try:
        broker.start()
        yield broker
    finally:
        broker.stop()
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yields an admin URL (SQLAlchemy, asyncpg) of a server where tests may create databases."""
    if url := os.environ.get("KEEPWARM_TEST_POSTGRES_URL"):
        yield url
    elif docker_engine_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:17", driver="asyncpg") as container:
            yield container.get_connection_url()
    else:
        home = Path(tempfile.mkdtemp(prefix="keepwarm-pg-"))
        server = LocalPostgres.ephemeral(home)
        try:
            server.start()
            yield server.url()
        finally:
            server.stop()
            shutil.rmtree(home, ignore_errors=True)
