"""Operators' and partners' endpoints: liveness, readiness, metrics, schemas, AsyncAPI."""

from __future__ import annotations

import asyncio
import uuid

from prometheus_client.parser import text_string_to_metric_families

from keten_shared.events.envelope import CloudEvent
from keten_shared.events.registry import EventData
from keten_shared.scheduler import DueDeadline
from keten_shared.testing.fixtures import running_app, settings_for_test
from keten_shared.uow import UnitOfWork


async def _on_event(data: EventData, event: CloudEvent, uow: UnitOfWork) -> None:
    pass


async def _on_deadline(due: DueDeadline, uow: UnitOfWork) -> None:
    pass


def _samples(text: str, name: str) -> list:
    return [s for family in text_string_to_metric_families(text) for s in family.samples if s.name == name]


async def test_health_readiness_metrics_and_schemas_of_a_running_service(service_app, kit) -> None:
    event_type = kit.probe_event("x").type
    spec = kit.probe_spec(handlers={event_type: _on_event}, deadline_handlers={"reply": _on_deadline})
    async with service_app(spec) as sut:
        client = sut.client
        live = await client.get("/health/live")
        assert live.status_code == 200 and live.json() == {"status": "ok"}

        ready = await client.get("/health/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json() == {
            "status": "ready",
            "checks": {
                "database": "ok",
                "broker": "ok",
                "background": {
                    "outbox-relay": "running",
                    "event-consumer": "running",
                    "deadline-scheduler": "running",
                },
            },
        }

        await client.get("/no/such/page")
        metrics = await client.get("/metrics")
        assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
        requests = {
            (s.labels["route"], s.labels["status"]): s.value
            for s in _samples(metrics.text, "keten_http_requests_total")
            if s.labels["service"] == "probe" and s.labels["method"] == "GET"
        }
        assert requests[("/health/live", "200")] >= 1
        assert requests[("/health/ready", "200")] >= 1
        assert requests[("unmatched", "404")] >= 1  # unknown paths do not each make a new series
        assert "keten_http_request_duration_seconds_bucket" in metrics.text

        schema = await client.get(f"/schemas/{event_type}/v1.json")
        assert schema.status_code == 200
        assert {"case_id", "person_id", "started_at"} <= set(schema.json()["properties"])
        for unknown in [f"/schemas/{event_type}/v99.json", "/schemas/no.such.event/v1.json"]:
            missing = await client.get(unknown)
            assert missing.status_code == 404
            assert missing.headers["content-type"] == "application/problem+json"
            assert missing.json()["type"] == "urn:keten:problem:not-found"
        assert (await client.get("/schemas/x/vone.json")).status_code in (404, 422)

        asyncapi = await client.get("/asyncapi.json")
        assert asyncapi.status_code == 200 and asyncapi.json()["asyncapi"].startswith("3.")

        # A background loop that has stopped makes the instance not ready.
        relay_task = sut.runtime._tasks["outbox-relay"]
        relay_task.cancel()
        await asyncio.gather(relay_task, return_exceptions=True)
        ready = await client.get("/health/ready")
        assert ready.status_code == 503
        assert ready.json()["checks"]["background"]["outbox-relay"] == "stopped"


async def test_readiness_names_an_unreachable_database(broker, topic_prefix, kit) -> None:
    missing = f"postgresql+asyncpg://postgres@127.0.0.1:5432/keten_missing_{uuid.uuid4().hex[:8]}"
    settings = settings_for_test(missing, broker, topic_prefix)
    async with running_app(kit.probe_spec(), settings) as sut:  # start-up needs only the broker
        assert (await sut.client.get("/health/live")).status_code == 200
        ready = await sut.client.get("/health/ready")
        assert ready.status_code == 503
        body = ready.json()
        assert body["status"] == "not ready"
        assert body["checks"]["database"].startswith("unreachable")
        assert body["checks"]["broker"] == "ok"
        assert body["checks"]["background"] == {"outbox-relay": "running"}  # it keeps retrying
