"""An AsyncAPI 3.0 document per service, built from the event registry and what the service
publishes and follows, and committed (``shared/contracts/asyncapi``); a test fails when the
committed copy is stale, and another reads each with the reference AsyncAPI parser.

Each message is one CloudEvents type: its payload is the event's data (the same JSON Schema as
``shared/contracts/schemas``), its headers the CloudEvents attributes in Kafka binary mode, its
Kafka key the owner (student) id.
"""

from pathlib import Path
from typing import Any

from pydantic.json_schema import models_json_schema

from services.catalog import SERVICES
from shared.contracts.base import Event
from shared.contracts.export import CONTRACTS_DIR, render
from shared.contracts.registry import ALL_TYPES, types_on
from shared.contracts.topics import STATE_OF, Stream, Topics
from shared.kafka.cloudevents import CONTENT_TYPE, SEQUENCE_DIGITS, SPEC_VERSION
from shared.runtime import ServiceRuntime

ASYNCAPI_DIR = CONTRACTS_DIR / "asyncapi"
KAFKA_BINDING = "0.5.0"
SCHEMA_REF = "#/components/schemas/{model}"


def headers(event_type: str) -> dict[str, Any]:
    """The CloudEvents attributes of ``event_type`` as Kafka headers (binary content mode)."""
    return {
        "type": "object",
        "description": "CloudEvents 1.0 attributes, Kafka protocol binding, binary content mode.",
        "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type"],
        "properties": {
            "ce_specversion": {"const": SPEC_VERSION},
            "ce_id": {"type": "string", "minLength": 1, "description": "Unique per source."},
            "ce_source": {
                "type": "string",
                "minLength": 1,
                "description": "The service, e.g. /keepwarm/contacts.",
            },
            "ce_type": {"const": event_type},
            "ce_time": {"type": "string", "format": "date-time", "description": "When it was recorded."},
            "ce_subject": {"type": "string", "description": "The id of the entity the event is about."},
            "ce_sequence": {
                "type": "string",
                "pattern": f"^[0-9]{{{SEQUENCE_DIGITS}}}$",
                "description": (
                    "CloudEvents sequence extension: rises with each event of a source, in commit "
                    "order per key. Consumers drop an event at or below the last one they applied "
                    "for its source and key."
                ),
            },
            "content-type": {"const": CONTENT_TYPE},
        },
    }


DEAD_LETTER = "dead-letter"


def dead_letter_message() -> dict[str, Any]:
    """A record a consumer could not apply, copied to ``<topic>.dlq`` with the reason."""
    text = {"type": "string"}
    return {
        "name": DEAD_LETTER,
        "title": "DeadLetter",
        "summary": "A record a consumer could not apply: the original key, body and headers, and why.",
        "description": (
            "The body and key are the original record's, byte for byte (possibly not a valid "
            "event: that may be why it is here). The original ce_* headers are kept; dlq_* "
            "headers say what failed, naming fields at fault, never their values."
        ),
        "headers": {
            "type": "object",
            "required": [
                "dlq_error_type",
                "dlq_error",
                "dlq_consumer",
                "dlq_original_topic",
                "dlq_original_partition",
                "dlq_original_offset",
                "dlq_attempts",
                "dlq_failed_at",
            ],
            "properties": {
                "dlq_error_type": {**text, "description": "The kind of failure, e.g. MalformedEvent."},
                "dlq_error": {**text, "maxLength": 2000, "description": "What failed, without values."},
                "dlq_consumer": {**text, "description": "The consumer, e.g. notifier.contacts."},
                "dlq_original_topic": text,
                "dlq_original_partition": {**text, "pattern": "^[0-9]+$"},
                "dlq_original_offset": {**text, "pattern": "^[0-9]+$"},
                "dlq_attempts": {**text, "pattern": "^[0-9]+$"},
                "dlq_failed_at": {**text, "format": "date-time"},
            },
        },
        "payload": {"description": "The original record's body, as it was."},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": "The original record's key."},
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def messages_and_schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    """One message per event type, and the payload schemas they refer to."""
    models = list(ALL_TYPES.values())
    found, definitions = models_json_schema(
        [(model, "serialization") for model in models], ref_template=SCHEMA_REF
    )
    schemas: dict[str, Any] = dict(definitions.get("$defs", {}))
    messages = {}
    for model in models:
        payload = found[(model, "serialization")]
        messages[model.event_type] = {
            "name": model.event_type,
            "title": model.__name__,
            "summary": (model.__doc__ or model.__name__).strip().splitlines()[0],
            "contentType": CONTENT_TYPE,
            "headers": headers(model.event_type),
            "payload": payload,
            "bindings": {
                "kafka": {
                    "key": {"type": "string", "description": _key_of(model.stream)},
                    "bindingVersion": KAFKA_BINDING,
                }
            },
        }
    messages[DEAD_LETTER] = dead_letter_message()
    return messages, schemas


def _dead_letter_channel(topic: str) -> dict[str, Any]:
    address = Topics.dead_letter(topic)
    return {
        "address": address,
        "description": f"What a consumer of {topic} could not apply, with the reason.",
        "messages": {DEAD_LETTER: {"$ref": f"#/components/messages/{DEAD_LETTER}"}},
        "bindings": {"kafka": {"topic": address, "bindingVersion": KAFKA_BINDING}},
    }


STREAMS = {
    Stream.CONTACTS: "Contacts, interactions and follow-ups, with the people's names: internal.",
    Stream.HABITS: "Habits and check-ins: internal.",
    Stream.NOTIFIER: "Streaks, nudges and the owner's settings: internal.",
    Stream.PUBLIC: "What campus tools may read of the students who opted in: pseudonyms, kinds, "
    "dates and counts, no personal data.",
    Stream.CAMPUS: "What campus tools write: events attended, mentors matched, advising completed; "
    "applied for students who opted in, dead-lettered with the reason otherwise.",
    Stream.CONTACTS_STATE: "Compacted: the newest event of every contact, interaction and follow-up "
    "(the events of the contacts stream that carry one), so that a projection can be rebuilt from "
    "it; a tombstone (a key with no value) when the entity is deleted or its owner erased: internal.",
    Stream.HABITS_STATE: "Compacted: the newest event of every habit and counted check-in, so that a "
    "projection can be rebuilt from it; a tombstone when a check-in is reverted or its owner "
    "erased: internal.",
}


def _key_of(stream: Stream) -> str:
    if stream is Stream.PUBLIC:
        return "The student's pseudonym (the payload's student)."
    if stream is Stream.CONTACTS_STATE:
        return "The entity: contact/<id>, interaction/<id> or follow_up/<id>."
    if stream is Stream.HABITS_STATE:
        return "The entity: habit/<id> or check_in/<id>."
    return "The owner (student) id."


def _channel(topic: str, stream: Stream) -> dict[str, Any]:
    kept = {state: source for source, state in STATE_OF.items()}
    if stream in kept:
        events = tuple(model for model in types_on(kept[stream]) if model.states is not Event.states)
    else:
        events = types_on(stream)
    return {
        "address": topic,
        "description": f"{STREAMS[stream]} CloudEvents in binary mode, keyed by {_key_of(stream).lower()}",
        "messages": {
            model.event_type: {"$ref": f"#/components/messages/{model.event_type}"} for model in events
        },
        "bindings": {"kafka": {"topic": topic, "bindingVersion": KAFKA_BINDING}},
    }


def document_of(runtime: ServiceRuntime) -> dict[str, Any]:
    topics = Topics()  # the default names: a deployment's prefix is its own business
    stream_of = {topics.of(stream): stream for stream in Stream}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}

    def operation(action: str, topic: str, description: str) -> dict[str, Any]:
        channels.setdefault(topic, _channel(topic, stream_of[topic]))
        return {
            "action": action,
            "description": description,
            "channel": {"$ref": f"#/channels/{topic}"},
            "messages": [
                {"$ref": f"#/channels/{topic}/messages/{name}"} for name in channels[topic]["messages"]
            ],
        }

    for stream in runtime.publishes:
        operations[f"publish.{stream.value}"] = operation(
            "send", topics.of(stream), f"What {runtime.name} publishes, through its outbox relay."
        )
    for follower in runtime.follows:
        topic = topics.of(follower.stream)
        operations[follower.name] = operation("receive", topic, follower.description)
        dead = Topics.dead_letter(topic)
        channels[dead] = _dead_letter_channel(topic)
        operations[f"{follower.name}.dead-letters"] = {
            "action": "send",
            "description": f"{follower.name} copies here what it could not apply, and goes on.",
            "channel": {"$ref": f"#/channels/{dead}"},
            "messages": [{"$ref": f"#/channels/{dead}/messages/{DEAD_LETTER}"}],
        }
    messages, schemas = messages_and_schemas()
    used = {
        ref["$ref"].rsplit("/", 1)[1] for channel in channels.values() for ref in channel["messages"].values()
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": f"KeepWarm {runtime.name}",
            "version": "1.0.0",
            "description": (
                "Events as CloudEvents 1.0 in Kafka binary mode: attributes in ce_* headers, the "
                "event's data as the JSON body, the owner (student) id as the key. Types are "
                "versioned (.v1); within a version fields are only added."
            ),
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "development": {"host": "127.0.0.1:9092", "protocol": "kafka", "description": "keepwarm up"}
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": {name: message for name, message in messages.items() if name in used},
            "schemas": schemas,
        },
    }


def document(name: str) -> dict[str, Any]:
    return document_of(SERVICES[name]())


def asyncapi_files() -> dict[Path, str]:
    return {ASYNCAPI_DIR / f"{name}.json": render(document(name)) for name in SERVICES}
