"""The event contracts: names, envelopes, and committed schemas that cannot drift unnoticed."""

import json
import re
from datetime import UTC, datetime

import pytest

from services.asyncapi import asyncapi_files
from services.openapi import export_schema_files, openapi_files
from shared.contracts import Stream, Topics
from shared.contracts.contacts import ContactAdded, ContactSnapshot
from shared.contracts.export import CONTRACTS_DIR, SCHEMAS_DIR, schema_files
from shared.contracts.registry import ALL_TYPES as EVENT_TYPES
from shared.kafka.cloudevents import CloudEvent, MalformedEvent
from shared.vocabulary import Category, Tie, Warmth

IRREGULAR_PARTICIPLES = {"broken", "sent", "made", "done", "left"}
TYPE_NAME = re.compile(r"^keepwarm(\.public)?\.[a-z_]+\.[a-z_]+\.v[0-9]+$")


def added() -> ContactAdded:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    return ContactAdded(
        owner_id="owner-1",
        occurred_at=now,
        recorded_at=now,
        contact=ContactSnapshot(
            id="contact-1",
            display_name="Grace Hopper",
            category=Category.MENTOR,
            tie=Tie.DORMANT,
            warmth=Warmth.WARM,
            cadence_days=90,
            version=1,
        ),
    )


def test_every_type_name_is_versioned_past_tense_and_unique() -> None:
    for name, model in EVENT_TYPES.items():
        assert TYPE_NAME.match(name), name
        verb = name.split(".")[-2].split("_")[0]
        assert verb.endswith("ed") or verb in IRREGULAR_PARTICIPLES, f"{name} is not past tense"
        assert model.event_type == name
    assert len(set(EVENT_TYPES)) == len(EVENT_TYPES)


def test_payloads_are_frozen_and_ignore_fields_added_later() -> None:
    event = ContactAdded.model_validate_json(
        added().model_dump_json()[:-1] + ', "added_in_a_later_release": true}'
    )
    assert event == added()
    with pytest.raises(ValueError, match="frozen"):
        event.owner_id = "someone else"  # type: ignore[misc]


def test_an_envelope_round_trips_through_kafka_headers() -> None:
    envelope = CloudEvent.of(added(), source="/contacts")
    read = CloudEvent.from_record(key=b"owner-1", value=envelope.data, headers=envelope.headers())
    assert read == envelope
    assert read.decode() == added()
    assert dict(envelope.headers())["ce_time"] == b"2026-03-01T12:00:00Z"
    assert dict(envelope.headers())["ce_subject"] == b"contact-1"


@pytest.mark.parametrize(
    ("drop", "value", "reason"),
    [
        ("ce_type", None, "missing CloudEvents headers: ce_type"),
        (None, b"{not json", "invalid keepwarm.contact.added.v1 data"),
        (None, b'{"owner_id": 3}', "invalid keepwarm.contact.added.v1 data"),
    ],
)
def test_unreadable_records_are_refused_with_the_reason(
    drop: str | None, value: bytes | None, reason: str
) -> None:
    envelope = CloudEvent.of(added(), source="/contacts")
    headers = [(k, v) for k, v in envelope.headers() if k != drop]
    with pytest.raises(MalformedEvent, match=re.escape(reason)):
        CloudEvent.from_record(key=b"owner-1", value=value or envelope.data, headers=headers).decode()


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        ContactAdded.model_validate({**added().model_dump(), "occurred_at": "2026-03-01T12:00:00"})


def test_topics_have_defaults_a_prefix_and_dead_letter_names() -> None:
    topics = Topics.with_prefix("campus-a.")
    assert topics.of(Stream.HABITS) == "campus-a.keepwarm.habits.v1"
    assert Topics.dead_letter(topics.contacts) == "campus-a.keepwarm.contacts.v1.dlq"


@pytest.mark.parametrize(
    "files",
    [schema_files, asyncapi_files, openapi_files, export_schema_files],
    ids=["json-schema", "asyncapi", "openapi", "export"],
)
def test_committed_contract_files_match_the_code(files) -> None:  # type: ignore[no-untyped-def]
    stale = [
        str(path) for path, content in files().items() if not path.exists() or path.read_text() != content
    ]
    assert not stale, f"contract changed: run `keepwarm contracts export` and review {stale}"


def test_no_schema_file_outlives_its_event_type() -> None:
    committed = {path.name for path in SCHEMAS_DIR.glob("*.json")}
    assert committed == {f"{name}.json" for name in EVENT_TYPES}


def test_a_patch_document_offers_null_only_for_fields_that_can_be_cleared() -> None:
    """A client generated from the documents may not send null where the API refuses it."""
    patches = {
        ("contacts", "ContactPatch"): {"name", "category", "tie", "warmth"},
        ("contacts", "InteractionPatch"): {"kind", "direction", "occurred_at"},
        ("habits", "HabitPatch"): {"name", "measure", "schedule", "timezone", "start_date"},
    }
    for (service, model), required in patches.items():
        document = json.loads((CONTRACTS_DIR / "openapi" / f"{service}.json").read_text())
        fields = document["components"]["schemas"][model]["properties"]
        nullable = {name for name, field in fields.items() if {"type": "null"} in field.get("anyOf", [])}
        assert not nullable & required, (model, nullable & required)
        assert nullable, model  # the optional ones can still be cleared
