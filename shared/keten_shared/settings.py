"""Service settings, read from environment variables (prefix ``KETEN_``).

Every variable is documented in the README's settings table; the compose file test checks that
each ``KETEN_*`` variable it sets is a field of this model.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from keten_shared.deadlines import DeadlineConfig


class AuthMode(StrEnum):
    LOCAL = "local"  # HS256 tokens minted by `keten token`; development only
    OIDC = "oidc"  # RS256/ES256 tokens verified against the identity provider's JWKS


class LogFormat(StrEnum):
    JSON = "json"
    CONSOLE = "console"


DEV_JWT_SECRET = "keten-local-development-secret-not-for-production"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KETEN_", env_nested_delimiter="__", extra="ignore")

    database_url: str | None = Field(
        None, description="SQLAlchemy async URL of this service's own database; default .keten/<service>.db (SQLite)"
    )
    database_pool_size: int = Field(5, ge=1, description="connection pool size (PostgreSQL)")
    migrate_on_start: bool = Field(False, description="run Alembic migrations before serving (local mode)")

    http_host: str = Field("127.0.0.1", description="address the REST API binds to")
    http_port: int = Field(8000, ge=1, le=65535, description="port the REST API binds to")
    public_url: str | None = Field(None, description="base URL printed and used in links; default from host/port")

    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, comma-separated")
    topic_prefix: str = Field("", description="prefix of every topic and consumer group (environment namespace)")
    topic_partitions: int = Field(12, ge=1, description="partitions of the topics this service creates")
    topic_replication_factor: int = Field(1, ge=1, description="replication factor of created topics")
    kafka_session_timeout_ms: int = Field(10_000, ge=1000, description="consumer group session timeout")
    kafka_heartbeat_interval_ms: int = Field(1_000, ge=100, description="consumer group heartbeat interval")
    kafka_rebalance_timeout_ms: int = Field(5_000, ge=500, description="consumer group rebalance timeout")

    relay_enabled: bool = Field(True, description="run the outbox relay in this process")
    relay_poll_interval_ms: int = Field(500, ge=10, description="outbox poll interval when idle")
    relay_batch_size: int = Field(200, ge=1, description="outbox rows published per transaction")
    consumer_enabled: bool = Field(True, description="run the event consumer in this process")
    consumer_max_attempts: int = Field(5, ge=1, description="handler attempts before an event is dead-lettered")
    consumer_backoff_initial_ms: int = Field(200, ge=1, description="first retry delay; doubles per attempt")
    consumer_backoff_max_ms: int = Field(10_000, ge=1, description="longest retry delay")
    scheduler_enabled: bool = Field(True, description="run the deadline scheduler in this process")
    pollers_enabled: bool = Field(
        True, description="run the loops that collect messages from outside systems (e.g. DubliNet) in this process"
    )
    scheduler_poll_interval_ms: int = Field(1_000, ge=10, description="deadline scheduler poll interval")

    clock_offset: timedelta = Field(
        timedelta(0),
        description="run the service this far ahead of the system clock (ISO 8601, e.g. P15D), for acceptance "
        "and training environments that must see time limits pass; never set in production",
    )

    member_state: str = Field("NL", pattern=r"^[A-Z]{2}$", description="ISO 3166 code of the member state")
    timezone: str | None = Field(None, description="IANA time zone; default: the member state's")
    deadlines: DeadlineConfig = Field(default_factory=DeadlineConfig, description="time.md §5 configuration")

    auth_mode: AuthMode = Field(AuthMode.LOCAL, description="local (development tokens) or oidc")
    auth_jwt_secret: SecretStr = Field(SecretStr(DEV_JWT_SECRET), description="HS256 secret in local mode")
    auth_issuer: str = Field("keten-local", description="expected `iss` claim")
    auth_audience: str = Field("keten", description="expected `aud` claim")
    auth_jwks_url: str | None = Field(None, description="JWKS endpoint of the identity provider (oidc mode)")
    auth_roles_claim: str = Field("roles", description="claim holding the roles; dotted path allowed")

    log_level: str = Field("INFO", description="root log level")
    log_format: LogFormat = Field(LogFormat.JSON, description="json (production) or console")

    @model_validator(mode="after")
    def _oidc_needs_jwks(self) -> ServiceSettings:
        if self.auth_mode is AuthMode.OIDC and not self.auth_jwks_url:
            raise ValueError("KETEN_AUTH_JWKS_URL is required when KETEN_AUTH_MODE=oidc")
        return self

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.http_host}:{self.http_port}"

    def database_url_for(self, service: str) -> str:
        """The configured database, or the service's own SQLite file: never one shared by two services."""
        return self.database_url or f"sqlite+aiosqlite:///.keten/{service}.db"
