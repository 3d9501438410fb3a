"""How an event type's data may change within a version: additively. A field may be added if it
is optional; nothing else may change — no field removed or renamed, no type, bound, format or
enum value changed, nothing newly required (a consumer validates what it reads, and a replay
brings back events written under the first shape). Anything else is a new type, ``….v2``.

Each type's first published schema is kept in ``shared/contracts/released`` (written once, by
``keepwarm contracts export``, when the type appears); :func:`breaking_changes` compares the
current schema with it. Descriptions, titles and examples may change freely.
"""

from typing import Any

FREE_TEXT = {"description", "title", "examples", "$id", "x-cloudevents-type"}


def _resolved(node: Any, root: dict[str, Any]) -> Any:
    """``node`` with every local ``$ref`` (``#/$defs/…``) replaced by what it names."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].removeprefix("#/$defs/")
            return _resolved(root["$defs"][name], root)
        return {key: _resolved(value, root) for key, value in node.items() if key != "$defs"}
    if isinstance(node, list):
        return [_resolved(item, root) for item in node]
    return node


def _shape(node: Any) -> Any:
    """``node`` without the parts that may change freely (a field may be called "title")."""
    if isinstance(node, dict):
        shaped = {key: _shape(value) for key, value in node.items() if key not in FREE_TEXT}
        if isinstance(node.get("properties"), dict):
            shaped["properties"] = {name: _shape(field) for name, field in node["properties"].items()}
        return shaped
    if isinstance(node, list):
        return [_shape(item) for item in node]
    return node


def _compare(old: Any, new: Any, path: str, found: list[str]) -> None:
    if isinstance(old, dict) and isinstance(new, dict) and "properties" in old and "properties" in new:
        for name, was in old["properties"].items():
            if name not in new["properties"]:
                found.append(f"{path}.{name}: removed")
            else:
                _compare(was, new["properties"][name], f"{path}.{name}", found)
        for name in new["properties"].keys() - old["properties"].keys():
            if name in new.get("required", []):
                found.append(f"{path}.{name}: added as required")
        kept = [name for name in new.get("required", []) if name in old["properties"]]
        if sorted(old.get("required", [])) != sorted(kept):
            found.append(f"{path}: required changed from {sorted(old.get('required', []))} to {sorted(kept)}")
        rest_old = {k: v for k, v in old.items() if k not in {"properties", "required"}}
        rest_new = {k: v for k, v in new.items() if k not in {"properties", "required"}}
        if rest_old != rest_new:
            found.append(f"{path}: {sorted(set(rest_old) ^ set(rest_new)) or 'constraints'} changed")
        return
    if isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys():
        for key in old:
            _compare(old[key], new[key], f"{path}/{key}", found)
        return
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (was, now) in enumerate(zip(old, new, strict=True)):
            _compare(was, now, f"{path}[{index}]", found)
        return
    if old != new:
        found.append(f"{path}: {old!r} became {new!r}")


def breaking_changes(released: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """What in ``current`` breaks the additive rule against ``released`` (empty when nothing)."""
    found: list[str] = []
    _compare(_shape(_resolved(released, released)), _shape(_resolved(current, current)), "data", found)
    return found
