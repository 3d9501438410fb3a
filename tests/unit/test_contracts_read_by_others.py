"""The committed contracts as a stranger's tools read them: each AsyncAPI document by the
reference AsyncAPI parser, each JSON Schema by Ajv (2020-12, strict), both on Node.js."""

import json
from pathlib import Path

from shared.contracts.export import CONTRACTS_DIR, SCHEMAS_DIR
from shared.contracts.registry import ALL_TYPES
from shared.kafka.cloudevents import REQUIRED_HEADERS
from tests.node_tools import run_node

READERS = Path(__file__).parent.parent / "contract_readers"


def test_the_reference_asyncapi_parser_reads_every_message_with_its_payload_and_headers() -> None:
    files = sorted((CONTRACTS_DIR / "asyncapi").glob("*.json"))
    found = json.loads(run_node(READERS, "read.mjs", "asyncapi", *map(str, files), what="@asyncapi/parser"))
    assert [Path(document["file"]).name for document in found] == [
        "contacts.json",
        "habits.json",
        "notifier.json",
    ]
    for document in found:
        problems = [d for d in document["diagnostics"] if d["severity"] in {"error", "warning"}]
        assert document["parsed"], document["diagnostics"]
        assert problems == [], (document["file"], problems)
        assert document["messages"], document["file"]
        for message in document["messages"]:
            if message["name"] == "dead-letter":
                assert "dlq_error" in message["headers"], message
                continue
            assert message["name"] in ALL_TYPES, message
            assert message["payload"] == "object", message
            assert set(REQUIRED_HEADERS) | {"ce_sequence", "content-type"} <= set(message["headers"]), message
    every_message = {message["name"] for document in found for message in document["messages"]}
    assert every_message == set(ALL_TYPES) | {"dead-letter"}  # each type, where it travels


def test_every_exported_json_schema_compiles_under_ajv_in_strict_mode() -> None:
    files = sorted(SCHEMAS_DIR.glob("*.json"))
    found = json.loads(run_node(READERS, "read.mjs", "schemas", *map(str, files), what="Ajv"))
    assert len(found) == len(ALL_TYPES)
    assert [schema for schema in found if not schema["compiled"]] == []
