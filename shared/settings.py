"""Settings shared by every service. Each service composes them with its own env prefix.

Nothing reads the environment at import time: entry points and tests build settings.
"""

import ssl
from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.auth import AuthSettings
from shared.contracts.topics import Topics
from shared.rate_limits import RateSettings

Environment = Literal["development", "test", "production"]


DAY_MS = 24 * 3600 * 1000


class KafkaSettings(BaseSettings):
    """The Kafka cluster; ``KAFKA_BOOTSTRAP_SERVERS`` points at an existing one."""

    model_config = SettingsConfigDict(env_prefix="KAFKA_", extra="ignore")

    bootstrap_servers: str = "127.0.0.1:9092"
    security_protocol: Literal["PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT",
        description="SASL_SSL: TLS to the brokers and SCRAM-SHA-512 as sasl_username (a Strimzi KafkaUser).",
    )
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = Field(
        default=None, description="The cluster CA's certificate (PEM), for SASL_SSL."
    )
    topic_prefix: str = Field(default="", description="Prepended to every topic name.")

    def client_options(self) -> dict[str, Any]:
        """What every aiokafka client of the service is given to reach and log in to the cluster."""
        if self.security_protocol == "PLAINTEXT":
            return {"bootstrap_servers": self.bootstrap_servers}
        if not (self.sasl_username and self.sasl_password):
            raise ValueError("SASL_SSL needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD")
        return {
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": "SASL_SSL",
            "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": self.sasl_username,
            "sasl_plain_password": self.sasl_password.get_secret_value(),
            "ssl_context": self.ssl_context(),
        }

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ssl_cafile)

    request_timeout_ms: int = Field(default=10_000, gt=0)
    publish_timeout_s: float = Field(default=30.0, gt=0, description="Bound on one relay batch.")
    topic_partitions: int = Field(
        default=6,
        ge=1,
        le=1000,
        description="Partitions of each topic a service creates (owners spread over them).",
    )
    topic_replication_factor: int = Field(default=1, ge=1, le=10, description="3 on a production cluster.")
    topic_retention_ms: int = Field(
        default=30 * DAY_MS,
        ge=-1,
        description="How long events stay on an event stream (-1: forever); state topics are compacted.",
    )
    topic_segment_ms: int = Field(
        default=DAY_MS,
        gt=0,
        description="How often a topic starts a new log segment: what expires or is compacted goes "
        "a segment at a time, so this is added to every horizon.",
    )
    state_compaction_lag_ms: int = Field(
        default=DAY_MS,
        gt=0,
        description="How long a replaced or deleted entity's old state may stay on a state topic.",
    )

    fetch_min_bytes: int = Field(
        default=1,
        ge=1,
        le=64 * 1024 * 1024,
        description="Bytes a fetch waits for (at most 100 ms): 1 for latency, more for fuller batches.",
    )

    @property
    def topics(self) -> Topics:
        return Topics.with_prefix(self.topic_prefix)


class PageSettings(BaseSettings):
    """The student's page: where ``keepwarm up`` serves it, and which browser origins may call the
    APIs (CORS). In production the page and the APIs share one origin behind the ingress, so no
    other origin is allowed unless named."""

    model_config = SettingsConfigDict(env_prefix="KEEPWARM_PAGE_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    public_url: str | None = Field(
        default=None,
        description="The page's address as students open it (nudges link there); by default local.",
    )
    oidc_client_id: str = Field(
        default="keepwarm-page", description="The page's client id at the OIDC issuer."
    )
    oidc_scope: str = Field(default="openid", description="Scopes the page asks the issuer for.")
    origins: list[str] | None = Field(
        default=None,
        description="Browser origins that may call the APIs; by default the local page in development.",
    )

    @property
    def address(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"

    def allowed_origins(self, environment: "Environment") -> list[str]:
        if self.origins is not None:
            return self.origins
        if environment != "development":
            return []
        return [f"http://127.0.0.1:{self.port}", f"http://localhost:{self.port}"]


class ServiceSettings(BaseSettings):
    """What every service needs; each service subclasses it with its own env prefix and defaults."""

    model_config = SettingsConfigDict(extra="ignore")

    environment: Environment = "development"
    database_url: str
    http_host: str = "127.0.0.1"
    http_port: int = Field(ge=1, le=65535)
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    page: PageSettings = Field(default_factory=PageSettings)
    rate: RateSettings = Field(default_factory=RateSettings)
    api_docs: bool | None = Field(
        default=None, description="Serve /docs and /openapi.json; by default everywhere but in production."
    )
    serve_probes: bool = Field(
        default=False,
        description="A process without the api role still answers /healthz, /readyz and /metrics on the "
        "HTTP port (a container's probes and Prometheus' scrapes).",
    )

    @property
    def serves_docs(self) -> bool:
        return self.api_docs if self.api_docs is not None else self.environment != "production"
