"""The return REST API (read side) against a running service on real PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from keten_return.service_layer import handlers
from keten_shared.events.catalog.asylum import (
    AppealDecided,
    AppealLodged,
    DecisionIssued,
    DecisionOutcome,
    ProcedureType,
    ReturnDecisionMode,
    RightToRemainUpdated,
)
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.screening import (
    Completion,
    ReferralOutcome,
    ReferralTarget,
    ScreeningCaseReferred,
    ScreeningReason,
)
from keten_shared.testing.checks import assert_problem

OFFICER = "return-officer"
BASE = "/v1/return-cases"
# The API tests need no event consumer (joining its group only slows the module down).
APP_SETTINGS = {"consumer_enabled": False}


async def after_asylum_decision(app, event_of, person_id: str, asylum_case_id: str | None = None) -> DecisionIssued:
    data = DecisionIssued(
        case_id=asylum_case_id or str(uuid.uuid4()),
        decision_id=str(uuid.uuid4()),
        person_id=person_id,
        member_state="NL",
        outcome=DecisionOutcome.REJECTED_MANIFESTLY_UNFOUNDED,
        legal_basis=["APR Art 39(4)", "APR Art 37"],
        procedure_type=ProcedureType.ACCELERATED,
        notified_at=datetime(2026, 7, 9, tzinfo=UTC),
        return_decision_required=True,
        return_decision_mode=ReturnDecisionMode.SEPARATE_ACT,
        nationalities=["GEO"],
    )
    async with app.runtime.uow() as uow:
        await handlers.on_asylum_decision_issued(data, event_of(data, subject=data.case_id), uow)
        await uow.commit()
    return data


async def after_screening(app, event_of, person_id: str) -> ScreeningCaseReferred:
    data = ScreeningCaseReferred(
        case_id=str(uuid.uuid4()),
        person_id=person_id,
        member_state="NL",
        screening_reason=ScreeningReason.BORDER_SAR,
        trigger_event_ts=datetime(2026, 7, 1, tzinfo=UTC),
        location="Lampedusa",
        referred_at=datetime(2026, 7, 8, tzinfo=UTC),
        target=ReferralTarget.RETURN,
        outcome=ReferralOutcome.REFERRED_RETURN,
        basis="SR Art 18(1)",
        completion=Completion.INCOMPLETE,
        missing_checks=["security"],
        person=PersonDetails(family_name="Doe"),
    )
    async with app.runtime.uow() as uow:
        await handlers.on_screening_case_referred(data, event_of(data, subject=data.case_id), uow)
        await uow.commit()
    return data


async def listed(app, **params: Any) -> dict[str, Any]:
    response = await app.client.get(BASE, params=params, headers=app.auth(OFFICER))
    assert response.status_code == 200, response.text
    return response.json()


async def test_get_one_with_its_return_decision(app, probe, event_of):
    person = f"p-{uuid.uuid4()}"
    data = await after_asylum_decision(app, event_of, person)
    [case] = (await listed(app, person_id=person))["items"]
    response = await app.client.get(f"{BASE}/{case['id']}", headers=app.auth("auditor", subject="audrey"))
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    body = response.json()
    assert body == case
    assert (body["trigger"], body["status"], body["asylum_decision_id"], body["asylum_case_id"]) == (
        "ASYLUM_REJECTION",
        "RETURN_DECISION_ISSUED",
        data.decision_id,
        data.case_id,
    )
    assert body["decision"]["legal_basis"] == ["APR Art 37", "RD Art 6(1)"]
    assert body["decision"]["country_of_return"] == "GEO"
    reads = [row for row in await probe.audit(case["id"]) if row.action == "return_case.read"]
    reads = [
        row for row in reads if not (row.details or {}).get("in_list")
    ]  # list reads: see test_list_reads_are_audited
    assert [row.actor for row in reads] == ["user:audrey"]


async def test_filters(app, event_of):
    person = f"p-{uuid.uuid4()}"
    rejection = await after_asylum_decision(app, event_of, person)
    referral = await after_screening(app, event_of, person)

    async def ids(**params: Any) -> list[str | None]:
        items = (await listed(app, person_id=person, **params))["items"]
        return [item["asylum_decision_id"] or item["screening_case_id"] for item in items]

    assert sorted(await ids()) == sorted([rejection.decision_id, referral.case_id])
    assert await ids(asylum_case_id=rejection.case_id) == [rejection.decision_id]
    assert await ids(asylum_decision_id=rejection.decision_id) == [rejection.decision_id]
    assert await ids(screening_case_id=referral.case_id) == [referral.case_id]
    assert len(await ids(status="RETURN_DECISION_ISSUED")) == 2
    assert await ids(status="INITIATED") == []
    assert await ids(status="SUSPENDED") == []
    assert (await listed(app, asylum_decision_id="unknown"))["items"] == []


async def test_pagination(app, event_of):
    person = f"p-{uuid.uuid4()}"
    for _ in range(3):
        await after_asylum_decision(app, event_of, person)
    first = await listed(app, person_id=person, limit=2)
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = await listed(app, person_id=person, limit=2, cursor=first["next_cursor"])
    assert (len(second["items"]), second["next_cursor"]) == (1, None)
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert ids == sorted(ids) and len(set(ids)) == 3


async def test_404(app):
    assert_problem(await app.client.get(f"{BASE}/{uuid.uuid4()}", headers=app.auth(OFFICER)), 404, "not-found")


@pytest.mark.parametrize("path", [BASE, f"{BASE}/x"])
async def test_401_without_a_token(app, path):
    response = await app.client.get(path)
    assert_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("roles", [("asylum-caseworker",), ("screening-officer", "reception-officer")])
async def test_403_with_the_wrong_role(app, roles):
    assert_problem(await app.client.get(BASE, headers=app.auth(*roles)), 403, "forbidden")
    assert_problem(await app.client.get(f"{BASE}/x", headers=app.auth(*roles)), 403, "forbidden")


@pytest.mark.parametrize("role", ["return-officer", "supervisor", "auditor"])
async def test_readers(app, role):
    assert (await app.client.get(BASE, headers=app.auth(role))).status_code == 200


@pytest.mark.parametrize(
    "params", [{"status": "ISSUED"}, {"limit": 0}, {"limit": 201}, {"cursor": "bm9wZQ=="}, {"cursor": "@"}]
)
async def test_422_bad_list_parameters(app, params):
    assert_problem(await app.client.get(BASE, params=params, headers=app.auth(OFFICER)), 422)


async def test_return_cases_are_not_created_through_the_api(app):
    # They exist only because of an asylum decision or a screening referral.
    assert_problem(await app.client.post(BASE, json={}, headers=app.auth(OFFICER)), 405)


# --- suspension (APR Art 68(1)) and withdrawal ---------------------------------------------------------


async def asylum_says(app, event_of, data) -> None:
    async with app.runtime.uow() as uow:
        await handlers.EVENT_HANDLERS[data.event_type](data, event_of(data, subject=data.case_id), uow)
        await uow.commit()


def may_remain(decision: DecisionIssued, until: date | None, basis: str = "APR Art 68(4)") -> RightToRemainUpdated:
    return RightToRemainUpdated(
        case_id=decision.case_id,
        person_id=decision.person_id,
        member_state="NL",
        decision_id=decision.decision_id,
        right_to_remain=True,
        until=until,
        basis=basis,
    )


async def test_a_suspended_case_shows_its_suspension_and_the_remedy(app, event_of):
    person = f"p-{uuid.uuid4()}"
    decision = await after_asylum_decision(app, event_of, person)
    await asylum_says(app, event_of, may_remain(decision, date(2026, 7, 15), "APR Art 68(5)(d)"))
    appeal = AppealLodged(
        case_id=decision.case_id,
        decision_id=decision.decision_id,
        appeal_id="appeal-9",
        person_id=person,
        member_state="NL",
        lodged_at=datetime(2026, 7, 10, 8, tzinfo=UTC),
        in_time=True,
        suspensive=False,
    )
    await asylum_says(app, event_of, appeal)
    [case] = (await listed(app, person_id=person))["items"]
    assert case["status"] == "SUSPENDED"
    assert case["version"] == 2
    assert case["suspension"] == {
        "since": "2026-07-10T10:00:00Z",
        "reason": "RIGHT_TO_REMAIN",
        "legal_basis": ["APR Art 68(1)", "APR Art 68(5)(d)", "C-181/16 Gnandi"],
        "resumes": "RETURN_DECISION_ISSUED",
    }
    assert case["asylum_remedy"] == {
        "right_to_remain": True,
        "right_to_remain_until": "2026-07-15",
        "right_to_remain_basis": "APR Art 68(5)(d)",
        "appeal": {
            "id": "appeal-9",
            "lodged_at": "2026-07-10T08:00:00Z",
            "suspensive": False,
            "result": None,
            "decided_at": None,
        },
    }
    assert case["withdrawal"] is None
    one = await app.client.get(f"{BASE}/{case['id']}", headers=app.auth(OFFICER))
    assert (one.json(), one.headers["etag"]) == (case, '"2"')


async def test_filter_suspended_cases_and_the_end_of_the_right_to_remain(app, event_of):
    person = f"p-{uuid.uuid4()}"
    ends = {}
    for until in (date(2026, 7, 14), date(2026, 7, 20), None):
        decision = await after_asylum_decision(app, event_of, person)
        await asylum_says(app, event_of, may_remain(decision, until))
        ends[decision.decision_id] = until
    in_effect = await after_asylum_decision(app, event_of, person)
    referral = await after_screening(app, event_of, person)

    async def ids(**params: Any) -> set[str | None]:
        items = (await listed(app, person_id=person, **params))["items"]
        return {item["asylum_decision_id"] or item["screening_case_id"] for item in items}

    assert await ids(status="SUSPENDED") == set(ends)
    assert await ids(status="RETURN_DECISION_ISSUED") == {in_effect.decision_id, referral.case_id}
    by = {d for d, until in ends.items() if until == date(2026, 7, 14)}
    assert await ids(right_to_remain_ends_by="2026-07-14") == by
    assert await ids(right_to_remain_ends_by="2026-07-13") == set()
    assert len(await ids(right_to_remain_ends_by="2026-12-31")) == 2  # "until the outcome" has no end yet
    screening_case = (await listed(app, screening_case_id=referral.case_id))["items"][0]
    assert (screening_case["asylum_remedy"], screening_case["suspension"]) == (None, None)


async def test_a_withdrawn_case_shows_its_withdrawal(app, event_of):
    person = f"p-{uuid.uuid4()}"
    decision = await after_asylum_decision(app, event_of, person)
    annulled = AppealDecided(
        case_id=decision.case_id,
        decision_id=decision.decision_id,
        appeal_id="appeal-3",
        person_id=person,
        member_state="NL",
        result="ANNULLED",
        decided_at=datetime(2026, 7, 10, 9, tzinfo=UTC),
    )
    await asylum_says(app, event_of, annulled)
    [case] = (await listed(app, person_id=person, status="CANCELLED"))["items"]
    assert case["withdrawal"] == {
        "at": "2026-07-10T10:00:00Z",
        "reason": "ASYLUM_DECISION_ANNULLED",
        "legal_basis": ["APR Art 10(1)", "RD recital 9"],
    }
    assert case["suspension"] is None
    assert case["asylum_remedy"]["appeal"]["result"] == "ANNULLED"
