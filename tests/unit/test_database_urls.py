"""Database URLs as operators have them: CloudNativePG writes ``postgresql://`` URIs."""

import pytest

from shared.db.engine import async_url


@pytest.mark.parametrize(
    ("given", "used"),
    [
        (
            "postgresql://app:secret@keepwarm-contacts-db-rw:5432/contacts",
            "postgresql+asyncpg://app:secret@keepwarm-contacts-db-rw:5432/contacts",
        ),
        ("postgres://app@db/contacts", "postgresql+asyncpg://app@db/contacts"),
        ("postgresql+asyncpg://app@db/contacts", "postgresql+asyncpg://app@db/contacts"),
        ("sqlite+aiosqlite:///var/contacts.db", "sqlite+aiosqlite:///var/contacts.db"),
    ],
)
def test_a_plain_postgresql_url_is_driven_by_asyncpg(given: str, used: str) -> None:
    assert async_url(given) == used
