"""Follow-up routes: schedule, list, read, complete, cancel, reschedule."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, cast

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from services.contacts import follow_ups as follow_up_cases
from services.contacts.adapters.http.fields import Strict
from services.contacts.domain.commands import NewFollowUp
from services.contacts.domain.model import FollowUp
from services.contacts.ports import UnitOfWorkFactory
from shared.bounds import Moment
from shared.errors import InvalidTransition
from shared.links import Act, ActionLink
from shared.vocabulary import (
    FollowUpStatus,
)


class FollowUpIn(Strict):
    title: Annotated[str, Field(min_length=1, max_length=300)] = Field(
        description="The one concrete next step."
    )
    due_at: Moment
    proposed_times: list[Moment] = Field(default=[], max_length=5, description="Times to offer.")
    interaction_id: str | None = Field(default=None, description="The interaction it came from.")


class RescheduleIn(Strict):
    due_at: Moment
    proposed_times: list[Moment] | None = Field(default=None, max_length=5)


class FollowUpOut(BaseModel):
    id: str
    contact_id: str
    interaction_id: str | None
    title: str
    due_at: datetime
    proposed_times: list[datetime]
    status: FollowUpStatus
    created_at: datetime
    updated_at: datetime
    version: int


def follow_up_out(follow_up: FollowUp) -> FollowUpOut:
    return FollowUpOut.model_validate({**vars(follow_up), "proposed_times": list(follow_up.proposed_times)})


def follow_ups_routes(*, uow: UnitOfWorkFactory, owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    """The follow-up routes."""
    router = APIRouter()
    Owner = Annotated[str, owner]

    @router.post(
        "/contacts/{contact_id}/follow-ups", status_code=status.HTTP_201_CREATED, tags=["follow-ups"]
    )
    async def schedule_follow_up(contact_id: str, body: FollowUpIn, owner_id: Owner) -> FollowUpOut:
        fields = body.model_dump()
        fields["proposed_times"] = tuple(fields["proposed_times"])
        follow_up = await follow_up_cases.schedule_follow_up(
            uow=uow, owner_id=owner_id, contact_id=contact_id, fields=cast(NewFollowUp, fields), now=clock()
        )
        return follow_up_out(follow_up)

    @router.get("/contacts/{contact_id}/follow-ups", tags=["follow-ups"])
    async def list_follow_ups(
        contact_id: str, owner_id: Owner, status: FollowUpStatus | None = None
    ) -> list[FollowUpOut]:
        found = await follow_up_cases.list_follow_ups(
            uow=uow, owner_id=owner_id, contact_id=contact_id, status=status
        )
        return [follow_up_out(follow_up) for follow_up in found]

    router.include_router(follow_up_routes(uow=uow, owner=owner, clock=clock))
    return router


def follow_up_routes(*, uow: UnitOfWorkFactory, owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    """Read, complete, cancel and reschedule one follow-up."""
    router = APIRouter()
    Owner = Annotated[str, owner]

    @router.get("/follow-ups/{follow_up_id}", tags=["follow-ups"])
    async def get_follow_up(follow_up_id: str, owner_id: Owner) -> FollowUpOut:
        return follow_up_out(
            await follow_up_cases.get_follow_up(uow=uow, owner_id=owner_id, follow_up_id=follow_up_id)
        )

    @router.post("/follow-ups/{follow_up_id}/complete", tags=["follow-ups"])
    async def complete_follow_up(follow_up_id: str, owner_id: Owner) -> FollowUpOut:
        return follow_up_out(
            await follow_up_cases.complete_follow_up(
                uow=uow, owner_id=owner_id, follow_up_id=follow_up_id, now=clock()
            )
        )

    @router.post("/follow-ups/{follow_up_id}/cancel", tags=["follow-ups"])
    async def cancel_follow_up(follow_up_id: str, owner_id: Owner) -> FollowUpOut:
        return follow_up_out(
            await follow_up_cases.cancel_follow_up(
                uow=uow, owner_id=owner_id, follow_up_id=follow_up_id, now=clock()
            )
        )

    @router.post("/follow-ups/{follow_up_id}/reschedule", tags=["follow-ups"])
    async def reschedule_follow_up(follow_up_id: str, body: RescheduleIn, owner_id: Owner) -> FollowUpOut:
        follow_up = await follow_up_cases.reschedule_follow_up(
            uow=uow,
            owner_id=owner_id,
            follow_up_id=follow_up_id,
            due_at=body.due_at,
            proposed_times=None if body.proposed_times is None else tuple(body.proposed_times),
            now=clock(),
        )
        return follow_up_out(follow_up)

    return router


def follow_up_link_actions(*, uow: UnitOfWorkFactory) -> dict[str, Act]:
    """What a nudge's signed links may do here: mark the follow-up done."""

    async def complete(link: ActionLink, now: datetime) -> str:
        try:
            follow_up = await follow_up_cases.complete_follow_up(
                uow=uow, owner_id=link.owner_id, follow_up_id=link.target_id, now=now
            )
        except InvalidTransition:
            return "This follow-up was already closed: nothing more to do."
        return f"Done: {follow_up.title}."

    return {"complete_follow_up": complete}
