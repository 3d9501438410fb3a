"""Import and export use cases: the good rows of a parsed file become contacts (twice adds nothing);
every active contact goes out. Each runs in one unit of work:
the change and its event commit together."""

from dataclasses import dataclass, field
from datetime import datetime

from services.contacts import goals, ports
from services.contacts.domain.changes import Change, ChangeKind
from services.contacts.domain.imports import ImportedContact, ParsedFile, RowError
from services.contacts.domain.model import Contact
from services.contacts.ports import ContactQuery, UnitOfWorkFactory
from shared.errors import DomainError


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


async def import_contacts(
    *, uow: UnitOfWorkFactory, owner_id: str, parsed: ParsedFile, now: datetime
) -> ImportReport:
    """Add the file's new contacts in one transaction; a contact imported before (same profile URL,
    email, or name and company) is left as it is, so importing a file twice adds nothing."""
    report = ImportReport(errors=list(parsed.errors))
    async with uow() as work:
        existing = await work.contacts.by_import_keys(
            owner_id=owner_id, keys=[row.import_key for row in parsed.contacts]
        )
        for row in parsed.contacts:
            if row.import_key in existing:
                report.unchanged.append(existing[row.import_key].id)
                continue
            try:
                contact = _contact_from(row, owner_id=owner_id, now=now)
            except DomainError as error:
                report.errors.append(RowError(row.row, str(error), error.field))
                continue
            existing[row.import_key] = contact
            await work.contacts.add(contact)
            await work.publish(Change(ChangeKind.CONTACT_ADDED, contact, now, now))
            report.created.append(contact.id)
        await goals.follow(work, owner_id, now=now)
        await work.commit()
    report.errors.sort(key=lambda error: error.row)
    return report


def _contact_from(row: ImportedContact, *, owner_id: str, now: datetime) -> Contact:
    return Contact(
        id=ports.new_id(),
        owner_id=owner_id,
        name=row.name,
        category=row.category,
        tie=row.tie,
        warmth=row.warmth,
        created_at=now,
        updated_at=now,
        emails=row.emails,
        phones=row.phones,
        linkedin_url=row.linkedin_url,
        company=row.company,
        role=row.role,
        tags=row.tags,
        how_met=row.how_met,
        ask=row.ask,
        why_them=row.why_them,
        cadence_override_days=row.cadence_override_days,
        notes=row.notes,
        last_interaction_at=row.last_contacted_at,
        import_key=row.import_key,
    )


async def all_contacts(
    *, uow: UnitOfWorkFactory, owner_id: str, now: datetime, limit: int = 10_000
) -> list[Contact]:
    """Every active contact of the owner, for exports."""
    found: list[Contact] = []
    cursor = None
    async with uow() as work:
        while len(found) < limit:
            page = await work.contacts.search(
                owner_id=owner_id, query=ContactQuery(limit=200, cursor=cursor), now=now
            )
            found.extend(page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    return found
