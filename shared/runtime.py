"""Running a service: the HTTP API, the outbox relay and the event consumers, as separate
processes (production) or together in one (a local run), with one clean shutdown path."""

import asyncio
import contextlib
import gc
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import typer
import uvicorn
from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared import logs, metrics, tracing
from shared.contracts.topics import Stream, Topics
from shared.db.inbox import Inbox
from shared.db.migrations import upgrade
from shared.http import create_app, database_check
from shared.kafka.broker import create_broker, subscribe
from shared.kafka.consumer import BatchHandler, EventConsumer, Handler
from shared.kafka.producer import LazyProducer, create_producer
from shared.kafka.provisioning import ensure_topics, provision
from shared.kafka.rebuild import rebuild
from shared.kafka.relay import OutboxRelay
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)


class Role(StrEnum):
    API = "api"
    RELAY = "relay"
    CONSUME = "consume"
    JOBS = "jobs"


@dataclass(frozen=True)
class PeriodicJob:
    """Background work run every ``interval_s`` (by the ``jobs`` role); a failure is logged and
    the job runs again at its next turn."""

    name: str
    interval_s: float
    run: Callable[[], Awaitable[object]]

    async def loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                await self.run()
            except Exception:
                log.exception("job %s failed", self.name)
            metrics.CLAIM_SECONDS.labels(self.name).observe(time.perf_counter() - started)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.interval_s)


@dataclass(frozen=True)
class Following:
    name: str
    stream: Stream
    description: str


@dataclass(frozen=True)
class Rebuilding:
    stream: Stream
    sessions: async_sessionmaker[AsyncSession]
    handler: BatchHandler
    description: str


@dataclass
class ServiceRuntime:
    """Everything a service's composition root built; nothing is started until :meth:`run`."""

    name: str
    settings: ServiceSettings
    engine: AsyncEngine
    app: FastAPI
    probes: FastAPI
    """Health and metrics alone: what a process without the api role serves, if asked to."""
    broker: KafkaBroker
    relay: OutboxRelay
    migrations: Path
    jobs: Sequence[PeriodicJob] = ()
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    """Called when :meth:`run` ends, e.g. to stop a dead-letter producer."""
    topics: set[str] = field(default_factory=set)
    """Every topic the service publishes to, follows or dead-letters into: created at start."""

    publishes: tuple[Stream, ...] = ()
    """The streams the service's outbox relay publishes to."""
    follows: list[Following] = field(default_factory=list)
    """What the service consumes, for its AsyncAPI document."""
    rebuilds: list["Rebuilding"] = field(default_factory=list)
    """The state topics ``rebuild`` reads its projections from."""

    def consume(
        self,
        *,
        name: str,
        stream: Stream,
        sessions: async_sessionmaker[AsyncSession],
        inbox: Inbox,
        handler: Handler | None = None,
        batch_handler: BatchHandler | None = None,
        description: str,
    ) -> None:
        """Follow ``stream`` in a consumer group of its own (``keepwarm-<name>``): batches through an
        :class:`EventConsumer` with the service's inbox, and a dead-letter producer of its own."""
        topic = self.settings.kafka.topics.of(stream)
        self.follows.append(Following(name=name, stream=stream, description=description))
        dead_letters = LazyProducer(self.settings.kafka, client_id=f"keepwarm-{self.name}-dead-letters")
        consumer = EventConsumer(
            name=name,
            sessions=sessions,
            inbox=inbox,
            handler=handler,
            batch_handler=batch_handler,
            dead_letter_producer=dead_letters,
        )
        # A group per followed topic: a member joining or leaving one subscription never stalls
        # another with a rebalance (one group over different topics would revoke them all).
        # Deployments that share a cluster under topic prefixes keep their groups apart too.
        group_id = f"{self.settings.kafka.topic_prefix}keepwarm-{name}"
        subscribe(
            self.broker,
            consumer,
            topic=topic,
            group_id=group_id,
            fetch_min_bytes=self.settings.kafka.fetch_min_bytes,
            description=description,
        )
        self.closers.append(dead_letters.close)
        self.topics |= {topic, Topics.dead_letter(topic)}

    async def migrate(self) -> None:
        await upgrade(self.engine, self.migrations)

    def rebuilds_from(
        self,
        *,
        stream: Stream,
        sessions: async_sessionmaker[AsyncSession],
        handler: BatchHandler,
        description: str,
    ) -> None:
        """What ``rebuild`` does: read ``stream`` (a state topic) into this service's database."""
        self.rebuilds.append(Rebuilding(stream, sessions, handler, description))
        self.topics.add(self.settings.kafka.topics.of(stream))

    async def rebuild(self) -> dict[str, int]:
        """Read every state topic this service rebuilds from, start to end, into its database;
        returns how many events each gave. Meant for an empty database, before the consumers
        start (they then go on from their groups' offsets; versions keep the newest state)."""
        await ensure_topics(self.settings.kafka, self.topics)
        applied = {}
        for source in self.rebuilds:
            topic = self.settings.kafka.topics.of(source.stream)
            applied[topic] = await rebuild(
                settings=self.settings.kafka, topic=topic, sessions=source.sessions, handler=source.handler
            )
            log.info("rebuilt from %s: %d events", topic, applied[topic])
        return applied

    async def run(self, roles: Collection[Role], stop: asyncio.Event) -> None:
        """Run ``roles`` until ``stop`` is set, then shut each down cleanly."""
        # What exists now (modules, settings, engine, compiled caches) lives as long as the
        # process: keep it out of the cyclic collector, whose full passes would otherwise rescan
        # it again and again while batches allocate (measured: a third of the consumer's time).
        gc.collect()
        gc.freeze()
        tasks = []
        # The API never waits for Kafka; the relay and consumers start once their topics exist.
        topics_ready = asyncio.create_task(provision(self.settings.kafka, self.topics, stop))
        if Role.API in roles:
            tasks.append(asyncio.create_task(self._serve(self.app, stop), name=f"{self.name}-api"))
        elif self.settings.serve_probes:
            tasks.append(asyncio.create_task(self._serve(self.probes, stop), name=f"{self.name}-probes"))
        if Role.RELAY in roles:
            relay = self._after(topics_ready, self.relay.run(stop))
            tasks.append(asyncio.create_task(relay, name=f"{self.name}-relay"))
        if Role.CONSUME in roles and self.broker.subscribers:
            consume = self._after(topics_ready, self._consume(stop))
            tasks.append(asyncio.create_task(consume, name=f"{self.name}-consume"))
        if Role.JOBS in roles:
            tasks += [
                asyncio.create_task(job.loop(stop), name=f"{self.name}-{job.name}") for job in self.jobs
            ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                task.result()
        finally:
            stop.set()
            await asyncio.gather(*tasks, topics_ready, return_exceptions=True)
            for close in self.closers:
                await close()
            await self.engine.dispose()

    @staticmethod
    async def _after(ready: "asyncio.Task[None]", role: Awaitable[None]) -> None:
        await asyncio.shield(ready)
        await role

    async def _serve(self, app: FastAPI, stop: asyncio.Event) -> None:
        config = uvicorn.Config(
            app,
            host=self.settings.http_host,
            port=self.settings.http_port,
            log_config=None,
            access_log=False,
        )
        server = _QuietServer(config)
        serving = asyncio.create_task(server.serve())
        await asyncio.wait(
            [serving, asyncio.create_task(stop.wait())],
            return_when=asyncio.FIRST_COMPLETED,
        )
        server.should_exit = True
        await serving

    async def _consume(self, stop: asyncio.Event) -> None:
        await self.broker.start()
        try:
            await stop.wait()
        finally:
            await self.broker.stop()


class _QuietServer(uvicorn.Server):
    # The runtime owns the signals: it stops every role, not just the HTTP server.
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def service_cli(name: str, build: Callable[[], ServiceRuntime]) -> typer.Typer:
    """The entry points of one service: ``python -m services.<name> api|relay|consume|all|migrate``."""
    cli = typer.Typer(help=f"The {name} service.", no_args_is_help=True, add_completion=False)

    def launch(roles: set[Role], *, migrate_first: bool = False) -> None:
        logs.configure(service=name, roles=sorted(role.value for role in roles))
        tracing.configure(service=name)

        async def main() -> None:
            runtime = build()
            if migrate_first:
                await runtime.migrate()
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await runtime.run(roles, stop)

        asyncio.run(main())

    @cli.command()
    def api() -> None:
        """Serve the HTTP API."""
        launch({Role.API})

    @cli.command()
    def relay() -> None:
        """Publish the outbox to Kafka."""
        launch({Role.RELAY})

    @cli.command()
    def consume() -> None:
        """Consume the topics this service follows."""
        launch({Role.CONSUME})

    @cli.command()
    def jobs() -> None:
        """Run the periodic background jobs."""
        launch({Role.JOBS})

    @cli.command(name="all")
    def run_all() -> None:
        """Migrate, then run API, relay, consumers and jobs in one process (a local run)."""
        launch(set(Role), migrate_first=True)

    @cli.command()
    def migrate() -> None:
        """Bring the database schema up to date."""
        asyncio.run(_migrate(build))

    @cli.command()
    def rebuild() -> None:
        """Migrate, then rebuild the projections from the state topics (into an empty database,
        before the consumers start)."""
        logs.configure(service=name, roles=["rebuild"])
        asyncio.run(_rebuild(build))

    return cli


async def _rebuild(build: Callable[[], ServiceRuntime]) -> None:
    runtime = build()
    try:
        await runtime.migrate()
        for topic, count in (await runtime.rebuild()).items():
            print(f"{topic}: {count} events applied")
    finally:
        await runtime.engine.dispose()


async def _migrate(build: Callable[[], ServiceRuntime]) -> None:
    runtime = build()
    try:
        await runtime.migrate()
    finally:
        await runtime.engine.dispose()


def assemble(
    *,
    name: str,
    settings: ServiceSettings,
    engine: AsyncEngine,
    outbox: Table,
    migrations: Path,
    publishes: Stream | None = None,
    also_publishes: Sequence[Stream] = (),
    routers: Collection[APIRouter] = (),
    error_handlers: Callable[[FastAPI], None] | None = None,
    jobs: Sequence[PeriodicJob] = (),
    version: str = "0.1.0",
) -> ServiceRuntime:
    """Build a service's HTTP app, broker and relay around its engine (wires nothing global)."""
    streams = (() if publishes is None else (publishes,)) + tuple(also_publishes)
    broker = create_broker(settings.kafka, client_id=f"keepwarm-{name}")
    relay = OutboxRelay(
        engine=engine,
        table=outbox,
        producer_factory=lambda: create_producer(settings.kafka, client_id=f"keepwarm-{name}-relay"),
        publish_timeout_s=settings.kafka.publish_timeout_s,
        # SQLite is the one-process embedded default: its writers wake the relay in-process, so
        # the poll only catches a write from another process (within a second).
        idle_interval_s=1.0 if engine.dialect.name == "sqlite" else 0.1,
        service=name,
    )
    app = create_app(
        title=f"KeepWarm {name}",
        version=version,
        routers=list(routers),
        checks={"database": database_check(engine)},
        docs=settings.serves_docs,
        browser_origins=settings.page.allowed_origins(settings.environment),
        rate_limits=settings.rate,
        service=name,
    )
    if error_handlers is not None:
        error_handlers(app)
    probes = create_app(
        title=f"KeepWarm {name} (probes)",
        version=version,
        routers=[],
        checks={"database": database_check(engine)},
        docs=False,
        service=name,
    )
    return ServiceRuntime(
        name=name,
        settings=settings,
        engine=engine,
        app=app,
        probes=probes,
        broker=broker,
        relay=relay,
        migrations=migrations,
        jobs=jobs,
        topics={settings.kafka.topics.of(stream) for stream in streams},
        publishes=streams,
    )
