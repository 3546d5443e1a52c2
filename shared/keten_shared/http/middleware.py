"""One ASGI middleware for every request: trace context in and out, metrics, an access log line."""

from __future__ import annotations

import time

import structlog
from opentelemetry.trace import SpanKind
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from keten_shared.http.problems import problem
from keten_shared.logging import get_logger
from keten_shared.metrics import HTTP_LATENCY, HTTP_REQUESTS
from keten_shared.tracing import current_traceparent, span

log = get_logger("keten.http")


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        incoming = headers.get(b"traceparent", b"").decode("latin-1") or None
        method = scope["method"]
        status: int | None = None
        started = time.perf_counter()

        with (
            span(f"{method} {scope['path']}", traceparent=incoming, kind=SpanKind.SERVER),
            structlog.contextvars.bound_contextvars(http_method=method, http_path=scope["path"]),
        ):
            traceparent = current_traceparent()

            async def send_with_trace(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    if traceparent:
                        message.setdefault("headers", []).append((b"traceparent", traceparent.encode()))
                await send(message)

            try:
                await self.app(scope, receive, send_with_trace)
            except Exception:
                if status is not None:  # the response had begun; nothing sensible can follow
                    raise
                # Answered here rather than by Starlette's outermost handler, so the problem
                # carries this request's trace id.
                log.exception("unhandled error", path=scope["path"])
                fallback = problem(500, slug="internal-error", title="Internal error", instance=scope["path"])
                await fallback(scope, receive, send_with_trace)
            finally:
                route = scope.get("route")
                template = getattr(route, "path", "unmatched")
                elapsed = time.perf_counter() - started
                HTTP_REQUESTS.labels(self.service, method, template, str(status or 500)).inc()
                HTTP_LATENCY.labels(self.service, method, template).observe(elapsed)
                if not template.startswith(("/health", "/metrics")):
                    log.info("http request", route=template, status=status, duration_ms=round(elapsed * 1000, 1))
