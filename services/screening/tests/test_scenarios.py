"""The acceptance scenarios S1-S12 of the screening chapter (§9), driven through the REST API.

Each scenario moves the service's clock to shortly after its trigger event before opening the screening, then
forward again to let the deadline scheduler act (the background scheduler is off; `fire()` runs it once).
Dates are local (Europe/Amsterdam, CEST = UTC+2 in every scenario); the chapter's dates are in the test names'
docstrings. Strict deadline = time.md `unrolled_end`, PTL deadline = `legal_end`.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from keten_screening.adapters.eurodac import EurodacDataset
from keten_screening.domain.eurodac import EurodacCategory
from keten_screening.service_layer.handlers import DEADLINE_HANDLERS
from keten_shared.deadlines import HolidayCalendar, Purpose, Rule, Unit
from keten_shared.deadlines.compute import compute
from keten_shared.events.catalog.common import Sex
from keten_shared.scheduler import DeadlineScheduler
from keten_shared.testing.checks import assert_problem

AMS = ZoneInfo("Europe/Amsterdam")
BASE = "/v1/screenings"
OFFICER, MEDICAL, SUPERVISOR = "screening-officer", "screening-medical-staff", "supervisor"
TRACKS = ["health", "vulnerability", "identity", "biometrics", "security", "form"]


# --- helpers ---------------------------------------------------------------------------------------------------------


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=AMS)


def end_of(y: int, mo: int, d: int) -> datetime:
    """24:00 local time of that day: the instant a day-based period has expired."""
    return local(y, mo, d) + timedelta(days=1)


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def at_limit(referred_at: str, due: datetime) -> bool:
    """The forced referral happened at the limit (within a millisecond: the instant is the end of the last day)."""
    return abs(instant(referred_at) - due) <= timedelta(milliseconds=1)


async def fire(app: Any) -> int:
    """One round of the deadline scheduler at the service's clock."""
    scheduler = DeadlineScheduler(service="screening", uow=app.runtime.uow, handlers=DEADLINE_HANDLERS)
    return await scheduler.fire_due(limit=10_000)


async def events(probe: Any, case_id: str, event_type: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    return [(row.event_type, json.loads(row.payload)["data"]) for row in await probe.outbox(case_id, event_type)]


async def the_event(probe: Any, case_id: str, event_type: str) -> dict[str, Any]:
    [(_, data)] = await events(probe, case_id, event_type)
    return data


async def deadline_rows(probe: Any, case_id: str, kind: str) -> list[Any]:
    return [row for row in await probe.deadlines(case_id) if row.kind == kind]


def person(**overrides: Any) -> dict[str, Any]:
    values = {
        "family_name": "Haddad",
        "given_names": "Omar",
        "date_of_birth": "1990-01-01",
        "sex": "M",
        "nationalities": ["SYR"],
    }
    return {k: v for k, v in (values | overrides).items() if v is not None}


class Screenings:
    """The screening REST API as the officers use it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.client = app.client

    def headers(self, role: str = OFFICER) -> dict[str, str]:
        return self.app.auth(role)

    async def open(self, reason: str, trigger: datetime, *, expect: int = 201, **extra: Any) -> dict[str, Any]:
        body = {
            "screening_reason": reason,
            "trigger_event_ts": trigger.isoformat(),
            "location": extra.pop("location", "Ter Apel"),
            "person": extra.pop("person", person()),
            **{k: v.isoformat() if isinstance(v, datetime) else v for k, v in extra.items()},
        }
        response = await self.client.post(BASE, json=body, headers=self.headers())
        assert response.status_code == expect, response.text
        return response.json()

    async def get(self, sid: str) -> dict[str, Any]:
        response = await self.client.get(f"{BASE}/{sid}", headers=self.headers())
        assert response.status_code == 200, response.text
        return response.json()

    async def put(self, sid: str, step: str, body: dict[str, Any], *, role: str = OFFICER, expect: int = 200) -> Any:
        response = await self.client.put(f"{BASE}/{sid}/{step}", json=body, headers=self.headers(role))
        assert response.status_code == expect, (step, response.text)
        return response

    async def post(
        self, sid: str, path: str, body: dict[str, Any] | None = None, *, role: str = OFFICER, expect: int = 200
    ) -> Any:
        response = await self.client.post(f"{BASE}/{sid}/{path}", json=body, headers=self.headers(role))
        assert response.status_code == expect, (path, response.text)
        return response

    async def start(self, sid: str, started_at: datetime, *, held: bool = False) -> dict[str, Any]:
        body = {"started_at": started_at.isoformat(), "held_at_external_border": held}
        return (await self.post(sid, "start", body)).json()

    async def apply(self, sid: str, made_at: datetime) -> dict[str, Any]:
        return (await self.post(sid, "application", {"made_at": made_at.isoformat()})).json()

    async def capture(self, sid: str, template_ref: str, **extra: Any) -> dict[str, Any]:
        body = {"outcome": "CAPTURED", "template_ref": template_ref, **extra}
        return (await self.put(sid, "biometrics", body)).json()

    async def checks(self, sid: str, at: datetime, *, cooperation: dict[str, Any] | None = None) -> dict[str, Any]:
        """Every check but biometrics: information, health, vulnerability, identity, security, cooperation, form."""
        await self.put(sid, "information", {"provided_at": at.isoformat(), "language": "ar", "channel": "ORAL"})
        await self.put(sid, "health-check", {"medical_staff": "dr-visser", "needs": []}, role=MEDICAL)
        await self.put(sid, "vulnerability-check", {})
        await self.put(sid, "identification", {"nationalities": ["SYR"]})
        await self.post(sid, "security-check", {})
        await self.put(sid, "cooperation", cooperation or {})
        await self.put(sid, "form-details", {"languages": ["ar"]})
        return (await self.put(sid, "form-review", {"reviewed_with_person_at": at.isoformat()})).json()

    async def complete(self, sid: str) -> dict[str, Any]:
        return (await self.post(sid, "completion")).json()


@pytest.fixture
def api(app: Any) -> Screenings:
    return Screenings(app)


def apr_registration_last_day(start: datetime, calendar: HolidayCalendar) -> date | None:
    """APR 27(1) with APR 73: 5 days from the start event, rolled forward (what the asylum service computes)."""
    deadline = compute(Rule.APR_73, start, 5, Unit.DAYS, Purpose.ACT_TIME_LIMIT, calendar, tz=AMS)
    return deadline.legal_last_day


# --- S1 --------------------------------------------------------------------------------------------------------------


async def test_s1_sar_without_application_is_referred_to_return(api, app, clock, probe):
    """S1: SAR disembarked Mon 2026-06-15 14:30, no application -> deadline end of Mon 2026-06-22; Eurodac SAR legal
    end Thu 2026-06-18 15:00 (target 14:30); REFERRED_RETURN with the form (SR 18(1)); retention 5 y (ED 29(8))."""
    clock.set(local(2026, 6, 15, 15, 0))
    case = await api.open("BORDER_SAR", local(2026, 6, 15, 14, 30), location="Scheveningen")
    sid = case["id"]
    assert (case["status"], case["deadline_strict"], case["deadline_ptl"]) == ("INITIATED", "2026-06-22", "2026-06-22")
    assert instant(case["deadline_due_at"]) == end_of(2026, 6, 22)
    [limit] = await deadline_rows(probe, sid, "eurodac.transmission_limit")
    assert limit.due_at == local(2026, 6, 18, 15, 0)  # ED 24(2), 1182/71: the hour 14:00-15:00 is not counted
    assert instant(limit.computation["target_ts"]) == local(2026, 6, 18, 14, 30)
    assert limit.payload == {"category": "SAR"}

    await api.start(sid, local(2026, 6, 15, 15, 0))
    clock.set(local(2026, 6, 16, 9, 0))
    await api.checks(sid, local(2026, 6, 16, 9, 0))
    await api.capture(sid, "tpl-s1")
    assert await fire(app) >= 1
    transmitted = await the_event(probe, sid, "eurodac.data.transmitted")
    assert transmitted["category"] == "SAR"
    assert transmitted["reference_number"].startswith("NL9")  # ED 37(4): "9" = SAR
    assert transmitted["within_limit"] is True
    assert transmitted["retention_until"] == "2031-06-16"  # ED 29(8): 5 years from transmission

    done = await api.complete(sid)
    assert (done["status"], done["referral_target"], done["referral_basis"], done["completion"]) == (
        "REFERRED_RETURN",
        "RETURN",
        "SR Art 18(1)",
        "COMPLETE",
    )
    referred = await the_event(probe, sid, "screening.case.referred")
    assert (referred["target"], referred["outcome"], referred["missing_checks"]) == (
        "RETURN",
        "REFERRED_RETURN",
        [],
    )
    assert referred["form"]["screening_reason"] == "BORDER_SAR"
    assert referred["form"]["application_made"] is False
    assert referred["asylum_routing"]["arrival_mode"] == "SEARCH_AND_RESCUE"
    assert [r["category"] for r in referred["eurodac"]["references"]] == ["SAR"]
    assert await events(probe, sid, "screening.application.made") == []

    # The limit and the Eurodac limit pass without anything more happening: referred, and transmitted in time.
    clock.set(end_of(2026, 6, 22) + timedelta(hours=1))
    await fire(app)
    assert [t for t, _ in await events(probe, sid)] == ["eurodac.data.transmitted", "screening.case.referred"]
    assert {row.status for row in await probe.deadlines(sid)} <= {"fired", "cancelled"}


# --- S2 --------------------------------------------------------------------------------------------------------------


async def test_s2_land_crossing_then_application_is_referred_to_asylum_at_the_limit(api, app, clock, probe, nl):
    """S2: apprehended Thu 2026-06-18 22:10, applies Fri 2026-06-19 -> Eurodac legal end Sun 2026-06-21 23:00 (target
    22:10; hours never roll forward); deadline end of Thu 2026-06-25; application.made at once with the registration
    clock starting at REFERRAL (APR 27(7)); REFERRED_ASYLUM (SR 18(2)).

    Two Eurodac datasets (5 y + 10 y): screening transmits only the irregular-crosser dataset; the applicant dataset
    (ED 15(1)(a)) follows registration of the application by the asylum service (ScreeningCase.eurodac_categories).
    """
    clock.set(local(2026, 6, 18, 22, 30))
    case = await api.open("BORDER_IRREGULAR", local(2026, 6, 18, 22, 10), location="Oldenzaal")
    sid = case["id"]
    assert (case["deadline_strict"], case["deadline_ptl"]) == ("2026-06-25", "2026-06-25")
    [limit] = await deadline_rows(probe, sid, "eurodac.transmission_limit")
    assert limit.due_at == local(2026, 6, 21, 23, 0)  # a Sunday: hour periods never roll forward
    assert instant(limit.computation["target_ts"]) == local(2026, 6, 21, 22, 10)
    assert limit.payload == {"category": "IRREGULAR_CROSSER"}

    await api.start(sid, local(2026, 6, 18, 22, 30))
    clock.set(local(2026, 6, 19, 10, 0))
    case = await api.apply(sid, local(2026, 6, 19, 9, 45))
    assert case["status"] == "IN_PROGRESS"  # the clock does not stop
    assert case["deadline_strict"] == "2026-06-25"
    made = await the_event(probe, sid, "screening.application.made")
    assert instant(made["made_at"]) == local(2026, 6, 19, 9, 45)
    assert (made["registration_clock_start"], made["screening_reason"]) == ("REFERRAL", "BORDER_IRREGULAR")

    await api.checks(sid, local(2026, 6, 19, 10, 0))
    await api.capture(sid, "tpl-s2")
    await fire(app)
    case = await api.get(sid)
    assert [t["category"] for t in case["eurodac"]["transmissions"]] == ["IRREGULAR_CROSSER"]
    assert case["eurodac"]["due"] == []  # no applicant dataset from screening
    assert case["ready_for_referral"] is True

    # Nobody completes: the limit refers the person at the end of Thu 2026-06-25, checks all done.
    clock.set(end_of(2026, 6, 25) - timedelta(microseconds=1))
    await fire(app)
    assert (await api.get(sid))["status"] == "IN_PROGRESS"
    clock.set(end_of(2026, 6, 25))
    await fire(app)
    case = await api.get(sid)
    assert (case["status"], case["referral_target"], case["referral_basis"], case["completion"]) == (
        "REFERRED_ASYLUM",
        "ASYLUM",
        "SR Art 18(2)",
        "COMPLETE",
    )
    referred = await the_event(probe, sid, "screening.case.referred")
    assert at_limit(referred["referred_at"], end_of(2026, 6, 25))
    assert instant(referred["application_made_at"]) == local(2026, 6, 19, 9, 45)
    assert referred["form"]["application_made"] is True
    assert referred["asylum_routing"]["sr_category"] == "5(1)"  # APR 27(7) applies
    assert [r["category"] for r in referred["eurodac"]["references"]] == ["IRREGULAR_CROSSER"]
    assert [t for t, _ in await events(probe, sid)] == [
        "screening.application.made",
        "eurodac.data.transmitted",
        "screening.case.referred",
    ]


async def test_s2_registration_period_runs_from_the_referral_day(api, app, clock, probe, nl):
    """S2: 'if screening runs to its limit (referral Thu 2026-06-25), registration is due by end of Tue 2026-06-30'.

    The referral is forced at 24:00 of Thu 2026-06-25, which is stored as Fri 2026-06-26 00:00 local; the asylum
    service takes `referred_at` as the APR 27 start event, so its event day becomes Friday.
    """
    clock.set(local(2026, 6, 18, 22, 30))
    sid = (await api.open("BORDER_IRREGULAR", local(2026, 6, 18, 22, 10), location="Oldenzaal-2"))["id"]
    await api.start(sid, local(2026, 6, 18, 22, 30))
    clock.set(local(2026, 6, 19, 10, 0))
    await api.apply(sid, local(2026, 6, 19, 9, 45))
    clock.set(end_of(2026, 6, 25))
    await fire(app)
    referred = await the_event(probe, sid, "screening.case.referred")
    assert instant(referred["referred_at"]).astimezone(AMS).date() == date(2026, 6, 25)
    assert apr_registration_last_day(instant(referred["referred_at"]), nl) == date(2026, 6, 30)


# --- S3 --------------------------------------------------------------------------------------------------------------


async def test_s3_transit_zone_application(api, app, clock, probe, nl):
    """S3: airport transit-zone application Fri 2026-07-03 08:00, biometrics 11:00 -> Eurodac applicant legal end Mon
    2026-07-06 12:00 (target 11:00, ED 15(1)(b)); registration from the making: end of Wed 2026-07-08 (SR 5(2) case);
    deadline end of Fri 2026-07-10; REFERRED_ASYLUM with arrival_mode BCP (APR 43(1)(a))."""
    clock.set(local(2026, 7, 3, 8, 20))
    case = await api.open(
        "BORDER_BCP_APPLICANT",
        local(2026, 7, 3, 8, 0),
        location="Schiphol",
        application_made_at=local(2026, 7, 3, 8, 0),
    )
    sid = case["id"]
    assert (case["deadline_strict"], case["deadline_ptl"]) == ("2026-07-10", "2026-07-10")
    assert instant(case["application_made_at"]) == local(2026, 7, 3, 8, 0)
    # The applicant limit runs from the capture (ED 15(1)(b)), so nothing is scheduled at intake.
    assert await deadline_rows(probe, sid, "eurodac.transmission_limit") == []
    made = await the_event(probe, sid, "screening.application.made")
    assert (made["registration_clock_start"], made["screening_reason"]) == ("MADE", "BORDER_BCP_APPLICANT")
    # What the asylum service computes from the making (APR 27(1), 73): end of Wed 2026-07-08.
    assert apr_registration_last_day(instant(made["made_at"]), nl) == date(2026, 7, 8)

    await api.start(sid, local(2026, 7, 3, 8, 20))
    clock.set(local(2026, 7, 3, 11, 0))
    await api.capture(sid, "tpl-s3")
    [limit] = await deadline_rows(probe, sid, "eurodac.transmission_limit")
    assert limit.due_at == local(2026, 7, 6, 12, 0)
    assert instant(limit.computation["target_ts"]) == local(2026, 7, 6, 11, 0)
    assert limit.payload == {"category": "APPLICANT"}
    await fire(app)
    transmitted = await the_event(probe, sid, "eurodac.data.transmitted")
    assert transmitted["category"] == "APPLICANT"
    assert transmitted["reference_number"].startswith("NL1")
    assert transmitted["retention_until"] == "2036-07-03"  # ED 29(1): 10 years

    clock.set(local(2026, 7, 3, 15, 0))
    await api.checks(sid, local(2026, 7, 3, 15, 0))
    done = await api.complete(sid)
    assert (done["status"], done["referral_basis"]) == ("REFERRED_ASYLUM", "SR Art 18(2)")
    referred = await the_event(probe, sid, "screening.case.referred")
    assert referred["target"] == "ASYLUM"
    assert referred["asylum_routing"]["arrival_mode"] == "BORDER_CROSSING_POINT"  # the chapter's "BCP"
    assert referred["asylum_routing"]["sr_category"] == "5(2)"
    assert referred["asylum_routing"]["entry_authorised"] is False
    assert [r["category"] for r in referred["eurodac"]["references"]] == ["APPLICANT"]


# --- S4 --------------------------------------------------------------------------------------------------------------


async def test_s4_in_territory_forced_at_the_strict_weekend_end(api, app, clock, probe):
    """S4: apprehended inside the territory Wed 2026-07-08 -> strict end of Sat 2026-07-11, PTL end of Mon 2026-07-13
    (time.md W8); the referral is forced at the strict end; no application -> CONTINUE_RETURN (SR 18(4))."""
    clock.set(local(2026, 7, 8, 10, 0))
    case = await api.open("TERRITORY", local(2026, 7, 8, 9, 0), location="Rotterdam Centraal")
    sid = case["id"]
    assert (case["deadline_strict"], case["deadline_ptl"]) == ("2026-07-11", "2026-07-13")
    assert instant(case["deadline_due_at"]) == end_of(2026, 7, 11)
    [limit] = await deadline_rows(probe, sid, "eurodac.transmission_limit")
    assert limit.payload == {"category": "ILLEGALLY_STAYING"}  # ED 23(2)
    assert limit.due_at == local(2026, 7, 11, 10, 0)

    await api.start(sid, local(2026, 7, 8, 10, 0))
    info = {"provided_at": local(2026, 7, 8, 10, 0).isoformat(), "language": "fr", "channel": "WRITTEN"}
    await api.put(sid, "information", info)
    await api.put(sid, "health-check", {"medical_staff": "dr-visser"}, role=MEDICAL)

    clock.set(end_of(2026, 7, 11) - timedelta(microseconds=1))
    await fire(app)
    assert (await api.get(sid))["status"] == "IN_PROGRESS"
    clock.set(end_of(2026, 7, 11))
    await fire(app)
    case = await api.get(sid)
    assert (case["status"], case["referral_target"], case["referral_basis"], case["completion"]) == (
        "CONTINUE_RETURN",
        "RETURN",
        "SR Art 18(4)",
        "INCOMPLETE",
    )
    assert case["missing_checks"] == ["vulnerability", "identity", "security", "biometrics", "form"]
    referred = await the_event(probe, sid, "screening.case.referred")
    assert (referred["outcome"], referred["completion"]) == ("CONTINUE_RETURN", "INCOMPLETE")
    assert at_limit(referred["referred_at"], end_of(2026, 7, 11))
    assert referred["asylum_routing"]["sr_category"] == "7"
    assert referred["asylum_routing"]["arrival_mode"] is None
    # Not transmitted by the Eurodac limit (Sat 10:00): reported once, the duty survives (ED 23(4)).
    delayed = await the_event(probe, sid, "eurodac.transmission.delayed")
    assert (delayed["category"], delayed["reason"]) == ("ILLEGALLY_STAYING", "BIOMETRICS_NOT_CAPTURED")


# --- S5 --------------------------------------------------------------------------------------------------------------


async def test_s5_unaccompanied_minor_needs_a_representative(api, app, clock, probe):
    """S5: 15-year-old alone, disembarked Sat 2026-08-01 06:00 -> no step but emergency care before a representative
    (SR 13(3)); biometrics by a trained official with the representative present (ED 14(1)); Eurodac legal end
    Tue 2026-08-04 07:00 (target 06:00); deadline end of Sat 2026-08-08 (PTL Mon 2026-08-10); application ->
    REFERRED_ASYLUM with is_uam and representative_id."""
    clock.set(local(2026, 8, 1, 7, 15))
    case = await api.open(
        "BORDER_SAR", local(2026, 8, 1, 6, 0), location="Den Helder", person=person(date_of_birth="2011-03-14")
    )
    sid = case["id"]
    assert (case["deadline_strict"], case["deadline_ptl"]) == ("2026-08-08", "2026-08-10")
    [limit] = await deadline_rows(probe, sid, "eurodac.transmission_limit")
    assert limit.due_at == local(2026, 8, 4, 7, 0)
    assert instant(limit.computation["target_ts"]) == local(2026, 8, 4, 6, 0)

    await api.start(sid, local(2026, 8, 1, 7, 0))
    uam = {"minor": True, "unaccompanied": True, "claimed_age": 15}
    await api.put(sid, "minor-status", uam)
    info = {"provided_at": local(2026, 8, 1, 7, 5).isoformat(), "language": "ti", "channel": "ORAL"}
    refused = await api.put(sid, "information", info, expect=409)
    assert "13(3)" in assert_problem(refused, 409, "transition-not-allowed")["detail"]
    await api.put(sid, "vulnerability-check", {}, expect=409)
    await api.put(sid, "biometrics", {"outcome": "CAPTURED", "template_ref": "tpl-s5"}, expect=409)
    # Emergency health care is the one exception.
    emergency = {"medical_staff": "dr-visser", "needs": ["hypothermia"], "emergency_care_only": True}
    await api.put(sid, "health-check", emergency, role=MEDICAL)
    # The application is the child's own act, not a screening step.
    await api.apply(sid, local(2026, 8, 1, 7, 10))

    await api.put(sid, "minor-status", uam | {"representative_id": "rep-nidos-17"})
    await api.checks(sid, local(2026, 8, 1, 9, 0))
    await api.put(
        sid,
        "vulnerability-check",
        {"vulnerabilities": ["UNACCOMPANIED_MINOR"], "special_reception_needs": ["guardianship"]},
    )
    missing_safeguard = await api.put(
        sid, "biometrics", {"outcome": "CAPTURED", "template_ref": "tpl-s5", "trained_official": True}, expect=422
    )
    assert "14(1)" in assert_problem(missing_safeguard, 422, "invalid-data")["detail"]
    await api.put(
        sid,
        "biometrics",
        {"outcome": "CAPTURED", "template_ref": "tpl-s5", "representative_present": True},
        expect=422,
    )
    await api.capture(sid, "tpl-s5", trained_official=True, representative_present=True)
    await fire(app)
    assert (await the_event(probe, sid, "eurodac.data.transmitted"))["within_limit"] is True

    done = await api.complete(sid)
    assert (done["status"], done["referral_basis"]) == ("REFERRED_ASYLUM", "SR Art 18(2)")
    referred = await the_event(probe, sid, "screening.case.referred")
    routing = referred["asylum_routing"]
    assert (routing["unaccompanied_minor"], routing["minor"], routing["representative_id"]) == (
        True,
        True,
        "rep-nidos-17",
    )
    made = await the_event(probe, sid, "screening.application.made")
    assert made["registration_clock_start"] == "REFERRAL"
    identified = await the_event(probe, sid, "screening.vulnerability.identified")
    assert identified["unaccompanied_minor"] is True
    assert identified["special_reception_needs"] == ["guardianship"]


# --- S6 --------------------------------------------------------------------------------------------------------------


async def test_s6_child_possibly_under_six_is_screened_without_eurodac(api, app, clock, probe):
    """S6: mother and child (no documents, looks 5-6) apprehended at the land border Tue 2026-09-01 -> the child gives
    no Eurodac biometrics (ED 14(1), biometrics_not_taken UNDER_6) but is screened and referred with the mother; the
    mother's data go to Eurodac within 72 h; both deadlines end of Tue 2026-09-08."""
    clock.set(local(2026, 9, 1, 11, 0))
    mother = await api.open("BORDER_IRREGULAR", local(2026, 9, 1, 10, 0), location="Venlo", person=person(sex="F"))
    child = await api.open(
        "BORDER_IRREGULAR",
        local(2026, 9, 1, 10, 0),
        location="Venlo",
        person=person(given_names="Lina", sex="F", date_of_birth=None, nationalities=[]),
    )
    mid, cid = mother["id"], child["id"]
    for case in (mother, child):
        assert (case["deadline_strict"], case["deadline_ptl"]) == ("2026-09-08", "2026-09-08")
        await api.start(case["id"], local(2026, 9, 1, 11, 0))

    await api.put(
        cid,
        "minor-status",
        {"minor": True, "claimed_age": 6, "age_doubt_around_six": True, "accompanying_adult_case_id": mid},
    )
    refused = await api.put(cid, "biometrics", {"outcome": "CAPTURED", "template_ref": "tpl-s6-child"}, expect=422)
    assert "14(1)" in assert_problem(refused, 422, "invalid-data")["detail"]
    case = (await api.put(cid, "biometrics", {"outcome": "NOT_TAKEN", "not_taken_reason": "UNDER_6"})).json()
    assert case["tracks"]["biometrics"] == "NOT_POSSIBLE"
    assert [row.status for row in await deadline_rows(probe, cid, "eurodac.transmission_limit")] == ["cancelled"]
    await api.capture(mid, "tpl-s6-mother")

    clock.set(local(2026, 9, 2, 9, 0))
    await fire(app)
    transmitted = await the_event(probe, mid, "eurodac.data.transmitted")
    assert (transmitted["category"], transmitted["within_limit"]) == ("IRREGULAR_CROSSER", True)
    # Past the 72 hours: nothing is reported for the child, nothing transmitted.
    clock.set(local(2026, 9, 4, 12, 0))
    await fire(app)
    assert await events(probe, cid, "eurodac.transmission.delayed") == []
    assert await events(probe, cid, "eurodac.data.transmitted") == []
    assert await events(probe, mid, "eurodac.transmission.delayed") == []

    for sid in (mid, cid):
        await api.checks(sid, local(2026, 9, 4, 12, 0))
        done = await api.complete(sid)
        assert (done["status"], done["completion"]) == ("REFERRED_RETURN", "COMPLETE")
    referred = await the_event(probe, cid, "screening.case.referred")
    assert referred["asylum_routing"]["minor"] is True
    assert referred["eurodac"] is None  # nothing transmitted, nothing reported
    minor = (await app.client.get(f"{BASE}/{cid}/minor-status", headers=api.headers())).json()
    assert minor["accompanying_adult_case_id"] == mid


# --- S7 --------------------------------------------------------------------------------------------------------------


async def test_s7_refused_fingerprints(api, app, clock, probe):
    """S7: apprehended Mon 2026-09-07 10:00, refuses fingerprints -> biometrics refused; at the Eurodac legal end Thu
    2026-09-10 11:00 (not a minute before) eurodac.transmission.delayed, the duty persists (ED 22(5)); form
    cooperation_complied=false; referral at the latest at the end of Mon 2026-09-14."""
    clock.set(local(2026, 9, 7, 10, 30))
    sid = (await api.open("BORDER_IRREGULAR", local(2026, 9, 7, 10, 0), location="Zevenaar"))["id"]
    await api.start(sid, local(2026, 9, 7, 10, 30))
    await api.checks(sid, local(2026, 9, 7, 11, 0), cooperation={"biometrics": "REFUSED", "note": "refused twice"})
    case = (await api.put(sid, "biometrics", {"outcome": "REFUSED"})).json()
    assert case["tracks"]["biometrics"] == "REFUSED"
    assert case["ready_for_referral"] is False
    refused = await api.post(sid, "completion", expect=409)
    assert assert_problem(refused, 409, "transition-not-allowed")["missing_checks"] == ["biometrics"]

    clock.set(local(2026, 9, 10, 10, 59))
    await fire(app)
    assert await events(probe, sid, "eurodac.transmission.delayed") == []
    clock.set(local(2026, 9, 10, 11, 0))
    await fire(app)
    delayed = await the_event(probe, sid, "eurodac.transmission.delayed")
    assert (delayed["category"], delayed["reason"]) == ("IRREGULAR_CROSSER", "BIOMETRICS_REFUSED")
    assert instant(delayed["legal_end"]) == local(2026, 9, 10, 11, 0)
    await fire(app)  # reported once
    assert len(await events(probe, sid, "eurodac.transmission.delayed")) == 1

    clock.set(end_of(2026, 9, 14) - timedelta(microseconds=1))
    await fire(app)
    assert (await api.get(sid))["status"] == "IN_PROGRESS"
    clock.set(end_of(2026, 9, 14))
    await fire(app)
    case = await api.get(sid)
    assert (case["status"], case["completion"], case["missing_checks"]) == (
        "REFERRED_RETURN",
        "INCOMPLETE",
        ["biometrics"],
    )
    referred = await the_event(probe, sid, "screening.case.referred")
    assert referred["form"]["cooperation_complied"] is False
    assert referred["asylum_routing"]["cooperation_complied"] is False
    assert referred["eurodac"]["references"] == []
    assert at_limit(referred["referred_at"], end_of(2026, 9, 14))


# --- S8 --------------------------------------------------------------------------------------------------------------


async def test_s8_absconded_person_is_referred_at_the_limit(api, app, clock, probe):
    """S8: SAR disembarked Sat 2026-06-20, absconds Mon 2026-06-22, not found -> at the end of Sat 2026-06-27 the
    referral is forced (target RETURN), completion INCOMPLETE, absconded=true (the legal end would be Mon 2026-06-29).

    The service sends no separate `screening.deadline_expired` event: the referral with completion=INCOMPLETE and
    missing_checks carries the expiry."""
    clock.set(local(2026, 6, 20, 6, 0))
    case = await api.open("BORDER_SAR", local(2026, 6, 20, 5, 0), location="IJmuiden")
    sid = case["id"]
    assert (case["deadline_strict"], case["deadline_ptl"]) == ("2026-06-27", "2026-06-29")
    await api.start(sid, local(2026, 6, 20, 6, 0))
    await api.put(sid, "health-check", {"medical_staff": "dr-visser"}, role=MEDICAL)

    clock.set(local(2026, 6, 22, 10, 0))
    case = (await api.post(sid, "absconding", {"at": local(2026, 6, 22, 9, 0).isoformat()})).json()
    assert (case["status"], case["absconded"]) == ("ABSCONDED", True)
    assert case["deadline_strict"] == "2026-06-27"  # the clock runs on
    await api.put(sid, "vulnerability-check", {}, expect=409)

    clock.set(end_of(2026, 6, 27) - timedelta(microseconds=1))
    await fire(app)
    assert (await api.get(sid))["status"] == "ABSCONDED"
    clock.set(end_of(2026, 6, 27))
    await fire(app)
    case = await api.get(sid)
    assert (case["status"], case["referral_target"], case["completion"], case["absconded"]) == (
        "REFERRED_RETURN",
        "RETURN",
        "INCOMPLETE",
        True,
    )
    referred = await the_event(probe, sid, "screening.case.referred")
    assert (referred["target"], referred["completion"], referred["absconded"]) == ("RETURN", "INCOMPLETE", True)
    assert referred["missing_checks"] == ["vulnerability", "identity", "security", "biometrics", "form"]
    assert at_limit(referred["referred_at"], end_of(2026, 6, 27))
    assert [t for t, _ in await events(probe, sid)] == ["eurodac.transmission.delayed", "screening.case.referred"]


# --- S9 --------------------------------------------------------------------------------------------------------------


async def test_s9_eurodac_hit_on_an_earlier_application_elsewhere(api, app, clock, probe):
    """S9: apprehended Mon 2026-10-05 07:40; Eurodac returns another member state's applicant dataset (application
    2025-11-20); the expert confirms -> eurodac.hit.confirmed; Eurodac legal end Thu 2026-10-08 08:00 (target 07:40);
    deadline end of Mon 2026-10-12; the referral carries the hit for the Dublin service."""
    app.runtime.adapters.eurodac.preload(
        "tpl-s9",
        EurodacDataset(
            category=EurodacCategory.APPLICANT,
            template_ref="tpl-s9",
            family_name="Haddad",
            given_names="Omar",
            ms_of_origin="DE",
            event_place="Berlin",
            event_date=date(2025, 11, 20),
            sex=Sex.MALE,
            reference_number="DE1S9EARLIER",
            biometrics_taken_on=date(2025, 11, 20),
            operator_user_id="de-operator-1",
            ms_responsible="DE",
        ),
    )
    clock.set(local(2026, 10, 5, 8, 0))
    case = await api.open("BORDER_IRREGULAR", local(2026, 10, 5, 7, 40), location="Hazeldonk")
    sid = case["id"]
    assert (case["deadline_strict"], case["deadline_ptl"]) == ("2026-10-12", "2026-10-12")
    [limit] = await deadline_rows(probe, sid, "eurodac.transmission_limit")
    assert limit.due_at == local(2026, 10, 8, 8, 0)
    assert instant(limit.computation["target_ts"]) == local(2026, 10, 8, 7, 40)

    await api.start(sid, local(2026, 10, 5, 8, 0))
    await api.capture(sid, "tpl-s9")
    await fire(app)
    [hit] = (await api.get(sid))["eurodac"]["hits"]
    assert (hit["status"], hit["matched_category"], hit["ms_of_origin"], hit["date"]) == (
        "UNCONFIRMED",
        "APPLICANT",
        "DE",
        "2025-11-20",
    )
    assert await events(probe, sid, "eurodac.hit.confirmed") == []  # only confirmed hits go downstream

    case = (await api.post(sid, f"eurodac/hits/{hit['hit_id']}/decision", {"confirmed": True})).json()
    [hit] = case["eurodac"]["hits"]
    assert (hit["status"], hit["checked_by"]) == ("CONFIRMED", "user:tester")
    confirmed = await the_event(probe, sid, "eurodac.hit.confirmed")
    assert confirmed["record"] == {
        "category": "APPLICANT",
        "member_state": "DE",
        "date": "2025-11-20",
        "place": "Berlin",
        "reference_number": "DE1S9EARLIER",
        "ms_responsible": "DE",
        "ms_of_relocation": None,
    }

    clock.set(local(2026, 10, 6, 9, 0))
    await api.apply(sid, local(2026, 10, 6, 8, 30))
    await api.checks(sid, local(2026, 10, 6, 9, 0))
    done = await api.complete(sid)
    assert done["status"] == "REFERRED_ASYLUM"
    referred = await the_event(probe, sid, "screening.case.referred")
    [earlier] = referred["eurodac"]["earlier_applications"]
    assert (earlier["member_state"], earlier["date"], earlier["place"], earlier["ms_responsible"]) == (
        "DE",
        "2025-11-20",
        "Berlin",
        "DE",
    )
    assert [r["category"] for r in referred["eurodac"]["references"]] == ["IRREGULAR_CROSSER"]
    assert [t for t, _ in await events(probe, sid)] == [
        "eurodac.data.transmitted",
        "eurodac.hit.confirmed",
        "screening.application.made",
        "screening.case.referred",
    ]


# --- S10 -------------------------------------------------------------------------------------------------------------


async def test_s10_held_at_the_border_post_for_96_hours(api, app, clock, probe):
    """S10: apprehended Tue 2026-06-16 09:00, held at the border post, screening starts Sat 2026-06-20 09:00 (96 h)
    -> T2 applies: min(end of Tue 2026-06-23, end of Wed 2026-06-24) = end of Tue 2026-06-23.

    With the chapter's formula the 4-day term never ends before the 7-day one (max(apprehension + 72 h, start) + 4 days
    >= apprehension day + 7 days), so the deadline stays that of T1."""
    clock.set(local(2026, 6, 16, 9, 30))
    case = await api.open("BORDER_IRREGULAR", local(2026, 6, 16, 9, 0), location="Bad Nieuweschans")
    sid = case["id"]
    assert case["deadline_strict"] == "2026-06-23"
    clock.set(local(2026, 6, 20, 9, 0))
    case = await api.start(sid, local(2026, 6, 20, 9, 0), held=True)
    assert (case["status"], case["held_at_external_border"]) == ("IN_PROGRESS", True)
    assert (case["deadline_strict"], case["deadline_ptl"]) == ("2026-06-23", "2026-06-23")
    assert instant(case["deadline_due_at"]) == end_of(2026, 6, 23)
    [started] = [row for row in await probe.audit(sid) if row.action == "screening.started"]
    assert started.details == {"held_at_external_border": True, "deadline_strict": "2026-06-23"}
    assert [row.status for row in await deadline_rows(probe, sid, "screening.completion_limit")] == ["open"]

    clock.set(end_of(2026, 6, 23))
    await fire(app)
    case = await api.get(sid)
    assert (case["status"], case["completion"]) == ("REFERRED_RETURN", "INCOMPLETE")


async def test_s10_eurodac_data_are_due_before_release_not_within_72_hours(api, app, clock, probe):
    """S10: 'the person is kept at the border post for more than 72 h, so the data are due before release (ED 22(4));
    the 72-h limit (legal end Fri 2026-06-19 10:00) applies only if he is released earlier'."""
    clock.set(local(2026, 6, 16, 9, 30))
    sid = (await api.open("BORDER_IRREGULAR", local(2026, 6, 16, 9, 0), location="Bad Nieuweschans-2"))["id"]
    [limit] = await deadline_rows(probe, sid, "eurodac.transmission_limit")
    assert limit.due_at == local(2026, 6, 19, 10, 0)
    clock.set(local(2026, 6, 20, 9, 0))
    await api.start(sid, local(2026, 6, 20, 9, 0), held=True)
    await fire(app)
    assert await events(probe, sid, "eurodac.transmission.delayed") == []


async def test_s10_not_held_long_enough_keeps_the_seven_days(api, clock):
    """The T2 threshold is elapsed time: 71 hours at the border post is not 'more than 72 hours'."""
    clock.set(local(2026, 6, 19, 8, 0))
    sid = (await api.open("BORDER_IRREGULAR", local(2026, 6, 16, 9, 0), location="Bad Nieuweschans-3"))["id"]
    case = await api.start(sid, local(2026, 6, 19, 8, 0), held=True)
    assert (case["deadline_strict"], case["held_at_external_border"]) == ("2026-06-23", True)


# --- S11 -------------------------------------------------------------------------------------------------------------


async def test_s11_relocation(api, app, clock, probe):
    """S11: SAR disembarked Mon 2026-06-15, applies, on an AMMR 67 relocation list -> REFERRED_RELOCATION to the
    member state of relocation with the form (SR 18(3)) by the end of Mon 2026-06-22."""
    clock.set(local(2026, 6, 15, 12, 0))
    case = await api.open("BORDER_SAR", local(2026, 6, 15, 10, 0), location="Vlissingen")
    sid = case["id"]
    assert case["deadline_strict"] == "2026-06-22"
    await api.start(sid, local(2026, 6, 15, 12, 0))
    await api.apply(sid, local(2026, 6, 15, 11, 30))
    clock.set(local(2026, 6, 18, 10, 0))
    case = (await api.post(sid, "relocation", {"member_state": "PT"})).json()
    assert case["relocation_member_state"] == "PT"
    await api.checks(sid, local(2026, 6, 18, 10, 0))
    await api.capture(sid, "tpl-s11")
    await fire(app)
    done = await api.complete(sid)
    assert (done["status"], done["referral_target"], done["referral_basis"], done["completion"]) == (
        "REFERRED_RELOCATION",
        "RELOCATION",
        "SR Art 18(3)",
        "COMPLETE",
    )
    assert instant(done["referred_at"]) < end_of(2026, 6, 22)
    referred = await the_event(probe, sid, "screening.case.referred")
    assert (referred["target"], referred["relocation_member_state"]) == ("RELOCATION", "PT")
    assert referred["form"]["application_made"] is True
    assert referred["asylum_routing"]["arrival_mode"] == "RELOCATION"  # APR 43(1)(d), as the code maps it
    made = await the_event(probe, sid, "screening.application.made")
    assert made["registration_clock_start"] == "REFERRAL"


# --- S12 -------------------------------------------------------------------------------------------------------------


async def test_s12_entry_conditions_met_closes_without_referral(api, app, clock, probe):
    """S12: BCP presentation Wed 2026-07-01; documents turn out valid, no application -> CLOSED_ENTRY_CONDITIONS_MET
    (SR 5(3)), no referral.

    The model defines BORDER_BCP_APPLICANT by the application (SR 5(2)), so a BCP presentation without one is refused
    at intake (422): such a person is not screened but checked under SBC Art 8. The closest case the model allows is
    a person brought in for screening at the border (BORDER_IRREGULAR) whose documents then prove valid. The data
    already sent to Eurodac stay under the normal retention (chapter §8.13)."""
    clock.set(local(2026, 7, 1, 10, 0))
    refused = await api.open("BORDER_BCP_APPLICANT", local(2026, 7, 1, 9, 0), location="Schiphol", expect=422)
    assert refused["type"] == "urn:keten:problem:invalid-data"
    assert "5(2)" in refused["detail"]

    sid = (await api.open("BORDER_IRREGULAR", local(2026, 7, 1, 9, 0), location="Schiphol"))["id"]
    await api.start(sid, local(2026, 7, 1, 10, 0))
    await api.capture(sid, "tpl-s12")
    await fire(app)
    passport = {
        "type": "PASSPORT",
        "number": "N12345678",
        "issuing_country": "SYR",
        "expiry": "2030-01-31",
        "authentic": True,
    }
    case = (await api.put(sid, "identification", {"documents": [passport], "nationalities": ["SYR"]})).json()
    assert case["identification"]["identity_status"] == "VERIFIED_DOCUMENT"
    case = (await api.post(sid, "closure", {"reason": "ENTRY_CONDITIONS_MET", "note": "valid visa"})).json()
    assert (case["status"], case["closure_note"], case["referral_target"]) == (
        "CLOSED_ENTRY_CONDITIONS_MET",
        "valid visa",
        None,
    )
    assert instant(case["closed_at"]) == local(2026, 7, 1, 10, 0)
    kinds = {row.kind: row.status for row in await probe.deadlines(sid)}
    assert kinds["screening.completion_limit"] == "cancelled"

    clock.set(end_of(2026, 7, 8) + timedelta(hours=1))
    await fire(app)
    case = await api.get(sid)
    assert case["status"] == "CLOSED_ENTRY_CONDITIONS_MET"
    assert [t["retention_until"] for t in case["eurodac"]["transmissions"]] == ["2031-07-01"]
    assert [t for t, _ in await events(probe, sid)] == ["eurodac.data.transmitted"]
    await api.put(sid, "cooperation", {}, expect=409)
