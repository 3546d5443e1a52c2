"""W3C trace context from requests into events and from events into their handlers; JSON logs with ids."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select

from keten_shared.db.plumbing import audit_log, outbox
from keten_shared.events.envelope import CloudEvent
from keten_shared.events.registry import EventData
from keten_shared.logging import get_logger
from keten_shared.service import unit_of_work
from keten_shared.uow import UnitOfWork

log = get_logger("probe.handlers")
router = APIRouter()


@router.post("/probe/cases/{case_id}/start")
async def start_case(case_id: str, uow: Annotated[UnitOfWork, Depends(unit_of_work)]) -> dict[str, str]:
    event = uow.publish(_data(case_id), subject=case_id)
    await uow.commit()
    return {"event_id": event.id}


def _data(case_id: str) -> EventData:
    from keten_shared.events.catalog.dublin import DublinProcedureStarted

    return DublinProcedureStarted.model_validate(
        {
            "case_id": case_id,
            "person_id": "p-1",
            "member_state": "NL",
            "asylum_case_id": "a-1",
            "application_registered_at": "2026-03-02T09:30:00Z",
            "started_at": "2026-03-02T09:30:00Z",
        }
    )


async def _on_event(data: EventData, event: CloudEvent, uow: UnitOfWork) -> None:
    log.info("probe handled", consumed=event.id)
    uow.audit("probe.handled", entity_type="event", entity_id=event.id)
    uow.publish(_data(f"{event.subject}-next"), subject=f"{event.subject}-next")


async def _outbox_event(sut, case_id: str) -> CloudEvent | None:  # type: ignore[no-untyped-def]
    async with sut.runtime.sessionmaker() as session:
        payload = (await session.execute(select(outbox.c.payload).where(outbox.c.key == case_id))).scalar()
    return CloudEvent.from_bytes(payload.encode()) if payload else None


def _json_lines(text: str) -> list[dict]:
    lines = []
    for line in text.splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue
    return lines


async def test_trace_context_flows_from_requests_and_events_into_published_events_and_logs(
    service_app, kit, capsys
) -> None:
    spec = kit.probe_spec(handlers={kit.probe_event("x").type: _on_event}, routers=[router])
    async with service_app(spec, log_format="json") as sut:
        # An HTTP request that carries a traceparent.
        incoming, trace_id = kit.new_traceparent()
        response = await sut.client.post("/probe/cases/case-http/start", headers={"traceparent": incoming})
        assert response.status_code == 200
        outgoing = response.headers["traceparent"]
        assert kit.trace_id(outgoing) == trace_id
        assert outgoing != incoming  # a span of this service, child of the caller's
        published = await _outbox_event(sut, "case-http")
        assert published is not None and published.id == response.json()["event_id"]
        assert kit.trace_id(published.traceparent) == trace_id

        # A request without one starts a trace of its own, which its events carry.
        response = await sut.client.post("/probe/cases/case-fresh/start")
        fresh = kit.trace_id(response.headers["traceparent"])
        assert fresh and fresh != trace_id
        assert kit.trace_id((await _outbox_event(sut, "case-fresh")).traceparent) == fresh

        # An event consumed from Kafka: its handler works, audits and publishes under the event's trace.
        upstream, upstream_trace = kit.new_traceparent()
        consumed = kit.probe_event("case-kafka", traceparent=upstream)
        await kit.produce(sut.settings, f"{sut.settings.topic_prefix}dublin.events", [consumed.to_json().encode()])
        follow_up = await kit.wait_for(lambda: _outbox_event(sut, "case-kafka-next"))
        assert kit.trace_id(follow_up.traceparent) == upstream_trace
        async with sut.runtime.sessionmaker() as session:
            audited = (await session.execute(select(audit_log).where(audit_log.c.entity_id == consumed.id))).one()
        assert audited.trace_id == upstream_trace and audited.actor == "event:/keten/dublin"

        # The relay carries the trace to the topic unchanged.
        records = await kit.read_topic(sut.settings, f"{sut.settings.topic_prefix}probe.events")
        on_topic = {r.key: json.loads(r.value) for r in records}
        assert kit.trace_id(on_topic[b"case-kafka-next"]["traceparent"]) == upstream_trace

    lines = _json_lines(capsys.readouterr().out)
    handled = [line for line in lines if line.get("event") == "probe handled"]
    assert len(handled) == 1
    assert handled[0]["case_id"] == "case-kafka"
    assert handled[0]["trace_id"] == upstream_trace
    assert handled[0]["event_id"] == consumed.id
    assert handled[0]["service"] == "probe" and handled[0]["level"] == "info" and "timestamp" in handled[0]
    access = [line for line in lines if line.get("event") == "http request" and line.get("trace_id") == trace_id]
    assert len(access) == 1
    assert access[0]["route"] == "/probe/cases/{case_id}/start" and access[0]["status"] == 200
