"""Writes that lose an optimistic-lock race: the store refuses to write over a version newer than
the one it read (:class:`ConcurrentUpdate`), and a use case whose change does not depend on what
the client read redoes its whole unit of work (:func:`retry_on_conflict`), re-reading the entity,
so two clients logging conversations on one contact never refuse each other."""

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
ATTEMPTS = 10


class ConcurrentUpdate(RuntimeError):
    """Someone else changed the entity since it was read."""


async def retry_on_conflict(work: Callable[[], Awaitable[T]], *, attempts: int = ATTEMPTS) -> T:
    """``work`` again (after a short random wait, growing) while it loses a race; the last
    loss is raised."""
    for attempt in range(1, attempts + 1):
        try:
            return await work()
        except ConcurrentUpdate:
            if attempt == attempts:
                raise
            await asyncio.sleep(random.uniform(0, 0.005 * 2**attempt))
    raise AssertionError("unreachable")
