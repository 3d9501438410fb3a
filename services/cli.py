"""``keepwarm``: run the whole system locally, manage the local Kafka and PostgreSQL, and keep the
contract files current."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import typer

from services.asyncapi import asyncapi_files
from services.catalog import SERVICES, SETTINGS
from services.openapi import export_schema_files, openapi_files
from shared.auth import AuthSettings, local_secret, mint_token
from shared.contracts.export import released_files, schema_files, write_changed
from shared.localinfra.kafka import KafkaNotReady, LocalKafka, fetch
from shared.localinfra.postgres import LocalPostgres
from shared.localinfra.processes import answers
from shared.settings import PageSettings

app = typer.Typer(
    help="KeepWarm: keep a professional network alive.", no_args_is_help=True, add_completion=False
)
kafka_cli = typer.Typer(
    help="A local single-node Apache Kafka (KRaft) from Maven Central jars.", no_args_is_help=True
)
postgres_cli = typer.Typer(
    help="A local PostgreSQL cluster from the machine's binaries.", no_args_is_help=True
)
contracts_cli = typer.Typer(
    help="Contracts: event JSON Schemas, AsyncAPI and OpenAPI documents.", no_args_is_help=True
)
app.add_typer(kafka_cli, name="kafka")
app.add_typer(postgres_cli, name="postgres")
app.add_typer(contracts_cli, name="contracts")
deploy_cli = typer.Typer(help="Deployment manifests written from the code.", no_args_is_help=True)
app.add_typer(deploy_cli, name="deploy")

HOME = Path("var")
KafkaHome = typer.Option(HOME / "kafka", help="Config, data and logs of the broker.")
KafkaPort = typer.Option(9092, help="Client port on 127.0.0.1 (the controller uses the next one).")


@kafka_cli.command("fetch")
def kafka_fetch() -> None:
    """Resolve the pinned Apache Kafka jars with Maven into the cache (once)."""
    typer.echo(fetch())


@kafka_cli.command("start")
def kafka_start(home: Path = KafkaHome, port: int = KafkaPort) -> None:
    """Start the broker and wait until clients can connect."""
    broker = LocalKafka(home=home, port=port)
    try:
        typer.echo(f"Kafka ready at {broker.start()} (log: {broker.log_file})")
    except KafkaNotReady as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error


@kafka_cli.command("stop")
def kafka_stop(
    home: Path = KafkaHome, kill: bool = typer.Option(False, help="Kill it as a crash would.")
) -> None:
    """Stop the broker; its data stays for the next start."""
    LocalKafka(home=home).stop(hard=kill)


@kafka_cli.command("status")
def kafka_status(home: Path = KafkaHome) -> None:
    """Say whether the broker runs."""
    pid = LocalKafka(home=home).pid()
    typer.echo(f"running (pid {pid})" if pid else "stopped")
    raise typer.Exit(0 if pid else 3)


@postgres_cli.command("start")
def postgres_start(home: Path = typer.Option(HOME / "postgres"), port: int = typer.Option(5433)) -> None:
    """Start (initialising on first use) a PostgreSQL cluster on 127.0.0.1."""
    server = LocalPostgres(home=home.resolve(), port=port)
    server.start()
    typer.echo(f"PostgreSQL ready: {server.url()}")


@postgres_cli.command("stop")
def postgres_stop(home: Path = typer.Option(HOME / "postgres")) -> None:
    LocalPostgres(home=home.resolve()).stop()


def contract_files() -> dict[Path, str]:
    return {**schema_files(), **asyncapi_files(), **openapi_files(), **export_schema_files()}


@contracts_cli.command("export")
def contracts_export() -> None:
    """Rewrite the JSON Schemas, AsyncAPI and OpenAPI documents after an intended contract change
    (and keep the first schema of a new event type in shared/contracts/released)."""
    for path in write_changed({**contract_files(), **released_files()}):
        typer.echo(f"updated {path}")


@deploy_cli.command("export")
def deploy_export() -> None:
    """Rewrite deploy/kubernetes/base from the code (topics, consumer groups, roles, ACLs)."""
    from services.manifests import base_files

    for path in write_changed(base_files()):
        typer.echo(f"updated {path}")


@app.command()
def token(
    owner: str = typer.Argument(..., help="The owner (student) id: the token's `sub`."),
    days: int = typer.Option(30, min=1, max=90, help="How long the token is valid (services refuse longer)."),
    role: list[str] = typer.Option(
        [], help="A role the token carries (e.g. campus: cohort figures); repeatable."
    ),
) -> None:
    """Mint a bearer token signed with the local secret (KEEPWARM_AUTH_JWT_SECRET, or the
    development secret), for calling the APIs: `Authorization: Bearer <token>`."""
    secret = local_secret(AuthSettings())
    typer.echo(mint_token(secret=secret, owner_id=owner, ttl=timedelta(days=days), roles=role))


@app.command()
def up(
    kafka_home: Path = KafkaHome,
    kafka_port: int = KafkaPort,
    services: list[str] = typer.Option(list(SERVICES), "--service", help="Which services to run."),
    page: bool = typer.Option(True, help="Serve the student's page (built by ./deploy/run)."),
) -> None:
    """Run the whole system: Kafka (unless KAFKA_BOOTSTRAP_SERVERS names one) and every service
    with its API, relay and consumers, on SQLite by default, and the student's page. Ctrl-C stops it all."""
    unknown = sorted(set(services) - set(SERVICES))
    if unknown:
        raise typer.BadParameter(f"unknown service(s): {', '.join(unknown)}; known: {', '.join(SERVICES)}")
    environment = dict(os.environ)
    broker = None
    if "KAFKA_BOOTSTRAP_SERVERS" not in environment:
        broker = LocalKafka(home=kafka_home, port=kafka_port)
        typer.echo("starting Kafka …")
        environment["KAFKA_BOOTSTRAP_SERVERS"] = broker.start()
    processes = {
        name: subprocess.Popen([sys.executable, "-m", f"services.{name}", "all"], env=environment)
        for name in services
    }
    for name in services:
        settings = SETTINGS[name]()
        typer.echo(f"{name} API: http://{settings.http_host}:{settings.http_port}/docs")
    if page:
        processes["page"] = subprocess.Popen([sys.executable, "-m", "services.page"], env=environment)
        settings_of_page = PageSettings()
        address = f"http://{settings_of_page.host}:{settings_of_page.port}"
        typer.echo(f"\nOpen KeepWarm: {address}/\n")
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    announced = not page
    try:
        while not stopping and all(process.poll() is None for process in processes.values()):
            if not announced and answers(f"{address}/config.json", timeout_s=1):
                typer.echo(f"\nKeepWarm is ready: open {address}/ (Ctrl-C stops it all)\n")
                announced = True
            time.sleep(0.2)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            process.wait(timeout=30)
        if broker is not None:
            broker.stop()
    failed = [name for name, process in processes.items() if process.returncode not in (0, -signal.SIGTERM)]
    if failed and not stopping:
        typer.echo(f"stopped because {', '.join(failed)} exited", err=True)
        raise typer.Exit(1)
