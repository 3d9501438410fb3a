"""The contacts store: people, their tags, search and cursor pages, ties that drift."""

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    and_,
    delete,
    exists,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.contacts.adapters.db.tables import (
    contact_tags,
    contacts,
    drafts,
    follow_ups,
    interactions,
    interviews,
)
from services.contacts.adapters.db.versioned import Versioned
from services.contacts.domain import ties
from services.contacts.domain.model import Contact
from services.contacts.ports import ContactQuery, Page
from shared.errors import DomainError
from shared.vocabulary import (
    Category,
    Origin,
    Tie,
    Warmth,
)


class SqlContacts(Versioned):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, contacts)

    async def erase(self, contact: Contact) -> tuple[list[str], list[str]]:
        mine = {"owner_id": contact.owner_id, "contact_id": contact.id}

        async def ids(table: Any) -> list[str]:
            found = await self._session.execute(
                select(table.c.id).where(*(table.c[k] == v for k, v in mine.items())).order_by(table.c.id)
            )
            return list(found.scalars())

        talked, steps = await ids(interactions), await ids(follow_ups)
        for table in (drafts, interviews, follow_ups, interactions, contact_tags):
            await self._session.execute(delete(table).where(*(table.c[k] == v for k, v in mine.items())))
        await self._session.execute(delete(contacts).where(contacts.c.id == contact.id))
        return talked, steps

    async def get(self, *, owner_id: str, contact_id: str, for_update: bool = False) -> Contact | None:
        statement = select(contacts).where(contacts.c.id == contact_id, contacts.c.owner_id == owner_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).mappings().first()
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
        "origin": contact.origin.value if contact.origin else None,
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
        origin=Origin(row["origin"]) if row["origin"] else None,
        version=row["version"],
    )


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
