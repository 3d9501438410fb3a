"""A throwaway PostgreSQL cluster from the machine's own binaries (Debian's ``postgresql``).

Used by the tests and by developers who want PostgreSQL without a system service. As root, the
server runs as the ``postgres`` user, since PostgreSQL refuses to run as root.
"""

import glob
import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from shared.localinfra.processes import free_port


class PostgresNotReady(RuntimeError):
    """No PostgreSQL binaries, or the server did not start; the message says why."""


def binaries() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: on PATH, else the newest Debian install."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(os.path.realpath(on_path)).parent
    installed = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_major, reverse=True)
    if not installed:
        raise PostgresNotReady("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    return Path(installed[0]).parent


def _major(path: str) -> int:
    return int(Path(path).parent.parent.name)


@dataclass
class LocalPostgres:
    home: Path
    port: int = 5433
    user: str = "keepwarm"
    durable: bool = True

    @classmethod
    def ephemeral(cls, home: Path) -> "LocalPostgres":
        # Tests trade durability for speed; a crash only loses a throwaway cluster.
        return cls(home=home, port=free_port(), durable=False)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://{self.user}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        bin_dir = binaries()
        data = self.home / "data"
        self.home.mkdir(parents=True, exist_ok=True)
        self._hand_over(self.home)
        if not (data / "PG_VERSION").exists():
            initdb = [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                self.user,
                "--auth=trust",
                "-E",
                "UTF8",
            ]
            self._run(initdb + ([] if self.durable else ["--no-sync"]))
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(self.home / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ]
        )

    def stop(self) -> None:
        data = self.home / "data"
        if (data / "postmaster.pid").exists():
            self._run(
                [
                    str(binaries() / "pg_ctl"),
                    "-D",
                    str(data),
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ]
            )

    def _run(self, command: list[str]) -> None:
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise PostgresNotReady(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")

    @staticmethod
    def _hand_over(home: Path) -> None:
        """As root, give ``home`` to the postgres user (its parents must be traversable)."""
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(home, account.pw_uid, account.pw_gid)
