"""Repeated complaints of a client library are held back, and counted when the next one passes."""

import json
import logging
import sys

import pytest

from shared.logs import JsonLines, RepeatLimit


def test_a_message_repeated_ten_times_a_second_is_logged_once_with_the_count_of_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("aiokafka.test-repeat")
    limit = RepeatLimit(every_s=0.2)
    logger.addFilter(limit)
    caplog.set_level(logging.ERROR, logger="aiokafka.test-repeat")
    try:
        for _ in range(100):
            logger.error('Unable connect to "%s"', "127.0.0.1:9092")
        logger.error("another complaint")
        limit._last = {key: at - 1 for key, at in limit._last.items()}  # the window passed
        logger.error('Unable connect to "%s"', "127.0.0.1:9092")
    finally:
        logger.removeFilter(limit)
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        'Unable connect to "127.0.0.1:9092"',
        "another complaint",
        'Unable connect to "127.0.0.1:9092" (and 99 more like it in the last 0.2 s)',
    ]


def test_a_json_line_gives_an_exception_its_type_and_stack_but_never_its_message() -> None:
    formatter = JsonLines(service="notifier", roles=["consume"], owner_key=b"k")
    try:
        raise ValueError("invalid takeaway 'Ada's salary is 120k'")
    except ValueError:
        record = logging.LogRecord(
            "keepwarm.x", logging.ERROR, __file__, 1, "batch failed", (), sys.exc_info()
        )
    line = json.loads(formatter.format(record))
    assert line["message"] == "batch failed"
    assert line["error"] == "ValueError"
    assert line["stack"]
    assert "salary" not in json.dumps(line)
    assert (line["service"], line["roles"], line["level"]) == ("notifier", ["consume"], "ERROR")


def test_the_owner_hash_is_keyed() -> None:
    one = JsonLines(service="s", roles=[], owner_key=b"campus-a").owner_hash("student-1")
    same = JsonLines(service="s", roles=[], owner_key=b"campus-a").owner_hash("student-1")
    other = JsonLines(service="s", roles=[], owner_key=b"campus-b").owner_hash("student-1")
    assert one == same != other
    assert len(one) == 16
    assert "student" not in one
