"""Partial updates (PATCH): the rule every entity's ``edit`` follows, written once."""

from collections.abc import Collection, Mapping
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
