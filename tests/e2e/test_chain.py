"""End to end: from screening to a return decision, through the services' REST APIs and the broker."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from .conftest import SERVICES, Stack, eventually

pytestmark = pytest.mark.e2e


def _ago(**delta: float) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).isoformat()


async def screen(stack: Stack, family_name: str, *, apply: bool) -> dict:
    """A whole screening through the REST API, as officers and medical staff record it; returns the referred case."""
    async with stack.client("screening") as screening:
        created = await screening.post(
            "/v1/screenings",
            json={
                "screening_reason": "BORDER_IRREGULAR",
                "trigger_event_ts": _ago(hours=5),
                "location": "Ter Apel",
                "person": {"family_name": family_name, "given_names": "Test", "sex": "M", "nationalities": ["SYR"]},
            },
        )
        assert created.status_code == 201, created.text
        path = f"/v1/screenings/{created.json()['id']}"
        steps = [
            ("post", "start", {"started_at": _ago(hours=4)}, None),
            ("put", "information", {"provided_at": _ago(hours=4), "language": "ar", "channel": "ORAL"}, None),
            ("put", "health-check", {"medical_staff": "nurse-7"}, stack.auth_as("screening-medical-staff")),
            ("put", "vulnerability-check", {"vulnerabilities": ["TORTURE_OR_INHUMAN_TREATMENT"]}, None),
            ("put", "identification", {"nationalities": ["SYR"]}, None),
            ("post", "security-check", {}, None),
            ("put", "biometrics", {"outcome": "CAPTURED", "template_ref": f"tpl-{uuid.uuid4()}"}, None),
            *([("post", "application", {"made_at": _ago(hours=3)}, None)] if apply else []),
            ("put", "form-review", {"reviewed_with_person_at": _ago(hours=2)}, None),
        ]
        for method, step, body, headers in steps:
            response = await screening.request(method, f"{path}/{step}", json=body, headers=headers)
            assert response.status_code == 200, (step, response.text)

        async def transmitted_to_eurodac():  # the scheduler transmits the captured biometrics (ED 22(2))
            return (await screening.get(path)).json()["eurodac"]["transmissions"]

        await eventually(transmitted_to_eurodac)
        referred = await screening.post(f"{path}/completion")
        assert referred.status_code == 200, referred.text
        return referred.json()


async def screen_and_refer_to_asylum(stack: Stack, family_name: str) -> dict:
    """Screening with an application → referral to asylum, where a caseworker registers it (APR Art 27)."""
    referred = await screen(stack, family_name, apply=True)
    assert (referred["status"], referred["referral_basis"]) == ("REFERRED_ASYLUM", "SR Art 18(2)")

    async with stack.client("asylum") as asylum:

        async def made():  # the referral, not only the application made during screening (APR Art 27(7))
            page = (await asylum.get("/v1/applications", params={"screening_case_id": referred["id"]})).json()
            return next((a for a in page["items"] if a["screening_referral"] is not None), None)

        application = await eventually(made)
        assert application["status"] == "MADE"
        response = await asylum.post(f"/v1/applications/{application['id']}/registration", json={})
        assert response.status_code == 200, response.text
        return response.json()


async def decide(
    stack: Stack, application_id: str, outcome: str, traceparent: str | None = None, **routing: list[str]
) -> dict:
    """Lodge (APR Art 28), route (APR 35-45) and decide (APR Art 36) the registered application."""
    headers = {"traceparent": traceparent} if traceparent else {}
    path = f"/v1/applications/{application_id}"
    async with stack.client("asylum") as asylum:
        lodged = await asylum.post(f"{path}/lodging", json={"lodged_at": _ago(seconds=0)})
        assert lodged.status_code == 200, lodged.text
        routed = await asylum.post(f"{path}/routing", json=routing)
        assert routed.status_code == 200, routed.text
        decision = {"outcome": outcome, "notified_at": _ago(seconds=0)}
        if outcome == "INADMISSIBLE":
            decision["admissibility_ground"] = routing["admissibility_grounds"][0]
        if outcome == "IMPLICITLY_WITHDRAWN":  # APR Art 41(1)(e): absconded
            withdrawal = {"type": "IMPLICIT", "ground": "ABSCONDED", "notified_at": decision["notified_at"]}
            withdrawal["withdrawn_at"] = decision["notified_at"]
            response = await asylum.post(f"{path}/withdrawal", json=withdrawal, headers=headers)
        else:
            response = await asylum.post(f"{path}/decision", json=decision, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def return_cases(stack: Stack, **filters: str) -> list[dict]:
    async with stack.client("return") as returns:
        response = await returns.get("/v1/return-cases", params=filters)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_a_negative_decision_becomes_exactly_one_return_decision(stack: Stack):
    application = await screen_and_refer_to_asylum(stack, "Haddad")
    assert application["status"] == "REGISTERED"

    async with stack.client("reception") as reception:

        async def reception_files():
            page = (await reception.get("/v1/reception-files", params={"asylum_case_id": application["id"]})).json()
            return page["items"]

        assert (await eventually(reception_files))[0]["person_id"] == application["person_id"]
    async with stack.client("dublin") as dublin:

        async def procedure():
            page = (await dublin.get("/v1/procedures", params={"asylum_case_id": application["id"]})).json()
            return page["items"]

        assert (await eventually(procedure))[0]["regime"] == "AMMR"

    trace_id = uuid.uuid4().hex
    decision = await decide(stack, application["id"], "REJECTED_UNFOUNDED", f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01")
    assert decision["return_decision_required"] is True

    async def suspended():  # the right to remain follows the decision on the same case's partition
        found = await return_cases(stack, asylum_decision_id=decision["id"])
        return found if found and found[0]["status"] == "SUSPENDED" else None

    cases = await eventually(suspended, within=10)
    assert len(cases) == 1
    case = cases[0]
    # Issued, and its effects suspended while the applicant may remain for the appeal (APR Art 68(1)-(2)).
    assert (case["status"], case["suspension"]["resumes"]) == ("SUSPENDED", "RETURN_DECISION_ISSUED")
    assert case["asylum_case_id"] == application["id"]
    assert case["person_id"] == application["person_id"]
    assert case["decision"]["legal_basis"] == ["APR Art 37", "RD Art 6(1)"]
    assert case["decision"]["country_of_return"] == "SYR"

    issued = [e for e in await stack.events("return.events", "return.decision.issued") if e["subject"] == case["id"]]
    assert len(issued) == 1
    assert issued[0]["data"]["asylum_decision_id"] == decision["id"]

    async def linked():  # the asylum service sees the return decision it asked for (APR Art 37)
        async with stack.client("asylum") as asylum:
            found = (await asylum.get(f"/v1/applications/{application['id']}/decision")).json()
        return found if found["return_decision_id"] else None

    assert (await eventually(linked))["return_decision_id"] == issued[0]["data"]["return_decision_id"]
    # The trace of the caseworker's request reaches the return decision through two services.
    assert issued[0]["traceparent"].split("-")[1] == trace_id


async def test_an_applicant_reaches_asylum_with_the_referral_facts(stack: Stack):
    application = await screen_and_refer_to_asylum(stack, "Yousef")
    referral = application["screening_referral"]
    assert referral["asylum_routing"]["arrival_mode"] == "IRREGULAR_CROSSING"  # APR 43(1)(b)
    assert referral["asylum_routing"]["sr_category"] == "5(1)"  # APR 27(7) applies
    assert referral["asylum_routing"]["vulnerabilities"] == ["TORTURE_OR_INHUMAN_TREATMENT"]
    assert referral["form"]["application_made"] is True
    assert referral["eurodac"]["references"][0]["category"] == "IRREGULAR_CROSSER"
    assert application["unaccompanied_minor"] is False


async def test_a_person_who_does_not_apply_reaches_the_return_service(stack: Stack):
    referred = await screen(stack, "Salem", apply=False)
    assert (referred["status"], referred["referral_basis"]) == ("REFERRED_RETURN", "SR Art 18(1)")
    cases = await eventually(lambda: return_cases(stack, screening_case_id=referred["id"]), within=15)
    assert len(cases) == 1
    assert cases[0]["trigger"] == "SCREENING_REFERRAL"
    assert cases[0]["decision"]["legal_basis"] == ["SR Art 18(1)", "RD Art 6(1)"]
    assert cases[0]["person_id"] == referred["person_id"]


async def test_a_positive_decision_yields_no_return_decision(stack: Stack):
    application = await screen_and_refer_to_asylum(stack, "Karimi")
    # Count the decisions the return service has consumed before this one, so as to wait for this one to arrive.
    decisions_seen = await stack.metric("return", "keten_events_consumed_total", event_type="asylum.decision.issued")
    decision = await decide(stack, application["id"], "GRANTED_REFUGEE")
    assert decision["return_decision_required"] is False
    await eventually(lambda: _more(stack, "return", decisions_seen, event_type="asylum.decision.issued"), within=15)
    assert await return_cases(stack, asylum_case_id=application["id"]) == []


async def _more(stack: Stack, service: str, than: float, **labels: str) -> bool:
    return await stack.metric(service, "keten_events_consumed_total", **labels) > than


async def test_the_same_decision_event_delivered_twice_yields_one_return_decision(stack: Stack):
    application = await screen_and_refer_to_asylum(stack, "Amini")
    decision = await decide(stack, application["id"], "INADMISSIBLE", admissibility_grounds=["PROTECTION_IN_OTHER_MS"])
    await eventually(lambda: return_cases(stack, asylum_decision_id=decision["id"]))

    published = [
        r
        for r in await stack.read_topic("asylum.events")
        if json.loads(r.value)["type"] == "asylum.decision.issued"
        and json.loads(r.value)["data"]["decision_id"] == decision["id"]
    ]
    assert len(published) == 1
    original = published[0]
    decision_events = {"event_type": "asylum.decision.issued"}
    duplicates = await stack.metric("return", "keten_events_consumed_total", outcome="duplicate", **decision_events)

    # Exactly the same event again: the inbox recognises its id.
    await stack.produce("asylum.events", original.value, original.key)
    await eventually(lambda: _more(stack, "return", duplicates, outcome="duplicate", **decision_events), within=15)

    # The same decision under a new event id (e.g. republished by an operator): still one return decision.
    handled = await stack.metric("return", "keten_events_consumed_total", outcome="handled", **decision_events)
    copy = json.loads(original.value)
    copy["id"] = str(uuid.uuid4())
    await stack.produce("asylum.events", json.dumps(copy).encode(), original.key)
    await eventually(lambda: _more(stack, "return", handled, outcome="handled", **decision_events), within=15)

    assert len(await return_cases(stack, asylum_decision_id=decision["id"])) == 1
    issued = [
        e
        for e in await stack.events("return.events", "return.decision.issued")
        if e["data"]["asylum_decision_id"] == decision["id"]
    ]
    assert len(issued) == 1


async def test_return_service_down_during_the_decision_still_yields_one_return_decision(stack: Stack):
    application = await screen_and_refer_to_asylum(stack, "Rahimi")
    returns = stack.processes["return"]
    # SIGTERM: uvicorn shuts the service down gracefully, then re-raises the signal.
    assert returns.stop() == -signal.SIGTERM
    assert "Application shutdown complete" in returns.log_file.read_text()
    try:
        decision = await decide(stack, application["id"], "REJECTED_MANIFESTLY_UNFOUNDED")

        async def decision_published():
            events = await stack.events("asylum.events", "asylum.decision.issued")
            return any(e["data"]["decision_id"] == decision["id"] for e in events)

        await eventually(decision_published)  # the asylum outbox relay published it meanwhile
    finally:
        returns.start()
        await asyncio.to_thread(returns.wait_ready)

    cases = await eventually(lambda: return_cases(stack, asylum_decision_id=decision["id"]), within=45)
    assert len(cases) == 1
    assert cases[0]["decision"] is not None


async def test_a_malformed_event_is_dead_lettered_and_the_consumer_goes_on(stack: Stack):
    poison_key = f"poison-{uuid.uuid4()}".encode()
    await stack.produce("asylum.events", b"{this is not a cloud event", poison_key)

    async def dead_lettered():
        return [r for r in await stack.read_topic("return.dlq") if r.key == poison_key]

    letter = (await eventually(dead_lettered, within=20))[0]
    headers = {k: v.decode() for k, v in letter.headers}
    assert headers["keten-original-topic"] == stack.topic("asylum.events")
    assert "not JSON" in headers["keten-error"]
    assert letter.value == b"{this is not a cloud event"

    # The consumer is still alive: the next negative decision gets its return decision.
    application = await screen_and_refer_to_asylum(stack, "Nouri")
    decision = await decide(stack, application["id"], "IMPLICITLY_WITHDRAWN")
    await eventually(lambda: return_cases(stack, asylum_decision_id=decision["id"]), within=15)

    # Operators see it with the CLI.
    listing = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "keten_return", "dlq", "list"],
        env={**os.environ, **stack.env, "KETEN_DATABASE_URL": stack.processes["return"].env["KETEN_DATABASE_URL"]},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert stack.topic("asylum.events") in listing.stdout
    assert "not JSON" in listing.stdout


@pytest.mark.parametrize("service", SERVICES)
async def test_requests_without_a_token_get_401_and_with_the_wrong_role_403(stack: Stack, service: str):
    path = {
        "screening": "/v1/screenings",
        "asylum": "/v1/applications",
        "reception": "/v1/reception-files",
        "dublin": "/v1/procedures",
        "return": "/v1/return-cases",
    }[service]
    async with httpx.AsyncClient(base_url=stack.url(service)) as anonymous:
        response = await anonymous.get(path)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"

    other = next(s for s in SERVICES if s != service)
    async with httpx.AsyncClient(base_url=stack.url(service), headers=stack.auth(other)) as wrong_role:
        response = await wrong_role.get(path)
    assert response.status_code == 403
    assert response.json()["type"] == "urn:keten:problem:forbidden"
