"""The asylum REST API against a running service on real PostgreSQL (clock fixed at Fri 2026-07-10 12:00)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest

from keten_shared.events.catalog.asylum import DecisionOutcome
from keten_shared.testing.checks import assert_problem

CASEWORKER = "asylum-caseworker"
BASE = "/v1/applications"
NEGATIVE = {
    "REJECTED_UNFOUNDED",
    "REJECTED_MANIFESTLY_UNFOUNDED",
    "INADMISSIBLE",
    "IMPLICITLY_WITHDRAWN",
    "EXPLICITLY_WITHDRAWN",
}
# The API tests need no event consumer (joining its group only slows the module down).
APP_SETTINGS = {"consumer_enabled": False}


def body(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "person": {"family_name": "Rahimi", "given_names": "Omid", "nationalities": ["AFG"]},
        "made_at": "2026-07-06T09:00:00+02:00",  # Mon
    }
    return {k: v for k, v in (values | overrides).items() if v is not None}


def decision(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"outcome": "REJECTED_UNFOUNDED", "notified_at": "2026-07-10T09:00:00+02:00"}
    return {k: v for k, v in (values | overrides).items() if v is not None}


async def register(app, **overrides: Any) -> dict[str, Any]:
    response = await app.client.post(BASE, json=body(**overrides), headers=app.auth(CASEWORKER))
    assert response.status_code == 201, response.text
    return response.json()


async def decide(app, application_id: str, headers: dict[str, str] | None = None, **overrides: Any):
    return await app.client.post(
        f"{BASE}/{application_id}/decision",
        json=decision(**overrides),
        headers=app.auth(CASEWORKER) | (headers or {}),
    )


# --- registration ----------------------------------------------------------------------------------


async def test_register(app, probe):
    response = await app.client.post(BASE, json=body(), headers=app.auth(CASEWORKER))
    assert response.status_code == 201, response.text
    application = response.json()
    assert response.headers["location"] == f"{BASE}/{application['id']}"
    assert response.headers["etag"] == '"1"'
    assert (application["status"], application["version"], application["decision"]) == ("REGISTERED", 1, None)
    # APR 27(1): made Mon 07-06 + 5 = Sat 07-11 -> Mon 07-13; APR 28(1): registered Fri 07-10 + 21 = Fri 07-31.
    assert (application["registration_deadline"], application["lodging_deadline"]) == ("2026-07-13", "2026-07-31")
    assert datetime.fromisoformat(application["registered_at"]) == app.runtime.clock.now()
    assert (application["screening_case_id"], application["unaccompanied_minor"]) == (None, False)
    [row] = await probe.outbox(application["id"])
    assert row.event_type == "asylum.application.registered"
    [audit] = await probe.audit(application["id"])
    assert (audit.action, audit.actor) == ("application.registered", "user:tester")


async def test_registered_application_reads_back_identically(app):
    application = await register(app, made_at="2026-07-06T09:00:00-05:00")
    response = await app.client.get(f"{BASE}/{application['id']}", headers=app.auth("auditor"))
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.json() == application
    assert datetime.fromisoformat(application["made_at"]) == datetime(2026, 7, 6, 14, 0, tzinfo=UTC)


async def test_register_known_person_and_unaccompanied_minor(app):
    application = await register(app, person_id="person-9", unaccompanied_minor=True)
    assert (application["person_id"], application["unaccompanied_minor"]) == ("person-9", True)


@pytest.mark.parametrize(
    ("overrides", "slug"),
    [
        ({"made_at": "2026-07-06T09:00:00"}, "invalid-request"),  # naive
        ({"made_at": "2026-07-10T12:00:00.000001+02:00"}, "invalid-data"),  # future
        ({"made_at": "not a date"}, "invalid-request"),
        ({"person": {"given_names": "Omid"}}, "invalid-request"),
        ({"person": {"family_name": "Rahimi", "nationalities": ["af"]}}, "invalid-request"),
        ({"person": {"family_name": "Rahimi", "date_of_birth": "31-12-1990"}}, "invalid-request"),
        ({"person_id": "x" * 201}, "invalid-request"),
        ({"unaccompanied_minor": "perhaps"}, "invalid-request"),
        ({"screening_case_id": "s-1"}, "invalid-request"),  # not a field of a direct registration
    ],
)
async def test_422_invalid_registration(app, overrides, slug):
    response = await app.client.post(BASE, json=body(**overrides), headers=app.auth(CASEWORKER))
    assert_problem(response, 422, slug)


async def test_422_made_before_the_holiday_calendar_begins(app):
    response = await app.client.post(BASE, json=body(made_at="2019-12-01T09:00:00+01:00"), headers=app.auth(CASEWORKER))
    assert_problem(response, 422)


@pytest.mark.parametrize("missing", ["person", "made_at"])
async def test_422_missing_field(app, missing):
    payload = body()
    del payload[missing]
    problem = assert_problem(await app.client.post(BASE, json=payload, headers=app.auth(CASEWORKER)), 422)
    assert ["body", missing] in [error["loc"] for error in problem["errors"]]


# --- authentication and roles --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", BASE),
        ("GET", BASE),
        ("GET", f"{BASE}/x"),
        ("POST", f"{BASE}/x/decision"),
        ("GET", f"{BASE}/x/decision"),
    ],
)
async def test_401_without_a_token(app, method, path):
    response = await app.client.request(method, path, json=body())
    assert_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_401_with_a_token_of_another_issuer(app):
    token = jwt.encode(
        {"sub": "x", "roles": [CASEWORKER], "iss": "elsewhere", "aud": "keten", "exp": 4102444800},
        app.settings.auth_jwt_secret.get_secret_value(),
        algorithm="HS256",
    )
    assert_problem(await app.client.get(BASE, headers={"Authorization": f"Bearer {token}"}), 401)


@pytest.mark.parametrize("roles", [("screening-officer",), ("reception-officer",), ("return-officer",)])
async def test_403_with_the_wrong_role(app, roles):
    application = await register(app)
    assert_problem(await app.client.post(BASE, json=body(), headers=app.auth(*roles)), 403, "forbidden")
    assert_problem(await app.client.get(f"{BASE}/{application['id']}", headers=app.auth(*roles)), 403, "forbidden")
    response = await app.client.post(f"{BASE}/{application['id']}/decision", json=decision(), headers=app.auth(*roles))
    assert_problem(response, 403, "forbidden")


async def test_auditor_reads_but_does_not_decide(app):
    application = await register(app)
    response = await app.client.post(
        f"{BASE}/{application['id']}/decision", json=decision(), headers=app.auth("auditor")
    )
    assert_problem(response, 403, "forbidden")
    assert (await app.client.get(f"{BASE}/{application['id']}", headers=app.auth("auditor"))).status_code == 200


# --- decision ------------------------------------------------------------------------------------


async def test_decide(app, probe):
    application = await register(app)
    response = await decide(app, application["id"], headers={"If-Match": '"1"'})
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"{BASE}/{application['id']}/decision"
    assert response.headers["etag"] == '"2"'
    issued = response.json()
    assert (issued["outcome"], issued["procedure_type"]) == ("REJECTED_UNFOUNDED", "REGULAR")
    assert (issued["return_decision_required"], issued["return_decision_mode"]) == (True, "SEPARATE_ACT")
    assert issued["legal_basis"] == ["APR Art 39(3)", "APR Art 37"]
    assert datetime.fromisoformat(issued["decided_at"]) == app.runtime.clock.now()

    read = await app.client.get(f"{BASE}/{application['id']}/decision", headers=app.auth(CASEWORKER))
    assert (read.status_code, read.json()) == (200, issued)
    whole = await app.client.get(f"{BASE}/{application['id']}", headers=app.auth(CASEWORKER))
    assert whole.headers["etag"] == '"2"'
    assert (whole.json()["status"], whole.json()["decision"]) == ("DECIDED", issued)

    [row] = await probe.outbox(application["id"], "asylum.decision.issued")
    data = json.loads(row.payload)["data"]
    assert (data["decision_id"], data["return_decision_required"]) == (issued["id"], True)


@pytest.mark.parametrize("outcome", list(DecisionOutcome))
async def test_every_outcome_against_apr_37(app, probe, outcome):
    application = await register(app)
    response = await decide(app, application["id"], outcome=outcome.value)
    assert response.status_code == 201, response.text
    required = outcome.value in NEGATIVE
    assert response.json()["return_decision_required"] is required
    assert response.json()["return_decision_mode"] == ("SEPARATE_ACT" if required else None)
    [row] = await probe.outbox(application["id"], "asylum.decision.issued")
    assert json.loads(row.payload)["data"]["return_decision_required"] is required


@pytest.mark.parametrize("outcome", sorted(NEGATIVE))
async def test_pre_existing_return_decision(app, outcome):
    application = await register(app)
    response = await decide(app, application["id"], outcome=outcome, return_decision_mode="PRE_EXISTING")
    assert response.status_code == 201
    assert (response.json()["return_decision_required"], response.json()["return_decision_mode"]) == (
        False,
        "PRE_EXISTING",
    )


async def test_decide_twice_is_409(app, probe):
    application = await register(app)
    assert (await decide(app, application["id"])).status_code == 201
    problem = assert_problem(await decide(app, application["id"], outcome="GRANTED_REFUGEE"), 409)
    assert problem["type"] == "urn:keten:problem:transition-not-allowed"
    assert problem["current_status"] == "DECIDED"
    assert len(await probe.outbox(application["id"], "asylum.decision.issued")) == 1


async def test_412_on_a_stale_if_match(app, probe):
    application = await register(app)
    assert (await decide(app, application["id"], headers={"If-Match": '"1"'})).status_code == 201
    problem = assert_problem(await decide(app, application["id"], headers={"If-Match": '"1"'}), 412)
    assert problem["current_etag"] == '"2"'
    assert len(await probe.outbox(application["id"], "asylum.decision.issued")) == 1


async def test_412_leaves_the_application_undecided(app, probe):
    application = await register(app)
    assert_problem(await decide(app, application["id"], headers={"If-Match": '"5"'}), 412, "precondition-failed")
    assert (await app.client.get(f"{BASE}/{application['id']}", headers=app.auth(CASEWORKER))).json()["status"] == (
        "REGISTERED"
    )
    assert await probe.outbox(application["id"], "asylum.decision.issued") == []


@pytest.mark.parametrize(
    ("overrides", "slug"),
    [
        ({"outcome": "REJECTED"}, "invalid-request"),
        ({"outcome": None}, "invalid-request"),
        ({"procedure_type": "FAST"}, "invalid-request"),
        ({"return_decision_mode": "LATER"}, "invalid-request"),
        ({"notified_at": "2026-07-10T09:00:00"}, "invalid-request"),  # naive
        ({"notified_at": None}, "invalid-request"),
        ({"reasons": "none"}, "invalid-request"),
        ({"notified_at": "2026-07-06T06:59:59+00:00"}, "invalid-data"),  # before the making (07:00 UTC)
        ({"notified_at": "2026-07-10T12:00:00.000001+02:00"}, "invalid-data"),  # in the future
        ({"outcome": "GRANTED_REFUGEE", "return_decision_mode": "SEPARATE_ACT"}, "invalid-data"),
        ({"outcome": "CLOSED_OTHER_MS_RESPONSIBLE", "return_decision_mode": "PRE_EXISTING"}, "invalid-data"),
    ],
)
async def test_422_invalid_decision(app, probe, overrides, slug):
    application = await register(app)
    assert_problem(await decide(app, application["id"], **overrides), 422, slug)
    assert await probe.outbox(application["id"], "asylum.decision.issued") == []


async def test_notified_at_the_making_is_accepted(app):
    application = await register(app)
    assert (await decide(app, application["id"], notified_at="2026-07-06T07:00:00+00:00")).status_code == 201


async def test_404s(app):
    unknown = str(uuid.uuid4())
    assert_problem(await app.client.get(f"{BASE}/{unknown}", headers=app.auth(CASEWORKER)), 404, "not-found")
    assert_problem(await decide(app, unknown), 404, "not-found")
    response = await app.client.get(f"{BASE}/{unknown}/decision", headers=app.auth(CASEWORKER))
    assert_problem(response, 404, "not-found")
    undecided = await register(app)
    response = await app.client.get(f"{BASE}/{undecided['id']}/decision", headers=app.auth(CASEWORKER))
    assert_problem(response, 404, "not-found")


# --- listing -------------------------------------------------------------------------------------


async def test_pagination(app):
    person = f"paged-{uuid.uuid4()}"
    ids = sorted([(await register(app, person_id=person))["id"] for _ in range(3)])
    first = (await app.client.get(BASE, params={"person_id": person, "limit": 2}, headers=app.auth(CASEWORKER))).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    params = {"person_id": person, "limit": 2, "cursor": first["next_cursor"]}
    second = (await app.client.get(BASE, params=params, headers=app.auth(CASEWORKER))).json()
    assert (len(second["items"]), second["next_cursor"]) == (1, None)
    assert [item["id"] for item in first["items"] + second["items"]] == ids


async def test_filters(app):
    person = f"filtered-{uuid.uuid4()}"
    open_one = await register(app, person_id=person)
    decided = await register(app, person_id=person)
    await decide(app, decided["id"])

    async def ids(**params: Any) -> list[str]:
        response = await app.client.get(BASE, params={"person_id": person} | params, headers=app.auth(CASEWORKER))
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids(status="REGISTERED") == [open_one["id"]]
    assert await ids(status="DECIDED") == [decided["id"]]
    assert await ids(screening_case_id="no-such-screening") == []


@pytest.mark.parametrize("params", [{"status": "OPEN"}, {"limit": 0}, {"limit": 1000}, {"cursor": "%%%"}])
async def test_422_bad_list_parameters(app, params):
    assert_problem(await app.client.get(BASE, params=params, headers=app.auth(CASEWORKER)), 422)
