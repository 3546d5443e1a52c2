"""Prometheus metrics of the plumbing; each service process exposes them on /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter("keten_http_requests_total", "HTTP requests handled", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram("keten_http_request_duration_seconds", "HTTP request latency", ["service", "method", "route"])
OUTBOX_PUBLISHED = Counter("keten_outbox_published_total", "events published from the outbox", ["service"])
OUTBOX_RELAY_ERRORS = Counter("keten_outbox_relay_errors_total", "failed outbox relay rounds", ["service"])
EVENTS_CONSUMED = Counter(
    "keten_events_consumed_total",
    "events taken from Kafka, by outcome (handled, duplicate, ignored, dead_lettered)",
    ["service", "event_type", "outcome"],
)
EVENT_HANDLING_LATENCY = Histogram(
    "keten_event_handling_duration_seconds", "time to handle one event", ["service", "event_type"]
)
EVENT_HANDLER_RETRIES = Counter(
    "keten_event_handler_retries_total", "handler attempts that failed and were retried", ["service", "event_type"]
)
DEADLINES_FIRED = Counter("keten_deadlines_fired_total", "due deadlines acted on", ["service", "kind"])
DEADLINE_ERRORS = Counter("keten_deadline_errors_total", "deadline handlers that failed", ["service", "kind"])
DEADLINE_SCAN = Histogram(
    "keten_deadline_scan_seconds",
    "time the scheduler takes to find and claim the next due deadline (or to find none)",
    ["service"],
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
