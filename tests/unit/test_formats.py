"""File formats, read and written without any infrastructure."""

from datetime import UTC, datetime

import pytest

from services.contacts.domain.imports import (
    ImportedContact,
    UnreadableFile,
    parse_linkedin_connections,
    parse_tracker_csv,
)
from services.contacts.domain.vcard import parse_vcards, to_vcard


def test_the_same_person_matches_by_profile_then_email_then_name_and_company() -> None:
    by_url = ImportedContact(
        row=1, name="Ada", linkedin_url="https://linkedin.com/in/Ada/", emails=("a@x.org",)
    )
    assert by_url.import_key == "linkedin:https://www.linkedin.com/in/ada"
    assert ImportedContact(row=1, name="Ada", emails=("A@X.org",)).import_key == "email:a@x.org"
    assert ImportedContact(row=1, name=" Ada  L ", company="X").import_key == "name:ada l|x"


def test_a_file_that_is_not_the_expected_format_is_refused_whole() -> None:
    with pytest.raises(UnreadableFile, match=r"Connections\.csv"):
        parse_linkedin_connections("Name,Email\n")
    with pytest.raises(UnreadableFile, match="no 'name' column"):
        parse_tracker_csv("email\nx@y.org\n")
    with pytest.raises(UnreadableFile, match="BEGIN:VCARD"):
        parse_vcards("hello")


def test_tracker_dates_accept_common_spellings() -> None:
    parsed = parse_tracker_csv(
        "name,last contacted\nA,2026-01-02\nB,01/03/2026\nC,4 Jan 2026\nD,2026-01-05T10:00:00+02:00\n"
    )
    assert [c.last_contacted_at for c in parsed.contacts] == [
        datetime(2026, 1, 2, tzinfo=UTC),
        datetime(2026, 1, 3, 12, tzinfo=UTC),
        datetime(2026, 1, 4, 12, tzinfo=UTC),
        datetime(2026, 1, 5, 8, tzinfo=UTC),
    ]
    assert parsed.errors == []


class Card:
    name = "Zoë Ångström"
    emails = ("zoe@example.org",)
    phones = ("+46 8 123",)
    company = "Uppsala; University"
    role = None
    category = None
    tie = None
    last_interaction_at = None
    notes = "Line one\nline two, with a comma; and a semicolon" + " and more" * 10
    linkedin_url = None
    tags = ("physics",)


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_a_vcard_round_trips_escapes_and_multibyte_folding(version: str) -> None:
    text = to_vcard(Card(), version=version)  # type: ignore[arg-type]
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    [read] = parse_vcards(text).contacts
    assert (read.name, read.emails, read.phones, read.company, read.notes, read.tags) == (
        Card.name,
        Card.emails,
        Card.phones,
        Card.company,
        Card.notes,
        Card.tags,
    )
