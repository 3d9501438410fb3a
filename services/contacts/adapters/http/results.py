"""The results route: replies and meetings by tie, kind, give-first act and month."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.contacts.domain.results import Tally
from services.contacts.ports import UnitOfWorkFactory
from services.contacts.results import results_of
from shared.bounds import Moment


class TallyOut(BaseModel):
    interactions: int
    outreach: int = Field(description="Interactions the student started.")
    answered: int = Field(
        description="Outreach that got a reply, a meeting, an introduction or an opportunity."
    )
    meetings: int = Field(description="Outreach that led to a meeting, an introduction or an opportunity.")
    answer_rate: float | None = Field(description="answered / outreach; null before any outreach.")


class GroupOut(TallyOut):
    key: str


class ResultsOut(BaseModel):
    since: datetime
    until: datetime
    total: TallyOut
    by_tie: list[GroupOut]
    by_kind: list[GroupOut]
    by_give_first: list[GroupOut] = Field(description="`none` for outreach without a give-first act.")
    by_month: list[GroupOut] = Field(description="Calendar months (UTC) of when it happened, oldest first.")


def tally_out(tally: Tally) -> TallyOut:
    return TallyOut(
        interactions=tally.interactions,
        outreach=tally.outreach,
        answered=tally.answered,
        meetings=tally.meetings,
        answer_rate=tally.answer_rate,
    )


def groups(tallies: dict[str, Tally]) -> list[GroupOut]:
    return [GroupOut(key=key, **tally_out(tally).model_dump()) for key, tally in tallies.items()]


def results_routes(*, uow: UnitOfWorkFactory, owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    router = APIRouter()
    Owner = Annotated[str, owner]

    @router.get("/results", tags=["results"], summary="What worked: answers and meetings from your outreach")
    async def get_results(
        owner_id: Owner,
        since: Annotated[Moment | None, Query(description="From (default: a year before `until`).")] = None,
        until: Annotated[Moment | None, Query(description="Until, excluded (default: now).")] = None,
    ) -> ResultsOut:
        window = await results_of(uow=uow, owner_id=owner_id, since=since, until=until, now=clock())
        found = window.found
        return ResultsOut(
            since=window.since,
            until=window.until,
            total=tally_out(found.total),
            by_tie=groups(found.by_tie),
            by_kind=groups(found.by_kind),
            by_give_first=groups(found.by_give_first),
            by_month=groups(found.by_month),
        )

    return router
