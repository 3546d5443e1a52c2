"""The asylum REST API against a running service on real PostgreSQL (clock fixed at Fri 2026-07-10 12:00).

The worked scenarios of the asylum chapter (§10) run through this API in test_scenarios.py; this module
covers each endpoint, its errors and its roles.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest

from keten_asylum.service_layer import handlers
from keten_shared.events.catalog.return_ import ReturnDecisionIssued, ReturnTrigger
from keten_shared.testing.checks import assert_problem
from keten_shared.testing.service_fixtures import AMS, NOW, cloud_event

CASEWORKER = "asylum-caseworker"
SUPERVISOR = "supervisor"
BASE = "/v1/applications"
# The API tests need no event consumer and drive time themselves.
APP_SETTINGS = {"consumer_enabled": False, "scheduler_enabled": False}


def body(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "person": {"family_name": "Rahimi", "given_names": "Omid", "nationalities": ["AFG"]},
        "made_at": "2026-07-06T09:00:00+02:00",  # Mon
    }
    return {k: v for k, v in (values | overrides).items() if v is not None}


def withdrawal(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "type": "EXPLICIT",
        "withdrawn_at": "2026-07-10T09:00:00+02:00",
        "notified_at": "2026-07-10T11:00:00+02:00",
    }
    return {k: v for k, v in (values | overrides).items() if v is not None}


def decision(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"outcome": "REJECTED_UNFOUNDED", "notified_at": "2026-07-10T11:00:00+02:00"}
    return {k: v for k, v in (values | overrides).items() if v is not None}


async def post(app, path: str, payload: dict[str, Any], *, role: str = CASEWORKER, **headers: str):
    return await app.client.post(path, json=payload, headers=app.auth(role) | headers)


async def ok(app, path: str, payload: dict[str, Any], status: int = 200) -> dict[str, Any]:
    response = await post(app, path, payload)
    assert response.status_code == status, response.text
    return response.json()


async def read(app, application_id: str) -> dict[str, Any]:
    response = await app.client.get(f"{BASE}/{application_id}", headers=app.auth("auditor"))
    assert response.status_code == 200, response.text
    return response.json()


async def made(app, **overrides: Any) -> dict[str, Any]:
    return await ok(app, BASE, body(**overrides), 201)


async def registered(app, **overrides: Any) -> dict[str, Any]:
    """Made Mon 07-06, registered Tue 07-07 10:00 (the clock moves there and back to NOW)."""
    application = await made(app, **overrides)
    app.runtime.clock.set(datetime(2026, 7, 7, 10, 0, tzinfo=AMS))
    try:
        return await ok(app, f"{BASE}/{application['id']}/registration", {})
    finally:
        app.runtime.clock.set(NOW)


async def lodged(app, **overrides: Any) -> dict[str, Any]:
    """Lodged Wed 07-08 10:00."""
    application = await registered(app, **overrides)
    return await ok(app, f"{BASE}/{application['id']}/lodging", {"lodged_at": "2026-07-08T10:00:00+02:00"})


async def routed(app, routing: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    application = await lodged(app, **overrides)
    await ok(app, f"{BASE}/{application['id']}/routing", routing or {})
    return await read(app, application["id"])


async def decided(app, routing: dict[str, Any] | None = None, **overrides: Any) -> tuple[dict[str, Any], dict]:
    application = await routed(app, routing)
    issued = await ok(app, f"{BASE}/{application['id']}/decision", decision(**overrides), 201)
    return await read(app, application["id"]), issued


# --- making (APR Art 26) -------------------------------------------------------------------------


async def test_make_an_application(app, probe):
    response = await post(app, BASE, body(authority="IND Ter Apel", place="Ter Apel"))
    assert response.status_code == 201, response.text
    application = response.json()
    assert response.headers["location"] == f"{BASE}/{application['id']}"
    assert response.headers["etag"] == '"1"'
    assert (application["status"], application["decision"], application["registered_at"]) == ("MADE", None, None)
    # APR Art 27(1): made Mon 07-06, + 5 days = Sat 07-11, rolled to Mon 07-13 (APR Art 73).
    assert application["registration_deadline"] == "2026-07-13"
    assert (application["made_to_authority"], application["made_place"]) == ("IND Ter Apel", "Ter Apel")
    assert application["right_to_remain"] is True
    assert application["right_to_remain_basis"] == "APR Art 10(1)"
    [event] = await probe.event_data(application["id"], "asylum.application.made")
    assert (event["during_screening"], event["registration_deadline"]) == (False, "2026-07-13")
    kinds = {(d.kind, d.status) for d in await probe.deadlines(application["id"])}
    assert ("asylum.registration_limit", "open") in kinds
    [audit] = await probe.audit(application["id"])
    assert (audit.action, audit.actor, audit.legal_basis) == ("application.made", "user:tester", "APR Art 26(1)")


async def test_an_application_reads_back_identically(app):
    application = await made(app, made_at="2026-07-06T09:00:00-05:00")
    response = await app.client.get(f"{BASE}/{application['id']}", headers=app.auth("auditor"))
    assert (response.status_code, response.headers["etag"]) == (200, '"1"')
    assert response.json() == application
    assert datetime.fromisoformat(application["made_at"]) == datetime(2026, 7, 6, 14, 0, tzinfo=UTC)


async def test_a_known_person_and_an_unaccompanied_minor(app):
    application = await made(app, person_id="person-9", unaccompanied_minor=True)
    assert (application["person_id"], application["unaccompanied_minor"]) == ("person-9", True)


@pytest.mark.parametrize(
    ("overrides", "slug"),
    [
        ({"made_at": "2026-07-06T09:00:00"}, "invalid-request"),  # naive
        ({"made_at": "2026-07-10T12:00:00.000001+02:00"}, "invalid-data"),  # future
        ({"made_at": "not a date"}, "invalid-request"),
        ({"made_at": "2019-12-01T09:00:00+01:00"}, "invalid-data"),  # before the holiday calendar
        ({"person": {"given_names": "Omid"}}, "invalid-request"),
        ({"person": {"family_name": "Rahimi", "nationalities": ["af"]}}, "invalid-request"),
        ({"person": {"family_name": "Rahimi", "nationalities": ["XYZ"]}}, "invalid-data"),
        ({"person": {"family_name": "Rahimi", "nationalities": ["XXA"]}}, "invalid-data"),  # stateless is a flag
        ({"person": {"family_name": "Rahimi", "date_of_birth": "31-12-1990"}}, "invalid-request"),
        ({"person_id": "x" * 201}, "invalid-request"),
        ({"unaccompanied_minor": "perhaps"}, "invalid-request"),
        ({"screening_case_id": "s-1"}, "invalid-request"),  # only screening refers a case
    ],
)
async def test_422_invalid_application(app, overrides, slug):
    assert_problem(await post(app, BASE, body(**overrides)), 422, slug)


@pytest.mark.parametrize("missing", ["person", "made_at"])
async def test_422_missing_field(app, missing):
    payload = body()
    del payload[missing]
    problem = assert_problem(await post(app, BASE, payload), 422)
    assert ["body", missing] in [error["loc"] for error in problem["errors"]]


# --- registration and lodging (APR Art 27-29) ----------------------------------------------------


async def test_register(app, probe):
    application = await made(app)
    response = await post(
        app,
        f"{BASE}/{application['id']}/registration",
        {"place_of_birth": "Herat", "address": "Ter Apel", "information_confirmed": True},
        **{"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    application = response.json()
    assert application["status"] == "REGISTERED"
    assert datetime.fromisoformat(application["registered_at"]) == app.runtime.clock.now()
    # APR Art 28(1): registered Fri 07-10, + 21 days = Fri 07-31.
    assert application["lodging_deadline"] == "2026-07-31"
    assert application["registration"]["information_confirmed"] is True
    [event] = await probe.event_data(application["id"], "asylum.application.registered")
    assert (event["lodging_deadline"], event["stateless"]) == ("2026-07-31", False)
    [document] = await probe.event_data(application["id"], "asylum.document.issued")
    assert (document["document_type"], document["legal_basis"]) == ("REGISTRATION_CERT", "APR Art 29(1)")
    kinds = {(d.kind, d.status) for d in await probe.deadlines(application["id"])}
    assert {("asylum.registration_limit", "cancelled"), ("asylum.lodging_limit", "open")} <= kinds


async def test_lodge(app, probe):
    application = await registered(app)
    response = await post(app, f"{BASE}/{application['id']}/lodging", {"lodged_at": "2026-07-08T10:00:00+02:00"})
    assert response.status_code == 200, response.text
    application = response.json()
    assert (application["status"], application["lodging_mode"]) == ("LODGED", "IN_PERSON")
    [event] = await probe.event_data(application["id"], "asylum.application.lodged")
    assert event["lodged_at"] == "2026-07-08T08:00:00Z"
    documents = await probe.event_data(application["id"], "asylum.document.issued")
    assert [d["document_type"] for d in documents] == ["REGISTRATION_CERT", "APPLICANT_DOCUMENT"]
    assert ("asylum.lodging_limit", "cancelled") in {
        (d.kind, d.status) for d in await probe.deadlines(application["id"])
    }


@pytest.mark.parametrize(
    ("lodged_at", "slug"),
    [
        ("2026-07-07T09:59:59+02:00", "invalid-data"),  # before the registration
        ("2026-07-10T12:00:00.000001+02:00", "invalid-data"),  # in the future
        ("2026-07-10T12:00:00", "invalid-request"),  # naive
    ],
)
async def test_422_invalid_lodging_instant(app, probe, lodged_at, slug):
    application = await registered(app)
    assert_problem(await post(app, f"{BASE}/{application['id']}/lodging", {"lodged_at": lodged_at}), 422, slug)
    assert await probe.outbox(application["id"], "asylum.application.lodged") == []


async def test_lodging_before_registration_is_409(app, probe):
    application = await made(app)
    response = await post(app, f"{BASE}/{application['id']}/lodging", {"lodged_at": "2026-07-10T10:00:00+02:00"})
    problem = assert_problem(response, 409, "transition-not-allowed")
    assert problem["current_status"] == "MADE"
    assert await probe.outbox(application["id"], "asylum.application.lodged") == []


async def test_registering_twice_is_409(app):
    application = await registered(app)
    assert_problem(await post(app, f"{BASE}/{application['id']}/registration", {}), 409)


@pytest.mark.parametrize(
    "payload",
    [
        {"address": "x" * 501},
        {"documents": [{"type": "PASSPORT"}] * 21},
        {"unknown": 1},
        {"information_confirmed": "yes please"},
    ],
)
async def test_422_invalid_registration(app, payload):
    application = await made(app)
    assert_problem(await post(app, f"{BASE}/{application['id']}/registration", payload), 422, "invalid-request")


# --- routing (APR 35, 38, 42-45, 55) -------------------------------------------------------------


async def test_route_to_the_regular_procedure(app, probe):
    application = await lodged(app)
    response = await post(app, f"{BASE}/{application['id']}/routing", {})
    assert response.status_code == 200, response.text
    routing = response.json()
    assert (routing["procedure"], routing["mandatory"], routing["grounds"]) == ("REGULAR", False, [])
    # APR Art 35(4): lodged Wed 07-08 + 6 months = Fri 2027-01-08.
    assert (routing["examination_deadline"], routing["examination_deadline_basis"]) == ("2027-01-08", "APR Art 35(4)")
    assert routing["steps"], "every routing explains its steps"
    application = await read(app, application["id"])
    assert (application["status"], application["procedure"]) == ("EXAM_REGULAR", "REGULAR")
    [event] = await probe.event_data(application["id"], "asylum.routing.decided")
    assert (event["procedure"], event["examination_deadline"]) == ("REGULAR", "2027-01-08")
    assert ("asylum.examination_limit", "open") in {
        (d.kind, d.status) for d in await probe.deadlines(application["id"])
    }


async def test_route_an_established_accelerated_ground(app, probe):
    application = await lodged(app)
    routing = await ok(app, f"{BASE}/{application['id']}/routing", {"established_grounds": ["SAFE_COUNTRY_ORIGIN"]})
    assert routing["procedure"] == "ACCELERATED"
    assert [g["code"] for g in routing["grounds"]] == ["SAFE_COUNTRY_ORIGIN"]
    # APR Art 35(3): three months from lodging Wed 07-08 = Thu 10-08.
    assert routing["examination_deadline"] == "2026-10-08"


async def test_route_a_subsequent_application_to_the_preliminary_examination(app):
    application = await lodged(app, previous_application_ref="NL-2025-0001")
    routing = await ok(app, f"{BASE}/{application['id']}/routing", {})
    assert routing["procedure"] == "PRELIMINARY_EXAMINATION"
    assert (await read(app, application["id"]))["status"] == "PRELIM_EXAM"


async def test_routing_before_lodging_is_422(app):
    application = await registered(app)
    assert_problem(await post(app, f"{BASE}/{application['id']}/routing", {}), 422, "invalid-data")


@pytest.mark.parametrize(
    "payload",
    [
        {"established_grounds": ["LOW_RECOGNITION_RATE"]},  # no such ground
        {"former_habitual_residence": "Syria"},
        {"border": {"entry_situation": "SWIMMING"}},
        {"recognition_rate": 0.1},  # computed, never given
    ],
)
async def test_422_invalid_routing_input(app, payload):
    application = await lodged(app)
    assert_problem(await post(app, f"{BASE}/{application['id']}/routing", payload), 422, "invalid-request")


async def test_extend_the_regular_examination_once(app, probe):
    application = await routed(app)
    extended = await ok(app, f"{BASE}/{application['id']}/examination-extension", {"ground": "COMPLEXITY"})
    # APR Art 35(5): six months more, counted from lodging Wed 07-08: Thu 2027-07-08.
    assert (extended["examination_deadline"], extended["examination_extended"]) == ("2027-07-08", "COMPLEXITY")
    [event] = await probe.event_data(application["id"], "asylum.examination.extended")
    assert event["new_deadline"] == "2027-07-08"
    again = await post(app, f"{BASE}/{application['id']}/examination-extension", {"ground": "APPLICANT_FAULT"})
    assert_problem(again, 409, "transition-not-allowed")


async def test_the_accelerated_limit_cannot_be_extended(app):
    application = await routed(app, {"established_grounds": ["SAFE_COUNTRY_ORIGIN"]})
    response = await post(app, f"{BASE}/{application['id']}/examination-extension", {"ground": "COMPLEXITY"})
    assert_problem(response, 422, "invalid-data")


# --- decisions (APR Art 36-37) -------------------------------------------------------------------


async def test_a_rejection_requests_a_return_decision_and_opens_the_appeal_window(app, probe):
    application = await routed(app)
    response = await post(app, f"{BASE}/{application['id']}/decision", decision(), **{"If-Match": '"4"'})
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"{BASE}/{application['id']}/decision"
    issued = response.json()
    assert (issued["outcome"], issued["procedure_type"]) == ("REJECTED_UNFOUNDED", "REGULAR")
    assert (issued["return_decision_required"], issued["return_decision_mode"]) == (True, "SEPARATE_ACT")
    assert issued["legal_basis"] == ["APR Art 39(3)", "APR Art 37"]
    # APR Art 67(7)(b): the national one-month period from Fri 07-10 ends Mon 08-10; APR 68(2) suspends.
    assert (issued["appeal_deadline"], issued["automatic_suspensive_effect"]) == ("2026-08-10", True)
    application = await read(app, application["id"])
    assert application["status"] == "APPEAL_WINDOW"
    assert (application["right_to_remain_until"], application["right_to_remain_basis"]) == (
        "2026-08-10",
        "APR Art 68(2)",
    )
    [request] = await probe.event_data(application["id"], "asylum.return_decision.requested")
    assert (request["decision_id"], request["outcome"], request["nationalities"]) == (
        issued["id"],
        "REJECTED_UNFOUNDED",
        ["AFG"],
    )
    [window] = await probe.event_data(application["id"], "asylum.appeal_window.opened")
    assert (window["deadline"], window["auto_suspensive"]) == ("2026-08-10", True)
    [remain] = await probe.event_data(application["id"], "asylum.right_to_remain.updated")
    assert (remain["right_to_remain"], remain["until"]) == (True, "2026-08-10")
    kinds = {(d.kind, d.status) for d in await probe.deadlines(application["id"])}
    assert ("asylum.examination_limit", "cancelled") in kinds and ("asylum.appeal_window", "open") in kinds


async def test_a_grant_is_final_and_announces_the_protection(app, probe):
    application, issued = await decided(app, outcome="GRANTED_REFUGEE")
    assert (issued["appealable"], issued["return_decision_required"]) == (False, False)
    assert (application["status"], application["right_to_remain"]) == ("FINAL", False)
    [granted] = await probe.event_data(application["id"], "asylum.protection.granted")
    # QR Art 24(2): at least three years for refugees; QR 24(4): the permit within 90 days of notification.
    assert (granted["permit_initial_validity_years"], granted["permit_due_by"]) == (3, "2026-10-08")
    assert await probe.outbox(application["id"], "asylum.return_decision.requested") == []
    [final] = await probe.event_data(application["id"], "asylum.decision.final")
    assert final["outcome"] == "GRANTED_REFUGEE"


async def test_an_accelerated_rejection_has_the_short_period_and_no_automatic_suspension(app):
    application, issued = await decided(
        app, {"established_grounds": ["SAFE_COUNTRY_ORIGIN"]}, outcome="REJECTED_MANIFESTLY_UNFOUNDED"
    )
    # APR Art 67(7)(a): the national 7 days from Fri 07-10 end Fri 07-17; APR 68(3)(a): no automatic suspension,
    # but no removal before the period to ask a court has ended (APR 68(5)(a), (d)).
    assert (issued["appeal_rule"], issued["appeal_deadline"], issued["automatic_suspensive_effect"]) == (
        "T13",
        "2026-07-17",
        False,
    )
    assert issued["grounds_applied"] == ["SAFE_COUNTRY_ORIGIN"]
    assert (application["right_to_remain_basis"], application["right_to_remain_until"]) == (
        "APR Art 68(5)(d)",
        issued["remain_request_deadline"],
    )


async def test_an_inadmissibility_decision_names_its_ground(app):
    application = await routed(app, {"admissibility_grounds": ["PROTECTION_IN_OTHER_MS"]})
    assert application["status"] == "ADMISSIBILITY"
    path = f"{BASE}/{application['id']}/decision"
    assert_problem(await post(app, path, decision(outcome="INADMISSIBLE")), 422, "invalid-data")
    issued = await ok(app, path, decision(outcome="INADMISSIBLE", admissibility_ground="PROTECTION_IN_OTHER_MS"), 201)
    assert (issued["legal_basis"], issued["automatic_suspensive_effect"]) == (["APR Art 38", "APR Art 37"], True)


@pytest.mark.parametrize("outcome", ["REJECTED_UNFOUNDED", "INADMISSIBLE", "EXPLICITLY_WITHDRAWN"])
async def test_a_pre_existing_return_decision_is_not_requested_again(app, probe, outcome):
    application = await routed(app, {"admissibility_grounds": ["PROTECTION_IN_OTHER_MS"]})
    payload = decision(outcome=outcome, return_decision_mode="PRE_EXISTING")
    path = f"{BASE}/{application['id']}/decision"
    if outcome == "INADMISSIBLE":
        payload["admissibility_ground"] = "PROTECTION_IN_OTHER_MS"
    if outcome == "EXPLICITLY_WITHDRAWN":
        path = f"{BASE}/{application['id']}/withdrawal"
        payload = withdrawal(return_decision_mode="PRE_EXISTING")
    issued = await ok(app, path, payload, 201)
    assert (issued["return_decision_required"], issued["return_decision_mode"]) == (False, "PRE_EXISTING")
    assert await probe.outbox(application["id"], "asylum.return_decision.requested") == []


async def test_a_merits_decision_before_routing_is_409(app, probe):
    application = await lodged(app)
    response = await post(app, f"{BASE}/{application['id']}/decision", decision())
    assert assert_problem(response, 409, "transition-not-allowed")["current_status"] == "LODGED"
    assert await probe.outbox(application["id"], "asylum.decision.issued") == []


async def test_deciding_twice_is_409(app, probe):
    application, _ = await decided(app)
    response = await post(app, f"{BASE}/{application['id']}/decision", decision(outcome="GRANTED_REFUGEE"))
    assert assert_problem(response, 409)["current_status"] == "APPEAL_WINDOW"
    assert len(await probe.outbox(application["id"], "asylum.decision.issued")) == 1


async def test_412_on_a_stale_if_match_changes_nothing(app, probe):
    application = await routed(app)
    problem = assert_problem(
        await post(app, f"{BASE}/{application['id']}/decision", decision(), **{"If-Match": '"1"'}), 412
    )
    assert problem["current_etag"] == f'"{application["version"]}"'
    assert (await read(app, application["id"]))["status"] == "EXAM_REGULAR"
    assert await probe.outbox(application["id"], "asylum.decision.issued") == []


@pytest.mark.parametrize(
    ("overrides", "slug"),
    [
        ({"outcome": "REJECTED"}, "invalid-request"),
        ({"outcome": None}, "invalid-request"),
        ({"return_decision_mode": "LATER"}, "invalid-request"),
        ({"notified_at": "2026-07-10T09:00:00"}, "invalid-request"),  # naive
        ({"notified_at": None}, "invalid-request"),
        ({"accelerated_grounds": ["FAST"]}, "invalid-request"),
        ({"notified_at": "2026-07-06T06:59:59+00:00"}, "invalid-data"),  # before the making (07:00 UTC)
        ({"notified_at": "2026-07-10T12:00:00.000001+02:00"}, "invalid-data"),  # in the future
        ({"outcome": "GRANTED_REFUGEE", "return_decision_mode": "SEPARATE_ACT"}, "invalid-data"),
    ],
)
async def test_422_invalid_decision(app, probe, overrides, slug):
    application = await routed(app)
    assert_problem(await post(app, f"{BASE}/{application['id']}/decision", decision(**overrides)), 422, slug)
    assert await probe.outbox(application["id"], "asylum.decision.issued") == []


# --- the return decision owed (APR Art 37) -------------------------------------------------------


def return_decision_issued(decision_id: str, return_decision_id: str) -> ReturnDecisionIssued:
    return ReturnDecisionIssued(
        case_id=f"return-{decision_id}",
        return_decision_id=return_decision_id,
        person_id="p",
        member_state="NL",
        trigger=ReturnTrigger.ASYLUM_REJECTION,
        legal_basis=["APR Art 37", "RD Art 6(1)"],
        issued_at=datetime(2026, 7, 10, 11, 30, tzinfo=AMS),
        asylum_decision_id=decision_id,
    )


async def link(app, data: ReturnDecisionIssued) -> None:
    async with app.runtime.uow() as uow:
        await handlers.EVENT_HANDLERS["return.decision.issued"](data, cloud_event(data, subject=data.case_id), uow)
        await uow.commit()


async def test_a_negative_decision_is_listed_until_its_return_decision_arrives(app, probe, clock):
    application, issued = await decided(app)

    async def missing(**params: Any) -> list[str]:
        response = await app.client.get(
            "/v1/work-lists/return-decisions-missing", params=params, headers=app.auth(SUPERVISOR)
        )
        assert response.status_code == 200, response.text
        return [item["decision_id"] for item in response.json()]

    assert issued["id"] not in await missing()  # taken just now: not yet unduly late
    clock.set(datetime(2026, 7, 11, 12, 1, tzinfo=AMS))
    assert issued["id"] in await missing()

    await link(app, return_decision_issued(issued["id"], "rd-1"))
    linked = (await app.client.get(f"{BASE}/{application['id']}/decision", headers=app.auth(CASEWORKER))).json()
    assert (linked["return_decision_id"], linked["return_decision_issued_at"]) == ("rd-1", "2026-07-10T09:30:00Z")
    assert issued["id"] not in await missing()

    await link(app, return_decision_issued(issued["id"], "rd-1"))  # the same fact again: nothing
    await link(app, return_decision_issued(issued["id"], "rd-2"))  # a second one: flagged, not kept
    again = (await app.client.get(f"{BASE}/{application['id']}/decision", headers=app.auth(CASEWORKER))).json()
    assert again["return_decision_id"] == "rd-1"
    flagged = [row for row in await probe.audit(application["id"]) if row.action == "return_decision.duplicate"]
    assert len(flagged) == 1
    assert_problem(await app.client.get("/v1/work-lists/return-decisions-missing", headers=app.auth(CASEWORKER)), 403)


async def test_a_grant_owes_no_return_decision(app, clock):
    _, issued = await decided(app, outcome="GRANTED_REFUGEE")
    clock.set(datetime(2026, 7, 20, 12, 0, tzinfo=AMS))
    response = await app.client.get("/v1/work-lists/return-decisions-missing", headers=app.auth(SUPERVISOR))
    assert issued["id"] not in [item["decision_id"] for item in response.json()]


# --- withdrawal (APR Art 40, 41) ------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["EXPLICITLY_WITHDRAWN", "IMPLICITLY_WITHDRAWN"])
async def test_a_withdrawal_is_not_a_plain_decision(app, outcome):
    application = await routed(app)
    response = await post(app, f"{BASE}/{application['id']}/decision", decision(outcome=outcome))
    assert "/withdrawal" in assert_problem(response, 422, "invalid-data")["detail"]


async def test_an_explicit_withdrawal_is_final_at_once(app, probe):
    application = await registered(app)
    response = await post(app, f"{BASE}/{application['id']}/withdrawal", withdrawal())
    assert response.status_code == 201, response.text
    issued = response.json()
    # APR Art 40(3): final and not appealable; APR Art 37: a return decision follows.
    assert (issued["outcome"], issued["appealable"], issued["return_decision_required"]) == (
        "EXPLICITLY_WITHDRAWN",
        False,
        True,
    )
    after = await read(app, application["id"])
    assert (after["status"], after["right_to_remain"]) == ("FINAL", False)
    [withdrawn] = await probe.event_data(application["id"], "asylum.application.withdrawn")
    assert (withdrawn["type"], withdrawn["ground"], withdrawn["legal_basis"]) == ("EXPLICIT", None, "APR Art 40(1)")
    assert withdrawn["decision_id"] == issued["id"]
    assert len(await probe.event_data(application["id"], "asylum.return_decision.requested")) == 1
    assert len(await probe.event_data(application["id"], "asylum.decision.final")) == 1


async def test_an_implicit_withdrawal_names_its_ground_and_can_be_appealed(app, probe):
    application = await routed(app)
    payload = withdrawal(type="IMPLICIT", ground="ABSCONDED")
    issued = await ok(app, f"{BASE}/{application['id']}/withdrawal", payload, 201)
    # APR Art 67(7)(a): the short period; APR Art 68(3)(c): no automatic suspensive effect.
    assert (issued["appeal_rule"], issued["automatic_suspensive_effect"]) == ("T13", False)
    assert issued["grounds_applied"] == ["ABSCONDED"]
    [withdrawn] = await probe.event_data(application["id"], "asylum.application.withdrawn")
    assert (withdrawn["type"], withdrawn["legal_basis"]) == ("IMPLICIT", "APR Art 41(1)(e)")
    assert (await read(app, application["id"]))["status"] == "APPEAL_WINDOW"


async def test_not_lodging_is_a_withdrawal_only_after_the_lodging_period(app, clock):
    application = await registered(app)  # registered Tue 07-07: lodging due Tue 07-28
    path = f"{BASE}/{application['id']}/withdrawal"
    clock.set(datetime(2026, 7, 29, 10, 0, tzinfo=AMS))
    on_the_last_day = withdrawal(
        type="IMPLICIT", ground="NOT_LODGED", withdrawn_at="2026-07-28T23:59:00+02:00", notified_at=None
    )
    on_the_last_day["notified_at"] = "2026-07-29T09:00:00+02:00"
    problem = assert_problem(await post(app, path, on_the_last_day), 422, "invalid-data")
    assert problem["lodging_deadline"] == "2026-07-28"
    the_day_after = on_the_last_day | {"withdrawn_at": "2026-07-29T08:00:00+02:00"}
    issued = await ok(app, path, the_day_after, 201)
    assert issued["grounds_applied"] == ["NOT_LODGED"]  # APR Art 41(1)(a)


async def test_not_lodging_cannot_be_found_once_lodged(app):
    application = await lodged(app)
    response = await post(
        app, f"{BASE}/{application['id']}/withdrawal", withdrawal(type="IMPLICIT", ground="NOT_LODGED")
    )
    assert_problem(response, 409, "transition-not-allowed")


@pytest.mark.parametrize(
    ("overrides", "slug"),
    [
        ({"type": "IMPLICIT"}, "invalid-data"),  # no ground
        ({"ground": "ABSCONDED"}, "invalid-data"),  # a ground on an explicit withdrawal
        ({"type": "SILENT"}, "invalid-request"),
        ({"ground": "GONE", "type": "IMPLICIT"}, "invalid-request"),
        ({"withdrawn_at": "2026-07-10T11:00:01+02:00"}, "invalid-data"),  # after the notification
        ({"withdrawn_at": "2026-07-05T11:00:00+02:00"}, "invalid-data"),  # before the making
        ({"notified_at": "2026-07-10T12:00:01+02:00"}, "invalid-data"),  # in the future
    ],
)
async def test_422_invalid_withdrawal(app, probe, overrides, slug):
    application = await routed(app)
    assert_problem(await post(app, f"{BASE}/{application['id']}/withdrawal", withdrawal(**overrides)), 422, slug)
    assert await probe.outbox(application["id"], "asylum.application.withdrawn") == []


async def test_no_withdrawal_after_the_decision(app):
    application, _ = await decided(app)
    assert_problem(await post(app, f"{BASE}/{application['id']}/withdrawal", withdrawal()), 409)


# --- withdrawal of protection (APR Art 66; QR Art 14, 19) ----------------------------------------


def protection_withdrawal(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "ground": "CESSATION",
        "notice_given_at": "2026-07-10T11:15:00+02:00",
        "notified_at": "2026-07-10T11:45:00+02:00",
        "reasons": "the circumstances in connection with which protection was granted have ceased",
    }
    return {k: v for k, v in (values | overrides).items() if v is not None}


async def test_withdrawing_refugee_status_on_cessation_can_be_appealed_with_suspensive_effect(app, probe):
    application, grant = await decided(app, outcome="GRANTED_REFUGEE")
    path = f"{BASE}/{application['id']}/protection-withdrawal"
    response = await post(app, path, protection_withdrawal())
    assert response.status_code == 201, response.text
    withdrawn = response.json()
    # APR Art 67(7)(b): the long period, one month from Fri 07-10: Mon 08-10; APR 68(2): suspensive.
    assert (withdrawn["outcome"], withdrawn["appeal_rule"], withdrawn["appeal_deadline"]) == (
        "PROTECTION_WITHDRAWN",
        "T14",
        "2026-08-10",
    )
    assert (withdrawn["automatic_suspensive_effect"], withdrawn["return_decision_required"]) == (True, False)
    after = await read(app, application["id"])
    assert (after["status"], after["final_at"], after["decision"]["id"]) == ("APPEAL_WINDOW", None, withdrawn["id"])
    [event] = await probe.event_data(application["id"], "asylum.protection.withdrawn")
    assert (event["status"], event["ground"], event["legal_basis"]) == (
        "GRANTED_REFUGEE",
        "CESSATION",
        "APR Art 66; QR Art 14(1)(a)",
    )
    assert (event["auto_suspensive"], event["appeal_deadline"]) == (True, "2026-08-10")

    # The court annuls the withdrawal: the grant is in force again, and final.
    await ok(app, f"{BASE}/{application['id']}/appeals", {"lodged_at": "2026-07-10T11:50:00+02:00"}, 201)
    restored = await ok(app, f"{BASE}/{application['id']}/appeal/outcome", {"result": "ANNULLED"})
    assert (restored["status"], restored["decision"]["id"]) == ("FINAL", grant["id"])


@pytest.mark.parametrize(
    ("granted", "ground", "suspensive"),
    [
        ("GRANTED_REFUGEE", "EXCLUDED", False),  # QR 14(1)(b): APR 68(3)(e)
        ("GRANTED_REFUGEE", "MISREPRESENTATION", True),  # QR 14(1)(c): not in 68(3)(e)
        ("GRANTED_REFUGEE", "SECURITY_DANGER", False),  # QR 14(1)(d)
        ("GRANTED_REFUGEE", "SERIOUS_CRIME", False),  # QR 14(1)(e)
        ("GRANTED_SUBSIDIARY", "EXCLUDED", False),  # QR 19(1)(b)
        ("GRANTED_SUBSIDIARY", "CESSATION", True),  # QR 19(1)(a)
    ],
)
async def test_apr_68_3_e_takes_the_automatic_right_to_remain_away(app, clock, granted, ground, suspensive):
    application, _ = await decided(app, outcome=granted)
    if granted == "GRANTED_SUBSIDIARY":  # refusal of refugee status is appealable (APR 67(2)): let it lapse
        await ok(app, f"{BASE}/{application['id']}/appeals", {"lodged_at": "2026-07-10T11:05:00+02:00"}, 201)
        await ok(app, f"{BASE}/{application['id']}/appeal/outcome", {"result": "DISMISSED"})
    clock.set(datetime(2026, 7, 20, 10, 0, tzinfo=AMS))
    later = {"notice_given_at": "2026-07-15T10:00:00+02:00", "notified_at": "2026-07-16T10:00:00+02:00"}
    withdrawn = await ok(
        app, f"{BASE}/{application['id']}/protection-withdrawal", protection_withdrawal(ground=ground, **later), 201
    )
    assert withdrawn["automatic_suspensive_effect"] is suspensive
    assert (withdrawn["remain_request_deadline"] is None) is suspensive


async def test_subsidiary_protection_has_no_security_or_crime_ground(app, clock):
    application, _ = await decided(app, outcome="GRANTED_SUBSIDIARY")
    await ok(app, f"{BASE}/{application['id']}/appeals", {"lodged_at": "2026-07-10T11:05:00+02:00"}, 201)
    await ok(app, f"{BASE}/{application['id']}/appeal/outcome", {"result": "DISMISSED"})
    clock.set(datetime(2026, 7, 20, 10, 0, tzinfo=AMS))
    later = {"notice_given_at": "2026-07-15T10:00:00+02:00", "notified_at": "2026-07-16T10:00:00+02:00"}
    response = await post(
        app,
        f"{BASE}/{application['id']}/protection-withdrawal",
        protection_withdrawal(ground="SECURITY_DANGER", **later),
    )
    assert "QR Art 14 and 19" in assert_problem(response, 422, "invalid-data")["detail"]


async def test_only_final_protection_can_be_withdrawn(app):
    rejected, _ = await decided(app)
    path = f"{BASE}/{rejected['id']}/protection-withdrawal"
    assert_problem(await post(app, path, protection_withdrawal()), 409, "transition-not-allowed")
    in_examination = await routed(app)
    path = f"{BASE}/{in_examination['id']}/protection-withdrawal"
    assert_problem(await post(app, path, protection_withdrawal()), 409, "transition-not-allowed")


@pytest.mark.parametrize(
    "overrides",
    [
        {"notice_given_at": "2026-07-10T11:50:00+02:00"},  # after the notification
        {"notice_given_at": "2026-07-10T10:59:00+02:00"},  # before the grant became final
        {"notified_at": "2026-07-10T12:00:01+02:00"},  # in the future
    ],
)
async def test_422_withdrawal_of_protection_out_of_order(app, probe, overrides):
    application, _ = await decided(app, outcome="GRANTED_REFUGEE")
    path = f"{BASE}/{application['id']}/protection-withdrawal"
    assert_problem(await post(app, path, protection_withdrawal(**overrides)), 422, "invalid-data")
    assert await probe.outbox(application["id"], "asylum.protection.withdrawn") == []


async def test_a_withdrawal_of_protection_is_not_a_plain_decision(app):
    application, _ = await decided(app, outcome="GRANTED_REFUGEE")
    response = await post(app, f"{BASE}/{application['id']}/decision", decision(outcome="PROTECTION_WITHDRAWN"))
    assert_problem(response, 422, "invalid-request")  # its own endpoint, with its QR ground


# --- appeals and the right to remain (APR Art 67-68) ---------------------------------------------


async def test_an_appeal_on_the_last_day_is_in_time_and_suspends(app, probe, clock):
    application, issued = await decided(app)
    clock.set(datetime(2026, 8, 11, 9, 0, tzinfo=UTC))
    response = await post(
        app, f"{BASE}/{application['id']}/appeals", {"lodged_at": "2026-08-10T23:30:00+02:00", "court_reference": "R1"}
    )
    assert response.status_code == 201, response.text
    appeal = response.json()
    assert (appeal["in_time"], appeal["suspensive"], appeal["court_reference"]) == (True, True, "R1")
    application = await read(app, application["id"])
    assert application["status"] == "APPEAL_PENDING"
    assert (application["right_to_remain"], application["right_to_remain_until"]) == (True, None)
    assert [a["id"] for a in application["appeals"]] == [appeal["id"]]
    [lodged_event] = await probe.event_data(application["id"], "asylum.appeal.lodged")
    assert (lodged_event["decision_id"], lodged_event["suspensive"]) == (issued["id"], True)
    assert ("asylum.appeal_window", "cancelled") in {
        (d.kind, d.status) for d in await probe.deadlines(application["id"])
    }


async def test_an_appeal_the_day_after_is_recorded_as_late_and_refused(app, probe, clock):
    application, _ = await decided(app)
    clock.set(datetime(2026, 8, 11, 9, 0, tzinfo=UTC))
    response = await post(app, f"{BASE}/{application['id']}/appeals", {"lodged_at": "2026-08-11T00:00:00+02:00"})
    problem = assert_problem(response, 422, "invalid-data")
    assert problem["appeal_deadline"] == "2026-08-10"
    application = await read(app, application["id"])
    assert application["status"] == "APPEAL_WINDOW"
    [late] = application["appeals"]
    assert (late["id"], late["in_time"], late["suspensive"]) == (problem["appeal_id"], False, False)
    [event] = await probe.event_data(application["id"], "asylum.appeal.lodged")
    assert event["in_time"] is False


@pytest.mark.parametrize("result", ["DISMISSED", "ANNULLED"])
async def test_the_court_decides_the_appeal(app, probe, clock, result):
    application, issued = await decided(app)
    await ok(app, f"{BASE}/{application['id']}/appeals", {"lodged_at": "2026-07-10T11:30:00+02:00"}, 201)
    clock.set(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    after = await ok(app, f"{BASE}/{application['id']}/appeal/outcome", {"result": result})
    [decided_event] = await probe.event_data(application["id"], "asylum.appeal.decided")
    assert decided_event["result"] == result
    finals = await probe.event_data(application["id"], "asylum.decision.final")
    if result == "DISMISSED":
        assert (after["status"], after["right_to_remain"], after["decision"]["id"]) == ("FINAL", False, issued["id"])
        assert [f["decision_id"] for f in finals] == [issued["id"]]
    else:
        # The annulled decision stays on file; the application is examined again in its procedure.
        assert (after["status"], after["decision"], after["right_to_remain_basis"]) == (
            "EXAM_REGULAR",
            None,
            "APR Art 10(1)",
        )
        assert finals == []
        assert_problem(await app.client.get(f"{BASE}/{application['id']}/decision", headers=app.auth(CASEWORKER)), 404)


async def test_a_court_may_let_the_applicant_remain_pending_the_appeal(app, probe):
    application, issued = await decided(
        app, {"established_grounds": ["SAFE_COUNTRY_ORIGIN"]}, outcome="REJECTED_MANIFESTLY_UNFOUNDED"
    )
    path = f"{BASE}/{application['id']}"
    requested = await ok(app, f"{path}/remain-request", {"lodged_at": "2026-07-10T11:30:00+02:00"})
    # APR Art 68(5)(d): no removal until the court has ruled on a request made in time.
    assert (requested["right_to_remain"], requested["right_to_remain_basis"]) == (True, "APR Art 68(5)(d)")
    assert_problem(await post(app, f"{path}/remain-request", {"lodged_at": "2026-07-10T11:31:00+02:00"}), 409)
    refused = await ok(app, f"{path}/remain-ruling", {"ruling": "REFUSED"})
    assert (refused["right_to_remain"], refused["right_to_remain_basis"]) == (False, None)
    updates = await probe.event_data(application["id"], "asylum.right_to_remain.updated")
    assert [u["right_to_remain"] for u in updates] == [True, True, False]
    assert {u["decision_id"] for u in updates} == {issued["id"]}


async def test_no_remain_request_where_the_appeal_suspends_by_law(app):
    application, _ = await decided(app)
    path = f"{BASE}/{application['id']}"
    assert_problem(await post(app, f"{path}/remain-request", {"lodged_at": "2026-07-10T11:30:00+02:00"}), 409)
    assert_problem(await post(app, f"{path}/remain-ruling", {"ruling": "ALLOWED"}), 409)


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("appeals", {"lodged_at": "2026-07-10T10:59:00+02:00"}),  # before the notification
        ("appeals", {"lodged_at": "2026-07-10T12:00:01+02:00"}),  # in the future
        ("remain-request", {"lodged_at": "2026-07-10T12:00:01+02:00"}),
    ],
)
async def test_422_appeal_instants(app, path, payload):
    application, _ = await decided(
        app, {"established_grounds": ["SAFE_COUNTRY_ORIGIN"]}, outcome="REJECTED_MANIFESTLY_UNFOUNDED"
    )
    assert_problem(await post(app, f"{BASE}/{application['id']}/{path}", payload), 422, "invalid-data")


async def test_no_appeal_without_a_decision(app):
    application = await routed(app)
    response = await post(app, f"{BASE}/{application['id']}/appeals", {"lodged_at": "2026-07-10T11:30:00+02:00"})
    assert_problem(response, 409)
    assert_problem(await post(app, f"{BASE}/{application['id']}/appeal/outcome", {"result": "DISMISSED"}), 409)


# --- what-if routing and the examinations work list ----------------------------------------------


async def test_evaluate_without_storing_anything(app, probe):
    payload = {
        "nationalities": ["AFG"],
        "made_at": "2026-07-06T09:00:00+02:00",
        "established_grounds": ["SECURITY"],
        "border": {"entry_situation": "APPREHENDED"},
    }
    response = await post(app, "/v1/procedure/evaluate", payload, role="auditor")
    assert response.status_code == 200, response.text
    result = response.json()
    # APR Art 45(1): a danger to national security at the border makes the border procedure mandatory.
    assert (result["procedure"], result["mandatory"], result["border_maximum_weeks"]) == ("BORDER", True, 12)
    # APR Art 51(2): 12 weeks from registration (here the making, Mon 07-06) = Mon 09-28.
    assert result["examination_deadline"] == "2026-09-28"


@pytest.mark.parametrize(
    "payload",
    [
        {
            "nationalities": ["AFG"],
            "made_at": "2026-07-06T09:00:00+02:00",
            "registered_at": "2026-07-05T09:00:00+02:00",
        },
        {"nationalities": ["AFG"] * 6, "made_at": "2026-07-06T09:00:00+02:00"},
        {"nationalities": ["AFG"]},
    ],
)
async def test_422_invalid_evaluation(app, payload):
    assert_problem(await post(app, "/v1/procedure/evaluate", payload), 422)


async def test_the_examinations_work_list_shows_what_is_due(app, clock):
    application = await routed(app, {"established_grounds": ["SAFE_COUNTRY_ORIGIN"]})  # due Thu 10-08
    clock.set(datetime(2026, 10, 9, 8, 0, tzinfo=UTC))

    async def listed(**params: Any) -> list[str]:
        response = await app.client.get("/v1/work-lists/examinations", params=params, headers=app.auth(SUPERVISOR))
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()]

    assert application["id"] in await listed(overdue_only=True)
    clock.set(datetime(2026, 10, 8, 8, 0, tzinfo=UTC))  # the last day: due, not overdue
    assert application["id"] not in await listed(overdue_only=True)
    assert application["id"] in await listed(within_days=0)
    response = await app.client.get("/v1/work-lists/examinations", headers=app.auth(CASEWORKER))
    assert_problem(response, 403, "forbidden")


# --- authentication, roles, 404 and listing ------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", BASE),
        ("GET", BASE),
        ("GET", f"{BASE}/x"),
        ("POST", f"{BASE}/x/registration"),
        ("POST", f"{BASE}/x/decision"),
        ("GET", f"{BASE}/x/decision"),
        ("POST", "/v1/procedure/evaluate"),
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


@pytest.mark.parametrize("role", ["screening-officer", "reception-officer", "return-officer", "auditor"])
async def test_403_for_roles_that_may_not_act(app, role):
    application = await routed(app)
    for path, payload in [
        (BASE, body()),
        (f"{BASE}/{application['id']}/decision", decision()),
        (f"{BASE}/{application['id']}/examination-extension", {"ground": "COMPLEXITY"}),
    ]:
        assert_problem(await post(app, path, payload, role=role), 403, "forbidden")
    readable = (await app.client.get(f"{BASE}/{application['id']}", headers=app.auth(role))).status_code
    assert readable == (200 if role == "auditor" else 403)


async def test_404s(app):
    unknown = str(uuid.uuid4())
    assert_problem(await app.client.get(f"{BASE}/{unknown}", headers=app.auth(CASEWORKER)), 404, "not-found")
    for step, payload in [
        ("registration", {}),
        ("decision", decision()),
        ("appeals", {"lodged_at": "2026-07-10T11:00:00Z"}),
    ]:
        assert_problem(await post(app, f"{BASE}/{unknown}/{step}", payload), 404, "not-found")
    undecided = await made(app)
    response = await app.client.get(f"{BASE}/{undecided['id']}/decision", headers=app.auth(CASEWORKER))
    assert_problem(response, 404, "not-found")


async def final_by_withdrawal(app, application_id: str) -> None:
    await ok(app, f"{BASE}/{application_id}/withdrawal", withdrawal(), 201)


async def test_a_person_s_applications_page_by_page_and_by_status(app):
    person = f"paged-{uuid.uuid4()}"
    ids = []
    for _ in range(3):  # each after the previous one's final decision: a subsequent application (APR Art 55)
        ids.append((await made(app, person_id=person))["id"])
        if len(ids) < 3:
            await final_by_withdrawal(app, ids[-1])

    async def page(**params: Any) -> dict[str, Any]:
        response = await app.client.get(BASE, params={"person_id": person} | params, headers=app.auth(CASEWORKER))
        assert response.status_code == 200, response.text
        return response.json()

    first = await page(limit=2)
    second = await page(limit=2, cursor=first["next_cursor"])
    assert (len(first["items"]), second["next_cursor"]) == (2, None)
    assert sorted(item["id"] for item in first["items"] + second["items"]) == sorted(ids)
    assert sorted(item["id"] for item in (await page(status="FINAL"))["items"]) == sorted(ids[:2])
    assert [item["id"] for item in (await page(status="MADE"))["items"]] == [ids[2]]
    assert (await page(screening_case_id="no-such-screening"))["items"] == []


async def test_a_new_application_after_a_final_decision_is_a_subsequent_one(app, probe):
    first = await made(app, person_id=f"p-{uuid.uuid4()}")
    await final_by_withdrawal(app, first["id"])
    second = await made(app, person_id=first["person_id"])
    # APR Art 55(1): the service knows the person's final decision; no reference needs to be typed.
    assert (second["previous_application_ref"], second["subsequent_ordinal"]) == (first["id"], 1)
    assert second["right_to_remain"] is True
    await ok(app, f"{BASE}/{second['id']}/registration", {})
    await ok(app, f"{BASE}/{second['id']}/lodging", {"lodged_at": "2026-07-10T12:00:00+02:00"})
    [lodged_event] = await probe.event_data(second["id"], "asylum.subsequent_application.lodged")
    assert (lodged_event["previous_case_ref"], lodged_event["ordinal"]) == (first["id"], 1)
    assert (await ok(app, f"{BASE}/{second['id']}/routing", {}))["procedure"] == "PRELIMINARY_EXAMINATION"


async def test_no_new_application_while_one_is_pending(app):
    first = await made(app, person_id=f"p-{uuid.uuid4()}")
    problem = assert_problem(await post(app, BASE, body(person_id=first["person_id"])), 409)
    assert problem["pending_application_id"] == first["id"]  # APR Art 55(1): add to the pending one
    problem = assert_problem(await post(app, BASE, body(previous_application_ref=first["id"])), 409)
    assert problem["pending_application_id"] == first["id"]


async def test_no_right_to_remain_in_a_second_subsequent_application_after_a_rejected_first(app, clock):
    person = f"p-{uuid.uuid4()}"
    original = await made(app, person_id=person)
    await final_by_withdrawal(app, original["id"])
    first_subsequent = await lodged(app, person_id=person)
    await ok(app, f"{BASE}/{first_subsequent['id']}/routing", {"new_elements": False})
    await ok(
        app,
        f"{BASE}/{first_subsequent['id']}/decision",
        decision(outcome="INADMISSIBLE", admissibility_ground="SUBSEQUENT_NO_NEW_ELEMENTS"),
        201,
    )
    await ok(app, f"{BASE}/{first_subsequent['id']}/appeals", {"lodged_at": "2026-07-10T11:30:00+02:00"}, 201)
    await ok(app, f"{BASE}/{first_subsequent['id']}/appeal/outcome", {"result": "DISMISSED"})

    second_subsequent = await made(app, person_id=person)
    # APR Art 10(4)(a), 56(b): the national option (on by default) excepts the right to remain.
    assert second_subsequent["subsequent_ordinal"] == 2
    assert (second_subsequent["right_to_remain"], second_subsequent["right_to_remain_basis"]) == (
        False,
        "APR Art 10(4)(a)",
    )


@pytest.mark.parametrize("params", [{"status": "OPEN"}, {"limit": 0}, {"limit": 1000}, {"cursor": "%%%"}])
async def test_422_bad_list_parameters(app, params):
    assert_problem(await app.client.get(BASE, params=params, headers=app.auth(CASEWORKER)), 422)
