"""W3C trace context: from HTTP requests into events, and from events into their handlers.

OpenTelemetry's SDK makes the span ids; no exporter is configured here (an operator adds one
with the standard OTEL_* environment variables and an exporter package).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_propagator = TraceContextTextMapPropagator()


def setup_tracing(service: str) -> None:
    # The global provider can be set once per process; tests start several apps in one.
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(TracerProvider(resource=Resource.create({"service.name": f"keten-{service}"})))


def extract(traceparent: str | None) -> Context:
    return _propagator.extract({"traceparent": traceparent} if traceparent else {})


@contextmanager
def span(
    name: str, *, traceparent: str | None = None, kind: trace.SpanKind = trace.SpanKind.INTERNAL
) -> Iterator[trace.Span]:
    """A span, child of ``traceparent`` when given, else of the current context."""
    parent = extract(traceparent) if traceparent else None
    with trace.get_tracer("keten").start_as_current_span(name, context=parent, kind=kind) as current:
        yield current


def current_traceparent() -> str | None:
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get("traceparent")


def current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
