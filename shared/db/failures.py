"""Which database failures belong to the infrastructure, not to what was being written.

A consumer may dead-letter an event only for a failure the event caused. A failure of the
database itself (unreachable, starting up or shutting down, out of connection slots, a
serialization conflict or deadlock) says nothing about the event: the batch waits and is tried
again, however long that takes. PostgreSQL names the kind of failure in its SQLSTATE; the
drivers hand it on (asyncpg as ``sqlstate``, psycopg as ``pgcode``).
"""

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

TRANSIENT_SQLSTATE_CLASSES = ("08", "53", "57", "58")
"""Connection exception, insufficient resources (too many connections, out of memory or disk),
operator intervention (admin or crash shutdown, cannot connect now), system error (I/O)."""
TRANSIENT_SQLSTATES = ("40001", "40P01", "55P03")
"""Serialization failure, deadlock, lock not available: the same work succeeds when tried again."""


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE behind ``error``, if the driver gave one."""
    for candidate in (getattr(error, "orig", None), error, error.__cause__):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return None


def is_transient(error: BaseException) -> bool:
    """True for a failure of the database or the network, which a retry can outlive."""
    if isinstance(error, OperationalError | InterfaceError | OSError | TimeoutError):
        return True
    if isinstance(error, DBAPIError):
        code = sqlstate(error)
        if code is not None:
            return code in TRANSIENT_SQLSTATES or code[:2] in TRANSIENT_SQLSTATE_CLASSES
        return error.connection_invalidated
    return False
