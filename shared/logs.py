"""Logging for every process: one line per record, and repeats held back. A client library that
logs the same complaint ten times a second (aiokafka while the broker is down) says it once
every ``every_s`` seconds, with how many were held back."""

import logging
import time

NOISY_LOGGERS = ("aiokafka", "kafka")
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class RepeatLimit(logging.Filter):
    """Lets a message (its logger, level and template) through at most once every ``every_s``."""

    def __init__(self, every_s: float = 30.0) -> None:
        super().__init__()
        self.every_s = every_s
        self._last: dict[tuple[str, int, str], float] = {}
        self._held: dict[tuple[str, int, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, str(record.msg))
        now = time.monotonic()
        last = self._last.get(key)
        if last is not None and now - last < self.every_s:
            self._held[key] = self._held.get(key, 0) + 1
            return False
        self._last[key] = now
        held = self._held.pop(key, 0)
        if held:
            record.msg = f"{record.msg} (and {held} more like it in the last {self.every_s:g} s)"
        return True


def configure(level: int = logging.INFO, *, every_s: float = 30.0) -> None:
    """The process's logging: one format, and the noisy client libraries rate-limited."""
    logging.basicConfig(level=level, format=FORMAT)
    limit = RepeatLimit(every_s)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).addFilter(limit)
