"""A campus tool in a few lines: it tells KeepWarm that a student attended a career fair and met
someone, then prints what the public stream says (pseudonyms, kinds and counts, no names).

    uv run python deploy/examples/campus_tool.py <student id> [bootstrap servers]

The student is the ``sub`` of their KeepWarm token (on the local run, the name they signed in
with); they must have turned on "Share with my campus" in Settings. Run it again: the same
``reference`` changes nothing.
"""

import asyncio
import json
import sys
import uuid
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def main(student: str, bootstrap: str) -> None:
    moment = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    data = {
        "owner_id": student,
        "occurred_at": moment,
        "recorded_at": moment,
        "reference": "spring-fair-2026",
        "event_name": "Spring career fair",
        "people_met": [{"name": "Ada Lovelace", "company": "Analytical Engines", "email": "ada@example.org"}],
    }
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", str(uuid.uuid4()).encode()),
        ("ce_source", b"/campus/career-services"),
        ("ce_type", b"keepwarm.campus_event.attended.v1"),
        ("ce_time", moment.encode()),
        ("content-type", b"application/json"),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(
            "keepwarm.campus.v1", json.dumps(data).encode(), key=student.encode(), headers=headers
        )
    finally:
        await producer.stop()
    print(f"sent: {student} attended the Spring career fair and met Ada Lovelace")

    await asyncio.sleep(3)  # the contacts service, then the notifier, take it from there
    consumer = AIOKafkaConsumer(
        "keepwarm.public.v1", bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    try:
        for records in (await consumer.getmany(timeout_ms=3000)).values():
            for record in records:
                kind = dict(record.headers)["ce_type"].decode()
                print(f"public: {kind} {record.value.decode() if record.value else ''}")
    finally:
        await consumer.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1:9092"))
