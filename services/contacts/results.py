"""Your results: what worked, from the student's own log (rules in ``domain/results``), over a
window of at most three years (a year up to now by default)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.contacts.domain.results import Results, results
from services.contacts.ports import UnitOfWorkFactory
from shared.errors import DomainError

DEFAULT_WINDOW = timedelta(days=365)
LONGEST_WINDOW = timedelta(days=3 * 366)


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime
    found: Results


async def results_of(
    *, uow: UnitOfWorkFactory, owner_id: str, since: datetime | None, until: datetime | None, now: datetime
) -> Window:
    end = until or now
    start = since or end - DEFAULT_WINDOW
    if start >= end:
        raise DomainError("`since` must be before `until`", field="since")
    if end - start > LONGEST_WINDOW:
        raise DomainError("at most three years at a time", field="since")
    async with uow() as work:
        log = await work.interactions.logged(owner_id=owner_id, since=start, until=end)
    return Window(start, end, results(log))
