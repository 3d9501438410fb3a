"""The notifier's composition root: builds everything from settings, wires nothing at import."""

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.notifier import campus, delivery, scheduler
from services.notifier.adapters import db
from services.notifier.adapters.apprise_out import AppriseSender
from services.notifier.adapters.db import DEVELOPMENT_PSEUDONYMS, DEVELOPMENT_SEALER
from services.notifier.adapters.http import (
    calendar_router,
    campus_router,
    feeds_router,
    preferences_router,
    prompt_link_actions,
    prompts_router,
    streaks_router,
    today_router,
)
from services.notifier.adapters.kafka_in import contact_events, contact_states, habit_events, habit_states
from services.notifier.adapters.kafka_out import SOURCE, Pseudonyms
from services.notifier.adapters.links import PageLinks
from shared import http
from shared.auth import ConfigurationError, owner_dependency, role_dependency, token_verifier
from shared.contracts.topics import Stream
from shared.db.engine import create_engine, session_factory
from shared.export import export_router
from shared.links import link_key, links_router
from shared.runtime import PeriodicJob, ServiceRuntime, assemble
from shared.sealed import Sealer
from shared.settings import ServiceSettings
from shared.time import utc_now

NAME = "notifier"
CAMPUS_ROLE = "campus"
"""Career services staff: a token with it in its ``roles`` reads cohort figures."""


class NotifierSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="KEEPWARM_NOTIFIER_", env_nested_delimiter="__", extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///var/notifier.db"
    http_port: int = 8003
    period_check_interval_s: float = 60.0
    public_url: str = Field(
        default="http://127.0.0.1:8003", description="Where calendar apps reach this service (feed URLs)."
    )
    nudge_interval_s: float = Field(
        default=30.0, gt=0, description="How often the scheduler wakes prompts and sends nudges."
    )
    retry_base_s: float = Field(
        default=60.0, gt=0, description="Wait after a failed delivery (times 4 for each further attempt)."
    )
    send_timeout_s: float = Field(default=30.0, gt=0, description="Longest wait for one channel.")
    allow_private_channel_hosts: bool | None = Field(
        default=None,
        description="Let channels point at loopback, private or link-local servers (a local mail catcher); "
        "by default only in development.",
    )

    secret_keys: SecretStr | None = Field(
        default=None,
        description="Fernet keys sealing channel secrets at rest, comma-separated, newest first "
        "(required in production; by default a development key elsewhere).",
    )
    reseal_interval_s: float = Field(
        default=3600.0, gt=0, description="How often older keys' seals are renewed."
    )
    campus_key: SecretStr | None = Field(
        default=None,
        description="The campus's key for students' pseudonyms on the public stream, at least 32 "
        "characters (required in production; by default a development key elsewhere).",
    )
    campus_key_id: str = Field(
        default="1",
        min_length=1,
        max_length=32,
        description="Names the campus key in every public event: change it with the key.",
    )
    campus_week_interval_s: float = Field(
        default=600.0, gt=0, description="How often the weekly summaries of the public stream are looked for."
    )

    def pseudonyms(self) -> Pseudonyms:
        if self.campus_key is not None:
            key = self.campus_key.get_secret_value()
            if len(key) < 32:
                raise ConfigurationError("KEEPWARM_NOTIFIER_CAMPUS_KEY must be at least 32 characters")
            return Pseudonyms(key=key.encode(), key_id=self.campus_key_id)
        if self.environment == "production":
            raise ConfigurationError(
                "set KEEPWARM_NOTIFIER_CAMPUS_KEY: students' pseudonyms on the public stream are keyed by it"
            )
        return DEVELOPMENT_PSEUDONYMS

    def sealer(self) -> Sealer:
        if self.secret_keys is not None:
            keys = [key.strip() for key in self.secret_keys.get_secret_value().split(",") if key.strip()]
            try:
                return Sealer(keys)
            except ValueError as error:
                raise ConfigurationError(
                    "KEEPWARM_NOTIFIER_SECRET_KEYS: comma-separated keys from Fernet.generate_key()"
                ) from error
        if self.environment == "production":
            raise ConfigurationError("set KEEPWARM_NOTIFIER_SECRET_KEYS: channel secrets are sealed at rest")
        return DEVELOPMENT_SEALER

    @property
    def allows_private_channel_hosts(self) -> bool:
        if self.allow_private_channel_hosts is not None:
            return self.allow_private_channel_hosts
        return self.environment == "development"


def bootstrap(
    settings: NotifierSettings | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
    sender: delivery.Sender | None = None,
) -> ServiceRuntime:
    settings = settings or NotifierSettings()
    sender = sender or AppriseSender(
        timeout_s=settings.send_timeout_s, allow_private_hosts=settings.allows_private_channel_hosts
    )
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    topics = settings.kafka.topics

    sealer = settings.sealer()
    pseudonyms = settings.pseudonyms()

    def uow() -> db.SqlUnitOfWork:
        return db.SqlUnitOfWork(
            sessions,
            outbox=db.outbox,
            topic=topics.notifier,
            routes={Stream.PUBLIC: topics.public},
            source=SOURCE,
            clock=clock,
            sealer=sealer,
            pseudonyms=pseudonyms,
        )

    async def reseal() -> int:
        return await delivery.reseal_channels(uow=uow)

    async def campus_weeks() -> int:
        return await campus.summarize_weeks(uow=uow, now=clock())

    async def closed_periods() -> int:
        return await scheduler.period_turn(uow=uow, now=clock())

    key = link_key(settings.auth, environment=settings.environment)
    links = PageLinks(page_url=settings.page.address, key=key)

    async def nudges() -> None:
        retry_base = timedelta(seconds=settings.retry_base_s)
        await scheduler.nudge_turn(uow=uow, sender=sender, now=clock(), retry_base=retry_base, links=links)

    verifier = token_verifier(settings.auth, environment=settings.environment)
    owner = owner_dependency(verifier)
    campus_staff = role_dependency(verifier, role=CAMPUS_ROLE)
    runtime = assemble(
        name=NAME,
        settings=settings,
        engine=engine,
        outbox=db.outbox,
        migrations=Path(__file__).parent / "migrations",
        publishes=Stream.NOTIFIER,
        also_publishes=[Stream.PUBLIC],
        routers=[
            streaks_router(uow=uow, owner=owner, clock=clock),
            feeds_router(uow=uow, owner=owner, clock=clock, public_url=settings.public_url),
            calendar_router(uow=uow),
            prompts_router(uow=uow, owner=owner, clock=clock),
            today_router(uow=uow, owner=owner, clock=clock),
            preferences_router(uow=uow, sender=sender, owner=owner, clock=clock),
            links_router(service=NAME, key=key, actions=prompt_link_actions(uow=uow), clock=clock),
            campus_router(uow=uow, owner=owner, campus_staff=campus_staff, clock=clock),
            export_router(service=NAME, engine=engine, metadata=db.metadata, owner=owner, clock=clock),
        ],
        error_handlers=http.install_error_handlers,
        jobs=[
            PeriodicJob("closed-periods", settings.period_check_interval_s, closed_periods),
            PeriodicJob("nudges", settings.nudge_interval_s, nudges),
            PeriodicJob("reseal", settings.reseal_interval_s, reseal),
            PeriodicJob("campus-weeks", settings.campus_week_interval_s, campus_weeks),
        ],
    )
    _follow_streams(runtime, sessions=sessions, uow=uow, clock=clock)
    return runtime


def _follow_streams(
    runtime: ServiceRuntime,
    *,
    sessions: async_sessionmaker[AsyncSession],
    uow: Callable[[], db.SqlUnitOfWork],
    clock: Callable[[], datetime],
) -> None:
    """The notifier's consumers: the habits stream and the contacts stream."""
    runtime.consume(
        name="notifier.habits",
        stream=Stream.HABITS,
        sessions=sessions,
        inbox=db.inbox,
        batch_handler=habit_events(uow=uow, clock=clock),
        description="Habits and check-ins become the notifier's projection; streaks are recomputed.",
    )
    runtime.consume(
        name="notifier.contacts",
        stream=Stream.CONTACTS,
        sessions=sessions,
        inbox=db.inbox,
        batch_handler=contact_events(uow=uow, clock=clock),
        description="Contacts, interactions and follow-ups become what the calendar feeds show "
        "and what keep-alive prompts follow.",
    )
    runtime.rebuilds_from(
        stream=Stream.CONTACTS_STATE,
        sessions=sessions,
        handler=contact_states(uow=uow, clock=clock),
        description="The copy of contacts, interactions and follow-ups, rebuilt from their newest states.",
    )
    runtime.rebuilds_from(
        stream=Stream.HABITS_STATE,
        sessions=sessions,
        handler=habit_states(uow=uow, clock=clock),
        description="The copy of habits and check-ins, rebuilt from their newest states; streaks recomputed.",
    )
