"""The worked scenarios of dublin chapter §8, through POST /v1/responsibility/evaluate.

This member state ("XX" in the chapter) is NL, whose public holidays fall on none of the scenario dates, so only
Saturdays and Sundays move a time limit, as the chapter assumes. Scenario 7 designates NL itself, so there XX is DE.
The procedure steps after the request (replies, transfer decisions, transfers: scenarios 1, 9, 10, 12-14) are
tested with the procedures.
"""

from __future__ import annotations

from typing import Any

import pytest

from keten_shared.testing.checks import assert_problem

OFFICER = "dublin-officer"
URL = "/v1/responsibility/evaluate"

APP_SETTINGS = {"consumer_enabled": False, "scheduler_enabled": False}


async def evaluate(app, registered_on: str, *, evaluated_on: str | None = None, **facts: Any) -> dict[str, Any]:
    body = {
        "facts": {"determining_ms": "NL", "registered_on": registered_on, "security_threat": False, **facts},
        "evaluated_on": evaluated_on or registered_on,
    }
    response = await app.client.post(URL, json=body, headers=app.auth(OFFICER))
    assert response.status_code == 200, response.text
    return response.json()


def hit(category: str, ms: str, recorded_on: str, received_at: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"eurodac-{category}-{ms}",
        "category": category,
        "member_state": ms,
        "recorded_on": recorded_on,
        "received_at": received_at,
        **extra,
    }


def entry(kind: str, ms: str, on: str, evidence: str = "PROOF") -> dict[str, Any]:
    return {"id": f"{kind}-{ms}", "kind": kind, "member_state": ms, "on": on, "evidence": evidence}


def document(doc_id: str, kind: str, ms: str, valid_from: str, valid_until: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": doc_id,
        "type": kind,
        "issuing_ms": ms,
        "valid_from": valid_from,
        "valid_until": valid_until,
        **extra,
    }


def applied(result: dict[str, Any]) -> dict[str, Any]:
    [reason] = [r for r in result["reasons"] if r["outcome"] == "APPLIES"][-1:]
    return reason


async def test_1_eurodac_irregular_entry_hit(app):
    result = await evaluate(
        app,
        "2026-07-01",
        evaluated_on="2026-07-20",
        eurodac_hits=[hit("IRREGULAR_CROSSER", "GR", "2026-03-01", "2026-07-02T10:00:00+02:00")],
    )
    assert (result["responsible_ms"], result["article"], result["next_action"]) == (
        "GR",
        "AMMR Art 33(1)",
        "TAKE_CHARGE",
    )
    # min(2026-09-01, 2026-08-02 (Sun) rolled to Mon 2026-08-03) (AMMR 39(1), 75(d)).
    assert result["request_due"]["last_day"] == "2026-08-03"
    assert result["request_due"]["legal_basis"] == "AMMR Art 39(1)"
    assert result["evidence_ids"] == ["eurodac-IRREGULAR_CROSSER-GR"]


@pytest.mark.parametrize(
    ("registered_on", "responsible", "action", "request_due"),
    [("2026-09-30", "IT", "TAKE_CHARGE", "2026-11-30"), ("2026-10-01", "NL", "SELF", None)],
)
async def test_2_twenty_month_boundary_with_month_end_clipping(app, registered_on, responsible, action, request_due):
    result = await evaluate(app, registered_on, entries=[entry("IRREGULAR_CROSSING", "IT", "2025-01-31")])
    assert (result["responsible_ms"], result["next_action"]) == (responsible, action)
    assert (result["request_due"] or {}).get("last_day") == request_due
    [art33] = [r for r in result["reasons"] if r["criterion"] == "IRREGULAR_ENTRY"]
    assert art33["outcome"] == ("APPLIES" if responsible == "IT" else "NOT_MET")
    assert "2026-09-30" in art33["detail"]  # 2025-01-31 + 20 months: 2026-09-31 does not exist


async def test_2_transitional_variant_is_refused(app):
    body = {
        "facts": {
            "determining_ms": "NL",
            "registered_on": "2026-06-30",
            "entries": [entry("IRREGULAR_CROSSING", "IT", "2024-10-31")],
        }
    }
    problem = assert_problem(await app.client.post(URL, json=body, headers=app.auth(OFFICER)), 422)
    assert "84(2)" in problem["detail"]


@pytest.mark.parametrize(("registered_on", "responsible"), [("2026-07-15", "MT"), ("2026-07-16", "NL")])
async def test_3_search_and_rescue_twelve_month_boundary(app, registered_on, responsible):
    result = await evaluate(app, registered_on, entries=[entry("SAR_DISEMBARKATION", "MT", "2025-07-15")])
    assert result["responsible_ms"] == responsible
    assert result["article"] == ("AMMR Art 33(2)" if responsible == "MT" else "AMMR Art 16(2)")


@pytest.mark.parametrize(
    ("registered_on", "responsible", "request_due"), [("2026-09-30", "FR", "2026-11-30"), ("2026-10-01", "NL", None)]
)
async def test_4_expired_visa_boundary(app, registered_on, responsible, request_due):
    visa = document("fr-visa", "VISA_SHORT_STAY", "FR", "2025-03-01", "2025-03-31")
    result = await evaluate(app, registered_on, documents=[visa])
    assert result["responsible_ms"] == responsible
    assert (result["request_due"] or {}).get("last_day") == request_due
    if responsible == "FR":
        assert result["article"] == "AMMR Art 29(4)"


async def test_5_several_documents_from_different_member_states(app):
    result = await evaluate(
        app,
        "2026-07-10",
        documents=[
            document("it-visa", "VISA_SHORT_STAY", "IT", "2026-07-01", "2026-07-30"),
            document("es-visa", "VISA_SHORT_STAY", "ES", "2026-07-01", "2026-08-15"),
        ],
    )
    assert (result["responsible_ms"], result["article"]) == ("ES", "AMMR Art 29(3)(b)")
    assert result["request_due"]["last_day"] == "2026-09-10"
    assert "it-visa" in applied(result)["detail"]  # the reasons name the visa ranked after it


@pytest.mark.parametrize(
    ("documents", "responsible", "article"),
    [
        (
            [
                document("pl", "VISA_LONG_STAY", "PL", "2026-01-01", "2026-12-31"),
                document("de", "VISA_SHORT_STAY", "DE", "2026-06-01", "2026-08-29"),
            ],
            "PL",
            "AMMR Art 29(3)(c)",
        ),
        (
            [
                document("at", "RESIDENCE_DOCUMENT", "AT", "2026-01-01", "2027-01-01"),
                document("fr", "VISA_LONG_STAY", "FR", "2026-01-01", "2027-06-01"),
            ],
            "AT",
            "AMMR Art 29(3)(a)",
        ),
        ([document("be", "VISA_SHORT_STAY", "BE", "2026-07-01", "2026-08-01", represented_ms="LU")], "LU", None),
    ],
)
async def test_5_variants(app, documents, responsible, article):
    result = await evaluate(app, "2026-07-10", documents=documents)
    assert result["responsible_ms"] == responsible
    assert result["article"] == (article or "AMMR Art 29(2)")


@pytest.mark.parametrize(("registered_on", "responsible"), [("2026-07-20", "BE"), ("2026-07-21", "NL")])
async def test_6_expired_residence_permit(app, registered_on, responsible):
    permit = document("be-permit", "RESIDENCE_DOCUMENT", "BE", "2021-07-21", "2023-07-20")
    result = await evaluate(app, registered_on, documents=[permit])
    assert result["responsible_ms"] == responsible


@pytest.mark.parametrize(
    ("registered_on", "responsible", "article", "request_due"),
    [("2026-07-15", "NL", "AMMR Art 30(1)", "2026-09-15"), ("2026-07-16", "GR", "AMMR Art 33(1)", "2026-09-16")],
)
async def test_7_diploma_outranks_irregular_entry(app, registered_on, responsible, article, request_due):
    diploma = {
        "id": "nl-master",
        "issuing_ms": "NL",
        "issued_on": "2020-07-15",
        "study_days": 365,
        "at_least_one_academic_year": True,
        "isced_level": 7,
    }
    result = await evaluate(
        app,
        registered_on,
        determining_ms="DE",
        diplomas=[diploma],
        entries=[entry("IRREGULAR_CROSSING", "GR", "2026-05-01")],
    )
    assert (result["responsible_ms"], result["article"], result["next_action"]) == (responsible, article, "TAKE_CHARGE")
    assert result["request_due"]["last_day"] == request_due
    if responsible == "NL":
        [art33] = [r for r in result["reasons"] if r["criterion"] == "IRREGULAR_ENTRY"]
        assert art33["outcome"] == "NOT_REACHED"


UAM_WITH_BROTHER = {
    "person": {"date_of_birth": "2008-10-01", "unaccompanied": True},
    "family": [
        {
            "id": "brother",
            "relation": "SIBLING",
            "member_state": "SE",
            "status": "OTHER_LEGAL_RESIDENT",
            "legally_present": True,
        }
    ],
    "best_interests": {"assessed_on": "2026-07-03"},
}


async def test_8_unaccompanied_minor_with_sibling(app):
    result = await evaluate(app, "2026-07-01", evaluated_on="2026-07-10", **UAM_WITH_BROTHER)
    assert (result["responsible_ms"], result["article"], result["next_action"]) == (
        "SE",
        "AMMR Art 25(2)",
        "TAKE_CHARGE",
    )
    assert result["request_due"]["last_day"] == "2026-09-01"
    assert result["flags"] == []


async def test_8_criteria_unchanged_after_the_eighteenth_birthday(app):
    # Frozen at registration (Art 24(2)); the Art 39(1) exception after majority is for manual review.
    result = await evaluate(app, "2026-07-01", evaluated_on="2026-10-01", **UAM_WITH_BROTHER)
    assert (result["responsible_ms"], result["next_action"]) == ("SE", "TAKE_CHARGE")
    assert set(result["flags"]) == {"UAM_NOW_ADULT", "UAM_LATE_REQUEST_EXCEPTION"}


SPOUSE_IN_BELGIUM = {
    "id": "spouse",
    "relation": "SPOUSE",
    "member_state": "BE",
    "status": "APPLICANT",
    "status_since": "2026-07-01",
    "written_consent": True,
}


async def test_9_spouse_is_an_applicant(app):
    result = await evaluate(app, "2026-08-03", family=[SPOUSE_IN_BELGIUM])
    assert (result["responsible_ms"], result["article"]) == ("BE", "AMMR Art 27")
    assert result["request_due"]["last_day"] == "2026-10-05"  # 2026-10-03 is a Saturday (AMMR 75(d))


async def test_9_variant_spouse_already_decided(app):
    decided = {**SPOUSE_IN_BELGIUM, "first_instance_decision_on": "2026-07-30"}
    result = await evaluate(app, "2026-08-03", family=[decided])
    assert (result["responsible_ms"], result["basis"]) == ("NL", "DEFAULT_16_2")
    assert "HUMANITARIAN_CANDIDATE" in result["flags"]  # consider Art 35(2)


async def test_10_take_back_notification_due(app):
    earlier = hit("APPLICANT", "AT", "2026-03-02", "2026-09-07T09:00:00+02:00", responsible_ms="AT")
    result = await evaluate(app, "2026-09-07", evaluated_on="2026-09-10", eurodac_hits=[earlier])
    assert (result["responsible_ms"], result["next_action"]) == ("AT", "TAKE_BACK")
    assert result["request_due"]["last_day"] == "2026-09-21"  # AMMR 41(1): 2 weeks from the hit


TICKETS_TO_GREECE = [entry("IRREGULAR_CROSSING", "GR", "2026-07-20", evidence="CIRCUMSTANTIAL")]


@pytest.mark.parametrize(
    ("evaluated_on", "responsible", "action", "basis"),
    [("2026-10-05", "GR", "TAKE_CHARGE", "CRITERION"), ("2026-10-06", "NL", "SELF", "LATE_REQUEST")],
)
async def test_11_late_take_charge_request(app, evaluated_on, responsible, action, basis):
    result = await evaluate(app, "2026-08-04", evaluated_on=evaluated_on, entries=TICKETS_TO_GREECE)
    assert (result["responsible_ms"], result["next_action"], result["basis"]) == (responsible, action, basis)
    if action == "TAKE_CHARGE":
        assert result["request_due"]["last_day"] == "2026-10-05"  # Sun 2026-10-04 rolled forward
    else:
        assert result["article"] == "AMMR Art 39(1)"
        assert result["reasons"][-1]["detail"].startswith("the take charge request was due by 2026-10-05")


async def test_14_detained_applicant_request_due(app):
    result = await evaluate(
        app,
        "2026-07-06",
        detained_since="2026-07-06T08:00:00+02:00",
        entries=[entry("IRREGULAR_CROSSING", "GR", "2026-06-20")],
    )
    assert result["request_due"]["last_day"] == "2026-07-20"  # AMMR 45(1): 2 weeks
    assert result["request_due"]["legal_basis"].startswith("AMMR Art 45(1)")


async def test_15_person_relocated_earlier_is_taken_back_by_the_member_state_of_relocation(app):
    result = await evaluate(
        app,
        "2026-10-20",
        determining_ms="FR",
        entries=[entry("IRREGULAR_CROSSING", "IT", "2026-07-01")],
        relocations=[{"from_ms": "IT", "to_ms": "NL", "on": "2026-09-15"}],
    )
    assert (result["responsible_ms"], result["next_action"], result["article"]) == ("NL", "TAKE_BACK", "AMMR Art 68(3)")


async def test_15_member_state_of_relocation_without_a_criterion_is_responsible(app):
    result = await evaluate(
        app,
        "2026-09-20",
        entries=[entry("IRREGULAR_CROSSING", "IT", "2026-07-01")],
        relocations=[{"from_ms": "IT", "to_ms": "NL", "on": "2026-09-15"}],
    )
    assert (result["responsible_ms"], result["next_action"], result["article"]) == ("NL", "SELF", "AMMR Art 68(2)")


async def test_16a_security_threat(app):
    result = await evaluate(
        app, "2026-07-15", security_threat=True, entries=[entry("IRREGULAR_CROSSING", "GR", "2026-07-01")]
    )
    assert (result["responsible_ms"], result["next_action"], result["basis"]) == ("NL", "SELF", "SECURITY_16_4")
    assert result["relocation_excluded"] is True and result["request_due"] is None
    assert [r["criterion"] for r in result["reasons"] if r["criterion"] == "IRREGULAR_ENTRY"] == []


@pytest.mark.parametrize(("registered_on", "action"), [("2027-12-30", "TAKE_BACK"), ("2027-12-31", "SELF")])
async def test_16b_border_procedure_cessation(app, registered_on, action):
    earlier = hit(
        "APPLICANT",
        "NL",
        "2026-07-15",
        f"{registered_on}T09:00:00+01:00",
        responsible_ms="NL",
        border_rejection_final_on="2026-09-30",
    )
    result = await evaluate(app, registered_on, determining_ms="DE", eurodac_hits=[earlier])
    assert result["next_action"] == action
    if action == "SELF":
        [take_back] = [r for r in result["reasons"] if r["criterion"] == "TAKE_BACK"]
        assert "Art 37(2)" in take_back["detail"]


# --- bad input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "facts",
    [
        {"determining_ms": "NL", "registered_on": "2026-07-10", "systemic_risk_ms": ["XX"]},
        {
            "determining_ms": "NL",
            "registered_on": "2026-07-10",
            "eurodac_hits": [hit("SAR", "MT", "2026-07-01", "2026-07-02T10:00:00")],
        },
        {
            "determining_ms": "NL",
            "registered_on": "2026-07-10",
            "documents": [document("d", "VISA_SHORT_STAY", "FR", "2026-07-02", "2026-07-01")],
        },
        {"determining_ms": "NL", "registered_on": "2026-07-10", "first_registration_on": "2026-07-11"},
        {"determining_ms": "NL", "registered_on": "not a date"},
        {"registered_on": "2026-07-10"},
        {
            "determining_ms": "NL",
            "registered_on": "2026-07-10",
            "family": [{"id": "x", "relation": "COUSIN", "member_state": "BE", "status": "UNKNOWN"}],
        },
    ],
)
async def test_bad_facts_are_a_422_problem(app, facts):
    assert_problem(await app.client.post(URL, json={"facts": facts}, headers=app.auth(OFFICER)), 422)


async def test_a_family_member_of_unknown_status_is_explained_not_an_error(app):
    unknown = {
        "id": "husband",
        "relation": "SPOUSE",
        "member_state": "BE",
        "status": "UNKNOWN",
        "written_consent": True,
    }
    result = await evaluate(
        app, "2026-07-10", family=[unknown], entries=[entry("IRREGULAR_CROSSING", "GR", "2026-07-01")]
    )
    assert result["responsible_ms"] == "GR" and "FAMILY_STATUS_UNKNOWN" in result["flags"]
    assert any("status not established" in r["detail"] for r in result["reasons"])


async def test_needs_a_dublin_role(app):
    body = {"facts": {"determining_ms": "NL", "registered_on": "2026-07-10"}}
    assert_problem(await app.client.post(URL, json=body), 401, "unauthenticated")
    assert_problem(await app.client.post(URL, json=body, headers=app.auth("asylum-caseworker")), 403, "forbidden")
