"""Structured JSON logs carrying the case id and the trace id of the work in hand."""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

from keten_shared.settings import LogFormat
from keten_shared.tracing import current_trace_id


def _add_trace_id(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
    trace_id = current_trace_id()
    if trace_id and "trace_id" not in event:
        event["trace_id"] = trace_id
    return event


def setup_logging(service: str, level: str = "INFO", fmt: LogFormat = LogFormat.JSON) -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,  # case_id and the like, bound per request or event
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_trace_id,
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
    ]
    renderer = (
        structlog.processors.JSONRenderer() if fmt is LogFormat.JSON else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,  # uvicorn, aiokafka and SQLAlchemy log through the same pipeline
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                lambda _l, _n, e: {**e, "service": service},
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "aiokafka.consumer.group_coordinator"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    logging.getLogger("uvicorn.access").handlers[:] = []
    logging.getLogger("uvicorn.access").propagate = True


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.stdlib.get_logger(name)
