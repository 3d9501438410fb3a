"""CloudEvents 1.0 in Kafka binary mode: attributes in ``ce_*`` headers, the data in the body.

``ce_time`` is when the event was recorded; when it happened in the world is the payload's
``occurred_at``.

``ce_sequence`` (the CloudEvents sequence extension) orders a source's events: KeepWarm's relays
stamp each with its outbox id, zero-padded to 20 digits so that it also orders as a string.
Consumers read it as a number and drop anything at or below what they applied for its key.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from shared.contracts.base import Event, EventData
from shared.contracts.registry import UnknownEventType, event_class
from shared.time import as_utc

SPEC_VERSION = "1.0"
SPEC_VERSION_BYTES = SPEC_VERSION.encode()
CONTENT_TYPE = "application/json"
REQUIRED_HEADERS = ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time")
SEQUENCE_DIGITS = 20
MAX_SEQUENCE = 2**63 - 1  # what a database's BIGINT holds


def sequence_of(number: int) -> str:
    """The ``sequence`` attribute for a source's ``number``-th event."""
    return f"{number:0{SEQUENCE_DIGITS}d}"


class MalformedEvent(ValueError):
    """A record that can never be processed: bad headers, unknown type or invalid data."""


@dataclass(frozen=True, slots=True)
class CloudEvent:
    id: str
    type: str
    source: str
    subject: str | None
    time: datetime
    key: str
    data: bytes
    sequence: str | None = None
    traceparent: str | None = None
    """W3C trace context of the event (the CloudEvents distributed-tracing extension)."""

    @property
    def sequence_number(self) -> int | None:
        """The sequence as a number, or None when there is none or it is not decimal digits
        or beyond a BIGINT: then the consumer falls back to remembering the event's id)."""
        sequence = self.sequence
        if sequence is None or not sequence.isascii() or not sequence.isdigit():
            return None
        number = int(sequence)
        return number if number <= MAX_SEQUENCE else None

    def headers(self) -> list[tuple[str, bytes]]:
        pairs = [
            ("ce_specversion", SPEC_VERSION),
            ("ce_id", self.id),
            ("ce_source", self.source),
            ("ce_type", self.type),
            ("ce_time", as_utc(self.time).isoformat().replace("+00:00", "Z")),
            ("content-type", CONTENT_TYPE),
        ]
        if self.subject is not None:
            pairs.append(("ce_subject", self.subject))
        if self.sequence is not None:
            pairs.append(("ce_sequence", self.sequence))
        if self.traceparent is not None:
            pairs.append(("ce_traceparent", self.traceparent))
        return [(name, value.encode()) for name, value in pairs]

    def decode(self) -> EventData:
        """The typed payload; raises :class:`MalformedEvent` when it cannot be read."""
        try:
            return event_class(self.type).model_validate_json(self.data)
        except UnknownEventType as error:
            raise MalformedEvent(f"unknown event type {self.type!r}") from error
        except ValidationError as error:
            raise MalformedEvent(f"invalid {self.type} data: {error}") from error

    @classmethod
    def of(
        cls, event: Event, *, source: str, event_id: str | None = None, sequence: int | None = None
    ) -> "CloudEvent":
        return cls(
            id=event_id or str(uuid.uuid4()),
            type=event.event_type,
            source=source,
            subject=event.subject,
            time=event.recorded,
            key=event.key,
            data=event.model_dump_json().encode(),
            sequence=None if sequence is None else sequence_of(sequence),
        )

    @classmethod
    def from_record(
        cls,
        *,
        key: bytes | None,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]],
    ) -> "CloudEvent":
        """Read a consumed record; raises :class:`MalformedEvent` for anything but a v1.0 event.
        Only the attributes it uses are decoded, each once."""
        raw = dict(headers)
        missing = [name for name in REQUIRED_HEADERS if not raw.get(name)]
        if missing:
            raise MalformedEvent(f"missing CloudEvents headers: {', '.join(missing)}")
        if raw["ce_specversion"] != SPEC_VERSION_BYTES:
            version = raw["ce_specversion"].decode("utf-8", "replace")
            raise MalformedEvent(f"unsupported ce_specversion {version!r}")
        if key is None or value is None:
            raise MalformedEvent("record has no key or no body")
        try:
            time = datetime.fromisoformat(raw["ce_time"].decode("utf-8", "replace"))
        except ValueError as error:
            raise MalformedEvent(f"unreadable record: {error}") from error
        subject, sequence, traceparent = (
            raw.get("ce_subject"),
            raw.get("ce_sequence"),
            raw.get("ce_traceparent"),
        )
        return cls(
            id=raw["ce_id"].decode("utf-8", "replace"),
            type=raw["ce_type"].decode("utf-8", "replace"),
            source=raw["ce_source"].decode("utf-8", "replace"),
            subject=None if subject is None else subject.decode("utf-8", "replace"),
            time=time,
            key=key.decode("utf-8", "replace"),
            data=value,
            sequence=None if sequence is None else sequence.decode("utf-8", "replace"),
            traceparent=None if traceparent is None else traceparent.decode("ascii", "replace")[:55],
        )
