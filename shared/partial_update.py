"""Partial updates (PATCH): the rule every entity's ``edit`` follows, written once."""

from collections.abc import Callable, Collection, Mapping
from typing import Any

from shared.errors import DomainError


def checked_changes(
    changes: Mapping[str, Any], *, editable: Collection[str], required: Collection[str]
) -> None:
    """A change names only fields that may be edited and clears none that an entity must have;
    DomainError names the field at fault."""
    unknown = sorted(set(changes) - set(editable))
    if unknown:
        raise DomainError(f"cannot edit {', '.join(unknown)}", field=unknown[0])
    for name in required:
        if name in changes and changes[name] is None:
            raise DomainError(f"{name} cannot be cleared", field=name)


def not_clearable(*names: str) -> Callable[[dict[str, Any]], None]:
    """``json_schema_extra`` of a PATCH body: these fields may be left out but not cleared, so
    their schema does not offer ``null`` (sending it is answered 422 by :func:`checked_changes`)."""

    def strip_null(schema: dict[str, Any]) -> None:
        for name in names:
            field = schema["properties"][name]
            options = [option for option in field.get("anyOf", []) if option != {"type": "null"}]
            if "anyOf" in field and len(options) == 1:
                del field["anyOf"]
                field.update(options[0])
            field.pop("default", None)

    return strip_null
