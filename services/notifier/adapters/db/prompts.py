"""Keep-alive prompts, one per contact, and what the projection knows of each contact's touches."""

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    delete,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier.adapters.db.tables import (
    contacts,
    interactions,
    prompts,
)
from services.notifier.domain.prompts import Person, Prompt, Suggestion, SuggestionKind, Touch
from services.notifier.prompts import Known
from shared.db.statements import claim_due, dialect_insert
from shared.vocabulary import Category, Direction, Outcome, Tie, Warmth


class SqlPrompts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def known(self, contact_ids: Collection[str]) -> dict[str, Known]:
        if not contact_ids:
            return {}
        rows = await self._session.execute(select(contacts).where(contacts.c.id.in_(list(contact_ids))))
        return {
            row["id"]: Known(
                owner_id=row["owner_id"],
                person=Person(
                    id=row["id"],
                    name=row["display_name"],
                    tie=Tie(row["tie"]),
                    category=Category(row["category"]),
                    cadence_days=row["cadence_days"],
                    added_at=row["changed_at"],
                    last_interaction_at=row["last_interaction_at"],
                    company=row["company"],
                    role=row["role"],
                    tags=tuple(row["tags"]),
                    warmth=Warmth(row["warmth"]),
                ),
                archived=row["archived"],
            )
            for row in rows.mappings()
        }

    async def touches(self, contact_ids: Collection[str]) -> dict[str, list[Touch]]:
        if not contact_ids:
            return {}
        rows = await self._session.execute(
            select(
                interactions.c.contact_id,
                interactions.c.direction,
                interactions.c.occurred_at,
                interactions.c.outcome,
            ).where(interactions.c.contact_id.in_(list(contact_ids)), interactions.c.deleted.is_(False))
        )
        found: dict[str, list[Touch]] = {}
        for contact_id, direction, occurred_at, outcome in rows.all():
            touch = Touch(Direction(direction), occurred_at, Outcome(outcome) if outcome else None)
            found.setdefault(contact_id, []).append(touch)
        return found

    async def prompts(self, contact_ids: Collection[str]) -> dict[str, Prompt]:
        if not contact_ids:
            return {}
        rows = await self._session.execute(select(prompts).where(prompts.c.contact_id.in_(list(contact_ids))))
        return {row["contact_id"]: _prompt(row) for row in rows.mappings()}

    async def forget(self, contact_ids: Collection[str]) -> None:
        if contact_ids:
            await self._session.execute(delete(prompts).where(prompts.c.contact_id.in_(list(contact_ids))))

    async def put(self, changed: Sequence[Prompt]) -> None:
        if not changed:
            return
        statement = dialect_insert(self._session, prompts)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[prompts.c.contact_id],
                set_={c.name: statement.excluded[c.name] for c in prompts.c if c.name != "contact_id"},
            ),
            [_prompt_row(prompt) for prompt in changed],
        )

    async def of_owner(self, owner_id: str) -> list[Prompt]:
        rows = await self._session.execute(
            select(prompts)
            .where(prompts.c.owner_id == owner_id, prompts.c.archived.is_(False))
            .order_by(prompts.c.due_at, prompts.c.contact_id)
        )
        return [_prompt(row) for row in rows.mappings()]

    async def due(self, *, now: datetime, limit: int) -> list[Prompt]:
        ids = await claim_due(self._session, prompts.c.wake_at, prompts.c.contact_id, now=now, limit=limit)
        found = await self.prompts(ids)
        return [found[contact_id] for contact_id in ids]


def _prompt(row: Any) -> Prompt:
    previous = (
        Suggestion(SuggestionKind(row["previous_kind"]), "", row["previous_topic"])
        if row["previous_kind"]
        else None
    )
    return Prompt(
        contact_id=row["contact_id"],
        owner_id=row["owner_id"],
        added_at=row["added_at"],
        due_at=row["due_at"],
        suggestion=Suggestion(
            SuggestionKind(row["suggestion_kind"]), row["suggestion_text"], row["suggestion_topic"]
        ),
        previous=previous,
        held=row["held"],
        archived=row["archived"],
        snoozed_until=row["snoozed_until"],
        dismissed=row["dismissed"],
        nudged_for=row["nudged_for"],
        reset_at=row["reset_at"],
    )


def _prompt_row(prompt: Prompt) -> dict[str, Any]:
    return {
        "contact_id": prompt.contact_id,
        "owner_id": prompt.owner_id,
        "added_at": prompt.added_at,
        "due_at": prompt.due_at,
        "suggestion_kind": prompt.suggestion.kind.value,
        "suggestion_text": prompt.suggestion.text,
        "suggestion_topic": prompt.suggestion.topic,
        "previous_kind": prompt.previous.kind.value if prompt.previous else None,
        "previous_topic": prompt.previous.topic if prompt.previous else None,
        "held": prompt.held,
        "archived": prompt.archived,
        "snoozed_until": prompt.snoozed_until,
        "dismissed": prompt.dismissed,
        "nudged_for": prompt.nudged_for,
        "reset_at": prompt.reset_at,
        "wake_at": prompt.wake_at,
    }
