"""Erasure routes: a student erases everything KeepWarm holds about them; an operator does it for
a student who left (a token with the operator role)."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, Field

from services.contacts import erasure as cases
from services.contacts.domain.erasure import Erasure
from services.contacts.ports import UnitOfWorkFactory

OwnerId = Annotated[str, Path(min_length=1, max_length=128, description="The student (their token's sub).")]


class ErasureOut(BaseModel):
    requested_at: datetime
    done: bool = Field(description="Every service has erased the student's data.")
    done_at: datetime | None
    confirmed: list[str] = Field(description="The services that confirmed, besides this one.")
    waiting_for: list[str] = Field(
        description="The services still to confirm (one that is down does when back)."
    )


def erasure_out(erasure: Erasure) -> ErasureOut:
    return ErasureOut(
        requested_at=erasure.requested_at,
        done=erasure.done_at is not None,
        done_at=erasure.done_at,
        confirmed=sorted(erasure.confirmed),
        waiting_for=erasure.waiting_for,
    )


def erasure_routes(
    *, uow: UnitOfWorkFactory, owner: Any, operator: Any, clock: Callable[[], datetime]
) -> APIRouter:
    router = APIRouter(tags=["erasure"])
    Owner = Annotated[str, owner]
    Operator = Annotated[str, operator]

    @router.post(
        "/erasure",
        status_code=status.HTTP_202_ACCEPTED,
        summary="Erase everything KeepWarm holds about you, in every service",
    )
    async def erase_me(owner_id: Owner) -> ErasureOut:
        return erasure_out(await cases.request_erasure(uow=uow, owner_id=owner_id, now=clock()))

    @router.get("/erasure", summary="How your erasure goes")
    async def my_erasure(owner_id: Owner) -> ErasureOut:
        return erasure_out(await cases.erasure_of(uow=uow, owner_id=owner_id))

    @router.post(
        "/erasures/{owner_id}",
        status_code=status.HTTP_202_ACCEPTED,
        summary="Erase a student who left (operator role)",
        responses={403: {"description": "The token does not carry the operator role"}},
    )
    async def erase_student(owner_id: OwnerId, _operator: Operator) -> ErasureOut:
        return erasure_out(await cases.request_erasure(uow=uow, owner_id=owner_id, now=clock()))

    @router.get(
        "/erasures/{owner_id}",
        summary="How a student's erasure goes (operator role)",
        responses={403: {"description": "The token does not carry the operator role"}},
    )
    async def student_erasure(owner_id: OwnerId, _operator: Operator) -> ErasureOut:
        return erasure_out(await cases.erasure_of(uow=uow, owner_id=owner_id))

    return router
