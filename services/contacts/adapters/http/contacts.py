"""Contact routes: add, list (filters, search, pages), read, edit, archive."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, cast

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from services.contacts import contacts as contact_cases
from services.contacts.adapters.http.fields import Email, LongText, Name, Phone, ShortText, Strict, Tag
from services.contacts.domain.commands import ContactChanges, NewContact
from services.contacts.domain.model import Contact
from services.contacts.ports import ContactQuery, UnitOfWorkFactory
from shared.cadence import Band
from shared.partial_update import not_clearable
from shared.vocabulary import (
    Category,
    Origin,
    Tie,
    Warmth,
)


class ContactFields(Strict):
    emails: list[Email] = Field(default=[], max_length=10)
    phones: list[Phone] = Field(default=[], max_length=10)
    linkedin_url: Annotated[str, Field(max_length=300)] | None = None
    company: ShortText | None = None
    role: ShortText | None = None
    tags: list[Tag] = Field(default=[], max_length=20)
    how_met: LongText | None = Field(default=None, description="Where and how you met.")
    ask: LongText | None = Field(default=None, description="What you would ask them: specific, low-friction.")
    why_them: LongText | None = Field(default=None, description="Why they are the right person to ask.")
    notes: LongText | None = None
    cadence_days: int | None = Field(
        default=None, ge=1, le=730, description="Keep-in-touch cadence; default by tie (21/60/180 days)."
    )


class ContactIn(ContactFields):
    name: Name
    category: Category = Category.OTHER
    tie: Tie = Tie.WEAK
    warmth: Warmth = Warmth.WARM


class ContactPatch(ContactFields):
    """Only the fields sent change; send null to clear an optional field."""

    model_config = ConfigDict(json_schema_extra=not_clearable(*Contact.REQUIRED))

    name: Name | None = None
    category: Category | None = None
    tie: Tie | None = None
    warmth: Warmth | None = None


class ContactOut(BaseModel):
    id: str
    name: str
    category: Category
    tie: Tie
    warmth: Warmth
    emails: list[str]
    phones: list[str]
    linkedin_url: str | None
    company: str | None
    role: str | None
    tags: list[str]
    how_met: str | None
    ask: str | None
    why_them: str | None
    notes: str | None
    cadence_days: int
    cadence_is_default: bool
    last_interaction_at: datetime | None
    due_at: datetime = Field(description="When the contact starts going cold.")
    going_cold: bool
    band: Band = Field(description="How warm, at a glance: fine, due soon (within a week) or overdue.")
    archived: bool
    origin: Origin | None = Field(description="campus: from a campus tool; null: added by the student.")
    created_at: datetime
    updated_at: datetime
    version: int


class ContactFilters(BaseModel):
    """The list's filters, one query parameter each."""

    tie: Tie | None = None
    category: Category | None = None
    warmth: Warmth | None = None
    tag: str | None = Field(default=None, max_length=40)
    going_cold: bool = Field(default=False, description="Only contacts past their cadence.")
    q: str | None = Field(default=None, max_length=200, description="Search name or company.")
    include_archived: bool = False
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=1000)


class ContactPage(BaseModel):
    items: list[ContactOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


def contact_out(contact: Contact, now: datetime) -> ContactOut:
    return ContactOut(
        id=contact.id,
        name=contact.name,
        category=contact.category,
        tie=contact.tie,
        warmth=contact.warmth,
        emails=list(contact.emails),
        phones=list(contact.phones),
        linkedin_url=contact.linkedin_url,
        company=contact.company,
        role=contact.role,
        tags=list(contact.tags),
        how_met=contact.how_met,
        ask=contact.ask,
        why_them=contact.why_them,
        notes=contact.notes,
        cadence_days=contact.cadence_days,
        cadence_is_default=contact.cadence_override_days is None,
        last_interaction_at=contact.last_interaction_at,
        due_at=contact.due_at,
        going_cold=contact.going_cold(now),
        band=contact.band(now),
        archived=contact.archived,
        origin=contact.origin,
        created_at=contact.created_at,
        updated_at=contact.updated_at,
        version=contact.version,
    )


def contact_fields(body: ContactFields, *, only_sent: bool) -> dict[str, Any]:
    data = body.model_dump(exclude_unset=only_sent)
    if "cadence_days" in data:
        data["cadence_override_days"] = data.pop("cadence_days")
    for name in ("emails", "phones", "tags"):
        if name in data:
            data[name] = tuple(data[name] or ())
    return data


def contacts_routes(*, uow: UnitOfWorkFactory, owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    """The /contacts routes."""
    router = APIRouter()
    Owner = Annotated[str, owner]

    @router.post("/contacts", status_code=status.HTTP_201_CREATED, tags=["contacts"])
    async def add_contact(body: ContactIn, owner_id: Owner) -> ContactOut:
        now = clock()
        contact = await contact_cases.add_contact(
            uow=uow,
            owner_id=owner_id,
            fields=cast(NewContact, contact_fields(body, only_sent=False)),
            now=now,
        )
        return contact_out(contact, now)

    @router.get("/contacts", tags=["contacts"])
    async def list_contacts(owner_id: Owner, filters: Annotated[ContactFilters, Query()]) -> ContactPage:
        now = clock()
        query = ContactQuery(**filters.model_dump(exclude={"q"}), text=filters.q)
        page = await contact_cases.find_contacts(uow=uow, owner_id=owner_id, query=query, now=now)
        return ContactPage(items=[contact_out(c, now) for c in page.items], next_cursor=page.next_cursor)

    @router.get("/contacts/{contact_id}", tags=["contacts"])
    async def get_contact(contact_id: str, owner_id: Owner) -> ContactOut:
        contact = await contact_cases.get_contact(uow=uow, owner_id=owner_id, contact_id=contact_id)
        return contact_out(contact, clock())

    @router.patch("/contacts/{contact_id}", tags=["contacts"])
    async def update_contact(contact_id: str, body: ContactPatch, owner_id: Owner) -> ContactOut:
        now = clock()
        contact = await contact_cases.update_contact(
            uow=uow,
            owner_id=owner_id,
            contact_id=contact_id,
            changes=cast(ContactChanges, contact_fields(body, only_sent=True)),
            now=now,
        )
        return contact_out(contact, now)

    @router.delete("/contacts/{contact_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["contacts"])
    async def archive_contact(contact_id: str, owner_id: Owner) -> Response:
        """Archive: the contact leaves lists and prompts; its open follow-ups are cancelled."""
        await contact_cases.archive_contact(uow=uow, owner_id=owner_id, contact_id=contact_id, now=clock())
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.post(
        "/contacts/{contact_id}/erase",
        status_code=status.HTTP_204_NO_CONTENT,
        tags=["contacts"],
        summary="Delete for good, with its interactions, follow-ups, drafts and interviews, everywhere",
    )
    async def erase_contact(contact_id: str, owner_id: Owner) -> Response:
        """Unlike archiving, nothing of the contact is kept, here or in the other services."""
        await contact_cases.erase_contact(uow=uow, owner_id=owner_id, contact_id=contact_id, now=clock())
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router
