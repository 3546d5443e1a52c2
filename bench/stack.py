"""The five services as separate processes on fresh PostgreSQL databases and the embedded broker.

Started the way the end-to-end tests start them (tests/e2e/conftest.py): one database per service,
the embedded tansu broker on a free port, each service on a free port, a unique topic prefix.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from keten_shared.http.auth import mint_token
from keten_shared.messaging.broker_process import EmbeddedBroker, free_port
from keten_shared.settings import ServiceSettings
from keten_shared.stack import SERVICES, ServiceProcess
from keten_shared.testing.fixtures import ADMIN_URL, create_database, drop_database

ROLE = {
    "screening": "screening-officer",
    "asylum": "asylum-caseworker",
    "reception": "reception-officer",
    "dublin": "dublin-officer",
    "return": "return-officer",
}


async def connect(database_url: str) -> asyncpg.Connection:
    """A service database opened with asyncpg, from its SQLAlchemy URL (or a plain PostgreSQL one)."""
    return await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://", 1))


def token(role: str) -> str:
    return mint_token(
        ServiceSettings(), subject=f"bench-{role}", roles=[role], ttl=timedelta(hours=2), now=datetime.now(UTC)
    )


@dataclass
class Target:
    """Where the load goes: the services' base URLs, the broker, and a token per role."""

    urls: dict[str, str]
    bootstrap_servers: str
    topic_prefix: str
    admin_postgres_url: str
    database_urls: dict[str, str]  # each service's own database, for seeding (figure 6)
    pids: dict[str, int]  # each service's process, for profiling
    description: str = "local stack (bench starts it)"

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token(role)}"}


def remote_target(
    urls: dict[str, str], bootstrap_servers: str, topic_prefix: str, database_urls: dict[str, str]
) -> Target:
    """Services someone else started (a deployment, ``docker compose up``); the bench only loads them.

    Tokens are minted with this environment's KETEN_JWT_* settings, which must be the services' own.
    """
    missing = set(SERVICES) - set(urls)
    if missing:
        raise ValueError(f"--target needs every service's URL; missing: {', '.join(sorted(missing))}")
    return Target(
        urls={service: urls[service].rstrip("/") for service in SERVICES},
        bootstrap_servers=bootstrap_servers,
        topic_prefix=topic_prefix,
        admin_postgres_url=ADMIN_URL,
        database_urls=database_urls,
        pids={},
        description="running services: " + ", ".join(f"{s}={urls[s]}" for s in SERVICES),
    )


@asynccontextmanager
async def local_stack(logs: Path, service_env: dict[str, str]) -> AsyncIterator[Target]:
    """Broker, five fresh databases and five services; all stopped and dropped on the way out.

    ``logs`` (an existing folder) gets the broker's and each service's log.
    """
    broker = EmbeddedBroker(port=free_port(), log_file=logs / "tansu.log")
    prefix = f"bench{uuid.uuid4().hex[:8]}."
    databases: dict[str, tuple[str, str]] = {}
    processes: list[ServiceProcess] = []
    try:
        await asyncio.to_thread(broker.start)
        for service in SERVICES:
            databases[service] = await create_database()
        common = {
            **service_env,
            "KETEN_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
            "KETEN_TOPIC_PREFIX": prefix,
        }
        processes = [
            ServiceProcess(
                name=service,
                port=free_port(),
                env={**common, "KETEN_DATABASE_URL": databases[service][1]},
                log_file=logs / f"{service}.log",
            )
            for service in SERVICES
        ]
        for process in processes:
            process.start()
        for process in processes:
            await asyncio.to_thread(process.wait_ready)
        yield Target(
            urls={p.name: p.url for p in processes},
            bootstrap_servers=broker.bootstrap_servers,
            topic_prefix=prefix,
            admin_postgres_url=ADMIN_URL,
            database_urls={service: url for service, (_name, url) in databases.items()},
            pids={p.name: p.process.pid for p in processes if p.process},
        )
    finally:
        await asyncio.gather(*(asyncio.to_thread(process.stop) for process in processes))
        await asyncio.to_thread(broker.stop)
        for name, _url in databases.values():
            await drop_database(name)
