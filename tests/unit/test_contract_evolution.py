"""Event data changes additively within a version, checked against each type's first released
schema (``shared/contracts/released``)."""

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from shared.contracts.evolution import breaking_changes
from shared.contracts.export import RELEASED_DIR, event_schemas
from shared.contracts.registry import ALL_TYPES

Schema = dict[str, Any]


def released() -> Schema:
    found: Schema = json.loads((RELEASED_DIR / "keepwarm.interaction.logged.v1.json").read_text())
    return found


def snapshot(schema: Schema) -> Schema:
    found: Schema = schema["$defs"]["InteractionSnapshot"]
    return found


def add_optional(schema: Schema) -> None:
    snapshot(schema)["properties"]["venue"] = {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "default": None,
    }


def add_required(schema: Schema) -> None:
    snapshot(schema)["properties"]["venue"] = {"type": "string"}
    snapshot(schema)["required"].append("venue")


def remove_field(schema: Schema) -> None:
    del snapshot(schema)["properties"]["takeaway"]


def change_type(schema: Schema) -> None:
    snapshot(schema)["properties"]["version"] = {"type": "string"}


def widen_enum(schema: Schema) -> None:
    schema["$defs"]["InteractionKind"]["enum"].append("carrier_pigeon")


def tighten_bound(schema: Schema) -> None:
    takeaway = snapshot(schema)["properties"]["takeaway"]["anyOf"][0]
    takeaway["maxLength"] = takeaway["maxLength"] // 2


def make_optional(schema: Schema) -> None:
    snapshot(schema)["required"].remove("kind")


def reword(schema: Schema) -> None:
    snapshot(schema)["properties"]["takeaway"]["description"] = (
        "The one thing to follow up on, in other words."
    )


@pytest.mark.parametrize(
    ("change", "breaks"),
    [
        (add_optional, False),
        (reword, False),
        (add_required, True),
        (remove_field, True),
        (change_type, True),
        (widen_enum, True),
        (tighten_bound, True),
        (make_optional, True),
    ],
)
def test_only_optional_additions_and_rewording_keep_a_version(
    change: Callable[[Schema], None], breaks: bool
) -> None:
    changed = copy.deepcopy(released())
    change(changed)
    found = breaking_changes(released(), changed)
    assert bool(found) is breaks, found


def test_every_event_type_is_released_and_still_compatible_with_its_first_schema() -> None:
    current = event_schemas()
    assert {path.name for path in RELEASED_DIR.glob("*.json")} == {f"{name}.json" for name in ALL_TYPES}, (
        "a new event type: run `keepwarm contracts export` to release its first schema"
    )
    broken = {
        name: breaking_changes(json.loads((RELEASED_DIR / name).read_text()), schema)
        for name, schema in current.items()
    }
    assert {name: found for name, found in broken.items() if found} == {}, (
        "not additive: make the change a new type (….v2) instead"
    )


def test_a_field_that_happens_to_be_called_title_is_a_field() -> None:
    first = json.loads((RELEASED_DIR / "keepwarm.followup.scheduled.v1.json").read_text())
    changed = copy.deepcopy(first)
    del changed["$defs"]["FollowUpSnapshot"]["properties"]["title"]
    assert breaking_changes(first, changed) != []
