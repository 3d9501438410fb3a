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
        with contextlib.suppress(TopicAlreadyExistsError):  # another instance was quicker
            await admin.create_topics(
                [
                    NewTopic(
                        name,
                        num_partitions=settings.topic_partitions,
                        replication_factor=settings.topic_replication_factor,
                        topic_configs=topic_configs(settings, name),
                    )
                    for name in missing
                ]
            )
        log.info("created topics %s", ", ".join(missing))
    finally:
        await admin.close()


async def partitions_of(settings: KafkaSettings, topic: str) -> list[int]:
    """The partition numbers of ``topic``; LookupError when it does not exist."""
    admin = AIOKafkaAdminClient(**settings.client_options(), request_timeout_ms=settings.request_timeout_ms)
    await admin.start()
    try:
        [found] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    partitions = sorted(int(p["partition"]) for p in found.get("partitions", ()))
    if found.get("error_code") or not partitions:
        raise LookupError(f"topic {topic} does not exist")
    return partitions


def topic_configs(settings: KafkaSettings, name: str) -> dict[str, str]:
    """An event stream expires (``retention.ms``); a state topic keeps the newest record of each
    key and drops a key's older records, and a tombstone's key with them, within the compaction
    lag (both a segment at a time)."""
    configs = {"segment.ms": str(settings.topic_segment_ms)}
    if name in settings.topics.compacted:
        configs |= {
            "cleanup.policy": "compact",
            "max.compaction.lag.ms": str(settings.state_compaction_lag_ms),
            "delete.retention.ms": str(settings.state_compaction_lag_ms),
            "min.cleanable.dirty.ratio": "0.1",
        }
    else:
        configs["retention.ms"] = str(settings.topic_retention_ms)
    if settings.topic_replication_factor > 1:
        configs["min.insync.replicas"] = str(settings.topic_replication_factor - 1)
    return configs


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
