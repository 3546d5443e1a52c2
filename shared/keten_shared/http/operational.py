"""Endpoints for operators and partners: liveness, readiness, Prometheus metrics, AsyncAPI, schemas."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from keten_shared.errors import NotFound
from keten_shared.events import asyncapi
from keten_shared.events.registry import UnknownEventType, event_model
from keten_shared.events.schemas import schema_for


def operational_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/health/live", summary="The process is up")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/health/ready",
        summary="Database and broker reachable, background loops running",
        responses={503: {"description": "not ready; the body says which check failed"}},
    )
    async def ready(request: Request) -> JSONResponse:
        runtime = request.app.state.runtime
        checks: dict[str, Any] = {}
        try:
            async with runtime.engine.connect() as connection:
                await asyncio.wait_for(connection.execute(text("SELECT 1")), timeout=2)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unreachable: {exc!r}"
        try:
            await asyncio.wait_for(runtime.producer.client.fetch_all_metadata(), timeout=2)
            checks["broker"] = "ok"
        except Exception as exc:
            checks["broker"] = f"unreachable: {exc!r}"
        checks["background"] = runtime.task_status()
        healthy = (
            checks["database"] == "ok"
            and checks["broker"] == "ok"
            and all(state == "running" for state in checks["background"].values())
        )
        return JSONResponse(
            {"status": "ready" if healthy else "not ready", "checks": checks}, status_code=200 if healthy else 503
        )

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @router.get("/asyncapi.json", summary="AsyncAPI 3 document of this service's topics")
    async def asyncapi_document(request: Request) -> dict[str, Any]:
        runtime = request.app.state.runtime
        spec = runtime.spec
        return asyncapi.build(
            {spec.name: list(spec.event_handlers)},
            only_service=spec.name,
            partitions=runtime.settings.topic_partitions,
        )

    @router.get("/schemas/{event_type}/v{version}.json", summary="JSON Schema of an event type and version")
    async def event_schema(event_type: str, version: int) -> dict[str, Any]:
        try:
            return schema_for(event_model(event_type, version))
        except UnknownEventType:
            raise NotFound(f"no schema for {event_type} v{version}") from None

    return router
