"""The contacts database: its tables (this service's own metadata), repositories and unit of work."""

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.contacts.adapters.kafka_out import event_of
from services.contacts.domain import ties
from services.contacts.domain.changes import Change
from services.contacts.domain.model import Contact, FollowUp, Interaction
from services.contacts.service import ContactQuery, Page
from shared.contracts.base import EventData
from shared.db.engine import new_metadata
from shared.db.inbox import inbox_table
from shared.db.outbox import outbox_table
from shared.db.types import UTCDateTime
from shared.db.unit_of_work import SessionUnitOfWork
from shared.errors import DomainError
from shared.vocabulary import (
    Category,
    Direction,
    FollowUpStatus,
    GiveFirstKind,
    InteractionKind,
    Outcome,
    Tie,
    Warmth,
)

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

contacts = Table(
    "contacts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("name", String(200), nullable=False),
    Column("name_key", String(200), nullable=False),
    Column("company", String(200)),
    Column("company_key", String(200)),
    Column("role", String(200)),
    Column("category", String(32), nullable=False),
    Column("tie", String(16), nullable=False),
    Column("warmth", String(16), nullable=False),
    Column("emails", JSON, nullable=False),
    Column("phones", JSON, nullable=False),
    Column("linkedin_url", String(300)),
    Column("tags", JSON, nullable=False),
    Column("how_met", Text),
    Column("ask", Text),
    Column("why_them", Text),
    Column("notes", Text),
    Column("cadence_override_days", Integer),
    Column("last_interaction_at", UTCDateTime()),
    Column("due_at", UTCDateTime(), nullable=False, comment="when the contact starts going cold"),
    Column("drift_at", UTCDateTime(), comment="when the tie next drifts if nothing happens"),
    Column("archived", Boolean, nullable=False),
    Column("import_key", String(400)),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_contacts_owner_name", "owner_id", "name_key", "id"),
    Index("ix_contacts_owner_due", "owner_id", "due_at"),
    Index("ix_contacts_drift", "drift_at"),
    Index("uq_contacts_owner_import_key", "owner_id", "import_key", unique=True),
)

contact_tags = Table(
    "contact_tags",
    metadata,
    Column("contact_id", String(36), ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(40), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Index("ix_contact_tags_owner_tag", "owner_id", "tag"),
)

interactions = Table(
    "interactions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("contact_id", String(36), ForeignKey("contacts.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("give_first_kind", String(32)),
    Column("direction", String(16), nullable=False),
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("outcome", String(32)),
    Column("notes", Text),
    Column("takeaway", Text),
    Column("deleted", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_interactions_owner_contact", "owner_id", "contact_id", "occurred_at"),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("contact_id", String(36), ForeignKey("contacts.id"), nullable=False),
    Column("interaction_id", String(36), ForeignKey("interactions.id")),
    Column("title", String(300), nullable=False),
    Column("due_at", UTCDateTime(), nullable=False),
    Column("proposed_times", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_follow_ups_owner_contact", "owner_id", "contact_id"),
    Index("ix_follow_ups_owner_status_due", "owner_id", "status", "due_at"),
)


class ConcurrentUpdate(RuntimeError):
    """Someone else changed the entity since it was read; the caller should retry."""


class _Versioned:
    """Optimistic locking: a row is only written over the version that was read."""

    def __init__(self, session: AsyncSession, table: Table) -> None:
        self._session = session
        self._table = table
        self._read: dict[str, int] = {}

    def _remember(self, entity_id: str, version: int) -> None:
        self._read[entity_id] = version

    async def _insert(self, entity_id: str, version: int, row: dict[str, Any]) -> None:
        await self._session.execute(insert(self._table).values(row))
        self._remember(entity_id, version)

    async def _update(self, entity_id: str, version: int, row: dict[str, Any]) -> None:
        read = self._read.get(entity_id, version)
        if read == version:
            return
        result = await self._session.execute(
            update(self._table)
            .where(self._table.c.id == entity_id, self._table.c.version == read)
            .values(row)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate("changed meanwhile; reload and retry")
        self._remember(entity_id, version)


class SqlContacts(_Versioned):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, contacts)

    async def get(self, *, owner_id: str, contact_id: str) -> Contact | None:
        row = (
            (
                await self._session.execute(
                    select(contacts).where(contacts.c.id == contact_id, contacts.c.owner_id == owner_id)
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else self._loaded(row)

    async def add(self, contact: Contact) -> None:
        await self._insert(contact.id, contact.version, _contact_row(contact))
        await self._write_tags(contact)

    async def save(self, contact: Contact) -> None:
        row = _contact_row(contact)
        read = self._read.get(contact.id)
        if read == contact.version:
            # Nothing the domain versions changed, but derived columns (drift time) may have.
            await self._session.execute(
                update(contacts).where(contacts.c.id == contact.id).values(drift_at=row["drift_at"])
            )
            return
        await self._update(contact.id, contact.version, row)
        await self._write_tags(contact)

    async def by_import_keys(self, *, owner_id: str, keys: Sequence[str]) -> dict[str, Contact]:
        found: dict[str, Contact] = {}
        unique = sorted(set(keys))
        for start in range(0, len(unique), 500):
            rows = await self._session.execute(
                select(contacts).where(
                    contacts.c.owner_id == owner_id, contacts.c.import_key.in_(unique[start : start + 500])
                )
            )
            for row in rows.mappings():
                found[row["import_key"]] = self._loaded(row)
        return found

    async def search(self, *, owner_id: str, query: ContactQuery, now: datetime) -> Page[Contact]:
        statement = select(contacts).where(contacts.c.owner_id == owner_id)
        if not query.include_archived:
            statement = statement.where(contacts.c.archived.is_(False))
        for column, value in (
            (contacts.c.tie, query.tie),
            (contacts.c.category, query.category),
            (contacts.c.warmth, query.warmth),
        ):
            if value is not None:
                statement = statement.where(column == value.value)
        if query.tag:
            statement = statement.where(
                exists().where(
                    contact_tags.c.contact_id == contacts.c.id, contact_tags.c.tag == query.tag.lower()
                )
            )
        if query.going_cold:
            statement = statement.where(contacts.c.due_at <= now, contacts.c.archived.is_(False))
        if query.text:
            pattern = "%" + _escape_like(" ".join(query.text.lower().split())) + "%"
            statement = statement.where(
                or_(
                    contacts.c.name_key.like(pattern, escape="\\"),
                    contacts.c.company_key.like(pattern, escape="\\"),
                )
            )
        if query.cursor:
            name_key, last_id = _decode_cursor(query.cursor)
            statement = statement.where(
                or_(
                    contacts.c.name_key > name_key,
                    and_(contacts.c.name_key == name_key, contacts.c.id > last_id),
                )
            )
        statement = statement.order_by(contacts.c.name_key, contacts.c.id).limit(query.limit + 1)
        rows = list((await self._session.execute(statement)).mappings())
        items = [self._loaded(row) for row in rows[: query.limit]]
        more = len(rows) > query.limit
        next_cursor = _encode_cursor(rows[query.limit - 1]["name_key"], items[-1].id) if more else None
        return Page(items=items, next_cursor=next_cursor)

    async def drifting(self, *, now: datetime, limit: int) -> list[Contact]:
        rows = await self._session.execute(
            select(contacts)
            .where(contacts.c.drift_at <= now, contacts.c.archived.is_(False))
            .order_by(contacts.c.drift_at)
            .limit(limit)
        )
        return [self._loaded(row) for row in rows.mappings()]

    def _loaded(self, row: Any) -> Contact:
        contact = _contact_from_row(row)
        self._remember(contact.id, contact.version)
        return contact

    async def _write_tags(self, contact: Contact) -> None:
        await self._session.execute(delete(contact_tags).where(contact_tags.c.contact_id == contact.id))
        if contact.tags:
            await self._session.execute(
                insert(contact_tags),
                [
                    {"contact_id": contact.id, "tag": tag, "owner_id": contact.owner_id}
                    for tag in contact.tags
                ],
            )


class SqlInteractions(_Versioned):
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
            deleted=row["deleted"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            version=row["version"],
        )
        self._remember(interaction.id, interaction.version)
        return interaction


class SqlFollowUps(_Versioned):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, follow_ups)

    async def get(self, *, owner_id: str, follow_up_id: str) -> FollowUp | None:
        row = (
            (
                await self._session.execute(
                    select(follow_ups).where(
                        follow_ups.c.id == follow_up_id, follow_ups.c.owner_id == owner_id
                    )
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else self._loaded(row)

    async def add(self, follow_up: FollowUp) -> None:
        await self._insert(follow_up.id, follow_up.version, _follow_up_row(follow_up))

    async def save(self, follow_up: FollowUp) -> None:
        await self._update(follow_up.id, follow_up.version, _follow_up_row(follow_up))

    async def of_contact(
        self, *, owner_id: str, contact_id: str, status: FollowUpStatus | None
    ) -> list[FollowUp]:
        statement = select(follow_ups).where(
            follow_ups.c.owner_id == owner_id, follow_ups.c.contact_id == contact_id
        )
        if status is not None:
            statement = statement.where(follow_ups.c.status == status.value)
        rows = await self._session.execute(statement.order_by(follow_ups.c.due_at, follow_ups.c.id))
        return [self._loaded(row) for row in rows.mappings()]

    def _loaded(self, row: Any) -> FollowUp:
        follow_up = FollowUp(
            id=row["id"],
            owner_id=row["owner_id"],
            contact_id=row["contact_id"],
            interaction_id=row["interaction_id"],
            title=row["title"],
            due_at=row["due_at"],
            proposed_times=tuple(datetime.fromisoformat(value) for value in row["proposed_times"]),
            status=FollowUpStatus(row["status"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            version=row["version"],
        )
        self._remember(follow_up.id, follow_up.version)
        return follow_up


class SqlUnitOfWork(SessionUnitOfWork):
    """One transaction over the contacts tables; published changes go to the outbox in it."""

    contacts: SqlContacts
    interactions: SqlInteractions
    follow_ups: SqlFollowUps

    def bind(self, session: AsyncSession) -> None:
        self.contacts = SqlContacts(session)
        self.interactions = SqlInteractions(session)
        self.follow_ups = SqlFollowUps(session)

    def event_of(self, change: Change) -> EventData:
        return event_of(change)


def _contact_row(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "owner_id": contact.owner_id,
        "name": contact.name,
        "name_key": " ".join(contact.name.lower().split()),
        "company": contact.company,
        "company_key": " ".join(contact.company.lower().split()) if contact.company else None,
        "role": contact.role,
        "category": contact.category.value,
        "tie": contact.tie.value,
        "warmth": contact.warmth.value,
        "emails": list(contact.emails),
        "phones": list(contact.phones),
        "linkedin_url": contact.linkedin_url,
        "tags": list(contact.tags),
        "how_met": contact.how_met,
        "ask": contact.ask,
        "why_them": contact.why_them,
        "notes": contact.notes,
        "cadence_override_days": contact.cadence_override_days,
        "last_interaction_at": contact.last_interaction_at,
        "due_at": contact.due_at,
        "drift_at": None
        if contact.archived
        else ties.next_drift_at(contact.tie, last_touch=contact.last_touch),
        "archived": contact.archived,
        "import_key": contact.import_key,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
        "version": contact.version,
    }


def _contact_from_row(row: Any) -> Contact:
    return Contact(
        id=row["id"],
        owner_id=row["owner_id"],
        name=row["name"],
        category=Category(row["category"]),
        tie=Tie(row["tie"]),
        warmth=Warmth(row["warmth"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        emails=tuple(row["emails"]),
        phones=tuple(row["phones"]),
        linkedin_url=row["linkedin_url"],
        company=row["company"],
        role=row["role"],
        tags=tuple(row["tags"]),
        how_met=row["how_met"],
        ask=row["ask"],
        why_them=row["why_them"],
        notes=row["notes"],
        cadence_override_days=row["cadence_override_days"],
        last_interaction_at=row["last_interaction_at"],
        archived=row["archived"],
        import_key=row["import_key"],
        version=row["version"],
    )


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
    }


def _follow_up_row(follow_up: FollowUp) -> dict[str, Any]:
    return {
        "id": follow_up.id,
        "owner_id": follow_up.owner_id,
        "contact_id": follow_up.contact_id,
        "interaction_id": follow_up.interaction_id,
        "title": follow_up.title,
        "due_at": follow_up.due_at,
        "proposed_times": [moment.isoformat() for moment in follow_up.proposed_times],
        "status": follow_up.status.value,
        "created_at": follow_up.created_at,
        "updated_at": follow_up.updated_at,
        "version": follow_up.version,
    }


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _encode_cursor(name_key: str, contact_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([name_key, contact_id]).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        name_key, contact_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(name_key, str) or not isinstance(contact_id, str):
            raise TypeError
    except (ValueError, TypeError) as error:
        raise DomainError("not a cursor this API issued", field="cursor") from error
    return name_key, contact_id
