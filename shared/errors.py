"""Errors every service's domain raises; the HTTP layer maps them (shared.http)."""


class DomainError(ValueError):
    """A rule was broken; ``field`` names the input at fault, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(LookupError):
    """No such entity for this owner (another owner's ids are simply not found: 404, never 403)."""


class InvalidTransition(DomainError):
    """The entity is not in a state that allows the change (e.g. completing a cancelled follow-up)."""
