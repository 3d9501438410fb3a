"""The whole system as ``keepwarm up`` runs it, on ports, topics and SQLite files of its own: for
the page's browser tests and benchmarks, beside any other system on the same broker."""

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from shared.localinfra.processes import answers, free_port

SERVICES = ("contacts", "habits", "notifier")


class SystemNotReady(RuntimeError):
    pass


@dataclass(frozen=True)
class RunningSystem:
    page_url: str
    apis: dict[str, str]
    log: Path
    topic_prefix: str

    def session(self, name: str) -> str:
        """A bearer token for ``name`` from the page's development sign-in."""
        request = urllib.request.Request(
            f"{self.page_url}/session",
            data=json.dumps({"name": name}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            token: str = json.load(response)["token"]
        return token


@contextmanager
def local_system(
    *,
    bootstrap_servers: str,
    home: Path,
    page_port: int | None = None,
    extra_env: Mapping[str, str] | None = None,
    database_urls: Mapping[str, str] | None = None,
    timeout_s: float = 90,
) -> Iterator[RunningSystem]:
    """Start ``keepwarm up`` against ``bootstrap_servers`` (a fresh topic prefix) with its SQLite
    files (or ``database_urls`` per service) and log in ``home`` (the page on ``page_port`` if
    given); stop it on exit. Raises SystemNotReady with the log's tail."""
    ports = {name: free_port() for name in SERVICES} | {"page": page_port or free_port()}
    topic_prefix = f"system-{uuid.uuid4().hex[:8]}."
    environment = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
        "KAFKA_TOPIC_PREFIX": topic_prefix,
        "KEEPWARM_PAGE_PORT": str(ports["page"]),
        "KEEPWARM_NOTIFIER_PUBLIC_URL": f"http://127.0.0.1:{ports['notifier']}",
        **(extra_env or {}),
    }
    for name in SERVICES:
        environment[f"KEEPWARM_{name.upper()}_HTTP_PORT"] = str(ports[name])
        environment[f"KEEPWARM_{name.upper()}_DATABASE_URL"] = (database_urls or {}).get(
            name, f"sqlite+aiosqlite:///{home / name}.db"
        )
    log = home / "system.log"
    keepwarm = Path(sys.executable).parent / "keepwarm"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(keepwarm), "up"], env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    system = RunningSystem(
        page_url=f"http://127.0.0.1:{ports['page']}",
        apis={name: f"http://127.0.0.1:{ports[name]}" for name in SERVICES},
        log=log,
        topic_prefix=topic_prefix,
    )
    try:
        _until_ready(process, system, timeout_s)
        yield system
    finally:
        process.terminate()
        process.wait(timeout=60)


def _until_ready(process: "subprocess.Popen[bytes]", system: RunningSystem, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    urls = [f"{api}/readyz" for api in system.apis.values()] + [f"{system.page_url}/config.json"]
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemNotReady(
                f"keepwarm up exited ({process.returncode}):\n{system.log.read_text()[-4000:]}"
            )
        if all(answers(url) for url in urls):
            return
        time.sleep(0.3)
    raise SystemNotReady(f"the system was not ready in {timeout_s} s:\n{system.log.read_text()[-4000:]}")
