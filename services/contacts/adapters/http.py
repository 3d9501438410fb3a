"""The contacts HTTP API: translates requests into use cases and results into JSON.

No rule lives here: validation of shape is pydantic's, every decision is the use cases'.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Query, Request, Response, status
from fastapi.responses import PlainTextResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.contacts import service
from services.contacts.adapters.db import ConcurrentUpdate
from services.contacts.domain import imports, vcard
from services.contacts.domain.model import Contact, FollowUp, Interaction
from services.contacts.service import ContactQuery, ImportReport, UnitOfWorkFactory
from shared import http
from shared.errors import DomainError, InvalidTransition, NotFound
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

Name = Annotated[str, Field(min_length=1, max_length=200)]
ShortText = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=10_000)]
Email = Annotated[str, Field(max_length=254)]
Phone = Annotated[str, Field(max_length=40)]
Tag = Annotated[str, Field(min_length=1, max_length=40)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
    archived: bool
    created_at: datetime
    updated_at: datetime
    version: int


class ContactPage(BaseModel):
    items: list[ContactOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


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
    occurred_at: AwareDatetime | None = Field(default=None, description="When it happened; default now.")


class InteractionPatch(InteractionFields):
    kind: InteractionKind | None = None
    direction: Direction | None = None
    occurred_at: AwareDatetime | None = None


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
    created_at: datetime
    updated_at: datetime
    version: int


class FollowUpIn(Strict):
    title: Annotated[str, Field(min_length=1, max_length=300)] = Field(
        description="The one concrete next step."
    )
    due_at: AwareDatetime
    proposed_times: list[AwareDatetime] = Field(default=[], max_length=5, description="Times to offer.")
    interaction_id: str | None = Field(default=None, description="The interaction it came from.")


class RescheduleIn(Strict):
    due_at: AwareDatetime
    proposed_times: list[AwareDatetime] | None = Field(default=None, max_length=5)


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


class RowErrorOut(BaseModel):
    row: int = Field(description="Line (CSV) or card start line (vCard) in the file.")
    field: str | None
    message: str


class ImportReportOut(BaseModel):
    created: int
    unchanged: int = Field(description="Rows matching a contact imported before: left as they were.")
    failed: int
    created_ids: list[str]
    errors: list[RowErrorOut]


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
        archived=contact.archived,
        created_at=contact.created_at,
        updated_at=contact.updated_at,
        version=contact.version,
    )


def interaction_out(interaction: Interaction) -> InteractionOut:
    return InteractionOut.model_validate(interaction, from_attributes=True)


def follow_up_out(follow_up: FollowUp) -> FollowUpOut:
    return FollowUpOut.model_validate({**vars(follow_up), "proposed_times": list(follow_up.proposed_times)})


def contact_fields(body: ContactFields, *, only_sent: bool) -> dict[str, Any]:
    data = body.model_dump(exclude_unset=only_sent)
    if "cadence_days" in data:
        data["cadence_override_days"] = data.pop("cadence_days")
    for name in ("emails", "phones", "tags"):
        if name in data:
            data[name] = tuple(data[name] or ())
    if only_sent and data.get("name", "") is None:
        raise DomainError("name cannot be cleared", field="name")
    for name in ("category", "tie", "warmth"):
        if only_sent and name in data and data[name] is None:
            raise DomainError(f"{name} cannot be cleared", field=name)
    return data


def report_out(report: ImportReport) -> ImportReportOut:
    return ImportReportOut(
        created=len(report.created),
        unchanged=len(report.unchanged),
        failed=len(report.errors),
        created_ids=report.created,
        errors=[RowErrorOut(row=e.row, field=e.field, message=e.message) for e in report.errors],
    )


def contacts_router(*, uow: UnitOfWorkFactory, owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    """The /v1 routes; ``owner`` is the dependency that yields the caller's owner id."""
    router = APIRouter(prefix="/v1")
    Owner = Annotated[str, owner]

    @router.post("/contacts", status_code=status.HTTP_201_CREATED, tags=["contacts"])
    async def add_contact(body: ContactIn, owner_id: Owner) -> ContactOut:
        now = clock()
        contact = await service.add_contact(
            uow=uow, owner_id=owner_id, fields=contact_fields(body, only_sent=False), now=now
        )
        return contact_out(contact, now)

    @router.get("/contacts", tags=["contacts"])
    async def list_contacts(
        owner_id: Owner,
        tie: Tie | None = None,
        category: Category | None = None,
        warmth: Warmth | None = None,
        tag: Annotated[str | None, Query(max_length=40)] = None,
        going_cold: Annotated[bool, Query(description="Only contacts past their cadence.")] = False,
        q: Annotated[str | None, Query(max_length=200, description="Search name or company.")] = None,
        include_archived: bool = False,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        cursor: Annotated[str | None, Query(max_length=1000)] = None,
    ) -> ContactPage:
        now = clock()
        query = ContactQuery(
            tie=tie,
            category=category,
            warmth=warmth,
            tag=tag,
            going_cold=going_cold,
            text=q,
            include_archived=include_archived,
            limit=limit,
            cursor=cursor,
        )
        page = await service.find_contacts(uow=uow, owner_id=owner_id, query=query, now=now)
        return ContactPage(items=[contact_out(c, now) for c in page.items], next_cursor=page.next_cursor)

    @router.get("/contacts/{contact_id}", tags=["contacts"])
    async def get_contact(contact_id: str, owner_id: Owner) -> ContactOut:
        contact = await service.get_contact(uow=uow, owner_id=owner_id, contact_id=contact_id)
        return contact_out(contact, clock())

    @router.patch("/contacts/{contact_id}", tags=["contacts"])
    async def update_contact(contact_id: str, body: ContactPatch, owner_id: Owner) -> ContactOut:
        now = clock()
        contact = await service.update_contact(
            uow=uow,
            owner_id=owner_id,
            contact_id=contact_id,
            changes=contact_fields(body, only_sent=True),
            now=now,
        )
        return contact_out(contact, now)

    @router.delete("/contacts/{contact_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["contacts"])
    async def archive_contact(contact_id: str, owner_id: Owner) -> Response:
        """Archive: the contact leaves lists and prompts; its open follow-ups are cancelled."""
        await service.archive_contact(uow=uow, owner_id=owner_id, contact_id=contact_id, now=clock())
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.post(
        "/contacts/{contact_id}/interactions", status_code=status.HTTP_201_CREATED, tags=["interactions"]
    )
    async def log_interaction(contact_id: str, body: InteractionIn, owner_id: Owner) -> InteractionOut:
        now = clock()
        fields = body.model_dump()
        fields["occurred_at"] = fields["occurred_at"] or now
        _, interaction = await service.log_interaction(
            uow=uow, owner_id=owner_id, contact_id=contact_id, fields=fields, now=now
        )
        return interaction_out(interaction)

    @router.get("/contacts/{contact_id}/interactions", tags=["interactions"])
    async def list_interactions(contact_id: str, owner_id: Owner) -> list[InteractionOut]:
        found = await service.list_interactions(uow=uow, owner_id=owner_id, contact_id=contact_id)
        return [interaction_out(interaction) for interaction in found]

    @router.patch("/interactions/{interaction_id}", tags=["interactions"])
    async def update_interaction(
        interaction_id: str, body: InteractionPatch, owner_id: Owner
    ) -> InteractionOut:
        changes = body.model_dump(exclude_unset=True)
        for name in ("kind", "direction", "occurred_at"):
            if name in changes and changes[name] is None:
                raise DomainError(f"{name} cannot be cleared", field=name)
        interaction = await service.update_interaction(
            uow=uow, owner_id=owner_id, interaction_id=interaction_id, changes=changes, now=clock()
        )
        return interaction_out(interaction)

    @router.delete(
        "/interactions/{interaction_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["interactions"]
    )
    async def delete_interaction(interaction_id: str, owner_id: Owner) -> Response:
        await service.delete_interaction(
            uow=uow, owner_id=owner_id, interaction_id=interaction_id, now=clock()
        )
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.post(
        "/contacts/{contact_id}/follow-ups", status_code=status.HTTP_201_CREATED, tags=["follow-ups"]
    )
    async def schedule_follow_up(contact_id: str, body: FollowUpIn, owner_id: Owner) -> FollowUpOut:
        fields = body.model_dump()
        fields["proposed_times"] = tuple(fields["proposed_times"])
        follow_up = await service.schedule_follow_up(
            uow=uow, owner_id=owner_id, contact_id=contact_id, fields=fields, now=clock()
        )
        return follow_up_out(follow_up)

    @router.get("/contacts/{contact_id}/follow-ups", tags=["follow-ups"])
    async def list_follow_ups(
        contact_id: str, owner_id: Owner, status: FollowUpStatus | None = None
    ) -> list[FollowUpOut]:
        found = await service.list_follow_ups(
            uow=uow, owner_id=owner_id, contact_id=contact_id, status=status
        )
        return [follow_up_out(follow_up) for follow_up in found]

    @router.get("/follow-ups/{follow_up_id}", tags=["follow-ups"])
    async def get_follow_up(follow_up_id: str, owner_id: Owner) -> FollowUpOut:
        return follow_up_out(
            await service.get_follow_up(uow=uow, owner_id=owner_id, follow_up_id=follow_up_id)
        )

    @router.post("/follow-ups/{follow_up_id}/complete", tags=["follow-ups"])
    async def complete_follow_up(follow_up_id: str, owner_id: Owner) -> FollowUpOut:
        return follow_up_out(
            await service.complete_follow_up(
                uow=uow, owner_id=owner_id, follow_up_id=follow_up_id, now=clock()
            )
        )

    @router.post("/follow-ups/{follow_up_id}/cancel", tags=["follow-ups"])
    async def cancel_follow_up(follow_up_id: str, owner_id: Owner) -> FollowUpOut:
        return follow_up_out(
            await service.cancel_follow_up(uow=uow, owner_id=owner_id, follow_up_id=follow_up_id, now=clock())
        )

    @router.post("/follow-ups/{follow_up_id}/reschedule", tags=["follow-ups"])
    async def reschedule_follow_up(follow_up_id: str, body: RescheduleIn, owner_id: Owner) -> FollowUpOut:
        follow_up = await service.reschedule_follow_up(
            uow=uow,
            owner_id=owner_id,
            follow_up_id=follow_up_id,
            due_at=body.due_at,
            proposed_times=None if body.proposed_times is None else tuple(body.proposed_times),
            now=clock(),
        )
        return follow_up_out(follow_up)

    parsers = {
        "linkedin": imports.parse_linkedin_connections,
        "csv": imports.parse_tracker_csv,
        "vcard": vcard.parse_vcards,
    }

    @router.post(
        "/imports/{file_format}",
        tags=["imports"],
        summary="Import contacts from a file sent as the request body",
        description=(
            "`linkedin`: LinkedIn's Connections.csv export as is. `csv`: a tracker sheet with columns "
            "name, email, company, role, category, tie, last contacted, notes. `vcard`: vCard 3.0 or 4.0. "
            f"At most {imports.MAX_ROWS} rows and 2 MiB. Importing the same file again adds nothing."
        ),
        openapi_extra={"requestBody": {"content": {"text/csv": {}, "text/vcard": {}}, "required": True}},
    )
    async def import_file(
        file_format: Literal["linkedin", "csv", "vcard"], request: Request, owner_id: Owner
    ) -> ImportReportOut:
        raw = await request.body()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DomainError("the file is not UTF-8 text", field="body") from error
        try:
            parsed = parsers[file_format](text)
        except imports.UnreadableFile as error:
            raise DomainError(str(error), field="body") from error
        report = await service.import_contacts(uow=uow, owner_id=owner_id, parsed=parsed, now=clock())
        return report_out(report)

    @router.get("/exports/contacts.csv", tags=["exports"], response_class=PlainTextResponse)
    async def export_csv(owner_id: Owner) -> Response:
        found = await service.all_contacts(uow=uow, owner_id=owner_id, now=clock())
        return Response(
            imports.tracker_csv(found),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="contacts.csv"'},
        )

    @router.get("/exports/contacts.vcf", tags=["exports"], response_class=PlainTextResponse)
    async def export_vcard(owner_id: Owner, version: Literal["3.0", "4.0"] = "4.0") -> Response:
        found = await service.all_contacts(uow=uow, owner_id=owner_id, now=clock())
        return Response(
            vcard.to_vcards(found, version=version),
            media_type="text/vcard; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="contacts.vcf"'},
        )

    return router


def install_error_handlers(app: FastAPI) -> None:
    http.install_error_handlers(
        app,
        not_found=(NotFound,),
        conflict=(InvalidTransition, ConcurrentUpdate),
        unprocessable=(DomainError,),
    )
