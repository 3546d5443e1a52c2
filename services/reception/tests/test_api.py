"""The reception REST API (read side) against a running service on real PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from keten_reception.service_layer import handlers
from keten_shared.events.catalog.asylum import ApplicationRegistered
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.testing.checks import assert_problem

AMS = ZoneInfo("Europe/Amsterdam")
OFFICER = "reception-officer"
BASE = "/v1/reception-files"
# The API tests need no event consumer (joining its group only slows the module down).
APP_SETTINGS = {"consumer_enabled": False}


async def open_file(app, event_of, person_id: str) -> ApplicationRegistered:
    data = ApplicationRegistered(
        case_id=f"asylum-{uuid.uuid4()}",
        person_id=person_id,
        member_state="NL",
        made_at=datetime(2026, 7, 1, 10, 0, tzinfo=AMS),
        registered_at=datetime(2026, 7, 3, 10, 0, tzinfo=AMS),
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
    data = await open_file(app, event_of, person)
    [file] = (await listed(app, person_id=person))["items"]
    response = await app.client.get(f"{BASE}/{file['id']}", headers=app.auth("supervisor", subject="sam"))
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.json() == file
    # Reception scenario 2: made Wed 2026-07-01 -> needs assessment due Fri 2026-07-31.
    assert (file["asylum_case_id"], file["status"], file["needs_assessment_due"]) == (
        data.case_id,
        "OPEN_UNPLACED",
        "2026-07-31",
    )
    # No Dublin effect yet: the full reception conditions since the file was opened.
    assert (file["conditions"], file["conditions_since"], file["conditions_basis"]) == ("FULL", None, None)
    reads = [row for row in await probe.audit(file["id"]) if row.action == "reception_file.read"]
    reads = [
        row for row in reads if not (row.details or {}).get("in_list")
    ]  # list reads: see test_list_reads_are_audited
    assert [row.actor for row in reads] == ["user:sam"]


async def test_filters_and_pagination(app, event_of):
    person = f"p-{uuid.uuid4()}"
    opened = [await open_file(app, event_of, person) for _ in range(3)]
    first = await listed(app, person_id=person, limit=2)
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = await listed(app, person_id=person, limit=2, cursor=first["next_cursor"])
    assert (len(second["items"]), second["next_cursor"]) == (1, None)
    assert {item["asylum_case_id"] for item in first["items"] + second["items"]} == {d.case_id for d in opened}
    [only] = (await listed(app, asylum_case_id=opened[1].case_id))["items"]
    assert only["person_id"] == person
    assert len((await listed(app, person_id=person, status="OPEN_UNPLACED"))["items"]) == 3


async def test_404(app):
    assert_problem(await app.client.get(f"{BASE}/{uuid.uuid4()}", headers=app.auth(OFFICER)), 404, "not-found")


@pytest.mark.parametrize("path", [BASE, f"{BASE}/x"])
async def test_401_without_a_token(app, path):
    assert_problem(await app.client.get(path), 401, "unauthenticated")


@pytest.mark.parametrize("roles", [("asylum-caseworker",), ("dublin-officer", "return-officer")])
async def test_403_with_the_wrong_role(app, roles):
    assert_problem(await app.client.get(BASE, headers=app.auth(*roles)), 403, "forbidden")
    assert_problem(await app.client.get(f"{BASE}/x", headers=app.auth(*roles)), 403, "forbidden")


@pytest.mark.parametrize("params", [{"status": "PLACED"}, {"limit": -1}, {"limit": 201}, {"cursor": "eyJ4Ijox"}])
async def test_422_bad_list_parameters(app, params):
    assert_problem(await app.client.get(BASE, params=params, headers=app.auth(OFFICER)), 422)
