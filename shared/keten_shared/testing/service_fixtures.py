"""Fixtures for a service's own test suite (loaded with the other fixtures by the root conftest.py).

A service's ``tests/conftest.py`` defines only its ``app`` fixture with ``service_app_fixture``;
the fixtures below (``clock``, ``probe``, ``deliver``, ``event_of``, ``wait_for``, ``nl``) work on it.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Table, select

from keten_shared.clock import FixedClock
from keten_shared.db.plumbing import audit_log, deadlines, inbox, outbox
from keten_shared.deadlines import HolidayCalendar
from keten_shared.events.envelope import CloudEvent
from keten_shared.events.registry import EventData
from keten_shared.service import ServiceSpec
from keten_shared.testing.fixtures import (
    AppUnderTest,
    create_database,
    drop_database,
    migrated,
    running_app,
    settings_for_test,
)

AMS = ZoneInfo("Europe/Amsterdam")
# The service tests' "now": Fri 2026-07-10 12:00 in the Netherlands.
NOW = datetime(2026, 7, 10, 12, 0, tzinfo=AMS)


def service_app_fixture(spec: Callable[[], ServiceSpec], **defaults: Any) -> Any:
    """A module-scoped ``app`` fixture: the service running on a fresh PostgreSQL database with its own
    topics, its clock standing at NOW. ``defaults`` and a test module's ``APP_SETTINGS`` override settings."""

    @pytest.fixture(scope="module")
    async def app(broker: Any, request: pytest.FixtureRequest) -> AsyncIterator[AppUnderTest]:
        service = spec()
        name, url = await create_database()
        try:
            await migrated(service.package, url)
            overrides = defaults | dict(getattr(request.module, "APP_SETTINGS", {}))
            settings = settings_for_test(url, broker, f"t{uuid.uuid4().hex[:10]}.", **overrides)
            async with running_app(service, settings, FixedClock(NOW)) as sut:
                yield sut
        finally:
            await drop_database(name)

    return app


@pytest.fixture(scope="session")
def nl() -> HolidayCalendar:
    """The calendar the services use: Dutch public holidays from the `holidays` package."""
    return HolidayCalendar("NL")


@pytest.fixture
def clock(app: AppUnderTest) -> Iterator[FixedClock]:
    """The running service's clock, reset to NOW after the test."""
    yield app.runtime.clock
    app.runtime.clock.set(NOW)


class Probe:
    """Reads what a service stored: its own rows, outbox, audit log, deadlines and inbox."""

    def __init__(self, sut: AppUnderTest) -> None:
        self.sut = sut

    async def rows(self, table: Table, **equal: Any) -> list[Any]:
        query = select(table).where(*(table.c[k] == v for k, v in equal.items()))
        order = table.c.seq if "seq" in table.c else table.c.id if "id" in table.c else None
        if order is not None:
            query = query.order_by(order)
        async with self.sut.runtime.sessionmaker() as session:
            return list((await session.execute(query)).all())

    async def outbox(self, key: str, event_type: str | None = None) -> list[Any]:
        found = await self.rows(outbox, key=key)
        return [row for row in found if event_type is None or row.event_type == event_type]

    async def event_data(self, key: str, event_type: str) -> list[dict[str, Any]]:
        """The `data` of each event of this type the service wrote to its outbox for `key`, oldest first."""
        return [json.loads(row.payload)["data"] for row in await self.outbox(key, event_type)]

    async def audit(self, entity_id: str) -> list[Any]:
        return await self.rows(audit_log, entity_id=entity_id)

    async def deadlines(self, case_id: str) -> list[Any]:
        return await self.rows(deadlines, case_id=case_id)

    async def inbox(self, event_id: str) -> list[Any]:
        return await self.rows(inbox, event_id=event_id)


@pytest.fixture
def probe(app: AppUnderTest) -> Probe:
    return Probe(app)


@pytest.fixture
def probe_for() -> type[Probe]:
    """For tests that start their own service: ``probe_for(sut)``."""
    return Probe


def cloud_event(data: EventData, *, subject: str, event_id: str | None = None) -> CloudEvent:
    """``data`` as its producer would have published it."""
    return CloudEvent.wrap(data, source=f"/keten/{data.producer}", subject=subject, time=NOW, event_id=event_id)


@pytest.fixture
def event_of() -> Callable[..., CloudEvent]:
    return cloud_event


@pytest.fixture
def deliver(app: AppUnderTest) -> Callable[[CloudEvent], Awaitable[None]]:
    """Put an event on its producer's topic, keyed by case, for the service's consumer to handle."""

    async def send(event: CloudEvent) -> None:
        topic = app.runtime.topics.events(event.type.split(".", 1)[0])
        await app.runtime.producer.send_and_wait(
            topic, value=event.to_json().encode(), key=(event.subject or "").encode()
        )

    return send


async def eventually(check: Callable[[], Awaitable[Any]], within: float = 20.0) -> Any:
    """Poll ``check`` until it returns something truthy (background loops, the broker)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = await check()
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(0.05)


@pytest.fixture
def wait_for() -> Callable[..., Awaitable[Any]]:
    return eventually
