"""The dublin REST API (read side) against a running service on real PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from keten_dublin.service_layer import handlers
from keten_shared.events.catalog.asylum import ApplicationRegistered
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.testing.checks import assert_problem

OFFICER = "dublin-officer"
BASE = "/v1/procedures"

# The API tests need no event consumer (joining its group only slows the module down).
APP_SETTINGS = {"consumer_enabled": False}


async def start(app, event_of, person_id: str, registered_at: datetime) -> ApplicationRegistered:
    data = ApplicationRegistered(
        case_id=f"asylum-{uuid.uuid4()}",
        person_id=person_id,
        member_state="NL",
        made_at=registered_at,
        registered_at=registered_at,
        lodging_deadline=date(2026, 7, 24),
        person=PersonDetails(family_name="Doe"),
    )
    async with app.runtime.uow() as uow:
        await handlers.on_application_registered(data, event_of(data, subject=data.case_id), uow)
        await uow.commit()
    return data


async def listed(app, **params: Any) -> dict[str, Any]:
    response = await app.client.get(BASE, params=params, headers=app.auth(OFFICER))
    assert response.status_code == 200, response.text
    return response.json()


async def test_get_one(app, probe, event_of):
    person = f"p-{uuid.uuid4()}"
    data = await start(app, event_of, person, datetime(2026, 6, 30, 12, 0, tzinfo=UTC))
    [procedure] = (await listed(app, person_id=person))["items"]
    response = await app.client.get(f"{BASE}/{procedure['id']}", headers=app.auth("auditor", subject="ann"))
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.json() == procedure
    assert (procedure["asylum_case_id"], procedure["regime"], procedure["status"]) == (
        data.case_id,
        "DUBLIN_III",
        "DETERMINING",
    )
    reads = [row for row in await probe.audit(procedure["id"]) if row.action == "dublin_procedure.read"]
    reads = [
        row for row in reads if not (row.details or {}).get("in_list")
    ]  # list reads: see test_list_reads_are_audited
    assert [row.actor for row in reads] == ["user:ann"]


async def test_filters_and_pagination(app, event_of):
    person = f"p-{uuid.uuid4()}"
    started = [await start(app, event_of, person, datetime(2026, 7, 2, 9, 0, tzinfo=UTC)) for _ in range(3)]
    first = await listed(app, person_id=person, limit=2)
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = await listed(app, person_id=person, limit=2, cursor=first["next_cursor"])
    assert (len(second["items"]), second["next_cursor"]) == (1, None)
    assert {item["asylum_case_id"] for item in first["items"] + second["items"]} == {d.case_id for d in started}
    [only] = (await listed(app, asylum_case_id=started[2].case_id))["items"]
    assert only["regime"] == "AMMR"
    assert len((await listed(app, person_id=person, status="DETERMINING"))["items"]) == 3


async def test_404(app):
    assert_problem(await app.client.get(f"{BASE}/{uuid.uuid4()}", headers=app.auth(OFFICER)), 404, "not-found")


@pytest.mark.parametrize("path", [BASE, f"{BASE}/x"])
async def test_401_without_a_token(app, path):
    assert_problem(await app.client.get(path), 401, "unauthenticated")


@pytest.mark.parametrize("roles", [("asylum-caseworker",), ("reception-officer", "screening-officer")])
async def test_403_with_the_wrong_role(app, roles):
    assert_problem(await app.client.get(BASE, headers=app.auth(*roles)), 403, "forbidden")
    assert_problem(await app.client.get(f"{BASE}/x", headers=app.auth(*roles)), 403, "forbidden")


@pytest.mark.parametrize("params", [{"status": "DEPORTED"}, {"limit": 0}, {"limit": "ten"}, {"cursor": "e30="}])
async def test_422_bad_list_parameters(app, params):
    assert_problem(await app.client.get(BASE, params=params, headers=app.auth(OFFICER)), 422)
