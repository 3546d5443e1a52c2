"""Helpers for the plumbing tests: a probe service, Kafka read/write helpers and a polling wait.

The tests run against the real PostgreSQL server and the embedded broker of the session
(keten_shared.testing.fixtures); nothing here mocks either. Plumbing tables come from the real
shared migration, run through an installed service package (its own tables come along too).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.structs import RecordMetadata
from fastapi import APIRouter, FastAPI

from keten_shared.events.catalog.dublin import DublinProcedureStarted
from keten_shared.events.envelope import CloudEvent
from keten_shared.messaging import kafka
from keten_shared.messaging.broker_process import EmbeddedBroker
from keten_shared.messaging.consumer import EventHandler
from keten_shared.scheduler import DeadlineHandler
from keten_shared.service import ServiceSpec, create_app
from keten_shared.settings import ServiceSettings
from keten_shared.testing.fixtures import migrated, settings_for_test

# Migrations are per service package; any installed one brings the shared plumbing branch.
MIGRATIONS_PACKAGE = "keten_return"
# The event type the probe consumes and publishes: small and stable.
PROBE_EVENT = DublinProcedureStarted.event_type


class Kit:
    """Small helpers shared by the plumbing tests (handed out by the ``kit`` fixture)."""

    @staticmethod
    async def wait_for(
        condition: Callable[[], Any], within: float = 20.0, interval: float = 0.05, message: str = ""
    ) -> Any:
        """Poll ``condition`` (sync or async) until it returns something truthy; return that."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            result = condition()
            if inspect.isawaitable(result):
                result = await result
            if result:
                return result
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"condition not met within {within}s {message}".strip())
            await asyncio.sleep(interval)

    @staticmethod
    def probe_data(case_id: str, **changes: Any) -> DublinProcedureStarted:
        at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
        values: dict[str, Any] = {
            "case_id": case_id,
            "person_id": f"person-{case_id}",
            "member_state": "NL",
            "asylum_case_id": f"asylum-{case_id}",
            "application_registered_at": at,
            "started_at": at,
        }
        return DublinProcedureStarted(**(values | changes))

    @staticmethod
    def probe_event(case_id: str, *, traceparent: str | None = None, event_id: str | None = None) -> CloudEvent:
        """A valid CloudEvent of the probe type, as another service would have published it."""
        return CloudEvent.wrap(
            Kit.probe_data(case_id),
            source="/keten/dublin",
            subject=case_id,
            time=datetime.now(UTC),
            traceparent=traceparent,
            event_id=event_id,
        )

    @staticmethod
    def probe_spec(
        *,
        handlers: Mapping[str, EventHandler] | None = None,
        deadline_handlers: Mapping[str, DeadlineHandler] | None = None,
        routers: Sequence[APIRouter] = (),
        name: str = "probe",
    ) -> ServiceSpec:
        """A service of the tests' own making on the migrations of an installed service package."""
        return ServiceSpec(
            name=name,
            package=MIGRATIONS_PACKAGE,
            title="probe",
            description="plumbing test service",
            routers=routers,
            event_handlers=dict(handlers or {}),
            deadline_handlers=dict(deadline_handlers or {}),
        )

    @staticmethod
    async def produce(
        settings: ServiceSettings,
        topic: str,
        values: Sequence[bytes | None],
        *,
        key: bytes | None = b"case",
        headers: Sequence[tuple[str, bytes]] = (),
    ) -> list[RecordMetadata]:
        """Send ``values`` one by one; returns where each landed."""
        producer = kafka.producer(settings)
        await producer.start()
        try:
            return [await producer.send_and_wait(topic, value=v, key=key, headers=list(headers)) for v in values]
        finally:
            await producer.stop()

    @staticmethod
    async def read_topic(settings: ServiceSettings, topic: str, idle_ms: int = 400) -> list[ConsumerRecord]:
        """Every record currently on ``topic``, partition by partition in offset order.

        Reads until a fetch stays empty for ``idle_ms``: the embedded broker's end offsets count
        record batches, not records, so they cannot tell where a partition ends.
        """
        consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False)
        await consumer.start()
        try:
            partitions = [TopicPartition(topic, p) for p in sorted(await _partitions(consumer, topic))]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            records: list[ConsumerRecord] = []
            while batches := await consumer.getmany(timeout_ms=idle_ms):
                for batch in batches.values():
                    records.extend(batch)
            return sorted(records, key=lambda r: (r.partition, r.offset))
        finally:
            await consumer.stop()

    @staticmethod
    def event_ids(records: Sequence[ConsumerRecord]) -> list[str]:
        return [json.loads(r.value)["id"] for r in records]

    @staticmethod
    def headers(record: ConsumerRecord) -> dict[str, str]:
        return {k: v.decode() for k, v in record.headers or ()}

    @staticmethod
    def trace_id(traceparent: str | None) -> str | None:
        return traceparent.split("-")[1] if traceparent else None

    @staticmethod
    def new_traceparent() -> tuple[str, str]:
        """(traceparent, its trace id) for a caller that starts a trace."""
        trace_id, span_id = uuid.uuid4().hex, uuid.uuid4().hex[:16]
        return f"00-{trace_id}-{span_id}-01", trace_id


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    for _ in range(50):
        found = consumer.partitions_for_topic(topic)
        if found:
            return found
        await consumer._client.force_metadata_update()
        await asyncio.sleep(0.05)
    raise AssertionError(f"topic {topic} does not exist")


@pytest.fixture(scope="session")
def kit() -> type[Kit]:
    return Kit


@pytest.fixture
async def plumbing_url(postgres_url: str) -> str:
    """A fresh PostgreSQL database with the plumbing tables, created by the real migration."""
    return await migrated(MIGRATIONS_PACKAGE, postgres_url)


@pytest.fixture
def settings(plumbing_url: str, broker: EmbeddedBroker, topic_prefix: str) -> ServiceSettings:
    return settings_for_test(plumbing_url, broker, topic_prefix)


@pytest.fixture
async def producers() -> AsyncIterator[Callable[[ServiceSettings], Awaitable[AIOKafkaProducer]]]:
    """``await producers(settings)``: a started producer, stopped at the end of the test."""
    started: list[AIOKafkaProducer] = []

    async def make(settings: ServiceSettings) -> AIOKafkaProducer:
        producer = kafka.producer(settings)
        await producer.start()
        started.append(producer)
        return producer

    yield make
    for producer in started:
        await producer.stop()


@pytest.fixture
async def background() -> AsyncIterator[Callable[[Awaitable[Any]], asyncio.Task[Any]]]:
    """``background(coroutine)``: run it as a task, cancelled at the end of the test."""
    tasks: list[asyncio.Task[Any]] = []

    def start(coroutine: Awaitable[Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coroutine)
        tasks.append(task)
        return task

    yield start
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


@pytest.fixture
def bare_app(tmp_path: Path) -> Callable[..., AbstractAsyncContextManager[tuple[FastAPI, httpx.AsyncClient]]]:
    """``async with bare_app(spec, **settings) as (app, client):`` the REST side of a service only.

    The lifespan does not run (no broker, relay or consumer), which is all the HTTP plumbing
    needs; the database is an empty SQLite file nobody connects to unless a route does.
    """

    @asynccontextmanager
    async def start(spec: ServiceSpec, **overrides: Any) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
        values: dict[str, Any] = {
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'bare.db'}",
            "log_format": "console",
        }
        app = create_app(spec, ServiceSettings(**(values | overrides)))
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield app, client
        finally:
            await app.state.runtime.engine.dispose()

    return start
