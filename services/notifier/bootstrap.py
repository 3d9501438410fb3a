"""The notifier's composition root: builds everything from settings, wires nothing at import."""

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from services.notifier.adapters import db
from shared.db.engine import create_engine
from shared.runtime import ServiceRuntime, assemble
from shared.settings import ServiceSettings

NAME = "notifier"


class NotifierSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="KEEPWARM_NOTIFIER_", env_nested_delimiter="__", extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///var/notifier.db"
    http_port: int = 8003


def bootstrap(settings: NotifierSettings | None = None) -> ServiceRuntime:
    settings = settings or NotifierSettings()
    return assemble(
        name=NAME,
        settings=settings,
        engine=create_engine(settings.database_url),
        outbox=db.outbox,
        migrations=Path(__file__).parent / "migrations",
    )
