"""The contacts service's composition root: builds everything from settings, wires nothing at import."""

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from services.contacts.adapters import db
from shared.contracts.topics import Stream
from shared.runtime import ServiceRuntime, assemble
from shared.settings import ServiceSettings

NAME = "contacts"


class ContactsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="KEEPWARM_CONTACTS_", env_nested_delimiter="__", extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///var/contacts.db"
    http_port: int = 8001


def bootstrap(settings: ContactsSettings | None = None) -> ServiceRuntime:
    return assemble(
        name=NAME,
        settings=settings or ContactsSettings(),
        outbox=db.outbox,
        migrations=Path(__file__).parent / "migrations",
        publishes=Stream.CONTACTS,
    )
