"""The habits service's composition root: builds everything from settings, wires nothing at import."""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from pydantic_settings import SettingsConfigDict

from services.habits.adapters import db
from services.habits.adapters.http import habits_router
from services.habits.adapters.kafka_in import interaction_handler, preferences_handler
from services.habits.adapters.kafka_out import SOURCE
from shared import http
from shared.auth import owner_dependency, token_verifier
from shared.contracts.topics import Stream
from shared.db.engine import create_engine, session_factory
from shared.export import export_router
from shared.runtime import ServiceRuntime, assemble
from shared.settings import ServiceSettings
from shared.time import utc_now

NAME = "habits"


class HabitsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="KEEPWARM_HABITS_", env_nested_delimiter="__", extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///var/habits.db"
    http_port: int = 8002


def bootstrap(
    settings: HabitsSettings | None = None, *, clock: Callable[[], datetime] = utc_now
) -> ServiceRuntime:
    settings = settings or HabitsSettings()
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    topics = settings.kafka.topics

    def uow() -> db.SqlUnitOfWork:
        return db.SqlUnitOfWork(
            sessions,
            outbox=db.outbox,
            topic=topics.habits,
            source=SOURCE,
            states={topics.habits: topics.habits_state},
        )

    owner = owner_dependency(token_verifier(settings.auth, environment=settings.environment))
    runtime = assemble(
        name=NAME,
        settings=settings,
        engine=engine,
        outbox=db.outbox,
        migrations=Path(__file__).parent / "migrations",
        publishes=Stream.HABITS,
        also_publishes=[Stream.HABITS_STATE],
        routers=[
            habits_router(uow=uow, owner=owner, clock=clock),
            export_router(service=NAME, engine=engine, metadata=db.metadata, owner=owner, clock=clock),
        ],
        error_handlers=http.install_error_handlers,
    )
    runtime.consume(
        name="habits.interactions",
        stream=Stream.CONTACTS,
        sessions=sessions,
        inbox=db.inbox,
        handler=interaction_handler(uow=uow, clock=clock),
        description="Logged, edited and deleted interactions earn or take back automatic check-ins.",
    )
    runtime.consume(
        name="habits.preferences",
        stream=Stream.NOTIFIER,
        sessions=sessions,
        inbox=db.inbox,
        handler=preferences_handler(uow=uow, clock=clock),
        description="The owner's time zone and day start: new habits take them, habits without a zone of "
        "their own move with them.",
    )
    return runtime
