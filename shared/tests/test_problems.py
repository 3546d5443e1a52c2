"""RFC 9457 problem details for every error a service returns."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from keten_shared import errors
from keten_shared.http.problems import PROBLEM_JSON

SECRET = "password=hunter2 at db-internal:5432"

router = APIRouter()

ERRORS: dict[str, type[errors.KetenError]] = {
    cls.__name__: cls for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.KetenError)
}


@router.get("/probe/raise/{name}")
async def raise_error(name: str) -> None:
    raise ERRORS[name](f"{name} raised on purpose")


@router.get("/probe/extensions")
async def with_extensions() -> None:
    raise errors.InvalidData(
        "the date is in the future",
        type="urn:evil",
        title="Overwritten",
        status=200,
        instance="/elsewhere",
        slug="evil",
        headers={"X-Evil": "1"},
        field="decided_at",
    )


class Body(BaseModel):
    name: str = Field(min_length=1)
    count: int = Field(ge=0)


@router.post("/probe/validated")
async def validated(body: Body, limit: Annotated[int, Query(ge=1, le=10)] = 5) -> dict[str, int]:
    return {"limit": limit}


@router.get("/probe/crash")
async def crash() -> None:
    raise RuntimeError(SECRET)


@router.get("/probe/teapot")
async def teapot() -> None:
    raise HTTPException(status_code=418, detail="short and stout", headers={"X-Pot": "tea"})


def assert_problem(response, status: int, slug: str, instance: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["type"] == f"urn:keten:problem:{slug}"
    assert body["status"] == status
    assert body["title"]
    assert body["instance"] == instance
    return body


def test_every_error_class_is_covered() -> None:
    assert set(ERRORS) == {
        "KetenError",
        "NotFound",
        "TransitionNotAllowed",
        "ConcurrentModification",
        "PreconditionFailed",
        "InvalidData",
        "Unauthenticated",
        "Forbidden",
    }


@pytest.mark.parametrize("name", sorted(ERRORS))
async def test_each_error_class_maps_to_its_status(bare_app, kit, name: str) -> None:
    cls = ERRORS[name]
    async with bare_app(kit.probe_spec(routers=[router])) as (_app, client):
        response = await client.get(f"/probe/raise/{name}")
    body = assert_problem(response, cls.status, cls.slug, f"/probe/raise/{name}")
    assert body["title"] == cls.title
    assert body["detail"] == f"{name} raised on purpose"
    assert ("www-authenticate" in response.headers) == (cls.status == 401)
    expected = {
        "KetenError": 500,
        "NotFound": 404,
        "TransitionNotAllowed": 409,
        "ConcurrentModification": 409,
        "PreconditionFailed": 412,
        "InvalidData": 422,
        "Unauthenticated": 401,
        "Forbidden": 403,
    }
    assert response.status_code == expected[name]


async def test_extension_members_never_overwrite_standard_members(bare_app, kit) -> None:
    async with bare_app(kit.probe_spec(routers=[router])) as (_app, client):
        response = await client.get("/probe/extensions")
    body = assert_problem(response, 422, "invalid-data", "/probe/extensions")
    assert body["title"] == "Invalid data"
    assert body["detail"] == "the date is in the future"
    assert body["field"] == "decided_at"
    assert "x-evil" not in response.headers


async def test_request_validation_is_a_422_problem_listing_the_errors(bare_app, kit) -> None:
    async with bare_app(kit.probe_spec(routers=[router])) as (_app, client):
        response = await client.post("/probe/validated?limit=11", json={"name": "", "count": -1, "x": SECRET})
        body = assert_problem(response, 422, "invalid-request", "/probe/validated")
        locations = {tuple(e["loc"]) for e in body["errors"]}
        assert locations == {("query", "limit"), ("body", "name"), ("body", "count")}
        assert all(set(e) == {"loc", "msg", "type"} for e in body["errors"])  # no echo of the input
        assert SECRET not in response.text

        response = await client.post(
            "/probe/validated", content=b"{not json", headers={"content-type": "application/json"}
        )
        assert_problem(response, 422, "invalid-request", "/probe/validated")


async def test_unknown_routes_and_methods_are_problems(bare_app, kit) -> None:
    async with bare_app(kit.probe_spec(routers=[router])) as (_app, client):
        body = assert_problem(await client.get("/no/such/route"), 404, "not-found", "/no/such/route")
        assert body["title"] == "Not Found"
        response = await client.delete("/probe/crash")
        assert_problem(response, 405, "method-not-allowed", "/probe/crash")
        assert response.headers["allow"] == "GET"
        response = await client.get("/probe/teapot")
        body = assert_problem(response, 418, "i'm-a-teapot", "/probe/teapot")
        assert body["detail"] == "short and stout" and response.headers["x-pot"] == "tea"


async def test_an_unexpected_exception_is_a_500_problem_without_its_text(bare_app, kit) -> None:
    traceparent, trace_id = kit.new_traceparent()
    async with bare_app(kit.probe_spec(routers=[router])) as (_app, client):
        response = await client.get("/probe/crash", headers={"traceparent": traceparent})
    body = assert_problem(response, 500, "internal-error", "/probe/crash")
    assert body["title"] == "Internal error"
    assert body["trace_id"] == trace_id  # the operator can find the logged stack trace by it
    assert kit.trace_id(response.headers["traceparent"]) == trace_id
    assert "detail" not in body
    assert SECRET not in response.text and "RuntimeError" not in response.text
