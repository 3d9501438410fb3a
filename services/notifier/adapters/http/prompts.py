"""Prompt routes: list, snooze, dismiss and reset the owner's keep-alive prompts."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, model_validator

from services.notifier import prompts
from services.notifier.domain.prompts import PromptStatus, SuggestionKind
from services.notifier.prompts import PromptView, PromptWorkFactory
from shared.bounds import Moment
from shared.errors import InvalidTransition
from shared.links import Act, ActionLink


class SuggestionOut(BaseModel):
    kind: SuggestionKind
    text: str = Field(description="One concrete give-first action that fits the person.")


class PromptOut(BaseModel):
    contact_id: str = Field(description="Each contact has one prompt at a time: its id is the contact's.")
    contact_name: str
    status: PromptStatus
    due_at: datetime = Field(description="When the contact's cadence ran out.")
    last_interaction_at: datetime | None
    suggestion: SuggestionOut
    snoozed_until: datetime | None


def prompt_out(view: PromptView) -> PromptOut:
    prompt = view.prompt
    return PromptOut(
        contact_id=prompt.contact_id,
        contact_name=view.person.name,
        status=view.status,
        due_at=prompt.due_at,
        last_interaction_at=view.person.last_interaction_at,
        suggestion=SuggestionOut(kind=prompt.suggestion.kind, text=prompt.suggestion.text),
        snoozed_until=prompt.snoozed_until if view.status is PromptStatus.SNOOZED else None,
    )


class SnoozeIn(BaseModel):
    until: Moment | None = Field(default=None, description="Snooze until this moment …")
    days: int | None = Field(default=None, ge=1, le=365, description="… or for this many days.")

    @model_validator(mode="after")
    def one_of(self) -> "SnoozeIn":
        if (self.until is None) == (self.days is None):
            raise ValueError("give either `until` or `days`")
        return self


def prompts_router(*, uow: PromptWorkFactory, owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["prompts"])
    Owner = Annotated[str, owner]

    @router.get("/prompts", summary="Keep-alive prompts, due ones by default, the most overdue first")
    async def list_prompts(
        owner_id: Owner,
        status: Annotated[list[PromptStatus] | None, Query(description="Which to show (repeatable).")] = None,
    ) -> list[PromptOut]:
        views = await prompts.list_prompts(
            uow=uow, owner_id=owner_id, statuses=set(status or [PromptStatus.DUE]), now=clock()
        )
        return [prompt_out(view) for view in views]

    @router.post("/prompts/{contact_id}/snooze", summary="Hide a due prompt for a while")
    async def snooze(contact_id: str, body: SnoozeIn, owner_id: Owner) -> PromptOut:
        now = clock()
        until = body.until or now + timedelta(days=body.days or 0)
        view = await prompts.snooze_prompt(
            uow=uow, owner_id=owner_id, contact_id=contact_id, until=until, now=now
        )
        return prompt_out(view)

    @router.post("/prompts/{contact_id}/dismiss", summary="No more nudges until the next interaction")
    async def dismiss(contact_id: str, owner_id: Owner) -> PromptOut:
        view = await prompts.dismiss_prompt(uow=uow, owner_id=owner_id, contact_id=contact_id, now=clock())
        return prompt_out(view)

    @router.post("/prompts/{contact_id}/reset", summary="Prompt again despite unanswered touches")
    async def reset(contact_id: str, owner_id: Owner) -> PromptOut:
        view = await prompts.reset_prompt(uow=uow, owner_id=owner_id, contact_id=contact_id, now=clock())
        return prompt_out(view)

    return router


SNOOZE_BY_LINK = timedelta(days=7)


def prompt_link_actions(*, uow: PromptWorkFactory) -> dict[str, Act]:
    """What a nudge's signed links may do here: snooze the prompt for a week."""

    async def snooze_a_week(link: ActionLink, now: datetime) -> str:
        try:
            view = await prompts.snooze_prompt(
                uow=uow,
                owner_id=link.owner_id,
                contact_id=link.target_id,
                until=now + SNOOZE_BY_LINK,
                now=now,
            )
        except InvalidTransition:
            return "This prompt is no longer due: nothing to snooze."
        return f"Snoozed {view.person.name} for a week."

    return {"snooze_prompt": snooze_a_week}
