"""The screening REST API, endpoint by endpoint: status codes, roles, ETag/If-Match, problems, the form, search.

One running service for the module (real PostgreSQL, clock at NOW = Fri 2026-07-10 12:00 Amsterdam, scheduler off).
Every test opens its own screenings; list tests use a location of their own.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from keten_screening.adapters.eurodac import EurodacDataset
from keten_screening.adapters.security import WatchEntry
from keten_screening.domain.eurodac import EurodacCategory
from keten_screening.domain.identity import check_digit
from keten_screening.domain.records import SecuritySystem
from keten_screening.service_layer.handlers import DEADLINE_HANDLERS
from keten_shared.events.catalog.common import Sex
from keten_shared.scheduler import DeadlineScheduler
from keten_shared.testing.checks import assert_problem
from keten_shared.testing.service_fixtures import NOW

AMS = ZoneInfo("Europe/Amsterdam")
BASE = "/v1/screenings"
OFFICER, MEDICAL, SUPERVISOR, AUDITOR = "screening-officer", "screening-medical-staff", "supervisor", "auditor"
TRIGGER = datetime(2026, 7, 9, 8, 0, tzinfo=AMS)  # Thu: the limit is the end of Thu 2026-07-16


def body(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "screening_reason": "BORDER_IRREGULAR",
        "trigger_event_ts": TRIGGER.isoformat(),
        "location": "Ter Apel",
        "person": {
            "family_name": "Haddad",
            "given_names": "Omar",
            "date_of_birth": "1990-01-01",
            "sex": "M",
            "nationalities": ["SYR"],
        },
    }
    return {k: v for k, v in (values | overrides).items() if v is not None}


def person(**overrides: Any) -> dict[str, Any]:
    return {k: v for k, v in (body()["person"] | overrides).items() if v is not None}


def unique_location() -> str:
    return f"Post {uuid.uuid4().hex[:8]}"


async def open_screening(app: Any, **overrides: Any) -> dict[str, Any]:
    response = await app.client.post(BASE, json=body(**overrides), headers=app.auth(OFFICER))
    assert response.status_code == 201, response.text
    return response.json()


async def started(app: Any, **overrides: Any) -> dict[str, Any]:
    case = await open_screening(app, **overrides)
    response = await app.client.post(
        f"{BASE}/{case['id']}/start", json={"started_at": NOW.isoformat()}, headers=app.auth(OFFICER)
    )
    assert response.status_code == 200, response.text
    return response.json()


async def put(app: Any, sid: str, step: str, payload: dict[str, Any], role: str = OFFICER, **headers: str) -> Any:
    return await app.client.put(f"{BASE}/{sid}/{step}", json=payload, headers=app.auth(role) | headers)


async def post(app: Any, sid: str, path: str, payload: dict[str, Any] | None = None, role: str = OFFICER) -> Any:
    return await app.client.post(f"{BASE}/{sid}/{path}", json=payload, headers=app.auth(role))


async def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return response.json()


INFO = {"provided_at": NOW.isoformat(), "language": "ar", "channel": "ORAL"}
HEALTH = {"medical_staff": "dr-visser", "needs": ["insulin"], "no_further_check_necessary": False}


async def all_checks(app: Any, sid: str, *, template_ref: str | None = None) -> dict[str, Any]:
    await ok(await put(app, sid, "information", INFO))
    await ok(await put(app, sid, "health-check", HEALTH, role=MEDICAL))
    await ok(await put(app, sid, "vulnerability-check", {}))
    await ok(await put(app, sid, "identification", {"nationalities": ["SYR"]}))
    await ok(await post(app, sid, "security-check", {}))
    await ok(await put(app, sid, "cooperation", {}))
    await ok(await put(app, sid, "form-details", {}))
    await ok(await put(app, sid, "form-review", {"reviewed_with_person_at": NOW.isoformat()}))
    biometrics = (
        {"outcome": "CAPTURED", "template_ref": template_ref}
        if template_ref
        else {"outcome": "NOT_TAKEN", "not_taken_reason": "FINGERTIPS"}
    )
    return await ok(await put(app, sid, "biometrics", biometrics))


def td3(number: str, nationality: str, birth: str, sex: str, expiry: str, surname: str = "HADDAD") -> list[str]:
    """A passport MRZ (ICAO 9303 Part 4) with correct check digits."""

    def digit(field: str) -> str:
        return str(check_digit(field))

    line1 = f"P<{nationality}{surname}<<OMAR".ljust(44, "<")
    number = number.ljust(9, "<")
    line2 = f"{number}{digit(number)}{nationality}{birth}{digit(birth)}{sex}{expiry}{digit(expiry)}{'<' * 14}<"
    return [line1, line2 + digit(line2[0:10] + line2[13:20] + line2[21:43])]


# --- opening a screening -----------------------------------------------------------------------------------------


async def test_open_returns_the_new_screening(app, probe):
    response = await app.client.post(BASE, json=body(), headers=app.auth(OFFICER))
    assert response.status_code == 201, response.text
    case = response.json()
    assert response.headers["location"] == f"{BASE}/{case['id']}"
    assert response.headers["etag"] == '"1"'
    assert (case["status"], case["member_state"], case["version"]) == ("INITIATED", "NL", 1)
    assert (case["deadline_strict"], case["deadline_ptl"]) == ("2026-07-16", "2026-07-16")
    assert datetime.fromisoformat(case["deadline_due_at"]) == datetime(2026, 7, 17, tzinfo=AMS)
    assert datetime.fromisoformat(case["trigger_event_ts"]) == TRIGGER
    assert uuid.UUID(case["person_id"])  # a new person when none is named
    assert set(case["tracks"].values()) == {"PENDING"}
    assert (case["ready_for_referral"], case["nationalities"], case["missing_checks"]) == (False, ["SYR"], [])
    [audit] = await probe.audit(case["id"])
    assert (audit.action, audit.actor, audit.legal_basis, audit.after_status) == (
        "screening.opened",
        "user:tester",
        "SR Art 8(3)",
        "INITIATED",
    )
    assert await probe.outbox(case["id"]) == []
    kinds = sorted(row.kind for row in await probe.deadlines(case["id"]))
    assert kinds == [
        "eurodac.transmission_limit",
        "screening.completion_limit",
        "screening.deadline_warning.24h",
        "screening.deadline_warning.6h",
    ]


async def test_territory_screening_has_three_days(app):
    case = await open_screening(app, screening_reason="TERRITORY")
    assert (case["deadline_strict"], case["deadline_ptl"]) == ("2026-07-12", "2026-07-13")  # Sun -> Mon


async def test_bcp_applicant_application_goes_out_at_intake(app, probe):
    case = await open_screening(
        app, screening_reason="BORDER_BCP_APPLICANT", application_made_at=TRIGGER.isoformat(), location="Schiphol"
    )
    [row] = await probe.outbox(case["id"])
    assert row.event_type == "screening.application.made"
    assert datetime.fromisoformat(case["application_made_at"]) == TRIGGER


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        ({"union_citizen_or_beneficiary_of_free_movement": True}, "NOT_A_THIRD_COUNTRY_NATIONAL"),
        ({"turned_back_or_held_until_removal": True}, "NO_BIOMETRIC_DUTY"),
        ({"entry_authorised_under_sbc_6_5": True}, "ENTRY_AUTHORISED"),
        ({"screening_reason": "TERRITORY", "already_screened_in_a_member_state": True}, "ALREADY_SCREENED"),
        ({"screening_reason": "TERRITORY", "handed_over_under_bilateral_agreement": True}, "BILATERAL_TRANSFER"),
    ],
)
async def test_out_of_scope_is_recorded_as_rejected(app, probe, facts, reason):
    case = await open_screening(app, person_id=f"P-{uuid.uuid4()}", **facts)
    assert (case["status"], case["out_of_scope_reason"]) == ("REJECTED_OUT_OF_SCOPE", reason)
    assert case["closure_note"] == f"out of scope: {reason}"
    assert await probe.deadlines(case["id"]) == []
    assert await probe.outbox(case["id"]) == []
    refused = await post(app, case["id"], "start", {"started_at": NOW.isoformat()})
    assert_problem(refused, 409, "transition-not-allowed")
    # Not a running screening: the person may be brought in again.
    again = await app.client.post(BASE, json=body(person_id=case["person_id"]), headers=app.auth(OFFICER))
    assert again.status_code == 201, again.text


async def test_humanitarian_entry_with_application_is_screened(app):
    case = await open_screening(app, entry_authorised_under_sbc_6_5=True, humanitarian_entry_with_application=True)
    assert case["status"] == "INITIATED"


async def test_one_running_screening_per_person(app):
    person_id = f"P-{uuid.uuid4()}"
    first = await open_screening(app, person_id=person_id)
    response = await app.client.post(BASE, json=body(person_id=person_id), headers=app.auth(OFFICER))
    problem = assert_problem(response, 409, "transition-not-allowed")
    assert problem["open_case_id"] == first["id"]
    # Once that screening ended, a new one may start.
    await ok(await post(app, first["id"], "closure", {"reason": "DEPARTED"}))
    assert (await app.client.post(BASE, json=body(person_id=person_id), headers=app.auth(OFFICER))).status_code == 201


@pytest.mark.parametrize(
    ("overrides", "slug", "words"),
    [
        ({"person": person(nationalities=["ABC"])}, "invalid-data", "ISO 3166-1"),
        ({"person": person(nationalities=["XXX"])}, "invalid-data", "nationality_unknown"),
        ({"person": person(nationalities=["XXA"])}, "invalid-data", "stateless"),
        ({"person": person(nationalities=["syr"])}, "invalid-request", None),
        ({"person": person(date_of_birth="2026-07-11")}, "invalid-data", "future"),
        ({"person": person(date_of_birth="1890-01-01")}, "invalid-data", "120"),
        ({"trigger_event_ts": "2026-07-10T12:00:01+02:00"}, "invalid-data", "future"),
        ({"trigger_event_ts": "2026-07-09T08:00:00"}, "invalid-request", None),  # no offset
        ({"screening_reason": "BORDER_BCP_APPLICANT"}, "invalid-data", "5(2)"),
        ({"application_made_at": "2026-07-11T09:00:00+02:00"}, "invalid-data", "future"),
        ({"screening_reason": "VISA_OVERSTAY"}, "invalid-request", None),
        ({"location": ""}, "invalid-request", None),
        ({"person": {"given_names": "Omar"}}, "invalid-request", None),
        ({"surprise": True}, "invalid-request", None),
    ],
)
async def test_bad_intake_is_refused(app, overrides, slug, words):
    response = await app.client.post(BASE, json=body(**overrides), headers=app.auth(OFFICER))
    problem = assert_problem(response, 422, slug)
    if words:
        assert words in problem["detail"]


# --- authentication and roles ----------------------------------------------------------------------------------------


async def test_a_token_is_required(app):
    case = await open_screening(app)
    for method, path in [("POST", BASE), ("GET", BASE), ("GET", f"{BASE}/{case['id']}")]:
        response = await app.client.request(method, path, json=body() if method == "POST" else None)
        assert_problem(response, 401, "unauthenticated")
        assert response.headers["www-authenticate"] == "Bearer"
    forged = {"Authorization": "Bearer not-a-jwt"}
    assert_problem(await app.client.get(f"{BASE}/{case['id']}", headers=forged), 401, "unauthenticated")


@pytest.mark.parametrize("role", [AUDITOR, MEDICAL, "asylum-caseworker"])
async def test_only_officers_and_supervisors_open_screenings(app, role):
    assert_problem(await app.client.post(BASE, json=body(), headers=app.auth(role)), 403, "forbidden")


async def test_supervisor_may_do_what_officers_do(app):
    response = await app.client.post(BASE, json=body(), headers=app.auth(SUPERVISOR))
    assert response.status_code == 201


@pytest.mark.parametrize("role", [OFFICER, MEDICAL, SUPERVISOR, AUDITOR])
async def test_every_screening_role_reads(app, role):
    case = await open_screening(app)
    for path in ["", "/form", "/form.html"]:
        assert (await app.client.get(f"{BASE}/{case['id']}{path}", headers=app.auth(role))).status_code == 200
    assert (await app.client.get(BASE, headers=app.auth(role), params={"limit": 1})).status_code == 200


async def test_other_roles_do_not_read(app):
    case = await open_screening(app)
    response = await app.client.get(f"{BASE}/{case['id']}", headers=app.auth("return-officer"))
    assert_problem(response, 403, "forbidden")


async def test_the_health_check_is_for_medical_staff(app):
    sid = (await started(app))["id"]
    assert_problem(await put(app, sid, "health-check", HEALTH, role=OFFICER), 403, "forbidden")
    assert_problem(await put(app, sid, "health-check", HEALTH, role=AUDITOR), 403, "forbidden")
    case = await ok(
        await app.client.put(f"{BASE}/{sid}/health-check", json=HEALTH, headers=app.auth(MEDICAL, subject="dr-visser"))
    )
    assert case["health"]["recorded_by"] == "user:dr-visser"
    assert case["tracks"]["health"] == "DONE"
    await ok(await put(app, sid, "health-check", HEALTH, role=SUPERVISOR))
    # Medical staff do not do the other steps.
    assert_problem(await put(app, sid, "information", INFO, role=MEDICAL), 403, "forbidden")
    assert_problem(await post(app, sid, "security-check", {}, role=MEDICAL), 403, "forbidden")


async def test_auditors_change_nothing(app):
    sid = (await started(app))["id"]
    assert_problem(await put(app, sid, "information", INFO, role=AUDITOR), 403, "forbidden")
    assert_problem(await post(app, sid, "completion", role=AUDITOR), 403, "forbidden")
    assert_problem(await post(app, sid, "closure", {"reason": "DEPARTED"}, role=AUDITOR), 403, "forbidden")


# --- reading one, 404s, ETag/If-Match ----------------------------------------------------------------------------


async def test_get_returns_the_screening_with_its_etag_and_audits_the_read(app, probe):
    case = await open_screening(app)
    response = await app.client.get(f"{BASE}/{case['id']}", headers=app.auth(AUDITOR, subject="inspector"))
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    read = response.json()
    assert {k: v for k, v in read.items() if k != "trigger_event_ts"} == {
        k: v for k, v in case.items() if k != "trigger_event_ts"
    }
    assert datetime.fromisoformat(read["trigger_event_ts"]) == TRIGGER
    reads = [row for row in await probe.audit(case["id"]) if row.action == "screening.read"]
    assert [(row.actor, row.details) for row in reads] == [("user:inspector", None)]


async def test_unknown_screenings_are_404(app):
    missing = str(uuid.uuid4())
    for response in [
        await app.client.get(f"{BASE}/{missing}", headers=app.auth(OFFICER)),
        await app.client.get(f"{BASE}/{missing}/form", headers=app.auth(OFFICER)),
        await app.client.get(f"{BASE}/{missing}/form.html", headers=app.auth(OFFICER)),
        await app.client.get(f"{BASE}/{missing}/information", headers=app.auth(OFFICER)),
        await app.client.get(f"{BASE}/{missing}/security-findings", headers=app.auth(SUPERVISOR)),
        await post(app, missing, "start", {"started_at": NOW.isoformat()}),
        await put(app, missing, "information", INFO),
        await put(app, missing, "identification", {"nationalities": ["SYR"]}),
        await post(app, missing, "security-check", {}),
        await put(app, missing, "biometrics", {"outcome": "REFUSED"}),
        await post(app, missing, "completion"),
        await post(app, missing, "eurodac/hits/HIT-1/decision", {"confirmed": True}),
    ]:
        assert_problem(response, 404, "not-found")


async def test_a_step_not_recorded_yet_is_404(app):
    sid = (await started(app))["id"]
    response = await app.client.get(f"{BASE}/{sid}/vulnerability-check", headers=app.auth(OFFICER))
    assert "no vulnerability-check yet" in assert_problem(response, 404, "not-found")["detail"]


async def test_if_match_protects_against_lost_updates(app):
    sid = (await open_screening(app))["id"]
    response = await app.client.post(
        f"{BASE}/{sid}/start", json={"started_at": NOW.isoformat()}, headers=app.auth(OFFICER) | {"If-Match": '"1"'}
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    stale = await put(app, sid, "information", INFO, **{"If-Match": '"1"'})
    problem = assert_problem(stale, 412, "precondition-failed")
    assert problem["current_etag"] == '"2"'
    assert (await app.client.get(f"{BASE}/{sid}", headers=app.auth(OFFICER))).json()["info"] is None
    fresh = await put(app, sid, "information", INFO, **{"If-Match": 'W/"2"'})  # a weakened tag still matches
    assert fresh.status_code == 200 and fresh.headers["etag"] == '"3"'
    anything = await put(app, sid, "cooperation", {}, **{"If-Match": "*"})
    assert anything.status_code == 200 and anything.json()["version"] == 4
    unconditional = await put(app, sid, "form-details", {})
    assert unconditional.headers["etag"] == '"5"'


# --- starting -----------------------------------------------------------------------------------------------------


async def test_start(app, probe):
    sid = (await open_screening(app))["id"]
    case = await ok(await post(app, sid, "start", {"started_at": "2026-07-09T09:00:00+02:00"}))
    assert (case["status"], case["held_at_external_border"]) == ("IN_PROGRESS", False)
    assert datetime.fromisoformat(case["started_at"]) == datetime(2026, 7, 9, 9, 0, tzinfo=AMS)
    twice = await post(app, sid, "start", {"started_at": NOW.isoformat()})
    assert assert_problem(twice, 409, "transition-not-allowed")["current_status"] == "IN_PROGRESS"
    [audit] = [row for row in await probe.audit(sid) if row.action == "screening.started"]
    assert (audit.before_status, audit.after_status) == ("INITIATED", "IN_PROGRESS")


@pytest.mark.parametrize(
    ("started_at", "words"),
    [("2026-07-09T07:59:00+02:00", "before its trigger"), ("2026-07-10T12:00:01+02:00", "future")],
)
async def test_start_outside_trigger_and_now_is_refused(app, started_at, words):
    sid = (await open_screening(app))["id"]
    response = await post(app, sid, "start", {"started_at": started_at})
    assert words in assert_problem(response, 422, "invalid-data")["detail"]


async def test_steps_wait_for_the_start(app):
    sid = (await open_screening(app))["id"]
    response = await put(app, sid, "information", INFO)
    assert assert_problem(response, 409, "transition-not-allowed")["current_status"] == "INITIATED"
    # Keeping the person available (SR 6) may be recorded from intake.
    restriction = {"measure": "DETENTION", "legal_basis": "Vw 2000 art 6", "review_date": "2026-07-12"}
    case = await ok(await put(app, sid, "restriction", restriction))
    assert case["restriction"]["measure"] == "DETENTION"


# --- the steps ----------------------------------------------------------------------------------------------------

STEP_RECORDS = [
    ("information", INFO, OFFICER),
    ("health-check", HEALTH, MEDICAL),
    ("vulnerability-check", {"vulnerabilities": ["PREGNANCY"], "special_reception_needs": ["ground floor"]}, OFFICER),
    ("minor-status", {"minor": False}, OFFICER),
    ("cooperation", {"identity_data": "PARTIAL", "note": "no documents"}, OFFICER),
    ("form-details", {"place_of_birth": "Aleppo", "languages": ["ar", "ku"]}, OFFICER),
    ("form-review", {"reviewed_with_person_at": NOW.isoformat(), "corrections_pointed_out": ["birth place"]}, OFFICER),
    ("restriction", {"measure": "ALTERNATIVE", "legal_basis": "Vw 2000 art 56"}, OFFICER),
]


@pytest.mark.parametrize(("step", "record", "role"), STEP_RECORDS, ids=[s[0] for s in STEP_RECORDS])
async def test_each_step_is_recorded_stamped_and_read_back(app, probe, step, record, role):
    sid = (await started(app))["id"]
    sent = record | {"recorded_by": "someone else", "recorded_at": "2020-01-01T00:00:00Z"}
    await ok(await put(app, sid, step, sent, role=role))
    stored = await ok(await app.client.get(f"{BASE}/{sid}/{step}", headers=app.auth(AUDITOR)))
    assert stored["recorded_by"] == "user:tester"  # from the token and the clock, never from the client
    assert datetime.fromisoformat(stored["recorded_at"]) == NOW
    for key, value in record.items():
        assert stored[key] == value
    assert f"screening.{step}.recorded" in [row.action for row in await probe.audit(sid)]


async def test_vulnerabilities_go_out_at_once(app, probe):
    sid = (await started(app))["id"]
    await ok(await put(app, sid, "vulnerability-check", {"special_procedural_needs": ["female interviewer"]}))
    assert await probe.outbox(sid) == []  # procedural needs alone: nothing for reception yet
    await ok(await put(app, sid, "vulnerability-check", {"vulnerabilities": ["TRAFFICKING_INDICATION"]}))
    [row] = await probe.outbox(sid)
    assert row.event_type == "screening.vulnerability.identified"


@pytest.mark.parametrize(
    ("step", "record", "role"),
    [
        ("health-check", {"medical_staff": "dr-visser", "outcome": "NOT_POSSIBLE"}, MEDICAL),
        ("vulnerability-check", {"outcome": "NOT_POSSIBLE", "not_possible_reason": ""}, OFFICER),
        ("restriction", {"measure": "DETENTION"}, OFFICER),
        ("restriction", {"measure": "ALTERNATIVE", "legal_basis": ""}, OFFICER),
        ("information", {"provided_at": NOW.isoformat(), "language": "ar", "channel": "PIGEON"}, OFFICER),
        ("minor-status", {"minor": False, "unaccompanied": True}, OFFICER),
        ("minor-status", {"minor": False, "claimed_age": 16}, OFFICER),
        ("minor-status", {"minor": True, "claimed_age": 18}, OFFICER),
        ("form-details", {"family_in_member_states": [{"member_state": "Germany", "relation": "brother"}]}, OFFICER),
        ("biometrics", {"outcome": "CAPTURED"}, OFFICER),
        ("biometrics", {"outcome": "NOT_TAKEN"}, OFFICER),
        ("biometrics", {"outcome": "REFUSED", "template_ref": "tpl-x"}, OFFICER),
    ],
)
async def test_malformed_step_records_are_refused(app, step, record, role):
    sid = (await started(app))["id"]
    assert_problem(await put(app, sid, step, record, role=role), 422, "invalid-request")


async def test_a_check_not_possible_needs_and_keeps_its_reason(app):
    sid = (await started(app))["id"]
    record = {"medical_staff": "dr-visser", "outcome": "NOT_POSSIBLE", "not_possible_reason": "no doctor on the island"}
    case = await ok(await put(app, sid, "health-check", record, role=MEDICAL))
    assert case["tracks"]["health"] == "NOT_POSSIBLE"
    form = await ok(await app.client.get(f"{BASE}/{sid}/form", headers=app.auth(OFFICER)))
    assert form["health_check"] == {
        "done": False,
        "at": form["health_check"]["at"],
        "needs": [],
        "isolation_required": False,
        "no_further_check_necessary": False,
        "not_possible_reason": "no doctor on the island",
    }


async def test_a_claimed_minor_becomes_adult_only_with_an_age_assessment(app):
    sid = (await started(app))["id"]
    await ok(await put(app, sid, "minor-status", {"minor": True, "claimed_age": 16, "age_doubt": True}))
    refused = await put(app, sid, "minor-status", {"minor": False})
    assert "age_assessment_ref" in assert_problem(refused, 422, "invalid-data")["detail"]
    case = await ok(await put(app, sid, "minor-status", {"minor": False, "age_assessment_ref": "AA-2026-17"}))
    assert case["minor"]["minor"] is False


async def test_an_unaccompanied_minor_is_assisted_before_any_step(app):
    sid = (await started(app, person=person(date_of_birth="2010-02-02")))["id"]
    await ok(await put(app, sid, "minor-status", {"minor": True, "unaccompanied": True, "claimed_age": 16}))
    for step, record, role in [
        ("information", INFO, OFFICER),
        ("cooperation", {}, OFFICER),
        ("form-details", {}, OFFICER),
    ]:
        assert_problem(await put(app, sid, step, record, role=role), 409, "transition-not-allowed")
    assert_problem(await post(app, sid, "security-check", {}), 409, "transition-not-allowed")
    assert_problem(await put(app, sid, "identification", {"nationalities": ["SYR"]}), 409, "transition-not-allowed")
    assert_problem(await put(app, sid, "health-check", HEALTH, role=MEDICAL), 409, "transition-not-allowed")
    await ok(await put(app, sid, "health-check", HEALTH | {"emergency_care_only": True}, role=MEDICAL))
    # A trained person (SR 13(3): if no representative is appointed yet) is enough.
    record = {"minor": True, "unaccompanied": True, "claimed_age": 16, "trained_person_id": "tp-4"}
    await ok(await put(app, sid, "minor-status", record))
    await ok(await put(app, sid, "information", INFO))


async def test_emergency_care_alone_is_not_the_preliminary_health_check(app):
    sid = (await started(app))["id"]
    case = await ok(await put(app, sid, "health-check", HEALTH | {"emergency_care_only": True}, role=MEDICAL))
    assert case["tracks"]["health"] == "PENDING"
    form = await ok(await app.client.get(f"{BASE}/{sid}/form", headers=app.auth(OFFICER)))
    assert form["health_check"]["done"] is False


# --- identification (SR 14) ---------------------------------------------------------------------------------------


async def test_identification_with_a_valid_passport_verifies_the_identity(app):
    sid = (await started(app))["id"]
    mrz = td3("N1234567", "SYR", "900101", "M", "300131")
    passport = {"type": "PASSPORT", "number": "N1234567", "issuing_country": "SYR", "expiry": "2030-01-31"}
    case = await ok(
        await put(
            app,
            sid,
            "identification",
            {"documents": [passport | {"authentic": True, "mrz": mrz}], "nationalities": ["syr"]},
        )
    )
    identification = case["identification"]
    [document] = identification["documents"]
    assert (document["findings"], document["mrz_failed_checks"], document["mrz"]) == ([], [], mrz)
    assert identification["identity_status"] == "VERIFIED_DOCUMENT"
    assert identification["identity_confirmed_by_authorities"] is True
    assert identification["misleading_identity_or_destroyed_documents"] is False
    assert (identification["nationalities"], case["nationalities"]) == (["SYR"], ["SYR"])
    assert case["tracks"]["identity"] == "DONE"


async def test_mrz_check_digit_failures_surface_as_findings(app):
    sid = (await started(app))["id"]
    mrz = td3("N1234567", "SYR", "900101", "M", "300131")
    mrz[1] = mrz[1][:9] + str((int(mrz[1][9]) + 1) % 10) + mrz[1][10:]  # a wrong document-number check digit
    passport = {"type": "PASSPORT", "number": "N1234567", "issuing_country": "SYR", "authentic": True, "mrz": mrz}
    case = await ok(await put(app, sid, "identification", {"documents": [passport], "nationalities": ["SYR"]}))
    [document] = case["identification"]["documents"]
    assert document["mrz_failed_checks"] == ["document_number", "composite"]
    assert [finding.split(":")[0] for finding in document["findings"]] == [
        "MRZ_CHECK_DIGIT_FAILED",
        "MRZ_CHECK_DIGIT_FAILED",
    ]
    assert case["identification"]["identity_status"] == "DECLARED_ONLY"
    assert case["identification"]["misleading_identity_or_destroyed_documents"] is True


async def test_document_findings_expired_and_mismatching(app):
    sid = (await started(app))["id"]
    mrz = td3("N7654321", "SYR", "900101", "M", "250131")  # expired 2025-01-31
    passport = {"type": "PASSPORT", "number": "N7654322", "issuing_country": "IRQ", "authentic": False, "mrz": mrz}
    case = await ok(await put(app, sid, "identification", {"documents": [passport], "nationalities": ["SYR"]}))
    [document] = case["identification"]["documents"]
    assert [finding.split(":")[0] for finding in document["findings"]] == [
        "NOT_AUTHENTIC",
        "EXPIRED",
        "MRZ_NUMBER_MISMATCH",
        "MRZ_ISSUER_MISMATCH",
    ]


async def test_identity_by_biometric_match_and_statelessness(app):
    sid = (await started(app))["id"]
    case = await ok(await put(app, sid, "identification", {"stateless": True, "biometric_match": True}))
    assert (case["identification"]["identity_status"], case["identification"]["stateless"]) == (
        "ESTABLISHED_BIOMETRIC",
        True,
    )
    form = await ok(await app.client.get(f"{BASE}/{sid}/form", headers=app.auth(OFFICER)))
    assert (form["stateless"], form["nationalities"], form["identity_confirmed_by_authorities"]) == (True, [], True)


@pytest.mark.parametrize(
    ("record", "words"),
    [
        ({"nationalities": ["XXX"]}, "nationality_unknown"),
        ({"nationalities": ["QQQ"]}, "ISO 3166-1"),
        ({"nationalities": ["SYR"], "stateless": True}, "stateless person"),
        ({"nationalities": ["SYR"], "nationality_unknown": True}, "nationality_unknown"),
        ({}, "at least one nationality"),
        (
            {
                "nationalities": ["SYR"],
                "documents": [{"type": "PASSPORT", "number": "N1", "issuing_country": "SYR", "mrz": ["P<SYRHADDAD"]}],
            },
            "MRZ",
        ),
        (
            {
                "nationalities": ["SYR"],
                "documents": [{"type": "PASSPORT", "number": "N1", "issuing_country": "SYR", "mrz": ["P<SYR", "ab"]}],
            },
            "MRZ",
        ),
        (
            {"nationalities": ["SYR"], "documents": [{"type": "PASSPORT", "number": "N1", "issuing_country": "XXA"}]},
            "issuer",
        ),
    ],
)
async def test_bad_identification_is_refused(app, record, words):
    sid = (await started(app))["id"]
    response = await put(app, sid, "identification", record)
    assert words in assert_problem(response, 422, "invalid-data")["detail"]


# --- security check (SR 15-16) ------------------------------------------------------------------------------------


async def test_security_check_without_hit(app, probe):
    sid = (await started(app))["id"]
    case = await ok(await post(app, sid, "security-check", {"systems": ["SIS", "VIS"]}))
    assert (case["security"]["hit"], case["security"]["systems_consulted"]) == (False, ["SIS", "VIS"])
    assert case["security"]["restricted_ref"] is None
    assert await ok(await app.client.get(f"{BASE}/{sid}/security-findings", headers=app.auth(SUPERVISOR))) == []


async def test_security_check_with_a_watch_list_hit(app, probe):
    family_name = f"Watched{uuid.uuid4().hex[:6]}"
    app.runtime.adapters.security.watch(
        WatchEntry(
            system=SecuritySystem.SIS,
            reference="SIS-II-4711",
            family_name=family_name,
            date_of_birth=date(1990, 1, 1),
            detail={"alert": "Art 36 discreet check", "issuing_ms": "BE"},
        )
    )
    sid = (await started(app, person=person(family_name=family_name)))["id"]
    response = await post(app, sid, "security-check", {"armed": True})
    case = await ok(response)
    security = case["security"]
    assert (security["hit"], security["security_flag"], security["flag_reason"]) == (True, True, "armed")
    assert security["restricted_ref"]
    assert "SIS-II-4711" not in response.text and "discreet" not in response.text  # only whether there was a hit

    form = await ok(await app.client.get(f"{BASE}/{sid}/form", headers=app.auth(OFFICER)))
    assert form["security_db_hit"] is True
    persons_copy = await ok(await app.client.get(f"{BASE}/{sid}/form?copy=person", headers=app.auth(OFFICER)))
    assert persons_copy["security_db_hit"] is None

    for role in (OFFICER, AUDITOR, MEDICAL):
        denied = await app.client.get(f"{BASE}/{sid}/security-findings", headers=app.auth(role))
        assert_problem(denied, 403, "forbidden")
    findings = await ok(await app.client.get(f"{BASE}/{sid}/security-findings", headers=app.auth(SUPERVISOR)))
    [finding] = findings
    assert (finding["system"], finding["reference"], finding["batch"]) == (
        "SIS",
        "SIS-II-4711",
        security["restricted_ref"],
    )
    assert finding["detail"] == {"alert": "Art 36 discreet check", "issuing_ms": "BE"}
    actions = [row.action for row in await probe.audit(sid)]
    assert "screening.security_findings.read" in actions
    [audit] = [row for row in await probe.audit(sid) if row.action == "screening.security-check.recorded"]
    assert audit.details == {"systems": [s.value for s in SecuritySystem], "hit": True, "security_flag": True}


# --- biometrics and Eurodac hits ----------------------------------------------------------------------------------


async def test_no_eurodac_biometrics_from_a_child_under_six(app):
    sid = (await started(app, person=person(date_of_birth="2021-01-01")))["id"]
    await ok(await put(app, sid, "minor-status", {"minor": True, "claimed_age": 5}))
    response = await put(app, sid, "biometrics", {"outcome": "CAPTURED", "template_ref": "tpl-api-child"})
    assert "under 6" in assert_problem(response, 422, "invalid-data")["detail"]
    case = await ok(await put(app, sid, "biometrics", {"outcome": "NOT_TAKEN", "not_taken_reason": "UNDER_6"}))
    assert case["tracks"]["biometrics"] == "NOT_POSSIBLE"


async def test_biometrics_refused_and_coercion_recorded(app, probe):
    sid = (await started(app))["id"]
    coercion = {"applied_by": "officer-9", "method": "escort", "justification": "last resort, ED 13(3)"}
    case = await ok(await put(app, sid, "biometrics", {"outcome": "REFUSED", "coercion": coercion}))
    assert (case["tracks"]["biometrics"], case["biometrics"]["coercion"]) == ("REFUSED", coercion)
    [audit] = [row for row in await probe.audit(sid) if row.action == "screening.biometrics.recorded"]
    assert audit.details == {"outcome": "REFUSED", "coercion": True}


async def test_under_six_is_not_accepted_for_an_adult(app, probe):
    sid = (await started(app))["id"]  # born 1990-01-01
    response = await put(app, sid, "biometrics", {"outcome": "NOT_TAKEN", "not_taken_reason": "UNDER_6"})
    assert_problem(response, 422, "invalid-data")
    assert [row.status for row in await probe.deadlines(sid) if row.kind == "eurodac.transmission_limit"] == ["open"]


async def test_hit_decisions(app):
    template = f"tpl-api-hit-{uuid.uuid4().hex[:6]}"
    for n, category, code in [(1, EurodacCategory.SAR, "9"), (2, EurodacCategory.IRREGULAR_CROSSER, "2")]:
        app.runtime.adapters.eurodac.preload(
            template,
            EurodacDataset(
                category=category,
                template_ref=template,
                family_name="Haddad",
                given_names="Omar",
                ms_of_origin="IT",
                event_place="Lampedusa",
                event_date=date(2026, 6, n),
                sex=Sex.MALE,
                reference_number=f"IT{code}API{uuid.uuid4().hex[:8].upper()}",
                biometrics_taken_on=date(2026, 6, n),
                operator_user_id="it-op",
            ),
        )
    sid = (await started(app))["id"]
    await ok(await put(app, sid, "biometrics", {"outcome": "CAPTURED", "template_ref": template}))
    await DeadlineScheduler(service="screening", uow=app.runtime.uow, handlers=DEADLINE_HANDLERS).fire_due()
    case = await ok(await app.client.get(f"{BASE}/{sid}", headers=app.auth(OFFICER)))
    first, second = (hit["hit_id"] for hit in case["eurodac"]["hits"])
    assert_problem(await post(app, sid, "eurodac/hits/HIT-none/decision", {"confirmed": True}), 404, "not-found")
    assert_problem(await post(app, sid, f"eurodac/hits/{first}/decision", {}), 422, "invalid-request")
    assert_problem(await post(app, sid, f"eurodac/hits/{first}/decision", {"confirmed": True}, role=AUDITOR), 403)
    case = await ok(await post(app, sid, f"eurodac/hits/{first}/decision", {"confirmed": False}))
    assert [hit["status"] for hit in case["eurodac"]["hits"]] == ["REJECTED", "UNCONFIRMED"]
    again = await post(app, sid, f"eurodac/hits/{first}/decision", {"confirmed": True})
    assert_problem(again, 409, "transition-not-allowed")
    case = await ok(await post(app, sid, f"eurodac/hits/{second}/decision", {"confirmed": True}))
    assert [hit["status"] for hit in case["eurodac"]["hits"]] == ["REJECTED", "CONFIRMED"]


# --- application, relocation, absconding ----------------------------------------------------------------------------


async def test_application(app, probe):
    sid = (await started(app))["id"]
    assert_problem(await post(app, sid, "application", {"made_at": "2026-07-10T12:01:00+02:00"}), 422, "invalid-data")
    before_trigger = await post(app, sid, "application", {"made_at": "2026-07-09T07:59:00+02:00"})
    assert "trigger" in assert_problem(before_trigger, 422, "invalid-data")["detail"]
    case = await ok(await post(app, sid, "application", {"made_at": "2026-07-10T11:00:00+02:00"}))
    assert datetime.fromisoformat(case["application_made_at"]) == datetime(2026, 7, 10, 11, 0, tzinfo=AMS)
    twice = await post(app, sid, "application", {"made_at": NOW.isoformat()})
    assert "already" in assert_problem(twice, 409, "transition-not-allowed")["detail"]
    assert [row.event_type for row in await probe.outbox(sid)] == ["screening.application.made"]


async def test_relocation(app):
    sid = (await started(app))["id"]
    assert_problem(await post(app, sid, "relocation", {"member_state": "NL"}), 422, "invalid-data")
    assert_problem(await post(app, sid, "relocation", {"member_state": "Portugal"}), 422, "invalid-request")
    case = await ok(await post(app, sid, "relocation", {"member_state": "PT"}))
    assert case["relocation_member_state"] == "PT"


async def test_absconding_and_location(app):
    sid = (await started(app))["id"]
    assert_problem(await post(app, sid, "location"), 409, "transition-not-allowed")
    case = await ok(await post(app, sid, "absconding", {"at": NOW.isoformat()}))
    assert (case["status"], case["absconded"]) == ("ABSCONDED", True)
    assert_problem(await post(app, sid, "absconding", {"at": NOW.isoformat()}), 409, "transition-not-allowed")
    assert_problem(await put(app, sid, "information", INFO), 409, "transition-not-allowed")
    assert_problem(await post(app, sid, "closure", {"reason": "ENTRY_CONDITIONS_MET"}), 409)
    case = await ok(await post(app, sid, "location"))
    # "absconded" on the referral means absconded and not found; absconded_at keeps the history.
    assert (case["status"], case["absconded"]) == ("IN_PROGRESS", False)
    assert datetime.fromisoformat(case["absconded_at"]) == NOW
    await ok(await put(app, sid, "information", INFO))
    for at in ["2026-07-10T12:00:01+02:00", "2026-07-09T07:00:00+02:00"]:  # in the future; before the start
        assert_problem(await post(app, sid, "absconding", {"at": at}), 422, "invalid-data")


# --- completion and the end of screening --------------------------------------------------------------------------


async def test_completion_needs_every_check(app, probe):
    sid = (await started(app))["id"]
    await ok(await put(app, sid, "information", INFO))
    await ok(await put(app, sid, "health-check", HEALTH, role=MEDICAL))
    refused = await post(app, sid, "completion")
    problem = assert_problem(refused, 409, "transition-not-allowed")
    assert problem["missing_checks"] == ["vulnerability", "identity", "security", "biometrics", "form"]
    assert await probe.outbox(sid) == []


async def test_completion_refers_and_ends_the_screening(app, probe):
    sid = (await started(app))["id"]
    case = await all_checks(app, sid)
    assert case["ready_for_referral"] is True
    vulnerability = {
        "vulnerabilities": ["TORTURE_OR_INHUMAN_TREATMENT"],
        "special_procedural_needs": ["interview by trained staff"],
    }
    await ok(await put(app, sid, "vulnerability-check", vulnerability))
    family = [{"member_state": "DE", "relation": "brother", "name": "Ali"}]
    await ok(await put(app, sid, "form-details", {"family_in_member_states": family}))
    case = await ok(await post(app, sid, "completion"))
    assert (case["status"], case["completion"], case["referral_target"], case["ready_for_referral"]) == (
        "REFERRED_RETURN",
        "COMPLETE",
        "RETURN",
        False,
    )
    assert datetime.fromisoformat(case["referred_at"]) == NOW
    [row] = await probe.outbox(sid, "screening.case.referred")
    assert row.key == sid
    referred = json.loads(row.payload)
    assert (referred["type"], referred["source"], referred["subject"]) == (
        "screening.case.referred",
        "/keten/screening",
        sid,
    )
    data = referred["data"]
    assert (data["target"], data["basis"], data["completion"], data["missing_checks"]) == (
        "RETURN",
        "SR Art 18(1)",
        "COMPLETE",
        [],
    )
    assert data["form"]["family_in_member_states"] == family
    assert data["form"]["security_db_hit"] is False  # the authorities' form travels with the referral
    routing = data["asylum_routing"]
    assert (routing["vulnerabilities"], routing["special_procedural_needs"]) == (
        ["TORTURE_OR_INHUMAN_TREATMENT"],
        ["interview by trained staff"],
    )
    assert (routing["sr_category"], routing["arrival_mode"], routing["identity_status"]) == (
        "5(1)",
        "IRREGULAR_CROSSING",
        "DECLARED_ONLY",
    )
    assert data["eurodac"] is None  # biometrics not taken (fingertips): nothing transmitted
    # A step on a completed screening, and every other move, is refused.
    for response in [
        await put(app, sid, "cooperation", {}),
        await put(app, sid, "restriction", {"measure": "NONE"}),
        await post(app, sid, "security-check", {}),
        await put(app, sid, "biometrics", {"outcome": "REFUSED"}),
        await post(app, sid, "completion"),
        await post(app, sid, "application", {"made_at": NOW.isoformat()}),
        await post(app, sid, "relocation", {"member_state": "PT"}),
        await post(app, sid, "absconding", {"at": NOW.isoformat()}),
        await post(app, sid, "discontinuation", {"note": "extradition"}),
        await post(app, sid, "closure", {"reason": "DEPARTED"}),
        await post(app, sid, "start", {"started_at": NOW.isoformat()}),
    ]:
        assert assert_problem(response, 409, "transition-not-allowed")["current_status"] == "REFERRED_RETURN"


async def test_discontinuation_for_criminal_proceedings(app, probe):
    sid = (await started(app))["id"]
    assert_problem(await post(app, sid, "discontinuation", {"note": ""}), 422, "invalid-request")
    case = await ok(await post(app, sid, "discontinuation", {"note": "European arrest warrant"}))
    assert (case["status"], case["referral_basis"], case["completion"], case["closure_note"]) == (
        "REFERRED_RETURN",
        "SR Art 18(6)",
        "INCOMPLETE",
        "European arrest warrant",
    )
    [row] = await probe.outbox(sid, "screening.case.referred")
    assert '"referral_note":"European arrest warrant"' in row.payload.replace(": ", ":")


@pytest.mark.parametrize(
    ("reason", "status"), [("ENTRY_CONDITIONS_MET", "CLOSED_ENTRY_CONDITIONS_MET"), ("DEPARTED", "CLOSED_DEPARTED")]
)
async def test_closure(app, probe, reason, status):
    sid = (await started(app))["id"]
    case = await ok(await post(app, sid, "closure", {"reason": reason, "note": "seen off at the gate"}))
    assert (case["status"], case["closure_note"], case["referral_target"]) == (status, "seen off at the gate", None)
    assert await probe.outbox(sid) == []
    assert_problem(await post(app, sid, "closure", {"reason": "RELEASED"}), 422, "invalid-request")


async def test_merge(app):
    person_id = f"P-{uuid.uuid4()}"
    earlier = await open_screening(app, person_id=person_id)
    await ok(await post(app, earlier["id"], "closure", {"reason": "DEPARTED"}))
    later = await open_screening(app, person_id=person_id)
    assert_problem(await post(app, later["id"], "merge", {"into": str(uuid.uuid4())}), 404, "not-found")
    assert_problem(await post(app, later["id"], "merge", {"into": later["id"]}), 422, "invalid-data")
    case = await ok(await post(app, later["id"], "merge", {"into": earlier["id"]}))
    assert (case["status"], case["merged_into"]) == ("MERGED_DUPLICATE", earlier["id"])
    assert_problem(await post(app, later["id"], "merge", {"into": earlier["id"]}), 409, "transition-not-allowed")
    # A biometric match shows that another person id is the same person: merged, it takes over that id.
    other = await open_screening(app)
    running = await open_screening(app)
    case = await ok(await post(app, other["id"], "merge", {"into": running["id"]}))
    assert (case["status"], case["person_id"]) == ("MERGED_DUPLICATE", running["person_id"])


# --- the form (SR 17) ---------------------------------------------------------------------------------------------


async def test_the_form_as_data(app):
    sid = (await started(app))["id"]
    await ok(
        await put(
            app,
            sid,
            "form-details",
            {
                "place_of_birth": "Aleppo",
                "languages": ["ar"],
                "family_in_member_states": [{"member_state": "DE", "relation": "brother", "name": "Ali"}],
                "route": {"point_of_departure": "Izmir", "transit_countries": ["TUR", "GRC"]},
                "suspected_smuggling": True,
            },
        )
    )
    await ok(await post(app, sid, "security-check", {}))
    await ok(await put(app, sid, "cooperation", {"biometrics": "REFUSED"}))
    form = await ok(await app.client.get(f"{BASE}/{sid}/form", headers=app.auth(OFFICER)))
    assert (form["family_name"], form["place_of_birth"], form["screening_reason"]) == (
        "Haddad",
        "Aleppo",
        "BORDER_IRREGULAR",
    )
    assert form["family_in_member_states"] == [{"member_state": "DE", "relation": "brother", "name": "Ali"}]
    assert form["route"]["transit_countries"] == ["TUR", "GRC"]
    assert (form["security_db_hit"], form["cooperation_complied"], form["application_made"]) == (False, False, False)
    assert form["identity_confirmed_by_authorities"] is False  # declared only
    assert (form["suspected_smuggling"], form["health_check"]["done"]) == (True, False)
    persons_copy = await ok(
        await app.client.get(f"{BASE}/{sid}/form", params={"copy": "person"}, headers=app.auth(OFFICER))
    )
    assert persons_copy["security_db_hit"] is None  # SR 17(3): the person's copy leaves out item (h)
    assert {k: v for k, v in persons_copy.items() if k != "security_db_hit"} == {
        k: v for k, v in form.items() if k != "security_db_hit"
    }
    bad = await app.client.get(f"{BASE}/{sid}/form", params={"copy": "press"}, headers=app.auth(OFFICER))
    assert_problem(bad, 422, "invalid-request")


async def test_the_printable_form(app):
    sid = (await started(app, location="<b>Ter Apel</b>"))["id"]
    await ok(await post(app, sid, "security-check", {}))
    authorities = await app.client.get(f"{BASE}/{sid}/form.html", headers=app.auth(OFFICER))
    assert authorities.status_code == 200
    assert authorities.headers["content-type"].startswith("text/html")
    html = authorities.text
    assert html.startswith("<!doctype html>") and "@media print" in html
    for item in [
        "17(1)(a)",
        "17(1)(b)",
        "17(1)(c)",
        "17(1)(d)",
        "17(1)(e)",
        "17(1)(f)",
        "17(1)(g)",
        "17(1)(h)",
        "17(1)(i)",
    ]:
        assert item in html
    assert "the authorities' copy" in html
    assert "&lt;b&gt;Ter Apel&lt;/b&gt;" in html and "<b>Ter Apel</b>" not in html  # escaped
    persons = (
        await app.client.get(f"{BASE}/{sid}/form.html", params={"copy": "person"}, headers=app.auth(OFFICER))
    ).text
    assert "17(1)(h)" not in persons and "Hit in a database" not in persons
    assert "the person's copy" in persons
    assert "17(1)(i)" in persons


# --- listing and search -------------------------------------------------------------------------------------------


async def test_list_filters(app):
    place = unique_location()
    syrian = await started(app, location=place)
    afghan = await open_screening(app, location=place.upper(), person=person(nationalities=["AFG"]))
    territory = await open_screening(app, location=place, screening_reason="TERRITORY", person=person(nationalities=[]))
    elsewhere = await open_screening(app, location=unique_location())

    async def ids(**params: Any) -> list[str]:
        response = await app.client.get(BASE, params=params, headers=app.auth(OFFICER))
        assert response.status_code == 200, response.text
        assert response.json()["next_cursor"] is None
        return [item["id"] for item in response.json()["items"]]

    # Same created_at (the clock stands still): ordered by id.
    assert await ids(location=place.lower()) == sorted([syrian["id"], afghan["id"], territory["id"]])
    assert await ids(location=place, status="IN_PROGRESS") == [syrian["id"]]
    assert await ids(location=place, status="INITIATED") == sorted([afghan["id"], territory["id"]])
    assert await ids(location=place, nationality="AFG") == [afghan["id"]]
    assert await ids(location=place, nationality="syr") == [syrian["id"]]
    assert await ids(location=place, screening_reason="TERRITORY") == [territory["id"]]
    assert await ids(person_id=elsewhere["person_id"]) == [elsewhere["id"]]
    # The nationality established at identification is what the search finds.
    await ok(await put(app, syrian["id"], "identification", {"nationalities": ["IRQ"]}))
    assert await ids(location=place, nationality="IRQ") == [syrian["id"]]
    assert await ids(location=place, nationality="SYR") == []


@pytest.mark.parametrize(
    ("params", "slug"),
    [
        ({"nationality": "XXX"}, "invalid-data"),
        ({"nationality": "ABC"}, "invalid-data"),
        ({"status": "DONE"}, "invalid-request"),
        ({"screening_reason": "VISA"}, "invalid-request"),
        ({"due_within_hours": 0}, "invalid-request"),
        ({"due_within_hours": 24 * 8 + 1}, "invalid-request"),
        ({"limit": 0}, "invalid-request"),
        ({"limit": 201}, "invalid-request"),
        ({"cursor": "not-a-cursor"}, "invalid-data"),
    ],
)
async def test_bad_searches_are_refused(app, params, slug):
    assert_problem(await app.client.get(BASE, params=params, headers=app.auth(OFFICER)), 422, slug)


async def test_overdue_and_due_within(app):
    place = unique_location()
    # NOW is Fri 2026-07-10 12:00: limits end of Thu 07-09 (past), end of Fri 07-10 (12 h), end of Sun 07-12 (60 h).
    overdue = await open_screening(app, location=place, trigger_event_ts="2026-07-02T10:00:00+02:00")
    tonight = await open_screening(app, location=place, trigger_event_ts="2026-07-03T10:00:00+02:00")
    sunday = await open_screening(app, location=place, trigger_event_ts="2026-07-05T10:00:00+02:00")
    closed = await open_screening(app, location=place, trigger_event_ts="2026-07-02T11:00:00+02:00")
    await ok(await post(app, closed["id"], "closure", {"reason": "DEPARTED"}))

    async def ids(**params: Any) -> list[str]:
        response = await app.client.get(BASE, params={"location": place, **params}, headers=app.auth(AUDITOR))
        return sorted(item["id"] for item in (await ok(response))["items"])

    assert await ids(overdue=True) == [overdue["id"]]
    assert await ids(due_within_hours=12) == sorted([overdue["id"], tonight["id"]])
    assert await ids(due_within_hours=11) == [overdue["id"]]
    assert await ids(due_within_hours=60) == sorted([overdue["id"], tonight["id"], sunday["id"]])
    assert await ids() == sorted([overdue["id"], tonight["id"], sunday["id"], closed["id"]])


async def test_pagination_and_audited_list_reads(app, probe):
    place = unique_location()
    opened = [(await open_screening(app, location=place))["id"] for _ in range(5)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"location": place, "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await ok(await app.client.get(BASE, params=params, headers=app.auth(AUDITOR, subject="inspector")))
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert (seen, pages) == (sorted(opened), 3)  # keyset order: created_at (all NOW), then id
    for sid in opened:
        reads = [row for row in await probe.audit(sid) if row.action == "screening.read"]
        assert [(row.actor, row.details) for row in reads] == [("user:inspector", {"in_list": True})]


async def test_reading_a_step_record_is_audited(app, probe):
    sid = (await started(app))["id"]
    await ok(await put(app, sid, "health-check", HEALTH, role=MEDICAL))
    await ok(await app.client.get(f"{BASE}/{sid}/health-check", headers=app.auth(AUDITOR, subject="inspector")))
    reads = [row for row in await probe.audit(sid) if row.actor == "user:inspector"]
    assert reads, "the read of the health-check record left no trace"


async def test_the_openapi_document_lists_every_endpoint(app):
    spec = (await app.client.get("/openapi.json")).json()
    paths = {path for path in spec["paths"] if path.startswith(BASE)}
    expected = {
        BASE,
        f"{BASE}/{{screening_id}}",
        f"{BASE}/{{screening_id}}/start",
        f"{BASE}/{{screening_id}}/identification",
        f"{BASE}/{{screening_id}}/security-check",
        f"{BASE}/{{screening_id}}/security-findings",
        f"{BASE}/{{screening_id}}/biometrics",
        f"{BASE}/{{screening_id}}/eurodac/hits/{{hit_id}}/decision",
        f"{BASE}/{{screening_id}}/merge",
        f"{BASE}/{{screening_id}}/form",
        f"{BASE}/{{screening_id}}/form.html",
        *(
            f"{BASE}/{{screening_id}}/{step}"
            for step in [
                "information",
                "health-check",
                "vulnerability-check",
                "minor-status",
                "cooperation",
                "form-details",
                "form-review",
                "restriction",
                "application",
                "relocation",
                "absconding",
                "location",
                "completion",
                "discontinuation",
                "closure",
            ]
        ),
    }
    assert expected <= paths  # every one of them is exercised in this module
