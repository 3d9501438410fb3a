"""Repeated complaints of a client library are held back, and counted when the next one passes."""

import logging

import pytest

from shared.logs import RepeatLimit


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
