"""A single-node Apache Kafka in KRaft mode, run from Maven Central jars (no Docker needed).

``fetch`` resolves the pinned broker once into a cache folder with Maven; ``start`` formats the
data directory on first use, starts broker and controller on 127.0.0.1 and waits until clients can
connect. The data directory survives stop and start, so a restarted broker has its data back.
"""

import asyncio
import base64
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from shared.localinfra.processes import free_port, port_open, read_pid, terminate

KAFKA_VERSION = "4.3.1"
LOG4J_VERSION = "2.25.2"
POM = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.keepwarm</groupId>
  <artifactId>local-kafka</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId>
      <version>{kafka}</version>
    </dependency>
    <!-- The broker logs through SLF4J 1.x: without this binding it logs nothing. -->
    <dependency>
      <groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId>
      <version>{log4j}</version>
    </dependency>
  </dependencies>
</project>
"""
LOG4J_CONFIG = """status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = ${sys:kafka.logs.dir}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
"""


class KafkaNotReady(RuntimeError):
    """The broker did not start or did not accept clients in time; the message says where to look."""


def default_cache() -> Path:
    root = os.environ.get("KEEPWARM_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return (Path(root) if root else Path.home() / ".cache") / "keepwarm"


def fetch(cache: Path | None = None) -> Path:
    """The folder of broker jars, resolved with Maven on first use."""
    libs = (cache or default_cache()) / f"kafka-{KAFKA_VERSION}" / "libs"
    if (libs / ".complete").exists():
        return libs
    mvn = shutil.which("mvn")
    if mvn is None:
        raise KafkaNotReady("Maven (mvn) is needed to fetch Apache Kafka; install Java 17+ and Maven")
    libs.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=libs.parent) as work:
        pom = Path(work) / "pom.xml"
        pom.write_text(POM.format(kafka=KAFKA_VERSION, log4j=LOG4J_VERSION))
        out = Path(work) / "libs"
        result = subprocess.run(
            [
                mvn,
                "-q",
                "-B",
                "-f",
                str(pom),
                "dependency:copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={out}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise KafkaNotReady(
                f"Maven could not fetch Kafka {KAFKA_VERSION}:\n{result.stdout}{result.stderr}"
            )
        (out / ".complete").touch()
        shutil.rmtree(libs, ignore_errors=True)
        out.rename(libs)
    return libs


@dataclass
class LocalKafka:
    """One broker+controller whose config, data and logs live under ``home``."""

    home: Path
    port: int = 9092
    controller_port: int | None = None
    partitions: int = 3
    heap: str = "512m"

    @classmethod
    def ephemeral(cls, home: Path) -> "LocalKafka":
        return cls(home=home, port=free_port(), controller_port=free_port())

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "server.log"

    @property
    def _pid_file(self) -> Path:
        return self.home / "kafka.pid"

    def pid(self) -> int | None:
        return read_pid(self._pid_file)

    def start(self, *, timeout_s: float = 90.0) -> str:
        """Start the broker (formatting storage the first time); returns the bootstrap address."""
        if self.pid() is not None:
            self._wait_ready(timeout_s)
            return self.bootstrap_servers
        libs = fetch()
        java = shutil.which("java")
        if java is None:
            raise KafkaNotReady("Java 17+ is needed to run Apache Kafka")
        classpath = f"{libs}/*"
        properties = self._write_config()
        if not (self.home / "data" / "meta.properties").exists():
            self._format(java, classpath, properties)
        (self.home / "logs").mkdir(exist_ok=True)
        with open(self.home / "logs" / "stdout.log", "ab") as output:
            process = subprocess.Popen(
                [
                    java,
                    f"-Xmx{self.heap}",
                    "-Xms128m",
                    "-XX:+UseG1GC",
                    f"-Dkafka.logs.dir={self.home / 'logs'}",
                    f"-Dlog4j2.configurationFile={self.home / 'log4j2.properties'}",
                    "-cp",
                    classpath,
                    "kafka.Kafka",
                    str(properties),
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self._pid_file.write_text(str(process.pid))
        self._wait_ready(timeout_s)
        return self.bootstrap_servers

    def _format(self, java: str, classpath: str, properties: Path) -> None:
        """Format the storage of a new single-node cluster (KRaft, standalone controller)."""
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        # "--cluster-id=…": a generated id may begin with "-", which would read as an option.
        formatted = subprocess.run(
            [
                java,
                "-cp",
                classpath,
                "kafka.tools.StorageTool",
                "format",
                "--standalone",
                f"--cluster-id={cluster_id}",
                "-c",
                str(properties),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if formatted.returncode != 0:
            raise KafkaNotReady(f"formatting Kafka storage failed:\n{formatted.stdout}{formatted.stderr}")

    def stop(self, *, hard: bool = False) -> None:
        """Stop the broker; ``hard`` kills it as a crash would. Data stays on disk."""
        pid = self.pid()
        if pid is not None:
            terminate(pid, hard=hard)
        self._pid_file.unlink(missing_ok=True)

    def _write_config(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        config = self.home / "server.properties"
        if self.controller_port is None and config.exists():
            for line in config.read_text().splitlines():
                if line.startswith("controller.quorum.bootstrap.servers="):
                    self.controller_port = int(line.rsplit(":", 1)[1])
        if self.controller_port is None:
            self.controller_port = self.port + 1
        config.write_text(
            "\n".join(
                [
                    "process.roles=broker,controller",
                    "node.id=1",
                    f"controller.quorum.bootstrap.servers=127.0.0.1:{self.controller_port}",
                    f"listeners=PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
                    f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                    f"log.dirs={self.home / 'data'}",
                    f"num.partitions={self.partitions}",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=5",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=false",  # services create their topics explicitly
                    # expired segments and compactable ones are found within seconds, not minutes
                    "log.retention.check.interval.ms=2000",
                    "log.cleaner.backoff.ms=1000",
                ]
            )
            + "\n"
        )
        (self.home / "log4j2.properties").write_text(LOG4J_CONFIG)
        return config

    def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.pid() is None:
                raise KafkaNotReady(f"Kafka exited during start; see {self.log_file}")
            if port_open(self.port) and asyncio.run(_answers(self.bootstrap_servers)):
                return
            time.sleep(0.2)
        raise KafkaNotReady(f"Kafka did not accept clients within {timeout_s:.0f}s; see {self.log_file}")


async def _answers(bootstrap_servers: str) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=3000)
    try:
        await admin.start()
        await admin.describe_cluster()
    except Exception:  # noqa: BLE001 - not ready yet
        return False
    finally:
        await admin.close()
    return True
