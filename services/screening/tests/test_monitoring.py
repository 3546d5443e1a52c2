"""Fundamental-rights monitoring (SR Art 10): the allegation register, its workflow and the mechanism's figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from keten_screening.domain.monitoring import (
    Allegation,
    AllegationCategory,
    AllegationFacts,
    AllegationKind,
    AllegationSource,
    AllegationStatus,
    ScreeningFacts,
    monitoring_report,
)
from keten_shared.errors import InvalidData, TransitionNotAllowed
from keten_shared.testing.checks import assert_problem

T0 = datetime(2026, 7, 1, 8, tzinfo=UTC)
S = AllegationStatus


def allegation(**changes) -> Allegation:
    values = dict(
        id="a-1",
        screening_id="s-1",
        kind=AllegationKind.COMPLAINT,
        category=AllegationCategory.ASYLUM_ACCESS,
        source=AllegationSource.PERSON,
        received_at=T0,
        description="not allowed to apply",
        created_at=T0,
    )
    return Allegation(**(values | changes))


# --- SR 10(1), 10(2)(b): the workflow ---------------------------------------------------------------------------------


def test_an_allegation_is_investigated_found_substantiated_referred_and_closed_with_its_history():
    a = allegation()
    a.move(S.UNDER_INVESTIGATION, by="user:m", at=T0, investigation_ref="INV-1")
    a.move(S.SUBSTANTIATED, by="user:m", at=T0 + timedelta(days=3), note="witnesses")
    a.move(S.REFERRED_FOR_PROCEEDINGS, by="user:m", at=T0 + timedelta(days=4))
    a.move(S.CLOSED, by="user:m", at=T0 + timedelta(days=30), outcome="prosecution opened")
    assert (a.status, a.substantiated, a.investigation_ref, a.outcome) == (
        S.CLOSED,
        True,
        "INV-1",
        "prosecution opened",
    )
    assert [(h["from"], h["to"]) for h in a.history] == [
        ("RECEIVED", "UNDER_INVESTIGATION"),
        ("UNDER_INVESTIGATION", "SUBSTANTIATED"),
        ("SUBSTANTIATED", "REFERRED_FOR_PROCEEDINGS"),
        ("REFERRED_FOR_PROCEEDINGS", "CLOSED"),
    ]


def test_a_manifestly_unfounded_allegation_may_be_found_unsubstantiated_at_once():
    a = allegation()
    a.move(S.UNSUBSTANTIATED, by="user:m", at=T0)
    assert a.substantiated is False


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], S.SUBSTANTIATED),  # not without an investigation
        ([], S.CLOSED),
        ([(S.UNSUBSTANTIATED, {})], S.SUBSTANTIATED),
        ([(S.UNSUBSTANTIATED, {}), (S.CLOSED, {"outcome": "no evidence"})], S.UNDER_INVESTIGATION),
    ],
)
def test_steps_out_of_order_are_refused(path, refused):
    a = allegation()
    for to, extra in path:
        a.move(to, by="user:m", at=T0, **extra)
    with pytest.raises(TransitionNotAllowed):
        a.move(refused, by="user:m", at=T0, investigation_ref="INV-9", outcome="x")


def test_an_investigation_needs_its_reference_and_a_closure_its_outcome():
    a = allegation()
    with pytest.raises(InvalidData, match="reference"):
        a.move(S.UNDER_INVESTIGATION, by="user:m", at=T0)
    a.move(S.UNSUBSTANTIATED, by="user:m", at=T0)
    with pytest.raises(InvalidData, match="outcome"):
        a.move(S.CLOSED, by="user:m", at=T0)


# --- the figures (chapter §6) -----------------------------------------------------------------------------------


def facts(**changes) -> ScreeningFacts:
    values = dict(
        status="REFERRED_ASYLUM",
        reason="BORDER_SAR",
        trigger_event_ts=T0,
        referred_at=T0 + timedelta(hours=48),
        completion="COMPLETE",
        application_made=True,
        info_provided=True,
        unaccompanied_minor=False,
        detention=False,
        coercion_used=False,
        absconded=False,
    )
    return ScreeningFacts(**(values | changes))


def test_the_report_counts_outcomes_limits_access_children_detention_coercion_and_allegations():
    report = monitoring_report(
        [
            facts(),
            facts(
                status="REFERRED_RETURN",
                application_made=False,
                completion="INCOMPLETE",
                referred_at=T0 + timedelta(hours=192),
                absconded=True,
            ),
            facts(
                status="IN_PROGRESS",
                referred_at=None,
                completion=None,
                info_provided=False,
                unaccompanied_minor=True,
                detention=True,
                coercion_used=True,
            ),
        ],
        [AllegationFacts("DETENTION", "SUBSTANTIATED", True), AllegationFacts("DETENTION", "RECEIVED", None)],
    )
    assert report["screenings"] == 3 and report["referred"] == 2
    assert report["referred_incomplete"] == 1 and report["referred_incomplete_rate"] == 0.5
    assert report["hours_to_referral"] == {"median": 120.0, "max": 192.0}
    assert report["applications_made"] == 2
    assert report["information_provided_rate"] == round(2 / 3, 4)
    assert (report["unaccompanied_minors"], report["detention_used"], report["coercion_for_biometrics"]) == (1, 1, 1)
    assert report["absconded_at_referral"] == 1
    assert report["by_status"] == {"REFERRED_ASYLUM": 1, "REFERRED_RETURN": 1, "IN_PROGRESS": 1}
    assert report["allegations"] == {
        "total": 2,
        "by_category": {"DETENTION": 2},
        "by_status": {"SUBSTANTIATED": 1, "RECEIVED": 1},
        "substantiated": 1,
    }


def test_an_empty_period_has_no_rates():
    report = monitoring_report([], [])
    assert report["screenings"] == 0 and report["referred_incomplete_rate"] is None
    assert report["hours_to_referral"] == {"median": None, "max": None}


# --- through the API -----------------------------------------------------------------------------------------------

MONITOR, OFFICER = "fundamental-rights-monitor", "screening-officer"


async def open_screening(app) -> dict:
    response = await app.client.post(
        "/v1/screenings",
        headers=app.auth(OFFICER),
        json={
            "screening_reason": "BORDER_SAR",
            "trigger_event_ts": "2026-07-09T06:00:00+02:00",
            "location": "Lampedusa",
            "person": {"family_name": "Doe"},
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_allegations_through_the_api_and_the_report(app):
    screening = await open_screening(app)
    body = {
        "kind": "INCIDENT",
        "category": "ILL_TREATMENT",
        "source": "MONITORING_BODY",
        "received_at": "2026-07-10T09:00:00+02:00",
        "description": "unannounced visit: use of force reported",
    }
    created = await app.client.post(
        f"/v1/screenings/{screening['id']}/allegations", headers=app.auth(OFFICER), json=body
    )
    assert created.status_code == 201, created.text
    allegation = created.json()
    assert allegation["status"] == "RECEIVED" and created.headers["location"] == f"/v1/allegations/{allegation['id']}"

    # Officers may report, but only the mechanism (or a supervisor) follows an allegation up.
    path = f"/v1/allegations/{allegation['id']}/status"
    assert_problem(await app.client.post(path, headers=app.auth(OFFICER), json={"status": "UNSUBSTANTIATED"}), 403)
    assert_problem(await app.client.post(path, headers=app.auth(MONITOR), json={"status": "UNDER_INVESTIGATION"}), 422)
    moved = await app.client.post(
        path,
        headers={**app.auth(MONITOR), "If-Match": created.headers["etag"]},
        json={"status": "UNDER_INVESTIGATION", "investigation_ref": "INV-7"},
    )
    assert moved.status_code == 200, moved.text
    assert_problem(
        await app.client.post(
            path, headers={**app.auth(MONITOR), "If-Match": created.headers["etag"]}, json={"status": "SUBSTANTIATED"}
        ),
        412,
    )
    assert_problem(await app.client.post(path, headers=app.auth(MONITOR), json={"status": "RECEIVED"}), 409)

    register = await app.client.get("/v1/allegations", headers=app.auth(MONITOR), params={"category": "ILL_TREATMENT"})
    assert [a["id"] for a in register.json()["items"]] == [allegation["id"]]
    assert_problem(await app.client.get("/v1/allegations", headers=app.auth(OFFICER)), 403)

    report = await app.client.get(
        "/v1/monitoring/report",
        headers=app.auth(MONITOR),
        params={"from": "2026-07-01T00:00:00+02:00", "to": "2026-08-01T00:00:00+02:00"},
    )
    assert report.status_code == 200, report.text
    figures = report.json()
    assert figures["screenings"] >= 1 and figures["by_reason"]["BORDER_SAR"] >= 1
    assert figures["allegations"]["by_category"]["ILL_TREATMENT"] >= 1
    assert "Doe" not in report.text  # no personal data in the figures


async def test_bad_allegation_input(app):
    screening = await open_screening(app)
    url = f"/v1/screenings/{screening['id']}/allegations"
    good = {
        "kind": "COMPLAINT",
        "category": "CHILD_BEST_INTERESTS",
        "source": "PERSON",
        "received_at": "2026-07-10T09:00:00+02:00",
        "description": "x",
    }
    assert_problem(await app.client.post(url, headers=app.auth(OFFICER), json=good | {"category": "NOPE"}), 422)
    future = good | {"received_at": "2026-07-11T09:00:00+02:00"}
    assert_problem(await app.client.post(url, headers=app.auth(OFFICER), json=future), 422)
    assert_problem(await app.client.post("/v1/screenings/nope/allegations", headers=app.auth(OFFICER), json=good), 404)
    period = {"from": "2026-08-01T00:00:00+02:00", "to": "2026-07-01T00:00:00+02:00"}
    assert_problem(await app.client.get("/v1/monitoring/report", headers=app.auth(MONITOR), params=period), 422)
