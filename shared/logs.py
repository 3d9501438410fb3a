"""Logging for every process: one line per record, and repeats held back. A client library that
logs the same complaint ten times a second (aiokafka while the broker is down) says it once
every ``every_s`` seconds, with how many were held back.

Lines are text by default; with ``KEEPWARM_LOG_FORMAT=json`` each is one JSON object (time,
level, logger, message, service, roles, and the owner a request is for, as a keyed hash), for a
log collector. Messages never carry a secret, a token or an event body (the callers see to it);
an exception is written as its type and stack, without its message, which may quote input.
"""

import hashlib
import hmac
import json
import logging
import os
import time
import traceback
from collections.abc import Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Literal

from opentelemetry import trace
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

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


class LogSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEEPWARM_LOG_", extra="ignore")

    format: Literal["text", "json"] = "text"
    owner_key: SecretStr | None = None
    """Key of the owner hash in JSON lines: the same in every service, so one student's lines
    can be followed across them without their id in the logs. Unset: a key per process."""


_owner: ContextVar[str | None] = ContextVar("keepwarm_log_owner", default=None)


def about_owner(owner_id: str) -> None:
    """Lines logged from here on in this task (a request) are about ``owner_id``."""
    _owner.set(owner_id)


class JsonLines(logging.Formatter):
    """One JSON object per record."""

    def __init__(self, *, service: str, roles: Sequence[str], owner_key: bytes) -> None:
        super().__init__()
        self._fixed = {"service": service, "roles": list(roles)}
        self._owner_key = owner_key

    def owner_hash(self, owner_id: str) -> str:
        return hmac.new(self._owner_key, owner_id.encode(), hashlib.sha256).hexdigest()[:16]

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **self._fixed,
        }
        owner = _owner.get()
        if owner is not None:
            entry["owner"] = self.owner_hash(owner)
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            entry["trace_id"] = format(span.trace_id, "032x")
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            entry["error"] = type(error).__name__
            entry["stack"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}"
                for frame in traceback.extract_tb(error.__traceback__)
            ]
        return json.dumps(entry, ensure_ascii=False)


def configure(
    level: int = logging.INFO,
    *,
    every_s: float = 30.0,
    service: str = "keepwarm",
    roles: Sequence[str] = (),
    settings: LogSettings | None = None,
) -> None:
    """The process's logging: one format, and the noisy client libraries rate-limited."""
    settings = settings or LogSettings()
    if settings.format == "json":
        key = settings.owner_key.get_secret_value().encode() if settings.owner_key else os.urandom(32)
        handler = logging.StreamHandler()
        handler.setFormatter(JsonLines(service=service, roles=roles, owner_key=key))
        logging.basicConfig(level=level, handlers=[handler], force=True)
    else:
        logging.basicConfig(level=level, format=FORMAT)
    limit = RepeatLimit(every_s)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).addFilter(limit)
