"""The habits service's composition root: builds everything from settings, wires nothing at import."""

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from services.habits.adapters import db
from shared.contracts.topics import Stream
from shared.db.engine import create_engine
from shared.runtime import ServiceRuntime, assemble
from shared.settings import ServiceSettings

NAME = "habits"


class HabitsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="KEEPWARM_HABITS_", env_nested_delimiter="__", extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///var/habits.db"
    http_port: int = 8002


def bootstrap(settings: HabitsSettings | None = None) -> ServiceRuntime:
    settings = settings or HabitsSettings()
    return assemble(
        name=NAME,
        settings=settings,
        engine=create_engine(settings.database_url),
        outbox=db.outbox,
        migrations=Path(__file__).parent / "migrations",
        publishes=Stream.HABITS,
    )
