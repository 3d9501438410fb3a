"""The project's own broker: data survives a stop, and a crash, and comes back on start."""

import asyncio
import uuid

from shared.kafka.producer import OutgoingRecord
from tests.infrastructure import KafkaCluster
from tests.kafka_io import read_topic, write_topic


async def test_records_survive_a_clean_stop_and_a_crash(restartable_kafka: KafkaCluster) -> None:
    broker = restartable_kafka.local
    assert broker is not None
    topic = f"test-{uuid.uuid4().hex[:8]}.survival"
    before = OutgoingRecord(topic=topic, key=b"k", value=b'{"n": 1}', headers=[])
    await write_topic(broker.bootstrap_servers, [before])

    broker.stop()
    await asyncio.to_thread(broker.start)
    after_stop = OutgoingRecord(topic=topic, key=b"k", value=b'{"n": 2}', headers=[])
    await write_topic(broker.bootstrap_servers, [after_stop])
    broker.stop(hard=True)
    await asyncio.to_thread(broker.start)

    records = await read_topic(broker.bootstrap_servers, topic, count=2, timeout_s=60)
    assert [record.value for record in records] == [b'{"n": 1}', b'{"n": 2}']
    assert broker.pid() is not None
