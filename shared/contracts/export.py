"""The event contracts as files: a JSON Schema per event type, committed beside the models.

A test regenerates them and fails on any difference, so a contract never changes by accident;
``keepwarm contracts export`` rewrites them after an intended change.
"""

import json
from pathlib import Path
from typing import Any

from shared.contracts.registry import ALL_TYPES

CONTRACTS_DIR = Path(__file__).parent
SCHEMAS_DIR = CONTRACTS_DIR / "schemas"
RELEASED_DIR = CONTRACTS_DIR / "released"


def event_schemas() -> dict[str, dict[str, Any]]:
    """File name → JSON Schema of each event type's data."""
    schemas = {}
    for event_type, model in ALL_TYPES.items():
        schema = model.model_json_schema(mode="serialization")
        schema["$id"] = f"urn:keepwarm:event:{event_type}"
        schema["x-cloudevents-type"] = event_type
        schemas[f"{event_type}.json"] = schema
    return schemas


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def schema_files() -> dict[Path, str]:
    return {SCHEMAS_DIR / name: render(schema) for name, schema in event_schemas().items()}


def released_files() -> dict[Path, str]:
    """The first published schema of each event type not released yet (``shared.contracts.evolution``):
    a released schema is never rewritten."""
    return {
        RELEASED_DIR / name: render(schema)
        for name, schema in event_schemas().items()
        if not (RELEASED_DIR / name).exists()
    }


def write_changed(files: dict[Path, str]) -> list[Path]:
    """Write ``files``; returns the ones whose content changed."""
    changed = []
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != content:
            path.write_text(content)
            changed.append(path)
    return changed
