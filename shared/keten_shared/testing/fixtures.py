"""A pytest plugin (loaded by the repository's conftest.py).

Tests run against the real thing: a fresh PostgreSQL database per test (created and dropped on
the server at KETEN_TEST_POSTGRES_URL, default the local server), and one embedded Kafka-protocol
broker per test session. Isolation on the shared broker comes from a unique topic prefix per test.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from keten_shared.clock import Clock
from keten_shared.db import migrate
from keten_shared.http.auth import mint_token
from keten_shared.messaging.broker_process import EmbeddedBroker
from keten_shared.service import ServiceSpec, create_app
from keten_shared.settings import ServiceSettings

ADMIN_URL = os.environ.get("KETEN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _database_url(name: str) -> str:
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}"


async def create_database() -> tuple[str, str]:
    """A new empty PostgreSQL database: (name, SQLAlchemy URL)."""
    name = f"keten_test_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return name, _database_url(name)


async def drop_database(name: str) -> None:
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """An empty PostgreSQL database for one test."""
    name, url = await create_database()
    yield url
    await drop_database(name)


async def migrated(service_package: str, url: str) -> str:
    await asyncio.to_thread(migrate.upgrade, service_package, url)
    return url


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    """The embedded Kafka-protocol broker (tansu), one per test session."""
    log_file = Path(tmp_path_factory.mktemp("broker")) / "tansu.log"
    embedded = EmbeddedBroker(log_file=log_file).start()
    yield embedded
    embedded.stop()


@pytest.fixture
def topic_prefix() -> str:
    """Topics and consumer groups of one test, apart from every other test's on the shared broker."""
    return f"t{uuid.uuid4().hex[:10]}."


def settings_for_test(
    database_url: str, broker: EmbeddedBroker, topic_prefix: str, **overrides: object
) -> ServiceSettings:
    """Settings for a service under test: fast polling and group rebalances, a few partitions."""
    values: dict[str, object] = {
        "database_url": database_url,
        "kafka_bootstrap_servers": broker.bootstrap_servers,
        "topic_prefix": topic_prefix,
        "topic_partitions": 3,
        "relay_poll_interval_ms": 50,
        "scheduler_poll_interval_ms": 50,
        "consumer_backoff_initial_ms": 20,
        "consumer_backoff_max_ms": 200,
        "kafka_session_timeout_ms": 6000,
        "kafka_heartbeat_interval_ms": 300,
        "kafka_rebalance_timeout_ms": 1000,
        "log_format": "console",
    }
    values.update(overrides)
    return ServiceSettings(**values)  # type: ignore[arg-type]


@dataclass
class AppUnderTest:
    app: FastAPI
    client: httpx.AsyncClient
    settings: ServiceSettings

    @property
    def runtime(self):  # type: ignore[no-untyped-def]
        return self.app.state.runtime

    def token(self, *roles: str, subject: str = "tester") -> str:
        return mint_token(
            self.settings, subject=subject, roles=list(roles), ttl=timedelta(hours=1), now=datetime.now(UTC)
        )

    def auth(self, *roles: str, subject: str = "tester") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(*roles, subject=subject)}"}


@asynccontextmanager
async def running_app(
    spec: ServiceSpec, settings: ServiceSettings, clock: Clock | None = None
) -> AsyncIterator[AppUnderTest]:
    """The service's FastAPI app with its lifespan running (relay, consumer, scheduler), and a client."""
    app = create_app(spec, settings, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield AppUnderTest(app=app, client=client, settings=settings)


@pytest.fixture
def service_app(broker: EmbeddedBroker, topic_prefix: str) -> Callable[..., AsyncIterator[AppUnderTest]]:
    """``async with service_app(spec, clock=..., **settings) as sut:`` on a fresh, migrated PostgreSQL database."""

    @asynccontextmanager
    async def start(spec: ServiceSpec, clock: Clock | None = None, **overrides: object) -> AsyncIterator[AppUnderTest]:
        name, url = await create_database()
        try:
            await migrated(spec.package, url)
            settings = settings_for_test(url, broker, topic_prefix, **overrides)
            async with running_app(spec, settings, clock) as sut:
                yield sut
        finally:
            await drop_database(name)

    return start
