"""The idempotent event consumer: inbox, retries, dead letters, infrastructure failures.

One probe service runs for the whole module (a consumer group join takes seconds on the embedded
broker); each test uses its own case ids and event ids and waits for its own outcome.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError

from keten_shared.db.plumbing import audit_log, inbox
from keten_shared.events.envelope import CloudEvent
from keten_shared.events.registry import EventData
from keten_shared.testing.fixtures import (
    AppUnderTest,
    create_database,
    drop_database,
    migrated,
    running_app,
    settings_for_test,
)
from keten_shared.uow import UnitOfWork

MAX_ATTEMPTS = 3
SERVICE = "probe-consumer"

Behaviour = Callable[[CloudEvent, UnitOfWork, int], Awaitable[None]]


@dataclass
class Probe:
    """The handler under test: counts its calls per event id and writes an audit row per handling."""

    sut: AppUnderTest
    calls: Counter[str] = field(default_factory=Counter)
    behaviour: dict[str, Behaviour] = field(default_factory=dict)  # by event id

    async def handle(self, data: EventData, event: CloudEvent, uow: UnitOfWork) -> None:
        self.calls[event.id] += 1
        if behaviour := self.behaviour.get(event.id):
            await behaviour(event, uow, self.calls[event.id])
        uow.audit("probe.handled", entity_type="event", entity_id=event.id, details={"case": event.subject})

    @property
    def topic(self) -> str:
        return f"{self.sut.settings.topic_prefix}dublin.events"

    @property
    def dlq(self) -> str:
        return f"{self.sut.settings.topic_prefix}{SERVICE}.dlq"

    async def scalar(self, query) -> int:  # type: ignore[no-untyped-def]
        async with self.sut.runtime.sessionmaker() as session:
            return int((await session.execute(query)).scalar_one())

    async def effects(self, event_id: str) -> int:
        return await self.scalar(select(func.count()).select_from(audit_log).where(audit_log.c.entity_id == event_id))

    async def inbox_rows(self, event_id: str) -> int:
        return await self.scalar(select(func.count()).select_from(inbox).where(inbox.c.event_id == event_id))


@pytest.fixture(scope="module")
async def probe(broker, kit) -> AsyncIterator[Probe]:
    name, url = await create_database()
    try:
        await migrated("keten_return", url)
        prefix = f"t{uuid.uuid4().hex[:10]}."
        settings = settings_for_test(url, broker, prefix, consumer_max_attempts=MAX_ATTEMPTS)
        holder: dict[str, Probe] = {}

        async def handler(data: EventData, event: CloudEvent, uow: UnitOfWork) -> None:
            await holder["probe"].handle(data, event, uow)

        spec = kit.probe_spec(name=SERVICE, handlers={kit.probe_event("x").type: handler})
        async with running_app(spec, settings) as sut:
            holder["probe"] = Probe(sut)
            yield holder["probe"]
    finally:
        await drop_database(name)


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def send(probe: Probe, kit, *events: CloudEvent | bytes, key: bytes = b"case") -> list:  # type: ignore[no-untyped-def]
    values = [e if isinstance(e, bytes) else e.to_json().encode() for e in events]
    return await kit.produce(probe.sut.settings, probe.topic, values, key=key)


async def handled(probe: Probe, kit, event: CloudEvent) -> None:  # type: ignore[no-untyped-def]
    """Wait until ``event`` is handled (its inbox row is committed)."""
    await kit.wait_for(lambda: probe.inbox_rows(event.id), message=f"for {event.id} to be handled")


async def dead_letters(probe: Probe, kit) -> list:  # type: ignore[no-untyped-def]
    return await kit.read_topic(probe.sut.settings, probe.dlq, idle_ms=200)


async def test_an_event_delivered_twice_has_its_effect_once(probe: Probe, kit) -> None:
    event, sentinel = kit.probe_event("case-dup"), kit.probe_event("case-dup")
    await send(probe, kit, event, event, sentinel)  # the same bytes twice, then one more on the same partition
    await handled(probe, kit, sentinel)

    assert probe.calls[event.id] == 1
    assert await probe.effects(event.id) == 1
    assert await probe.inbox_rows(event.id) == 1


async def test_malformed_messages_are_dead_lettered_and_the_next_one_is_handled(probe: Probe, kit) -> None:
    not_json = b"this is not json " + uuid.uuid4().hex.encode()
    bad_data = kit.probe_event("case-bad").model_copy(update={"data": {"case_id": "case-bad", "member_state": "NLD"}})
    not_a_cloudevent = b'{"id": "x", "type": "dublin.procedure.started"}'
    after = kit.probe_event("case-bad")
    sent = await send(probe, kit, not_json, bad_data, not_a_cloudevent, after, key=b"case-bad")
    await handled(probe, kit, after)

    assert probe.calls[bad_data.id] == 0
    letters = {r.value: r for r in await dead_letters(probe, kit)}
    for value, metadata, error in [
        (not_json, sent[0], "not JSON"),
        (bad_data.to_json().encode(), sent[1], "data does not match"),
        (not_a_cloudevent, sent[2], "not a CloudEvent"),
    ]:
        headers = kit.headers(letters[value])
        assert error in headers["keten-error"]
        assert headers["keten-error-type"] == "EnvelopeError"
        assert headers["keten-original-topic"] == probe.topic
        assert headers["keten-original-partition"] == str(metadata.partition)
        assert headers["keten-original-offset"] == str(metadata.offset)
        assert headers["keten-attempts"] == "1"
        assert headers["keten-consumer"] == SERVICE
        assert letters[value].key == b"case-bad"
    assert after.to_json().encode() not in letters
    assert await probe.inbox_rows(bad_data.id) == 0


async def test_a_handler_that_always_fails_is_tried_max_attempts_times_then_dead_lettered(probe: Probe, kit) -> None:
    event, after = kit.probe_event("case-fail"), kit.probe_event("case-fail")

    async def always_fails(event: CloudEvent, uow: UnitOfWork, attempt: int) -> None:
        uow.audit("probe.partial", entity_type="event", entity_id=event.id)  # rolled back with the attempt
        raise RuntimeError(f"handler broke on attempt {attempt}")

    probe.behaviour[event.id] = always_fails
    await send(probe, kit, event, after)
    await handled(probe, kit, after)

    assert probe.calls[event.id] == MAX_ATTEMPTS
    assert await probe.effects(event.id) == 0
    assert await probe.inbox_rows(event.id) == 0
    [letter] = [r for r in await dead_letters(probe, kit) if r.value == event.to_json().encode()]
    headers = kit.headers(letter)
    assert headers["keten-attempts"] == str(MAX_ATTEMPTS)
    assert headers["keten-error"] == f"handler broke on attempt {MAX_ATTEMPTS}"
    assert headers["keten-error-type"] == "RuntimeError"


async def test_a_handler_that_fails_twice_then_succeeds_is_handled_once(probe: Probe, kit) -> None:
    event = kit.probe_event("case-flaky")

    async def fails_twice(event: CloudEvent, uow: UnitOfWork, attempt: int) -> None:
        uow.audit("probe.partial", entity_type="event", entity_id=event.id)
        if attempt <= 2:
            raise RuntimeError("not yet")

    probe.behaviour[event.id] = fails_twice
    await send(probe, kit, event)
    await handled(probe, kit, event)

    assert probe.calls[event.id] == 3
    assert await probe.effects(event.id) == 2  # the successful attempt's own row and its handled row
    assert await probe.inbox_rows(event.id) == 1
    assert event.to_json().encode() not in {r.value for r in await dead_letters(probe, kit)}


async def test_database_failures_are_retried_beyond_max_attempts_and_never_dead_lettered(probe: Probe, kit) -> None:
    event = kit.probe_event("case-db-down")

    async def database_down(event: CloudEvent, uow: UnitOfWork, attempt: int) -> None:
        if attempt <= MAX_ATTEMPTS + 1:
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    probe.behaviour[event.id] = database_down
    await send(probe, kit, event)
    await handled(probe, kit, event)

    assert probe.calls[event.id] == MAX_ATTEMPTS + 2
    assert await probe.effects(event.id) == 1
    assert event.to_json().encode() not in {r.value for r in await dead_letters(probe, kit)}


async def test_events_without_a_handler_are_skipped(probe: Probe, kit) -> None:
    other = kit.probe_event("case-skip").model_copy(update={"type": "dublin.something.else", "data": {"x": 1}})
    after = kit.probe_event("case-skip")
    await send(probe, kit, other, after, key=b"case-skip")
    await handled(probe, kit, after)

    assert probe.calls[other.id] == 0
    assert await probe.inbox_rows(other.id) == 0
    assert other.to_json().encode() not in {r.value for r in await dead_letters(probe, kit)}
    assert metric("keten_events_consumed_total", service=SERVICE, event_type=other.type, outcome="ignored") >= 1


async def test_an_inbox_conflict_with_another_instance_counts_as_a_duplicate(probe: Probe, kit) -> None:
    event = kit.probe_event("case-race")

    async def other_instance_wins(event: CloudEvent, uow: UnitOfWork, attempt: int) -> None:
        # Another instance handles the same event and commits while this one is in its handler.
        async with probe.sut.runtime.uow() as other:
            other.audit("probe.handled", entity_type="event", entity_id=event.id, details={"by": "other"})
            await other.mark_processed(SERVICE, event, topic=probe.topic, partition=0, offset=0)
            await other.commit()

    labels = {"service": SERVICE, "event_type": event.type}
    retries = metric("keten_event_handler_retries_total", **labels)
    duplicates = metric("keten_events_consumed_total", **labels, outcome="duplicate")
    dead = metric("keten_events_consumed_total", **labels, outcome="dead_lettered")
    probe.behaviour[event.id] = other_instance_wins
    await send(probe, kit, event)
    await kit.wait_for(
        lambda: (
            metric("keten_events_consumed_total", **labels, outcome="duplicate") > duplicates
            or metric("keten_events_consumed_total", **labels, outcome="dead_lettered") > dead
        ),
        message="for the event's outcome",
    )

    assert probe.calls[event.id] == 1
    assert await probe.effects(event.id) == 1  # only the other instance's
    assert await probe.inbox_rows(event.id) == 1
    assert metric("keten_event_handler_retries_total", **labels) == retries  # no retry: recognised at once
    assert event.to_json().encode() not in {r.value for r in await dead_letters(probe, kit)}


async def test_an_integrity_error_of_the_handler_itself_is_not_a_duplicate(probe: Probe, kit) -> None:
    event = kit.probe_event("case-integrity")

    async def breaks_a_constraint(event: CloudEvent, uow: UnitOfWork, attempt: int) -> None:
        uow.audit("probe.broken", entity_type="event", entity_id=None)  # type: ignore[arg-type]  # NOT NULL

    probe.behaviour[event.id] = breaks_a_constraint
    await send(probe, kit, event)

    async def dead_lettered() -> list:
        return [r for r in await dead_letters(probe, kit) if r.value == event.to_json().encode()]

    [letter] = await kit.wait_for(dead_lettered)
    assert probe.calls[event.id] == MAX_ATTEMPTS
    assert kit.headers(letter)["keten-error-type"] == "IntegrityError"
    assert await probe.inbox_rows(event.id) == 0
    assert await probe.effects(event.id) == 0


async def test_the_inbox_row_records_where_the_event_came_from(probe: Probe, kit) -> None:
    event = kit.probe_event("case-inbox")
    [metadata] = await send(probe, kit, event)
    await handled(probe, kit, event)

    async with probe.sut.runtime.sessionmaker() as session:
        row = (await session.execute(select(inbox).where(inbox.c.event_id == event.id))).one()
    assert (row.consumer, row.event_type, row.source) == (SERVICE, event.type, event.source)
    assert (row.topic, row.partition, row.offset) == (probe.topic, metadata.partition, metadata.offset)
    async with probe.sut.runtime.sessionmaker() as session:
        actor = (await session.execute(select(audit_log.c.actor).where(audit_log.c.entity_id == event.id))).scalar()
    assert actor == "event:/keten/dublin"
    # The same event id under another consumer name is a different inbox row.
    async with probe.sut.runtime.uow() as uow:
        assert await uow.already_processed(SERVICE, event.id)
        assert not await uow.already_processed("someone-else", event.id)
        await uow.session.execute(insert(inbox).values(**{**row._asdict(), "consumer": "someone-else"}))
        await uow.commit()
    assert await probe.inbox_rows(event.id) == 2
