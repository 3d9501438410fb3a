"""vCard 3.0 (RFC 2426) and 4.0 (RFC 6350): the fields a tracker needs, read and written.

Read: FN (or N), EMAIL, TEL, ORG, TITLE, URL (a LinkedIn profile), NOTE, CATEGORIES (as tags).
Lines are unfolded, parameters ignored, text values unescaped; a card without a name is an error
for that card only.
"""

from collections.abc import Iterable

from services.contacts.domain.imports import (
    MAX_ROWS,
    ExportableContact,
    ImportedContact,
    ParsedFile,
    RowError,
    UnreadableFile,
)
from services.contacts.domain.model import LINKEDIN_PROFILE

VERSIONS = ("3.0", "4.0")


def parse_vcards(text: str) -> ParsedFile:
    lines = _unfold(text.lstrip("\ufeff"))
    if not any(line.upper() == "BEGIN:VCARD" for line in lines):
        raise UnreadableFile("no BEGIN:VCARD: is this a vCard (.vcf) file?")
    parsed = ParsedFile()
    card: dict[str, list[str]] | None = None
    start = 0
    cards = 0
    for number, line in enumerate(lines, start=1):
        name, _, value = line.partition(":")
        prop = name.split(";")[0].split(".")[-1].upper()  # drop parameters and group prefixes
        if prop == "BEGIN" and value.upper() == "VCARD":
            card, start = {}, number
            cards += 1
            if cards > MAX_ROWS:
                raise UnreadableFile(f"more than {MAX_ROWS} cards; split the file")
        elif prop == "END" and value.upper() == "VCARD" and card is not None:
            _finish(card, start, parsed)
            card = None
        elif card is not None:
            card.setdefault(prop, []).append(value)
    return parsed


def _finish(card: dict[str, list[str]], row: int, parsed: ParsedFile) -> None:
    name = _unescape(_first(card, "FN"))
    if not name and card.get("N"):
        family, given, *_ = [*card["N"][0].split(";"), "", ""]
        name = " ".join(part for part in (_unescape(given), _unescape(family)) if part)
    if not name:
        parsed.errors.append(RowError(row, "a card without FN or N", "FN"))
        return
    urls = [_unescape(url) for url in card.get("URL", [])]
    organisation = next(iter(_split_list(_first(card, "ORG"), separator=";")), "")
    categories = [tag for value in card.get("CATEGORIES", []) for tag in _split_list(value, separator=",")]
    parsed.contacts.append(
        ImportedContact(
            row=row,
            name=name,
            emails=tuple(_unescape(value) for value in card.get("EMAIL", []) if value.strip()),
            phones=tuple(
                _unescape(value).removeprefix("tel:") for value in card.get("TEL", []) if value.strip()
            ),
            linkedin_url=next((url for url in urls if LINKEDIN_PROFILE.match(url)), None),
            company=organisation or None,
            role=_unescape(_first(card, "TITLE")) or None,
            notes=_unescape(_first(card, "NOTE")) or None,
            tags=tuple(categories),
        )
    )


def to_vcards(contacts: Iterable[ExportableContact], *, version: str = "4.0") -> str:
    if version not in VERSIONS:
        raise ValueError(f"vCard version must be one of {', '.join(VERSIONS)}")
    return "".join(to_vcard(contact, version=version) for contact in contacts)


def to_vcard(contact: ExportableContact, *, version: str = "4.0") -> str:
    given, _, family = contact.name.rpartition(" ")
    lines = [
        "BEGIN:VCARD",
        f"VERSION:{version}",
        f"FN:{_escape(contact.name)}",
        f"N:{_escape(family)};{_escape(given)};;;",
    ]
    lines += [f"EMAIL:{_escape(email)}" for email in contact.emails]
    lines += [f"TEL:{_escape(phone)}" for phone in contact.phones]
    if contact.company:
        lines.append(f"ORG:{_escape(contact.company)}")
    if contact.role:
        lines.append(f"TITLE:{_escape(contact.role)}")
    if contact.linkedin_url:
        lines.append(f"URL:{contact.linkedin_url}")
    if contact.tags:
        lines.append("CATEGORIES:" + ",".join(_escape(tag) for tag in contact.tags))
    if contact.notes:
        lines.append(f"NOTE:{_escape(contact.notes)}")
    lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw.strip():
            lines.append(raw)
    return lines


def _fold(line: str, width: int = 75) -> str:
    encoded = line.encode()
    if len(encoded) <= width:
        return line
    parts: list[str] = []
    current = ""
    for char in line:
        limit = width if not parts else width - 1
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return "\r\n ".join(parts)


def _first(card: dict[str, list[str]], prop: str) -> str:
    values = card.get(prop)
    return values[0].strip() if values else ""


def _split_list(value: str, *, separator: str) -> list[str]:
    """Split on unescaped ``separator``; the parts come back unescaped."""
    out, current, escaped = [], "", False
    for char in value:
        if escaped:
            current += "\n" if char in "nN" else char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            out.append(current)
            current = ""
        else:
            current += char
    out.append(current)
    return [item.strip() for item in out if item.strip()]


def _unescape(value: str) -> str:
    out, escaped = "", False
    for char in value:
        if escaped:
            out += "\n" if char in "nN" else char
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out += char
    return out.strip()


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;")
