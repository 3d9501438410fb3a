"""Import and export routes: LinkedIn, tracker CSV and vCard in; CSV and vCard out."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from services.contacts import imports as file_cases
from services.contacts.domain import imports, vcard
from services.contacts.imports import ImportReport
from services.contacts.ports import UnitOfWorkFactory
from shared.errors import DomainError


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


def report_out(report: ImportReport) -> ImportReportOut:
    return ImportReportOut(
        created=len(report.created),
        unchanged=len(report.unchanged),
        failed=len(report.errors),
        created_ids=report.created,
        errors=[RowErrorOut(row=e.row, field=e.field, message=e.message) for e in report.errors],
    )


def files_routes(*, uow: UnitOfWorkFactory, owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    """The import and export routes."""
    router = APIRouter()
    Owner = Annotated[str, owner]

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
        report = await file_cases.import_contacts(uow=uow, owner_id=owner_id, parsed=parsed, now=clock())
        return report_out(report)

    router.include_router(export_routes(uow=uow, owner=owner, clock=clock))
    return router


def export_routes(*, uow: UnitOfWorkFactory, owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    """Every active contact out, as a tracker CSV or vCards."""
    router = APIRouter()
    Owner = Annotated[str, owner]

    @router.get(
        "/exports/contacts.csv",
        tags=["exports"],
        response_class=Response,
        responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
    )
    async def export_csv(owner_id: Owner) -> Response:
        found = await file_cases.all_contacts(uow=uow, owner_id=owner_id, now=clock())
        return Response(
            imports.tracker_csv(found),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="contacts.csv"'},
        )

    @router.get(
        "/exports/contacts.vcf",
        tags=["exports"],
        response_class=Response,
        responses={200: {"content": {"text/vcard": {"schema": {"type": "string"}}}}},
    )
    async def export_vcard(owner_id: Owner, version: Literal["3.0", "4.0"] = "4.0") -> Response:
        found = await file_cases.all_contacts(uow=uow, owner_id=owner_id, now=clock())
        return Response(
            vcard.to_vcards(found, version=version),
            media_type="text/vcard; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="contacts.vcf"'},
        )

    return router
