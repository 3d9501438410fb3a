"""The interactions store: the conversations with each contact."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.contacts.adapters.db.tables import (
    contacts,
    interactions,
)
from services.contacts.adapters.db.versioned import Versioned
from services.contacts.domain.model import Interaction
from services.contacts.domain.results import Logged
from shared.vocabulary import (
    Direction,
    GiveFirstKind,
    InteractionKind,
    Origin,
    Outcome,
    Tie,
)


class SqlInteractions(Versioned):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, interactions)

    async def get(self, *, owner_id: str, interaction_id: str) -> Interaction | None:
        row = (
            (
                await self._session.execute(
                    select(interactions).where(
                        interactions.c.id == interaction_id, interactions.c.owner_id == owner_id
                    )
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else self._loaded(row)

    async def add(self, interaction: Interaction) -> None:
        await self._insert(interaction.id, interaction.version, _interaction_row(interaction))

    async def save(self, interaction: Interaction) -> None:
        await self._update(interaction.id, interaction.version, _interaction_row(interaction))

    async def latest_at(self, *, owner_id: str, contact_id: str) -> datetime | None:
        latest: datetime | None = await self._session.scalar(
            select(func.max(interactions.c.occurred_at)).where(
                interactions.c.owner_id == owner_id,
                interactions.c.contact_id == contact_id,
                interactions.c.deleted.is_(False),
            )
        )
        return latest

    async def of_contact(self, *, owner_id: str, contact_id: str) -> list[Interaction]:
        rows = await self._session.execute(
            select(interactions)
            .where(
                interactions.c.owner_id == owner_id,
                interactions.c.contact_id == contact_id,
                interactions.c.deleted.is_(False),
            )
            .order_by(interactions.c.occurred_at.desc(), interactions.c.id)
        )
        return [self._loaded(row) for row in rows.mappings()]

    async def logged(self, *, owner_id: str, since: datetime, until: datetime) -> list[Logged]:
        rows = await self._session.execute(
            select(
                interactions.c.kind,
                interactions.c.direction,
                interactions.c.outcome,
                interactions.c.give_first_kind,
                interactions.c.occurred_at,
                func.coalesce(interactions.c.tie_then, contacts.c.tie).label("tie"),
            )
            .join(contacts, contacts.c.id == interactions.c.contact_id)
            .where(
                interactions.c.owner_id == owner_id,
                interactions.c.deleted.is_(False),
                interactions.c.occurred_at >= since,
                interactions.c.occurred_at < until,
            )
        )
        return [
            Logged(
                kind=InteractionKind(row.kind),
                direction=Direction(row.direction),
                outcome=Outcome(row.outcome) if row.outcome else None,
                give_first_kind=GiveFirstKind(row.give_first_kind) if row.give_first_kind else None,
                tie=Tie(row.tie),
                occurred_at=row.occurred_at,
            )
            for row in rows
        ]

    def _loaded(self, row: Any) -> Interaction:
        interaction = Interaction(
            id=row["id"],
            owner_id=row["owner_id"],
            contact_id=row["contact_id"],
            kind=InteractionKind(row["kind"]),
            give_first_kind=GiveFirstKind(row["give_first_kind"]) if row["give_first_kind"] else None,
            direction=Direction(row["direction"]),
            occurred_at=row["occurred_at"],
            outcome=Outcome(row["outcome"]) if row["outcome"] else None,
            notes=row["notes"],
            takeaway=row["takeaway"],
            tie_then=Tie(row["tie_then"]) if row["tie_then"] else None,
            origin=Origin(row["origin"]) if row["origin"] else None,
            deleted=row["deleted"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            version=row["version"],
        )
        self._remember(interaction.id, interaction.version)
        return interaction


def _interaction_row(interaction: Interaction) -> dict[str, Any]:
    return {
        "id": interaction.id,
        "owner_id": interaction.owner_id,
        "contact_id": interaction.contact_id,
        "kind": interaction.kind.value,
        "give_first_kind": interaction.give_first_kind.value if interaction.give_first_kind else None,
        "direction": interaction.direction.value,
        "occurred_at": interaction.occurred_at,
        "outcome": interaction.outcome.value if interaction.outcome else None,
        "notes": interaction.notes,
        "takeaway": interaction.takeaway,
        "deleted": interaction.deleted,
        "created_at": interaction.created_at,
        "updated_at": interaction.updated_at,
        "version": interaction.version,
        "tie_then": interaction.tie_then.value if interaction.tie_then else None,
        "origin": interaction.origin.value if interaction.origin else None,
    }
