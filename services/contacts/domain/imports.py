"""Reading contacts from the files students already have, and writing them back out.

- LinkedIn's ``Connections.csv`` export: a few lines of notes, a blank line, then the header
  ``First Name,Last Name,URL,Email Address,Company,Position,Connected On``.
- A tracker spreadsheet as CSV: name, email, company, role, category, tie, last contacted, notes,
  and any of phones, warmth, tags, how met, ask, why them, cadence days, linkedin (header names
  are matched loosely: case, spaces and underscores do not matter; lists are separated by ";").
  The CSV export writes every one of these columns, so it reads back as it was.
- vCard 3.0 and 4.0 (see ``vcard.py``).

Parsers never stop at a bad row: they return the good rows and an error per bad one.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Protocol, TypeVar

from services.contacts.domain.model import normalize_linkedin
from shared.errors import DomainError
from shared.vocabulary import Category, Tie, Warmth

MAX_ROWS = 5000


@dataclass(frozen=True)
class ImportedContact:
    """One contact read from a file, not yet validated against the tracker's rules."""

    row: int
    name: str
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    linkedin_url: str | None = None
    company: str | None = None
    role: str | None = None
    category: Category = Category.OTHER
    tie: Tie = Tie.WEAK
    warmth: Warmth = Warmth.WARM
    tags: tuple[str, ...] = ()
    how_met: str | None = None
    ask: str | None = None
    why_them: str | None = None
    cadence_override_days: int | None = None
    notes: str | None = None
    last_contacted_at: datetime | None = None

    @property
    def import_key(self) -> str:
        """What makes a second import of the same person match the first: profile URL, else
        email, else name and company."""
        if self.linkedin_url:
            try:
                return "linkedin:" + (normalize_linkedin(self.linkedin_url) or "")
            except DomainError:
                return "linkedin:" + self.linkedin_url.strip().lower()
        if self.emails:
            return "email:" + self.emails[0].strip().lower()
        return (
            "name:"
            + " ".join(self.name.lower().split())
            + "|"
            + " ".join((self.company or "").lower().split())
        )


@dataclass(frozen=True)
class RowError:
    row: int
    message: str
    field: str | None = None


@dataclass
class ParsedFile:
    contacts: list[ImportedContact] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class UnreadableFile(ValueError):
    """The file as a whole cannot be read in the expected format."""


def parse_linkedin_connections(text: str) -> ParsedFile:
    lines = text.lstrip("\ufeff").splitlines()
    header_at = next((n for n, line in enumerate(lines) if line.startswith("First Name,")), None)
    if header_at is None:
        raise UnreadableFile("no 'First Name,Last Name,URL,…' header: is this LinkedIn's Connections.csv?")
    parsed = ParsedFile()
    rows = _rows(csv.DictReader(io.StringIO("\n".join(lines[header_at:]))))
    for number, row in enumerate(rows, start=header_at + 2):
        _limit(number - header_at - 1)
        name = " ".join(
            part
            for part in ((row.get("First Name") or "").strip(), (row.get("Last Name") or "").strip())
            if part
        )
        if not name:
            parsed.errors.append(RowError(number, "no first or last name", "First Name"))
            continue
        connected = _date(row.get("Connected On"), ("%d %b %Y", "%d-%b-%y", "%Y-%m-%d"))
        parsed.contacts.append(
            ImportedContact(
                row=number,
                name=name,
                emails=_present(row.get("Email Address")),
                linkedin_url=_text(row.get("URL")),
                company=_text(row.get("Company")),
                role=_text(row.get("Position")),
                category=Category.EXISTING_NETWORK,
                tie=Tie.WEAK,
                warmth=Warmth.WARM,
                how_met=f"LinkedIn connection since {connected.isoformat()}"
                if connected
                else "LinkedIn connection",
            )
        )
    return parsed


class ExportableContact(Protocol):
    """What the exports read of a contact."""

    name: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    company: str | None
    role: str | None
    category: Category
    tie: Tie
    last_interaction_at: datetime | None
    notes: str | None
    linkedin_url: str | None
    tags: tuple[str, ...]
    warmth: Warmth
    how_met: str | None
    ask: str | None
    why_them: str | None
    cadence_override_days: int | None


TRACKER_COLUMNS = ("name", "email", "company", "role", "category", "tie", "last contacted", "notes")
EXPORT_COLUMNS = (
    "Name",
    "Emails",
    "Phones",
    "Company",
    "Role",
    "Category",
    "Tie",
    "Warmth",
    "Tags",
    "How Met",
    "Ask",
    "Why Them",
    "Cadence Days",
    "Last Contacted",
    "Notes",
    "LinkedIn",
)


def parse_tracker_csv(text: str) -> ParsedFile:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as error:
        raise UnreadableFile(f"not a CSV file this service can read: {error}") from None
    if fieldnames is None:
        raise UnreadableFile("the file is empty")
    columns = {_column(name): name for name in fieldnames if name}
    if "name" not in columns:
        raise UnreadableFile(f"no 'name' column; expected columns: {', '.join(TRACKER_COLUMNS)}")
    parsed = ParsedFile()
    for number, raw in enumerate(_rows(reader), start=2):
        _limit(number - 1)
        row = {key: typed(raw.get(original)) for key, original in columns.items()}
        if not any(row.values()):
            continue
        try:
            parsed.contacts.append(
                ImportedContact(
                    row=number,
                    name=row["name"],
                    emails=_present(row.get("emails") or row.get("email")),
                    phones=_present(row.get("phones") or row.get("phone"), separators=";"),
                    linkedin_url=row.get("linkedin") or None,
                    company=row.get("company") or None,
                    role=row.get("role") or None,
                    category=_enum(Category, row.get("category"), Category.OTHER, "category"),
                    tie=_enum(Tie, row.get("tie"), Tie.WEAK, "tie"),
                    warmth=_enum(Warmth, row.get("warmth"), Warmth.WARM, "warmth"),
                    tags=_present(row.get("tags"), separators=";"),
                    how_met=row.get("how met") or None,
                    ask=row.get("ask") or None,
                    why_them=row.get("why them") or None,
                    cadence_override_days=_days(row.get("cadence days")),
                    notes=row.get("notes") or None,
                    last_contacted_at=_moment(row.get("last contacted")),
                )
            )
        except _BadCell as error:
            parsed.errors.append(RowError(number, str(error), error.field))
    return parsed


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell a spreadsheet would run as a formula (OWASP's CSV injection list)."""


def exported(value: str) -> str:
    """A cell as written out: a leading quote keeps a spreadsheet from running it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def typed(value: str | None) -> str:
    """A cell as read in: what was typed, without surrounding spaces, and without the quote an
    export put before a formula-like value (so an export reads back as it was)."""
    text = (value or "").strip(" ")
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text.strip()


def _rows(reader: Iterable[dict[str, str | None]]) -> Iterator[dict[str, str | None]]:
    """The reader's rows; a malformed file (a cell over the size limit, a stray quote) is refused."""
    try:
        yield from reader
    except csv.Error as error:
        raise UnreadableFile(f"not a CSV file this service can read: {error}") from None


def tracker_csv(contacts: Iterable[ExportableContact]) -> str:
    """The tracker layout, ready for a spreadsheet (and for importing again)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for contact in contacts:
        writer.writerow(
            exported(str(cell))
            for cell in [
                contact.name,
                ";".join(contact.emails),
                ";".join(contact.phones),
                contact.company or "",
                contact.role or "",
                contact.category.value,
                contact.tie.value,
                contact.warmth.value,
                ";".join(contact.tags),
                contact.how_met or "",
                contact.ask or "",
                contact.why_them or "",
                contact.cadence_override_days or "",
                contact.last_interaction_at.isoformat() if contact.last_interaction_at else "",
                contact.notes or "",
                contact.linkedin_url or "",
            ]
        )
    return out.getvalue()


class _BadCell(ValueError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def _limit(rows: int) -> None:
    if rows > MAX_ROWS:
        raise UnreadableFile(f"more than {MAX_ROWS} rows; split the file")


def _column(name: str) -> str:
    return " ".join(name.strip().lower().replace("_", " ").split())


def _text(value: str | None) -> str | None:
    return value.strip() or None if value else None


def _present(value: str | None, *, separators: str = ";,") -> tuple[str, ...]:
    text = value or ""
    for separator in separators[1:]:
        text = text.replace(separator, separators[0])
    return tuple(part.strip() for part in text.split(separators[0]) if part.strip())


def _days(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise _BadCell(f"{value!r} is not a whole number of days", "cadence days") from None


E = TypeVar("E", bound=StrEnum)


def _enum(kind: type[E], value: str | None, default: E, field_name: str) -> E:
    if not value:
        return default
    key = _column(value).replace(" ", "_").replace("/", "_")
    aliases = {"peer_community": "peer", "community": "peer", "company": "company_contact"}
    key = aliases.get(key, key)
    try:
        return kind(key)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise _BadCell(f"{value!r} is not one of: {allowed}", field_name) from None


def _date(value: str | None, formats: tuple[str, ...]) -> date | None:
    for form in formats:
        try:
            return datetime.strptime((value or "").strip(), form).date()
        except ValueError:
            continue
    return None


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        day = _date(value, ("%m/%d/%Y", "%d.%m.%Y", "%d %b %Y", "%b %d, %Y"))
        if day is None:
            raise _BadCell(f"{value!r} is not a date (use YYYY-MM-DD)", "last contacted") from None
        parsed = datetime.combine(day, time(12), UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
