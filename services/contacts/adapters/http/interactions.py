"""Interaction routes: log, list, edit and delete the conversations with a contact."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, cast

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from services.contacts import interactions as interaction_cases
from services.contacts.adapters.http.fields import LongText, Strict
from services.contacts.domain.commands import InteractionChanges, NewInteraction
from services.contacts.domain.model import Interaction
from services.contacts.ports import UnitOfWorkFactory
from shared.bounds import Moment
from shared.partial_update import not_clearable
from shared.vocabulary import (
    Direction,
    GiveFirstKind,
    InteractionKind,
    Origin,
    Outcome,
)


class InteractionFields(Strict):
    give_first_kind: GiveFirstKind | None = Field(default=None, description="For a give-first act.")
    outcome: Outcome | None = None
    notes: LongText | None = None
    takeaway: Annotated[str, Field(max_length=1000)] | None = Field(
        default=None, description="The one takeaway to follow up on."
    )


class InteractionIn(InteractionFields):
    kind: InteractionKind
    direction: Direction = Direction.OUTBOUND
    occurred_at: Moment | None = Field(default=None, description="When it happened; default now.")


class InteractionPatch(InteractionFields):
    model_config = ConfigDict(json_schema_extra=not_clearable(*Interaction.REQUIRED))

    kind: InteractionKind | None = None
    direction: Direction | None = None
    occurred_at: Moment | None = None


class InteractionOut(BaseModel):
    id: str
    contact_id: str
    kind: InteractionKind
    give_first_kind: GiveFirstKind | None
    direction: Direction
    occurred_at: datetime
    outcome: Outcome | None
    notes: str | None
    takeaway: str | None
    origin: Origin | None = Field(description="campus: from a campus tool; null: logged by the student.")
    created_at: datetime
    updated_at: datetime
    version: int


def interaction_out(interaction: Interaction) -> InteractionOut:
    return InteractionOut.model_validate(interaction, from_attributes=True)


def interactions_routes(*, uow: UnitOfWorkFactory, owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    """The interaction routes."""
    router = APIRouter()
    Owner = Annotated[str, owner]

    @router.post(
        "/contacts/{contact_id}/interactions", status_code=status.HTTP_201_CREATED, tags=["interactions"]
    )
    async def log_interaction(contact_id: str, body: InteractionIn, owner_id: Owner) -> InteractionOut:
        _, interaction = await interaction_cases.log_interaction(
            uow=uow,
            owner_id=owner_id,
            contact_id=contact_id,
            fields=cast(NewInteraction, body.model_dump()),
            now=clock(),
        )
        return interaction_out(interaction)

    @router.get("/contacts/{contact_id}/interactions", tags=["interactions"])
    async def list_interactions(contact_id: str, owner_id: Owner) -> list[InteractionOut]:
        found = await interaction_cases.list_interactions(uow=uow, owner_id=owner_id, contact_id=contact_id)
        return [interaction_out(interaction) for interaction in found]

    @router.patch("/interactions/{interaction_id}", tags=["interactions"])
    async def update_interaction(
        interaction_id: str, body: InteractionPatch, owner_id: Owner
    ) -> InteractionOut:
        changes = body.model_dump(exclude_unset=True)
        interaction = await interaction_cases.update_interaction(
            uow=uow,
            owner_id=owner_id,
            interaction_id=interaction_id,
            changes=cast(InteractionChanges, changes),
            now=clock(),
        )
        return interaction_out(interaction)

    @router.delete(
        "/interactions/{interaction_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["interactions"]
    )
    async def delete_interaction(interaction_id: str, owner_id: Owner) -> Response:
        await interaction_cases.delete_interaction(
            uow=uow, owner_id=owner_id, interaction_id=interaction_id, now=clock()
        )
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router
