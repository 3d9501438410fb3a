"""Topics are created explicitly, with the partitions, replication and retention the settings
give, before a service publishes or consumes: nothing relies on a broker's auto-creation (which
would make a topic with whatever the broker's defaults are, on the first write)."""

import asyncio
import contextlib
import logging
from collections.abc import Collection

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.kafka.faults import described
from shared.settings import KafkaSettings

log = logging.getLogger(__name__)


async def ensure_topics(settings: KafkaSettings, topics: Collection[str]) -> None:
    """Create the topics that do not exist yet; existing ones are left as they are."""
    admin = AIOKafkaAdminClient(**settings.client_options(), request_timeout_ms=settings.request_timeout_ms)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = sorted(set(topics) - existing)
        if not missing:
            return
        configs = {"retention.ms": str(settings.topic_retention_ms)}
        if settings.topic_replication_factor > 1:
            configs["min.insync.replicas"] = str(settings.topic_replication_factor - 1)
        with contextlib.suppress(TopicAlreadyExistsError):  # another instance was quicker
            await admin.create_topics(
                [
                    NewTopic(
                        name,
                        num_partitions=settings.topic_partitions,
                        replication_factor=settings.topic_replication_factor,
                        topic_configs=configs,
                    )
                    for name in missing
                ]
            )
        log.info("created topics %s", ", ".join(missing))
    finally:
        await admin.close()


async def provision(settings: KafkaSettings, topics: Collection[str], stop: asyncio.Event) -> None:
    """:func:`ensure_topics` until it succeeds (the broker may not be up yet) or ``stop`` is set."""
    if not topics:
        return
    delay = 0.5
    while not stop.is_set():
        try:
            await ensure_topics(settings, topics)
            return
        except Exception as error:  # noqa: BLE001 - the broker is not reachable yet: try again
            log.warning("topics not created yet: %s; retrying in %.1fs", described(error), delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, 10.0)
