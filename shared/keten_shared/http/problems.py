"""RFC 9457 problem details (``application/problem+json``) for every error a service returns."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from keten_shared.errors import ConcurrentModification, KetenError
from keten_shared.logging import get_logger
from keten_shared.tracing import current_trace_id

PROBLEM_JSON = "application/problem+json"
log = get_logger(__name__)


_MEMBERS = frozenset({"type", "title", "status", "detail", "instance"})


def problem(
    status: int,
    /,
    *,
    slug: str,
    title: str,
    detail: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": f"urn:keten:problem:{slug}", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    if trace_id := current_trace_id():
        body["trace_id"] = trace_id
    # Extension members (RFC 9457 §3.2) never overwrite the standard ones.
    body.update({key: value for key, value in extra.items() if key not in _MEMBERS})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Only the parts that are safe and useful to echo: where, what, which rule.
    return [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()]


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(KetenError)
    async def _keten(request: Request, exc: KetenError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return problem(
            exc.status,
            slug=exc.slug,
            title=exc.title,
            detail=exc.detail,
            instance=request.url.path,
            headers=headers,
            # Extension members named like a standard member or an argument of problem() are dropped.
            **{key: value for key, value in exc.extra.items() if key not in _MEMBERS | {"slug", "headers"}},
        )

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, _exc: StaleDataError) -> JSONResponse:
        # Any flush may find that the version column moved under us (optimistic concurrency).
        return await _keten(request, ConcurrentModification("the record was changed meanwhile; reload and retry"))

    @app.exception_handler(IntegrityError)
    async def _conflict(request: Request, _exc: IntegrityError) -> JSONResponse:
        # A uniqueness the database guards (e.g. one running screening a person) was hit by a concurrent request.
        return await _keten(request, ConcurrentModification("the change conflicts with one made at the same time"))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem(
            422,
            slug="invalid-request",
            title="Invalid request",
            detail="The request does not match the API.",
            instance=request.url.path,
            errors=_validation_errors(exc),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = HTTPStatus(exc.status_code)
        return problem(
            exc.status_code,
            slug=status.phrase.lower().replace(" ", "-"),
            title=status.phrase,
            detail=str(exc.detail) if exc.detail != status.phrase else None,
            instance=request.url.path,
            headers=dict(exc.headers or {}) or None,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", path=request.url.path)
        return problem(500, slug="internal-error", title="Internal error", instance=request.url.path)
