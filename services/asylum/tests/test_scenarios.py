"""The worked scenarios of the asylum chapter (§10), through the REST API of a running service on PostgreSQL.

Each scenario moves the service's clock to the days the chapter names, and checks the dates it gives, computed
under APR Art 73 with the Dutch public holidays. Screening's events are handed to the service's own handlers.
Scenario 12 (an incoming Dublin transfer) is in test_dublin_interplay.py, scenario 14 (a crisis regime) in
test_scenario_crisis.py, which runs the service with a Council decision configured.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from keten_asylum.service_layer import handlers, reference_data
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.screening import (
    AsylumRoutingFacts,
    Completion,
    ReferralOutcome,
    ReferralTarget,
    ScreeningApplicationMade,
    ScreeningCaseReferred,
    ScreeningReason,
)
from keten_shared.scheduler import DeadlineScheduler
from keten_shared.testing.service_fixtures import AMS, cloud_event

CASEWORKER = "asylum-caseworker"
BASE = "/v1/applications"
APP_SETTINGS = {"consumer_enabled": False, "scheduler_enabled": False}
FIXTURES = Path(__file__).parent / "fixtures"


def at(day: str, time: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=AMS)


class Caseworker:
    """One application, driven through the API the way a caseworker's front end does, on the chapter's days."""

    def __init__(self, app, probe) -> None:
        self.app, self.probe, self.id = app, probe, ""

    def on(self, day: str, time: str = "12:00") -> Caseworker:
        self.app.runtime.clock.set(at(day, time))
        return self

    async def post(self, path: str, payload: dict[str, Any], status: int = 200) -> dict[str, Any]:
        url = f"{BASE}/{self.id}/{path}" if path else BASE
        response = await self.app.client.post(url, json=payload, headers=self.app.auth(CASEWORKER))
        assert response.status_code == status, response.text
        return response.json()

    async def make(self, made_at: datetime, nationalities: list[str], **extra: Any) -> dict[str, Any]:
        person = {"family_name": "Scenario", "given_names": "Test", "nationalities": nationalities}
        application = await self.post("", {"person": person, "made_at": made_at.isoformat(), **extra}, 201)
        self.id = application["id"]
        return application

    async def register(self, **data: Any) -> dict[str, Any]:
        return await self.post("registration", data)

    async def lodge(self, lodged_at: datetime) -> dict[str, Any]:
        return await self.post("lodging", {"lodged_at": lodged_at.isoformat()})

    async def route(self, **facts: Any) -> dict[str, Any]:
        return await self.post("routing", facts)

    async def decide(self, outcome: str, notified_at: datetime, **extra: Any) -> dict[str, Any]:
        return await self.post("decision", {"outcome": outcome, "notified_at": notified_at.isoformat(), **extra}, 201)

    async def read(self) -> dict[str, Any]:
        response = await self.app.client.get(f"{BASE}/{self.id}", headers=self.app.auth("auditor"))
        assert response.status_code == 200, response.text
        return response.json()

    async def events(self, event_type: str) -> list[dict[str, Any]]:
        return await self.probe.event_data(self.id, event_type)


@pytest.fixture
def caseworker(app, probe, clock) -> Caseworker:
    return Caseworker(app, probe)


@pytest.fixture(scope="module")
async def rates(app) -> None:
    """The Eurostat release the routing reads (APR Art 42(1)(j)): Bangladesh 2.24 %, Afghanistan 50.09 %."""
    async with app.runtime.uow() as uow:
        text = (FIXTURES / "migr_asydcfsta.tsv").read_text()
        await reference_data.import_release(uow, text, release="scenarios", source="migr_asydcfsta.tsv")
        await uow.commit()


async def test_1_regular_procedure_grant(caseworker):
    await caseworker.on("2026-06-15").make(at("2026-06-15", "09:00"), ["SYR"])
    assert (await caseworker.read())["registration_deadline"] == "2026-06-22"  # Sat 06-20 rolled to Mon
    registered = await caseworker.on("2026-06-17").register()
    assert registered["lodging_deadline"] == "2026-07-08"
    await caseworker.on("2026-07-06").lodge(at("2026-07-06"))
    routing = await caseworker.route()
    assert (routing["procedure"], routing["examination_deadline"]) == ("REGULAR", "2027-01-06")
    extended = await caseworker.post("examination-extension", {"ground": "COMPLEXITY"})
    assert extended["examination_deadline"] == "2027-07-06"

    decision = await caseworker.on("2026-11-02").decide("GRANTED_REFUGEE", at("2026-11-02", "09:00"))
    assert (decision["return_decision_required"], decision["appealable"]) == (False, False)
    assert (await caseworker.read())["status"] == "FINAL"
    [granted] = await caseworker.events("asylum.protection.granted")
    assert granted["permit_initial_validity_years"] >= 3  # QR Art 24(2)
    assert await caseworker.events("asylum.return_decision.requested") == []


async def test_2_regular_procedure_rejection(caseworker):
    await caseworker.on("2026-06-15").make(at("2026-06-15", "09:00"), ["SYR"])
    await caseworker.on("2026-06-17").register()
    await caseworker.on("2026-07-06").lodge(at("2026-07-06"))
    await caseworker.route()

    decision = await caseworker.on("2026-12-10").decide("REJECTED_UNFOUNDED", at("2026-12-10", "09:00"))
    # T14 under the default national period of one month: Sun 2027-01-10 rolled to Mon 2027-01-11.
    assert (decision["appeal_rule"], decision["appeal_deadline"]) == ("T14", "2027-01-11")
    assert decision["automatic_suspensive_effect"] is True  # APR Art 68(2)
    [request] = await caseworker.events("asylum.return_decision.requested")
    assert (request["decision_id"], request["notified_at"]) == (decision["id"], "2026-12-10T08:00:00Z")
    application = await caseworker.read()
    assert (application["status"], application["right_to_remain_until"]) == ("APPEAL_WINDOW", "2027-01-11")


def screening_events(case_id: str, nationality: str) -> tuple[ScreeningApplicationMade, ScreeningCaseReferred]:
    """Screening at the external border: the application made on Thu 07-02, the referral on Fri 07-03 16:00."""
    person = PersonDetails(family_name="Scenario", given_names="Three", nationalities=[nationality])
    made = ScreeningApplicationMade(
        case_id=case_id,
        person_id=f"person-{case_id}",
        member_state="NL",
        screening_reason=ScreeningReason.BORDER_IRREGULAR,
        made_at=at("2026-07-02"),
        registration_clock_start="REFERRAL",
        person=person,
    )
    referred = ScreeningCaseReferred(
        case_id=case_id,
        person_id=f"person-{case_id}",
        member_state="NL",
        screening_reason=ScreeningReason.BORDER_IRREGULAR,
        trigger_event_ts=at("2026-07-01", "23:00"),
        location="Schiphol",
        referred_at=at("2026-07-03", "16:00"),
        target=ReferralTarget.ASYLUM,
        outcome=ReferralOutcome.REFERRED_ASYLUM,
        basis="SR Art 18(2)",
        completion=Completion.COMPLETE,
        application_made_at=at("2026-07-02"),
        person=person,
        asylum_routing=AsylumRoutingFacts(
            sr_category="5(1)", arrival_mode="IRREGULAR_CROSSING", nationalities=[nationality]
        ),
    )
    return made, referred


async def handle(app, data: Any, handler: Any, when: datetime) -> None:
    app.runtime.clock.set(when)
    async with app.runtime.uow() as uow:
        await handler(data, cloud_event(data, subject=data.case_id), uow)
        await uow.commit()


async def test_3_mandatory_border_procedure_for_a_low_recognition_nationality(app, caseworker, rates):
    made, referred = screening_events("scenario-3-screening", "BGD")
    await handle(app, made, handlers.on_application_made, at("2026-07-02", "10:01"))
    [application] = (
        await app.client.get(BASE, params={"screening_case_id": made.case_id}, headers=app.auth(CASEWORKER))
    ).json()["items"]
    caseworker.id = application["id"]
    # APR Art 27(7): no registration, and no registration period, while the border screening runs.
    assert (application["status"], application["registration_deadline"]) == ("MADE", None)
    problem = await caseworker.on("2026-07-03", "09:00").post("registration", {}, 409)
    assert "27(7)" in problem["detail"]

    await handle(app, referred, handlers.on_screening_case_referred, at("2026-07-03", "16:30"))
    application = await caseworker.read()
    # The five days run from the end of screening, Fri 07-03: Wed 07-08.
    assert application["registration_deadline"] == "2026-07-08"
    assert application["screening_referral"]["asylum_routing"]["arrival_mode"] == "IRREGULAR_CROSSING"

    registered = await caseworker.on("2026-07-03", "17:00").register()
    assert registered["lodging_deadline"] == "2026-07-08"  # APR Art 51(1): five days from registration
    await caseworker.on("2026-07-06").lodge(at("2026-07-06", "09:00"))
    routing = await caseworker.route()
    assert (routing["procedure"], routing["mandatory"]) == ("BORDER", True)  # APR Art 45(1), 42(1)(j)
    assert [g["code"] for g in routing["grounds"]] == ["LOW_RECOGNITION"]
    assert routing["recognition_rate"]["country"] == "BGD"
    assert routing["examination_deadline"] == "2026-09-25"  # APR Art 51(2): 12 weeks from registration
    assert (await caseworker.read())["border_deadline"] == "2026-09-25"

    decision = await caseworker.on("2026-08-14", "12:00").decide(
        "REJECTED_MANIFESTLY_UNFOUNDED", at("2026-08-14"), return_decision_mode="INTEGRATED"
    )
    # T13 under the default national 7 days: Fri 08-21 (5-10 days: Wed 08-19 to Mon 08-24).
    assert (decision["appeal_rule"], decision["appeal_deadline"]) == ("T13", "2026-08-21")
    assert decision["automatic_suspensive_effect"] is False  # APR Art 68(3)(a)(ii)
    assert decision["remain_request_deadline"] == "2026-08-19"  # APR Art 68(5)(a): at least 5 days
    assert await caseworker.events("asylum.return_decision.requested") == []  # integrated in the decision
    [issued] = await caseworker.events("asylum.decision.issued")
    assert (issued["return_decision_mode"], issued["return_decision_required"]) == ("INTEGRATED", True)


async def fire_due_deadlines(app) -> None:
    """One round of the service's deadline scheduler at the clock's time (its loop is off in this module)."""
    await DeadlineScheduler(service="asylum", uow=app.runtime.uow, handlers=handlers.DEADLINE_HANDLERS).fire_due()


async def test_4_border_procedure_overrun(app, caseworker, probe, rates):
    made, referred = screening_events("scenario-4-screening", "BGD")
    await handle(app, made, handlers.on_application_made, at("2026-07-02", "10:01"))
    await handle(app, referred, handlers.on_screening_case_referred, at("2026-07-03", "16:30"))
    [application] = (
        await app.client.get(BASE, params={"screening_case_id": made.case_id}, headers=app.auth(CASEWORKER))
    ).json()["items"]
    caseworker.id = application["id"]
    await caseworker.on("2026-07-03", "17:00").register()
    await caseworker.on("2026-07-06").lodge(at("2026-07-06", "09:00"))
    assert (await caseworker.route())["examination_deadline"] == "2026-09-25"

    # No decision by the end of Fri 09-25: the border procedure ends (APR Art 51(2)).
    caseworker.on("2026-09-25", "23:59")
    await fire_due_deadlines(app)
    assert (await caseworker.read())["status"] == "EXAM_BORDER"
    caseworker.on("2026-09-26", "00:00")
    await fire_due_deadlines(app)
    after = await caseworker.read()
    # It continues as an accelerated examination, its 3 months counted from lodging Mon 07-06: Tue 10-06.
    assert (after["status"], after["procedure"], after["examination_deadline"]) == (
        "EXAM_ACCELERATED",
        "ACCELERATED",
        "2026-10-06",
    )
    [terminated] = await caseworker.events("asylum.border_procedure.terminated")
    assert (terminated["reason"], terminated["continues_in"]) == ("MAX_DURATION", "ACCELERATED")
    assert terminated["entry_authorised_at"] is not None


async def test_6_security_ground_with_children_at_the_border(app, caseworker):
    made, referred = screening_events("scenario-6-screening", "SYR")
    await handle(app, made, handlers.on_application_made, at("2026-09-11", "10:01"))
    await handle(
        app,
        referred.model_copy(update={"referred_at": at("2026-09-12")}),
        handlers.on_screening_case_referred,
        at("2026-09-12", "16:30"),
    )
    [application] = (
        await app.client.get(BASE, params={"screening_case_id": made.case_id}, headers=app.auth(CASEWORKER))
    ).json()["items"]
    caseworker.id = application["id"]
    await caseworker.on("2026-09-14", "10:00").register()
    await caseworker.on("2026-09-15").lodge(at("2026-09-15", "09:00"))
    routing = await caseworker.route(established_grounds=["SECURITY"], family_with_minors=True)
    # APR Art 45(1): mandatory for a danger to national security, families with children included (45(2)).
    assert (routing["procedure"], routing["mandatory"]) == ("BORDER", True)
    assert routing["examination_deadline"] == "2026-12-07"  # 12 weeks from registration Mon 09-14

    # The children's special reception needs cannot be supported at the border: the procedure ends (53(2)(b)).
    routing = await caseworker.route(
        established_grounds=["SECURITY"],
        family_with_minors=True,
        border={"entry_situation": "APPREHENDED", "support_for_special_reception_needs": False},
    )
    assert routing["procedure"] == "ACCELERATED"  # APR Art 42(1)(f) still applies
    assert routing["border_excluded_reason"]
    [terminated] = await caseworker.events("asylum.border_procedure.terminated")
    assert (terminated["continues_in"], terminated["return_border_procedure"]) == ("ACCELERATED", False)


async def test_5_unaccompanied_minor_is_kept_out_of_the_border_procedure(caseworker, rates):
    await caseworker.on("2026-07-06").make(at("2026-07-06", "09:00"), ["BGD"], unaccompanied_minor=True)
    await caseworker.register()
    await caseworker.on("2026-07-10").lodge(at("2026-07-10", "09:00"))
    routing = await caseworker.route(border={"entry_situation": "APPREHENDED"})
    assert routing["procedure"] == "ACCELERATED"  # APR Art 53(1) excludes the border, 42(3)(e) allows this
    assert routing["border_excluded_reason"]
    assert routing["examination_deadline"] == "2026-10-12"  # Sat 10-10 rolled to Mon
    decision = await caseworker.on("2026-09-01").decide("REJECTED_MANIFESTLY_UNFOUNDED", at("2026-09-01"))
    assert decision["automatic_suspensive_effect"] is False  # APR Art 68(3)(a)(i) has no UAM exception


async def test_7_inadmissible_protection_in_another_member_state(caseworker):
    await caseworker.on("2026-08-28").make(at("2026-08-28", "09:00"), ["SYR"])
    await caseworker.register()
    await caseworker.on("2026-09-01").lodge(at("2026-09-01"))
    routing = await caseworker.route(admissibility_grounds=["PROTECTION_IN_OTHER_MS"])
    assert (routing["procedure"], routing["examination_deadline"]) == ("ADMISSIBILITY", "2026-11-02")
    extended = await caseworker.post("examination-extension", {"ground": "DISPROPORTIONATE_NUMBERS"})
    assert extended["examination_deadline"] == "2027-01-04"  # 01-01 is New Year's Day, then a weekend

    decision = await caseworker.on("2026-10-20").decide(
        "INADMISSIBLE", at("2026-10-20"), admissibility_ground="PROTECTION_IN_OTHER_MS"
    )
    assert decision["appeal_rule"] == "T13"  # APR Art 67(7)(a)
    assert decision["automatic_suspensive_effect"] is True  # 38(1)(c) is not in the default 68(3)(b) list
    assert decision["return_decision_required"] is True  # APR Art 37


async def test_8_late_application_after_a_return_decision(caseworker):
    await caseworker.on("2026-09-14").make(at("2026-09-14", "09:00"), ["SYR"])
    await caseworker.register()
    await caseworker.on("2026-09-15").lodge(at("2026-09-15"))
    routing = await caseworker.route(admissibility_grounds=["LATE_AFTER_RETURN_DECISION"])
    assert (routing["procedure"], routing["examination_deadline"]) == ("ADMISSIBILITY", "2026-09-29")  # 10 wd

    decision = await caseworker.on("2026-09-29", "16:00").decide(
        "INADMISSIBLE",
        at("2026-09-29", "15:00"),
        admissibility_ground="LATE_AFTER_RETURN_DECISION",
        return_decision_mode="PRE_EXISTING",
    )
    assert decision["remain_request_deadline"] >= "2026-10-05"  # APR Art 68(5)(a): at least 5 days
    assert (decision["return_decision_required"], decision["automatic_suspensive_effect"]) == (False, False)
    assert await caseworker.events("asylum.return_decision.requested") == []


async def test_9_subsequent_application_without_new_elements(caseworker):
    await caseworker.on("2026-10-02").make(at("2026-10-02", "09:00"), ["SYR"], previous_application_ref="NL-1")
    await caseworker.register()
    await caseworker.on("2026-10-05").lodge(at("2026-10-05"))
    routing = await caseworker.route()
    assert (routing["procedure"], routing["examination_deadline"]) == ("PRELIMINARY_EXAMINATION", "2026-12-07")
    # APR Art 55(4)-(5): the written submissions show nothing new: inadmissible under 38(2), same limit.
    routing = await caseworker.route(new_elements=False)
    assert (routing["procedure"], routing["examination_deadline"]) == ("ADMISSIBILITY", "2026-12-07")
    decision = await caseworker.on("2026-10-20").decide(
        "INADMISSIBLE", at("2026-10-20"), admissibility_ground="SUBSEQUENT_NO_NEW_ELEMENTS"
    )
    assert decision["automatic_suspensive_effect"] is False  # APR Art 68(3)(b)


async def test_10_implicit_withdrawal_after_absconding(caseworker):
    await caseworker.on("2026-11-02").make(at("2026-11-02", "09:00"), ["SYR"])
    await caseworker.register()
    await caseworker.on("2026-11-04").lodge(at("2026-11-04"))
    await caseworker.route()
    decision = await caseworker.on("2027-01-12", "16:00").post(
        "withdrawal",
        {
            "type": "IMPLICIT",
            "ground": "ABSCONDED",  # APR Art 41(1)(e): repeated missed reporting
            "withdrawn_at": at("2027-01-11").isoformat(),
            "notified_at": at("2027-01-12").isoformat(),
        },
        201,
    )
    # T13 under the default 7 days: Tue 01-19 (5-10 days: Mon 01-18 to Fri 01-22).
    assert (decision["appeal_rule"], decision["appeal_deadline"]) == ("T13", "2027-01-19")
    assert decision["automatic_suspensive_effect"] is False  # APR Art 68(3)(c)
    assert decision["return_decision_required"] is True
    assert len(await caseworker.events("asylum.return_decision.requested")) == 1


async def test_11_explicit_withdrawal_is_final_at_once(caseworker):
    await caseworker.on("2026-11-02").make(at("2026-11-02", "09:00"), ["SYR"])
    await caseworker.register()
    decision = await caseworker.on("2026-11-10", "16:00").post(
        "withdrawal",
        {
            "type": "EXPLICIT",
            "withdrawn_at": at("2026-11-10", "09:00").isoformat(),
            "notified_at": at("2026-11-10").isoformat(),
        },
        201,
    )
    assert (decision["appealable"], decision["return_decision_required"]) == (False, True)  # APR Art 40(3), 37
    application = await caseworker.read()
    assert (application["status"], application["right_to_remain"]) == ("FINAL", False)
    [final] = await caseworker.events("asylum.decision.final")
    assert (final["final_at"], final["return_decision_required"]) == ("2026-11-10T09:00:00Z", True)


async def test_13_postponement_for_an_uncertain_situation(caseworker, probe):
    await caseworker.on("2027-01-28").make(at("2027-01-28", "09:00"), ["SYR"])
    await caseworker.register()
    await caseworker.on("2027-02-01").lodge(at("2027-02-01"))
    assert (await caseworker.route())["examination_deadline"] == "2027-08-02"  # Sun 08-01 rolled to Mon

    postponed = await caseworker.on("2027-08-02").post(
        "postponement", {"country": "SYR", "reasons": "the situation in the country of origin is uncertain"}
    )
    assert postponed["status"] == "EXAM_POSTPONED"
    # APR Art 35(7): first review 4 months after the postponement, the end 21 months after lodging.
    assert (postponed["postponement_review_due"], postponed["examination_deadline"]) == ("2027-12-02", "2028-11-01")
    [event] = await caseworker.events("asylum.examination.postponed")
    assert (event["next_review"], event["hard_deadline"]) == ("2027-12-02", "2028-11-01")
    assert await caseworker.post(
        "decision", {"outcome": "GRANTED_REFUGEE", "notified_at": at("2027-08-02").isoformat()}, 409
    )
    assert await caseworker.post("examination-extension", {"ground": "COMPLEXITY"}, 409)

    reviewed = await caseworker.on("2027-12-01").post("postponement/review", {"reasons": "still uncertain"})
    assert reviewed["postponement_review_due"] == "2028-04-03"  # Sat 04-01 rolled to Mon
    resumed = await caseworker.on("2028-02-01").post("postponement/end", {})
    assert (resumed["status"], resumed["examination_deadline"]) == ("EXAM_REGULAR", "2028-11-01")
    assert await caseworker.post("examination-extension", {"ground": "COMPLEXITY"}, 409)  # 35(7) limit stays
    decision = await caseworker.decide("GRANTED_SUBSIDIARY", at("2028-02-01"))
    assert decision["outcome"] == "GRANTED_SUBSIDIARY"


async def test_the_guarantees_assessment_starts_from_what_screening_found(app, caseworker):
    made, referred = screening_events("vulnerable-screening", "SYR")
    assert referred.asylum_routing is not None
    routing_facts = referred.asylum_routing.model_copy(
        update={"vulnerabilities": ["TORTURE_OR_INHUMAN_TREATMENT"], "special_procedural_needs": ["INTERPRETER"]}
    )
    await handle(app, made, handlers.on_application_made, at("2026-07-02", "10:01"))
    await handle(
        app,
        referred.model_copy(update={"asylum_routing": routing_facts}),
        handlers.on_screening_case_referred,
        at("2026-07-03", "16:30"),
    )
    [application] = (
        await app.client.get(BASE, params={"screening_case_id": made.case_id}, headers=app.auth(CASEWORKER))
    ).json()["items"]
    response = await app.client.get(f"{BASE}/{application['id']}/special-guarantees", headers=app.auth(CASEWORKER))
    assert response.status_code == 200, response.text
    # APR Art 20(1), SR 12(3): the preliminary vulnerability check is the input of the assessment.
    assert response.json()["screening_findings"] == {
        "vulnerabilities": ["TORTURE_OR_INHUMAN_TREATMENT"],
        "special_reception_needs": [],
        "special_procedural_needs": ["INTERPRETER"],
    }
    direct = await caseworker.on("2026-07-10").make(at("2026-07-10", "09:00"), ["SYR"])
    response = await app.client.get(f"{BASE}/{direct['id']}/special-guarantees", headers=app.auth(CASEWORKER))
    assert response.json()["screening_findings"] is None
