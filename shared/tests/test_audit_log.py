"""The append-only audit log: who did what, when, on which legal basis, under which trace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from keten_shared.audit import acting_as, current_actor
from keten_shared.clock import FixedClock
from keten_shared.db.plumbing import audit_log
from keten_shared.http.auth import mint_token, require_roles
from keten_shared.service import Runtime, unit_of_work
from keten_shared.testing.fixtures import migrated, settings_for_test
from keten_shared.tracing import setup_tracing, span
from keten_shared.uow import UnitOfWork

AT = datetime(2026, 2, 3, 14, 15, 16, 123456, tzinfo=UTC)

router = APIRouter()


@router.post("/probe/cases/{case_id}/close")
async def close_case(
    case_id: str,
    uow: Annotated[UnitOfWork, Depends(unit_of_work)],
    _who: Annotated[object, Depends(require_roles("probe-officer"))],
) -> dict[str, str]:
    uow.audit("case.closed", entity_type="case", entity_id=case_id, legal_basis="APR Art 37", before="OPEN")
    await uow.commit()
    return {"actor": current_actor()}


async def _refuses_changes(runtime: Runtime) -> None:
    for statement in ["UPDATE audit_log SET action = 'tampered'", "DELETE FROM audit_log"]:
        async with runtime.sessionmaker() as session:
            with pytest.raises(DBAPIError, match="append-only"):
                await session.execute(text(statement))
    async with runtime.sessionmaker() as session:
        actions = (await session.execute(select(audit_log.c.action))).scalars().all()
    assert actions and "tampered" not in actions


async def _write_one(runtime: Runtime) -> str:
    setup_tracing("probe")  # what create_app does; this test drives the unit of work directly
    with acting_as("user:alice"), span("test") as current:
        async with runtime.uow() as uow:
            uow.audit(
                "case.decided",
                entity_type="case",
                entity_id="case-7",
                legal_basis="APR Art 35(1)",
                before="EXAMINATION",
                after="DECIDED",
                details={"outcome": "rejected", "grounds": ["unfounded"]},
            )
            await uow.commit()
        return format(current.get_span_context().trace_id, "032x")


async def _check_row(runtime: Runtime, trace_id: str) -> None:
    async with runtime.sessionmaker() as session:
        row = (await session.execute(select(audit_log))).one()
    assert row.at == AT
    assert row.actor == "user:alice"
    assert (row.action, row.entity_type, row.entity_id) == ("case.decided", "case", "case-7")
    assert row.legal_basis == "APR Art 35(1)"
    assert (row.before_status, row.after_status) == ("EXAMINATION", "DECIDED")
    assert row.details == {"outcome": "rejected", "grounds": ["unfounded"]}
    assert row.trace_id == trace_id and len(trace_id) == 32


async def test_audit_rows_on_postgresql_carry_who_what_why_and_cannot_be_changed(settings, kit) -> None:
    runtime = Runtime(kit.probe_spec(), settings, FixedClock(AT))
    try:
        await _check_row(runtime, await _write_one(runtime))
        await _refuses_changes(runtime)
        # Appending stays possible, and an actor defaults to the system outside any request.
        async with runtime.uow() as uow:
            uow.audit("case.noted", entity_type="case", entity_id="case-7")
            await uow.commit()
        async with runtime.sessionmaker() as session:
            actors = (await session.execute(select(audit_log.c.actor).order_by(audit_log.c.id))).scalars().all()
        assert actors == ["user:alice", "system"]
    finally:
        await runtime.stop()


async def test_audit_rows_on_sqlite_cannot_be_changed(tmp_path, broker, topic_prefix, kit) -> None:
    url = await migrated("keten_return", f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}")
    runtime = Runtime(kit.probe_spec(), settings_for_test(url, broker, topic_prefix), FixedClock(AT))
    try:
        await _check_row(runtime, await _write_one(runtime))
        await _refuses_changes(runtime)
    finally:
        await runtime.stop()


async def test_audit_rows_are_not_written_when_the_unit_of_work_is_not_committed(settings, kit) -> None:
    runtime = Runtime(kit.probe_spec(), settings)
    try:
        async with runtime.uow() as uow:
            uow.audit("case.abandoned", entity_type="case", entity_id="case-8")
        async with runtime.sessionmaker() as session:
            assert (await session.execute(select(audit_log))).all() == []
    finally:
        await runtime.stop()


async def test_an_api_caller_is_the_actor_and_the_request_trace_is_kept(bare_app, plumbing_url, kit) -> None:
    traceparent, trace_id = kit.new_traceparent()
    async with bare_app(kit.probe_spec(routers=[router]), database_url=plumbing_url) as (app, client):
        settings = app.state.runtime.settings
        token = mint_token(
            settings, subject="bob", roles=["probe-officer"], ttl=timedelta(minutes=5), now=datetime.now(UTC)
        )
        response = await client.post(
            "/probe/cases/case-9/close", headers={"Authorization": f"Bearer {token}", "traceparent": traceparent}
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"actor": "user:bob"}
        async with app.state.runtime.sessionmaker() as session:
            row = (await session.execute(select(audit_log))).one()
    assert (row.actor, row.action, row.entity_id, row.legal_basis) == (
        "user:bob",
        "case.closed",
        "case-9",
        "APR Art 37",
    )
    assert row.before_status == "OPEN" and row.after_status is None
    assert row.trace_id == trace_id
