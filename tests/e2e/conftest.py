"""The five services as separate processes against real PostgreSQL databases and the embedded broker.

Only their REST APIs and the broker are used to drive and observe them.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from keten_shared.http.auth import mint_token
from keten_shared.messaging.broker_process import EmbeddedBroker, free_port
from keten_shared.settings import ServiceSettings
from keten_shared.stack import SERVICES, ServiceProcess
from keten_shared.testing.fixtures import create_database, drop_database

T = TypeVar("T")

ROLE = {
    "screening": "screening-officer",
    "asylum": "asylum-caseworker",
    "reception": "reception-officer",
    "dublin": "dublin-officer",
    "return": "return-officer",
}


async def eventually(probe: Callable[[], Any], *, within: float = 30.0, interval: float = 0.2) -> Any:
    """Poll ``probe`` (sync or async) until it returns a truthy value; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    last: Any = None
    while time.monotonic() < deadline:
        last = probe()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {within}s (last value: {last!r})")


@dataclass
class Stack:
    broker: EmbeddedBroker
    topic_prefix: str
    processes: dict[str, ServiceProcess]
    env: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return self.processes[service].url

    def auth(self, service: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[service]}"}

    def auth_as(self, role: str) -> dict[str, str]:
        token = mint_token(
            ServiceSettings(), subject=f"e2e-{role}", roles=[role], ttl=timedelta(hours=1), now=datetime.now(UTC)
        )
        return {"Authorization": f"Bearer {token}"}

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def client(self, service: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url(service), headers=self.auth(service), timeout=10)

    async def read_topic(self, name: str) -> list[Any]:
        """Every message currently on a topic, read from the start without joining a group."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self.broker.bootstrap_servers, enable_auto_commit=False)
        await consumer.start()
        try:
            topic = self.topic(name)
            partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
            if not partitions:
                return []
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
            records: list[Any] = []
            # Read until the end offsets are passed and a poll comes back empty: the embedded broker
            # under-reports end offsets when a producer sent several messages in one batch.
            while True:
                batch = [r for rs in (await consumer.getmany(timeout_ms=300)).values() for r in rs]
                records.extend(batch)
                if not batch and not [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
                    break
            return records
        finally:
            await consumer.stop()

    async def events(self, name: str, event_type: str) -> list[dict[str, Any]]:
        found = []
        for record in await self.read_topic(name):
            try:
                body = json.loads(record.value)
            except ValueError:
                continue
            if isinstance(body, dict) and body.get("type") == event_type:
                found.append(body)
        return found

    async def produce(self, name: str, value: bytes, key: bytes | None) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.broker.bootstrap_servers)
        await producer.start()
        try:
            await producer.send_and_wait(self.topic(name), value=value, key=key)
        finally:
            await producer.stop()

    async def metric(self, service: str, name: str, **labels: str) -> float:
        """The value of one Prometheus counter sample of a running service (0 when absent)."""
        async with httpx.AsyncClient(base_url=self.url(service), timeout=5) as client:
            text = (await client.get("/metrics")).text
        wanted = [f'{k}="{v}"' for k, v in labels.items()]
        total = 0.0
        for line in text.splitlines():
            if line.startswith(name + "{") and all(w in line for w in wanted):
                total += float(line.rsplit(" ", 1)[1])
        return total


@pytest.fixture(scope="module")
async def stack(broker: EmbeddedBroker, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    prefix = f"e2e{uuid.uuid4().hex[:8]}."
    logs = Path(tmp_path_factory.mktemp("e2e-logs"))
    databases = {service: await create_database() for service in SERVICES}
    common = {
        "KETEN_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
        "KETEN_TOPIC_PREFIX": prefix,
        "KETEN_TOPIC_PARTITIONS": "3",
        "KETEN_MIGRATE_ON_START": "true",
        "KETEN_RELAY_POLL_INTERVAL_MS": "100",
        "KETEN_SCHEDULER_POLL_INTERVAL_MS": "200",
        "KETEN_CONSUMER_BACKOFF_INITIAL_MS": "50",
        "KETEN_CONSUMER_BACKOFF_MAX_MS": "500",
        "KETEN_KAFKA_SESSION_TIMEOUT_MS": "6000",
        "KETEN_KAFKA_HEARTBEAT_INTERVAL_MS": "300",
        "KETEN_KAFKA_REBALANCE_TIMEOUT_MS": "1000",
        "KETEN_LOG_FORMAT": "json",
    }
    processes = {
        service: ServiceProcess(
            name=service,
            port=free_port(),
            env={**common, "KETEN_DATABASE_URL": databases[service][1]},
            log_file=logs / f"{service}.log",
        )
        for service in SERVICES
    }
    settings = ServiceSettings()
    tokens = {
        service: mint_token(
            settings, subject=f"e2e-{service}", roles=[role], ttl=timedelta(hours=1), now=datetime.now(UTC)
        )
        for service, role in ROLE.items()
    }
    try:
        for process in processes.values():
            process.start()
        for process in processes.values():
            await asyncio.to_thread(process.wait_ready)
        yield Stack(broker=broker, topic_prefix=prefix, processes=processes, env=common, tokens=tokens)
    finally:
        for process in processes.values():
            process.stop()
        for name, _url in databases.values():
            await drop_database(name)
