"""Your results: what worked, from the student's own log (rules in ``domain/results``)."""

from datetime import datetime

from services.contacts.domain.results import Results, results
from services.contacts.ports import UnitOfWorkFactory


async def results_of(*, uow: UnitOfWorkFactory, owner_id: str, since: datetime, until: datetime) -> Results:
    async with uow() as work:
        log = await work.interactions.logged(owner_id=owner_id, since=since, until=until)
    return results(log)
