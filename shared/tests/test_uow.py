"""The unit of work: a state change, its events, audit rows and deadlines in one transaction."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, text

from keten_shared.clock import FixedClock
from keten_shared.db.plumbing import audit_log, deadlines, outbox
from keten_shared.deadlines import DeadlineSpec, Purpose, Rule, Unit
from keten_shared.service import Runtime

AT = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 1 January in Amsterdam


@pytest.fixture
async def runtime(settings, kit):  # type: ignore[no-untyped-def]
    runtime = Runtime(kit.probe_spec(), settings, FixedClock(AT))
    yield runtime
    await runtime.stop()


async def _count(runtime: Runtime, table) -> int:  # type: ignore[no-untyped-def]
    async with runtime.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def test_publish_writes_the_cloudevent_to_the_outbox_at_commit(runtime: Runtime, kit, settings) -> None:
    wakes: list[int] = []
    runtime.uow = dataclasses.replace(runtime.uow, on_events_committed=lambda: wakes.append(1))

    async with runtime.uow() as uow:
        event = uow.publish(kit.probe_data("case-1"), subject="case-1")
        assert uow.published == [event]
        assert await _count(runtime, outbox) == 0  # nothing before commit
        await uow.commit()
        await uow.commit()  # a second commit without new events writes nothing more
    assert wakes == [1]

    assert event.source == "/keten/probe" and event.subject == "case-1" and event.time == AT
    assert event.dataschema == f"urn:keten:schema:{event.type}:v1"
    uuid.UUID(event.id)
    async with runtime.sessionmaker() as session:
        row = (await session.execute(select(outbox))).one()
    assert str(row.event_id) == event.id
    assert row.topic == f"{settings.topic_prefix}probe.events"
    assert (row.key, row.event_type, row.created_at, row.published_at) == ("case-1", event.type, AT, None)
    assert json.loads(row.payload) == json.loads(event.to_json())
    assert json.loads(row.payload)["data"]["case_id"] == "case-1"

    async with runtime.uow() as uow:  # a commit without events does not wake the relay
        uow.audit("case.noted", entity_type="case", entity_id="case-1")
        await uow.commit()
    assert wakes == [1]


async def test_state_change_events_audit_and_deadlines_share_one_transaction(runtime: Runtime, kit) -> None:
    spec = DeadlineSpec("T.2", "TEST", "2(1)", Rule.EU_1182_71, 5, Unit.DAYS, Purpose.ACT_TIME_LIMIT, "request")
    with pytest.raises(RuntimeError):
        async with runtime.uow() as uow:
            await uow.session.execute(text("CREATE TABLE probe_state (id int)"))
            await uow.session.execute(text("INSERT INTO probe_state VALUES (1)"))
            uow.publish(kit.probe_data("case-2"), subject="case-2")
            uow.audit("case.changed", entity_type="case", entity_id="case-2")
            await uow.schedule(case_id="case-2", kind="reply", deadline=uow.deadline(spec, AT))
            raise RuntimeError("the change is refused halfway")
    for table in (outbox, audit_log, deadlines):
        assert await _count(runtime, table) == 0
    async with runtime.sessionmaker() as session:
        exists = (await session.execute(text("SELECT to_regclass('probe_state')"))).scalar()
    assert exists is None


def test_local_dates_and_deadlines_use_the_member_states_zone(runtime: Runtime) -> None:
    uow = runtime.uow()
    assert uow.now() == AT
    assert uow.local_date(AT) == date(2027, 1, 1)
    spec = DeadlineSpec("T.3", "TEST", "3(1)", Rule.EU_1182_71, 1, Unit.DAYS, Purpose.ACT_TIME_LIMIT, "request")
    deadline = uow.deadline(spec, AT)
    assert deadline.tz == "Europe/Amsterdam" and deadline.ms == "NL"
    assert deadline.legal_basis == "TEST Art 3(1)"
