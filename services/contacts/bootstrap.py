"""The contacts service's composition root: builds everything from settings, wires nothing at import."""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from pydantic_settings import SettingsConfigDict

from services.contacts import contacts as contact_cases
from services.contacts.adapters import db
from services.contacts.adapters.http import contacts_router, follow_up_link_actions, install_error_handlers
from services.contacts.adapters.kafka_in import campus_handler, confirmations_handler, sharing_handler
from services.contacts.adapters.kafka_out import SOURCE
from shared.auth import owner_dependency, role_dependency, token_verifier
from shared.contracts.topics import Stream
from shared.db.engine import create_engine, session_factory
from shared.export import export_router
from shared.links import link_key, links_router
from shared.runtime import PeriodicJob, ServiceRuntime, assemble
from shared.settings import ServiceSettings
from shared.time import utc_now

NAME = "contacts"
OPERATOR_ROLE = "operator"
"""Campus IT: a token with it in its ``roles`` may erase a student who left."""


class ContactsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="KEEPWARM_CONTACTS_", env_nested_delimiter="__", extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///var/contacts.db"
    http_port: int = 8001
    drift_interval_s: float = 3600.0


def bootstrap(
    settings: ContactsSettings | None = None, *, clock: Callable[[], datetime] = utc_now
) -> ServiceRuntime:
    settings = settings or ContactsSettings()
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)

    def uow() -> db.SqlUnitOfWork:
        topics = settings.kafka.topics
        return db.SqlUnitOfWork(
            sessions,
            outbox=db.outbox,
            topic=topics.contacts,
            source=SOURCE,
            states={topics.contacts: topics.contacts_state},
        )

    verifier = token_verifier(settings.auth, environment=settings.environment)
    owner = owner_dependency(verifier)
    operator = role_dependency(verifier, role=OPERATOR_ROLE)

    async def drift() -> int:
        return await contact_cases.drift_ties(uow=uow, now=clock())

    runtime = assemble(
        name=NAME,
        settings=settings,
        engine=engine,
        outbox=db.outbox,
        migrations=Path(__file__).parent / "migrations",
        publishes=Stream.CONTACTS,
        also_publishes=[Stream.CONTACTS_STATE],
        routers=[
            contacts_router(uow=uow, owner=owner, operator=operator, clock=clock),
            export_router(service=NAME, engine=engine, metadata=db.metadata, owner=owner, clock=clock),
            links_router(
                service=NAME,
                key=link_key(settings.auth, environment=settings.environment),
                actions=follow_up_link_actions(uow=uow),
                clock=clock,
            ),
        ],
        error_handlers=install_error_handlers,
        jobs=[PeriodicJob("drift", settings.drift_interval_s, drift)],
    )
    runtime.consume(
        name="contacts.notifier",
        stream=Stream.NOTIFIER,
        sessions=sessions,
        inbox=db.inbox,
        handler=sharing_handler(uow=uow, clock=clock),
        description="Each student's choice to share with their campus; the notifier's erasure confirmations.",
    )
    runtime.consume(
        name="contacts.habits",
        stream=Stream.HABITS,
        sessions=sessions,
        inbox=db.inbox,
        handler=confirmations_handler(uow=uow, clock=clock),
        description="The habits service confirms it erased an owner's data.",
    )
    runtime.consume(
        name="contacts.campus",
        stream=Stream.CAMPUS,
        sessions=sessions,
        inbox=db.inbox,
        handler=campus_handler(uow=uow, clock=clock),
        description="What campus tools send becomes contacts, interactions and follow-ups marked as from "
        "the campus, for students who share with their campus (anyone else's is dead-lettered, with why).",
    )
    return runtime
