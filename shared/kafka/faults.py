"""How failures are told (in logs and dead-letter headers) without the data they were about."""

from pydantic import ValidationError

from shared.kafka.cloudevents import MalformedEvent


def fault_text(error: BaseException) -> str:
    """What went wrong, without the values it was about: a validation error names the fields at
    fault and why, never what they held (event bodies stay out of logs and headers)."""
    cause = error.__cause__ if isinstance(error, MalformedEvent) else error
    if isinstance(cause, ValidationError):
        faults = "; ".join(
            f"{'.'.join(str(part) for part in fault['loc'])}: {fault['msg']}"
            for fault in cause.errors(include_input=False, include_url=False)
        )
        prefix = str(error).split(":", 1)[0] + ": " if cause is not error else ""
        return prefix + faults
    return str(error)


def described(error: BaseException) -> str:
    """The error's type and :func:`fault_text`, for a log line."""
    text = fault_text(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
