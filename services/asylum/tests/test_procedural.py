"""Interviews, legal counselling, special procedural guarantees and UAM representatives (APR Art 11-16, 20-23).

The pure rules first, then the REST API against a running service on real PostgreSQL (clock fixed at Fri
2026-07-10 12:00 in the Netherlands), with the deadline handlers driven by one round of the scheduler.
Dates follow asylum chapter §10 scenario 5: made Mon 2026-07-06 -> representative due Mon 2026-07-27 (15
working days, APR 23(2)(b)), special guarantees due Wed 2026-08-05 (30 days, APR 20), counted under APR Art 73.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from keten_asylum.adapters.repository import ApplicationRepository
from keten_asylum.config import ActivationPeriod, AsylumSettings
from keten_asylum.domain.counselling import (
    SUBSEQUENT_ONLY,
    CounsellingRefusalGround,
    CounsellingRequest,
    CounsellingStatus,
)
from keten_asylum.domain.guarantees import GuaranteesAssessment, assessment
from keten_asylum.domain.interviews import (
    ApplicantConfirmation,
    ConfirmationWaiver,
    Interview,
    InterviewOutcome,
    InterviewRecord,
    InterviewType,
    OmissionGround,
    PostponementReason,
    held_interview,
    is_minor,
    omitted_interview,
    postponed_interview,
)
from keten_asylum.domain.model import Application, ApplicationStatus
from keten_asylum.domain.procedural import ExtensionGround, ProceduralLimit, check_extension
from keten_asylum.domain.representatives import (
    Appointment,
    EndReason,
    Representation,
    RepresentativeRole,
    check_representative_capacity,
    representative_maximum,
)
from keten_asylum.service_layer import handlers, procedural
from keten_shared.errors import InvalidData, TransitionNotAllowed
from keten_shared.scheduler import DeadlineScheduler
from keten_shared.testing.checks import assert_problem
from keten_shared.testing.service_fixtures import AMS, NOW

APP_SETTINGS = {"consumer_enabled": False, "scheduler_enabled": False}

CASEWORKER = "asylum-caseworker"
BASE = "/v1/applications"
GUARANTEES_LIMIT, REPRESENTATIVE_LIMIT = "asylum.special_guarantees_limit", "asylum.representative_limit"
MICROSECOND = timedelta(microseconds=1)
S = ApplicationStatus


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=AMS)


def end_of(day: date) -> datetime:
    """24:00 local time of ``day``: the instant a period whose last day it is has expired."""
    return datetime(day.year, day.month, day.day, tzinfo=AMS) + timedelta(days=1)


# --- the pure rules --------------------------------------------------------------------------------------------------


def application(status: S = S.LODGED, **overrides: Any) -> Application:
    values: dict[str, Any] = {
        "id": "app-1",
        "person_id": "person-1",
        "member_state": "NL",
        "person": {"family_name": "Rahimi", "nationalities": ["AFG"]},
        "made_at": local(2026, 7, 6, 9),
        "created_at": local(2026, 7, 6, 9),
        "status": status,
        "lodged_at": None if status in (S.MADE, S.REGISTERED) else local(2026, 7, 8, 10),
    }
    return Application(**(values | overrides))


def record(**overrides: Any) -> InterviewRecord:
    values: dict[str, Any] = {
        "type": InterviewType.SUBSTANTIVE,
        "held_at": local(2026, 7, 9, 10),
        "interviewer_id": "officer-7",
        "interviewer_uniformed": False,
        "transcript_uri": "https://dms.example/t/1",
    }
    return InterviewRecord(**(values | overrides))


def hold(app: Application, **overrides: Any) -> Interview:
    return held_interview(app, record(**overrides), interview_id="i-1", now=NOW, local_day=date(2026, 7, 9))


def test_a_held_interview_keeps_its_record():
    interview = hold(application(), interpreter_language="prs", cultural_mediator=True, legal_adviser_present=True)
    assert (interview.outcome, interview.legal_basis, interview.interpreter_language) == (
        InterviewOutcome.HELD,
        "APR Art 12",
        "prs",
    )
    assert hold(application(), type=InterviewType.ADMISSIBILITY).legal_basis == "APR Art 11"


def test_an_interviewer_in_uniform_is_refused():
    with pytest.raises(InvalidData, match=r"APR Art 13"):
        hold(application(), interviewer_uniformed=True)


@pytest.mark.parametrize(
    "overrides",
    [
        {"unaccompanied_minor": True},
        {"person": {"family_name": "Rahimi", "date_of_birth": "2010-03-01"}},
    ],
    ids=["unaccompanied minor", "minor by date of birth"],
)
def test_a_minor_is_interviewed_child_sensitively(overrides):
    minor = application(**overrides)
    with pytest.raises(InvalidData, match=r"APR Art 22"):
        hold(minor)
    assert hold(minor, child_sensitive=True).child_sensitive is True


def test_minority_ends_on_the_18th_birthday():
    person = {"family_name": "Rahimi", "date_of_birth": "2008-07-10"}
    assert is_minor(application(person=person), date(2026, 7, 9)) is True
    assert is_minor(application(person=person), date(2026, 7, 10)) is False
    assert is_minor(application(), date(2026, 7, 9)) is False  # no date of birth, no UAM claim


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"transcript_uri": None}, r"APR Art 14"),
        ({"applicant_confirmation": ApplicantConfirmation.NOT_REQUIRED}, r"confirmation_waiver"),
        ({"confirmation_waiver": ConfirmationWaiver.PROTECTION_CLEARLY_GRANTED}, r"only goes with NOT_REQUIRED"),
        ({"held_at": local(2026, 7, 8, 9)}, r"before the lodging"),
        ({"held_at": local(2026, 7, 10, 13)}, r"future"),
    ],
    ids=["no record", "not required without waiver", "waiver with a confirmation", "before lodging", "future"],
)
def test_an_interview_record_that_breaks_apr_14_is_invalid(overrides, match):
    with pytest.raises(InvalidData, match=match):
        hold(application(), **overrides)


def test_a_waived_confirmation_is_recorded():
    interview = hold(
        application(),
        applicant_confirmation=ApplicantConfirmation.NOT_REQUIRED,
        confirmation_waiver=ConfirmationWaiver.RECORDING_ADMISSIBLE_IN_APPEAL,
    )
    assert interview.applicant_confirmation is ApplicantConfirmation.NOT_REQUIRED


@pytest.mark.parametrize("status", [S.MADE, S.REGISTERED, S.APPEAL_WINDOW, S.FINAL])
def test_interviews_belong_to_a_lodged_application_before_its_decision(status):
    with pytest.raises(TransitionNotAllowed):
        hold(application(status))


def omit(app: Application, ground: OmissionGround, type: InterviewType, **kw: Any) -> Interview:
    values: dict[str, Any] = {"reasons": "on file", "written_submissions_offered": False} | kw
    return omitted_interview(app, [], type=type, ground=ground, interview_id="o-1", now=NOW, **values)


def test_an_omission_records_its_apr_13_11_ground():
    omitted = omit(application(), OmissionGround.POSITIVE_DECISION, InterviewType.SUBSTANTIVE)
    assert (omitted.outcome, omitted.legal_basis) == (InterviewOutcome.OMITTED, "APR Art 13(11)(a)")
    unfit = omit(
        application(),
        OmissionGround.ENDURING_UNFITNESS,
        InterviewType.ADMISSIBILITY,
        written_submissions_offered=True,
    )
    assert unfit.legal_basis == "APR Art 13(11)(c)"


@pytest.mark.parametrize(
    ("ground", "type", "match"),
    [
        (OmissionGround.POSITIVE_DECISION, InterviewType.ADMISSIBILITY, r"13\(11\)\(a\)"),
        (OmissionGround.CLEARLY_NOT_INADMISSIBLE, InterviewType.SUBSTANTIVE, r"13\(11\)\(b\)"),
        (OmissionGround.ENDURING_UNFITNESS, InterviewType.SUBSTANTIVE, r"written submissions"),
        (OmissionGround.SUBSEQUENT_WRITTEN, InterviewType.ADMISSIBILITY, r"not a subsequent"),
    ],
    ids=["(a) admissibility", "(b) substantive", "(c) no written submissions", "(d) first application"],
)
def test_an_omission_outside_its_ground_is_invalid(ground, type, match):
    with pytest.raises(InvalidData, match=match):
        omit(application(), ground, type)


def test_a_subsequent_application_may_be_examined_on_a_written_statement():
    subsequent = application(previous_application_ref="NL-2025-1")
    assert omit(subsequent, OmissionGround.SUBSEQUENT_WRITTEN, InterviewType.ADMISSIBILITY).omission_ground


def test_a_held_interview_cannot_be_omitted():
    held = hold(application())
    with pytest.raises(TransitionNotAllowed):
        omitted_interview(
            application(),
            [held],
            type=InterviewType.SUBSTANTIVE,
            ground=OmissionGround.POSITIVE_DECISION,
            reasons="r",
            written_submissions_offered=False,
            interview_id="o-1",
            now=NOW,
        )


def test_a_postponement_reschedules_in_the_future():
    kw: dict[str, Any] = {
        "type": InterviewType.SUBSTANTIVE,
        "reason": PostponementReason.TEMPORARY_UNFITNESS,
        "medical_professional_consulted": True,
        "reasons": None,
        "interview_id": "p-1",
        "now": NOW,
    }
    later = postponed_interview(application(), rescheduled_for=local(2026, 7, 20, 10), **kw)
    assert (later.outcome, later.legal_basis) == (InterviewOutcome.POSTPONED, "APR Art 13(11)")
    with pytest.raises(InvalidData):
        postponed_interview(application(), rescheduled_for=local(2026, 7, 10, 11), **kw)


def test_counselling_is_provided_or_refused_once():
    request = CounsellingRequest.request(application(), request_id="c-1", requested_at=local(2026, 7, 9), now=NOW)
    request.provide(provided_at=local(2026, 7, 10, 9), provider="Legal Aid Board", now=NOW)
    assert request.status is CounsellingStatus.PROVIDED
    with pytest.raises(TransitionNotAllowed):
        request.refuse(ground=CounsellingRefusalGround.LEGAL_ADVISER_ACTS, reasons="r", subsequent=False, now=NOW)


@pytest.mark.parametrize("ground", sorted(SUBSEQUENT_ONLY))
def test_the_subsequent_application_refusal_grounds_need_a_subsequent_application(ground):
    request = CounsellingRequest.request(application(), request_id="c-1", requested_at=local(2026, 7, 9), now=NOW)
    with pytest.raises(InvalidData, match=r"APR Art 16"):
        request.refuse(ground=ground, reasons="r", subsequent=False, now=NOW)
    request.refuse(ground=ground, reasons="r", subsequent=True, now=NOW)
    assert (request.status, request.refusal_ground) == (CounsellingStatus.REFUSED, ground)


def test_counselling_is_asked_for_in_the_administrative_procedure():
    with pytest.raises(TransitionNotAllowed):
        CounsellingRequest.request(application(S.APPEAL_WINDOW), request_id="c", requested_at=NOW, now=NOW)


def assess(current: GuaranteesAssessment | None = None, **kw: Any) -> GuaranteesAssessment:
    values: dict[str, Any] = {"assessed_at": local(2026, 7, 9), "needs": ["SIGN_LANGUAGE"], "adequate_support": True}
    return assessment(application(), current, assessment_id="g", in_time=True, now=NOW, **(values | kw))


def test_needs_without_adequate_support_are_the_routing_fact_of_apr_21_2():
    assert assess(adequate_support=False).special_procedural_needs_unsupported is True
    assert assess().special_procedural_needs_unsupported is False
    assert assess(needs=[]).special_procedural_needs_unsupported is False
    with pytest.raises(InvalidData, match=r"APR Art 21\(2\)"):
        assess(needs=[], adequate_support=False)
    with pytest.raises(InvalidData, match=r"repeat"):
        assess(needs=["A", "A"])


def test_a_review_replaces_the_assessment_and_keeps_it():
    first = assess()
    review = assess(first, assessed_at=local(2026, 7, 10), needs=["SIGN_LANGUAGE", "TRAUMA"], adequate_support=False)
    assert (first.superseded_at, review.review, first.review) == (NOW, True, False)
    with pytest.raises(InvalidData, match=r"review"):
        assess(review, assessed_at=local(2026, 7, 9, 12))


def limit(**kw: Any) -> ProceduralLimit:
    values: dict[str, Any] = {
        "application_id": "app-1",
        "kind": REPRESENTATIVE_LIMIT,
        "deadline": date(2026, 7, 27),
        "legal_basis": "APR Art 23(2)(b)",
        "created_at": NOW,
    }
    return ProceduralLimit(**(values | kw))


def test_a_limit_is_overdue_once_and_never_once_met():
    open_limit, met = limit(), limit()
    assert (open_limit.mark_overdue(NOW), open_limit.mark_overdue(NOW)) == (True, False)
    met.meet(NOW)
    assert met.mark_overdue(NOW) is False


def test_a_limit_is_extended_once_while_it_runs():
    extend: dict[str, Any] = {
        "ground": ExtensionGround.OTHER_EXCEPTIONAL_SITUATION,
        "reasons": "flood",
        "deadline": date(2026, 8, 10),
        "legal_basis": "APR Art 23(3)",
        "now": NOW,
    }
    running = limit()
    running.extend(today=date(2026, 7, 27), **extend)
    assert (running.deadline, running.legal_basis) == (date(2026, 8, 10), "APR Art 23(3)")
    with pytest.raises(TransitionNotAllowed):
        running.extend(today=date(2026, 7, 27), **extend)
    with pytest.raises(TransitionNotAllowed, match=r"passed"):
        limit().extend(today=date(2026, 7, 28), **extend)
    with pytest.raises(InvalidData, match=r"APR Art 23\(3\)"):
        check_extension(ExtensionGround.DISPROPORTIONATE_NUMBERS, None, disproportionate_numbers=False)
    with pytest.raises(InvalidData, match=r"APR Art 23\(3\)"):
        check_extension(ExtensionGround.OTHER_EXCEPTIONAL_SITUATION, None, disproportionate_numbers=False)


def appointment(role: RepresentativeRole, person_id: str = "rep-1") -> Appointment:
    return Appointment(
        id=str(uuid.uuid4()),
        application_id="app-1",
        role=role,
        person_id=person_id,
        name="N. N.",
        appointed_at=local(2026, 7, 9),
        recorded_at=NOW,
    )


PROVISIONAL, REPRESENTATIVE = RepresentativeRole.PROVISIONAL, RepresentativeRole.REPRESENTATIVE


def test_a_representative_ends_the_provisional_persons_role_and_changes_only_for_inadequate_performance():
    uam, representation = application(unaccompanied_minor=True), Representation()
    representation.appoint(uam, appointment(PROVISIONAL, "helper-1"), change_ground=None, now=NOW)
    ended = representation.appoint(uam, appointment(REPRESENTATIVE), change_ground=None, now=NOW)
    assert [(a.person_id, a.end_reason) for a in ended] == [("helper-1", EndReason.REPRESENTATIVE_APPOINTED)]
    with pytest.raises(TransitionNotAllowed, match=r"INADEQUATE_PERFORMANCE"):
        representation.appoint(uam, appointment(REPRESENTATIVE, "rep-2"), change_ground=None, now=NOW)
    with pytest.raises(InvalidData, match=r"acts now"):
        representation.appoint(
            uam, appointment(REPRESENTATIVE), change_ground=EndReason.INADEQUATE_PERFORMANCE, now=NOW
        )
    with pytest.raises(TransitionNotAllowed, match=r"representative acts already"):
        representation.appoint(uam, appointment(PROVISIONAL), change_ground=None, now=NOW)
    changed = representation.appoint(
        uam, appointment(REPRESENTATIVE, "rep-2"), change_ground=EndReason.INADEQUATE_PERFORMANCE, now=NOW
    )
    assert [(a.person_id, a.end_reason) for a in changed] == [("rep-1", EndReason.INADEQUATE_PERFORMANCE)]
    assert representation.active(REPRESENTATIVE).person_id == "rep-2"


def test_only_an_unaccompanied_minor_gets_a_representative():
    with pytest.raises(TransitionNotAllowed, match=r"APR Art 23"):
        Representation().appoint(application(), appointment(REPRESENTATIVE), change_ground=None, now=NOW)
    with pytest.raises(InvalidData, match=r"nobody to change"):
        Representation().appoint(
            application(unaccompanied_minor=True),
            appointment(REPRESENTATIVE),
            change_ground=EndReason.INADEQUATE_PERFORMANCE,
            now=NOW,
        )


def test_a_representative_has_at_most_30_minors_or_the_national_exceptional_maximum():
    assert (representative_maximum(False, 50), representative_maximum(True, 50)) == (30, 50)
    check_representative_capacity("rep-1", 29, 30)
    with pytest.raises(TransitionNotAllowed, match=r"APR Art 23\(10\)"):
        check_representative_capacity("rep-1", 30, 30)


def test_the_exceptional_maximum_is_a_national_choice_between_30_and_50():
    assert AsylumSettings().representative_uam_maximum_exceptional == 50
    for wrong in (29, 51):
        with pytest.raises(ValueError):
            AsylumSettings(representative_uam_maximum_exceptional=wrong)


def test_the_deadline_handlers_are_registered():
    assert handlers.DEADLINE_HANDLERS[GUARANTEES_LIMIT] is procedural.on_special_guarantees_limit
    assert handlers.DEADLINE_HANDLERS[REPRESENTATIVE_LIMIT] is procedural.on_representative_limit


# --- the API ---------------------------------------------------------------------------------------------------------


async def post(app: Any, path: str, payload: dict[str, Any], *, role: str = CASEWORKER) -> Any:
    return await app.client.post(path, json=payload, headers=app.auth(role))


async def ok(app: Any, path: str, payload: dict[str, Any], status: int = 200) -> Any:
    response = await post(app, path, payload)
    assert response.status_code == status, response.text
    return response.json()


async def get(app: Any, path: str) -> Any:
    response = await app.client.get(path, headers=app.auth("auditor"))
    assert response.status_code == 200, response.text
    return response.json()


async def made(app: Any, **overrides: Any) -> str:
    """An application made Mon 2026-07-06 09:00; returns its id."""
    body = {"person": {"family_name": "Rahimi", "given_names": "Omid", "nationalities": ["AFG"]}}
    body |= {"made_at": "2026-07-06T09:00:00+02:00"} | overrides
    return (await ok(app, BASE, body, 201))["id"]


async def lodged(app: Any, **overrides: Any) -> str:
    """Made Mon 07-06, registered Tue 07-07, lodged Wed 07-08."""
    application_id = await made(app, **overrides)
    app.runtime.clock.set(local(2026, 7, 7, 10))
    try:
        await ok(app, f"{BASE}/{application_id}/registration", {})
    finally:
        app.runtime.clock.set(NOW)
    await ok(app, f"{BASE}/{application_id}/lodging", {"lodged_at": "2026-07-08T10:00:00+02:00"})
    return application_id


async def fire(app: Any) -> int:
    scheduler = DeadlineScheduler(service="asylum", uow=app.runtime.uow, handlers=handlers.DEADLINE_HANDLERS)
    return await scheduler.fire_due(limit=10_000)


async def limit_row(probe: Any, application_id: str, kind: str) -> list[Any]:
    return [(row.status, row.due_at) for row in await probe.deadlines(application_id) if row.kind == kind]


async def actions(probe: Any, application_id: str) -> list[tuple[str, str | None]]:
    return [(row.action, row.legal_basis) for row in await probe.audit(application_id)]


def interview(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "type": "SUBSTANTIVE",
        "held_at": "2026-07-09T10:00:00+02:00",
        "interviewer_id": "officer-7",
        "interviewer_uniformed": False,
        "interpreter_language": "prs",
        "cultural_mediator": True,
        "legal_adviser_present": True,
        "recording_uri": "s3://interviews/2026/a.ogg",
        "transcript_uri": "https://dms.example/transcripts/1",
        "applicant_confirmation": "CONFIRMED",
    }
    return {k: v for k, v in (values | overrides).items() if v is not None}


# T4: special procedural guarantees (APR Art 20) --------------------------------------------------------------------


async def test_the_guarantees_limit_runs_30_days_from_the_making(app, probe):
    application_id = await made(app)
    guarantees = await get(app, f"{BASE}/{application_id}/special-guarantees")
    assert guarantees["limit"] == {
        "deadline": "2026-08-05",
        "legal_basis": "APR Art 20",
        "met_at": None,
        "overdue_since": None,
        "extension_ground": None,
        "extended_at": None,
    }
    assert (guarantees["current"], guarantees["history"]) == (None, [])
    assert await limit_row(probe, application_id, GUARANTEES_LIMIT) == [("open", end_of(date(2026, 8, 5)))]
    # Only an unaccompanied minor's application has a representative limit.
    assert (await get(app, f"{BASE}/{application_id}/representative"))["limit"] is None
    assert await limit_row(probe, application_id, REPRESENTATIVE_LIMIT) == []


async def test_the_guarantees_limit_is_overdue_the_day_after_its_last_day(app, probe, clock):
    application_id = await made(app)
    clock.set(end_of(date(2026, 8, 5)) - MICROSECOND)  # Wed 08-05, the last day: in time
    await fire(app)
    assert await limit_row(probe, application_id, GUARANTEES_LIMIT) == [("open", end_of(date(2026, 8, 5)))]
    assert ("special_guarantees.overdue", "APR Art 20") not in await actions(probe, application_id)
    clock.set(end_of(date(2026, 8, 5)))  # Thu 08-06 00:00: overdue
    await fire(app)
    assert await limit_row(probe, application_id, GUARANTEES_LIMIT) == [("fired", end_of(date(2026, 8, 5)))]
    assert (await actions(probe, application_id)).count(("special_guarantees.overdue", "APR Art 20")) == 1
    guarantees = await get(app, f"{BASE}/{application_id}/special-guarantees")
    assert guarantees["limit"]["overdue_since"] is not None
    # Recorded late, the assessment says so.
    clock.set(local(2026, 8, 6, 10))
    late = await ok(
        app,
        f"{BASE}/{application_id}/special-guarantees",
        {"assessed_at": "2026-08-06T09:00:00+02:00", "needs": [], "adequate_support": True},
        201,
    )
    assert late["in_time"] is False


async def test_an_assessment_on_the_last_day_is_in_time_and_ends_the_limit(app, probe, clock):
    application_id = await made(app)
    clock.set(local(2026, 8, 5, 15))
    assessment = await ok(
        app,
        f"{BASE}/{application_id}/special-guarantees",
        {
            "assessed_at": "2026-08-05T14:00:00+02:00",
            "needs": ["SIGN_LANGUAGE_INTERPRETATION", "TRAUMA_INFORMED_INTERVIEW"],
            "adequate_support": False,
            "medical_examination": True,
        },
        201,
    )
    assert (assessment["in_time"], assessment["review"]) == (True, False)
    assert assessment["special_procedural_needs_unsupported"] is True  # APR 21(2), 53(2)(c)
    assert await limit_row(probe, application_id, GUARANTEES_LIMIT) == [("cancelled", end_of(date(2026, 8, 5)))]
    clock.set(end_of(date(2026, 8, 5)) + timedelta(days=1))
    await fire(app)
    assert ("special_guarantees.overdue", "APR Art 20") not in await actions(probe, application_id)
    guarantees = await get(app, f"{BASE}/{application_id}/special-guarantees")
    assert (guarantees["limit"]["met_at"] is not None, guarantees["limit"]["overdue_since"]) == (True, None)


async def test_a_review_on_change_replaces_the_assessment_and_keeps_the_history(app, probe, clock):
    application_id = await made(app)
    path = f"{BASE}/{application_id}/special-guarantees"
    first = await ok(
        app, path, {"assessed_at": "2026-07-09T10:00:00+02:00", "needs": [], "adequate_support": True}, 201
    )
    clock.set(local(2026, 7, 20, 10))
    review = await ok(
        app,
        path,
        {
            "assessed_at": "2026-07-20T09:00:00+02:00",
            "needs": ["MEDICAL_CONDITION"],
            "adequate_support": True,
            "support_measures": "breaks during the interview",
            "reasons": "medical report of 2026-07-17",
        },
        201,
    )
    assert (review["review"], review["in_time"], review["special_procedural_needs_unsupported"]) == (True, True, False)
    guarantees = await get(app, path)
    assert guarantees["current"]["id"] == review["id"]
    assert [(a["id"], a["superseded_at"] is not None) for a in guarantees["history"]] == [
        (first["id"], True),
        (review["id"], False),
    ]
    assert [a for a in await actions(probe, application_id) if a[0].startswith("special_guarantees.")] == [
        ("special_guarantees.assessed", "APR Art 20"),
        ("special_guarantees.reviewed", "APR Art 20"),
        ("special_guarantees.read", None),
    ]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"assessed_at": "2026-07-11T09:00:00+02:00", "needs": [], "adequate_support": True}, 422),
        ({"assessed_at": "2026-07-09T09:00:00+02:00", "needs": ["A", "A"], "adequate_support": True}, 422),
        ({"assessed_at": "2026-07-09T09:00:00+02:00", "needs": [], "adequate_support": False}, 422),
        ({"assessed_at": "2026-07-09T09:00:00", "needs": [], "adequate_support": True}, 422),
        ({"assessed_at": "2026-07-09T09:00:00+02:00", "needs": [""], "adequate_support": True}, 422),
        ({"assessed_at": "2026-07-09T09:00:00+02:00", "needs": []}, 422),
    ],
    ids=["future", "repeated need", "unsupported without needs", "naive time", "empty need", "no support answer"],
)
async def test_a_bad_assessment_is_a_problem(app, payload, status):
    application_id = await made(app)
    assert_problem(await post(app, f"{BASE}/{application_id}/special-guarantees", payload), status)


# T5: the representative of an unaccompanied minor (APR Art 23) -----------------------------------------------------


async def test_the_representative_limit_runs_15_working_days_for_an_unaccompanied_minor(app, probe):
    application_id = await made(app, unaccompanied_minor=True)
    representation = await get(app, f"{BASE}/{application_id}/representative")
    assert (representation["limit"]["deadline"], representation["limit"]["legal_basis"]) == (
        "2026-07-27",
        "APR Art 23(2)(b)",
    )
    assert (representation["provisional"], representation["representative"], representation["appointments"]) == (
        None,
        None,
        [],
    )
    assert await limit_row(probe, application_id, REPRESENTATIVE_LIMIT) == [("open", end_of(date(2026, 7, 27)))]


async def test_the_representative_limit_is_overdue_the_day_after_its_last_day(app, probe, clock):
    application_id = await made(app, unaccompanied_minor=True)
    clock.set(end_of(date(2026, 7, 27)) - MICROSECOND)  # Mon 07-27, the last day: in time
    await fire(app)
    assert await limit_row(probe, application_id, REPRESENTATIVE_LIMIT) == [("open", end_of(date(2026, 7, 27)))]
    clock.set(end_of(date(2026, 7, 27)))  # Tue 07-28 00:00: overdue
    await fire(app)
    assert (await actions(probe, application_id)).count(("representative.overdue", "APR Art 23(2)(b)")) == 1
    representation = await get(app, f"{BASE}/{application_id}/representative")
    assert representation["limit"]["overdue_since"] is not None
    # Appointed the day after: recorded as late; the limit can no longer be extended.
    clock.set(local(2026, 7, 28, 10))
    late = await ok(
        app,
        f"{BASE}/{application_id}/representative/appointment",
        {"person_id": f"rep-{uuid.uuid4()}", "name": "A. Jansen", "appointed_at": "2026-07-28T09:00:00+02:00"},
        201,
    )
    assert late["in_time"] is False


async def test_a_representative_appointed_on_the_last_day_is_in_time_and_ends_the_limit(app, probe, clock):
    application_id = await made(app, unaccompanied_minor=True)
    helper = await ok(
        app,
        f"{BASE}/{application_id}/representative/provisional",
        {
            "person_id": "helper-1",
            "name": "B. de Vries",
            "organisation": "Nidos",
            "appointed_at": "2026-07-06T15:00:00+02:00",
        },
        201,
    )
    assert (helper["role"], helper["in_time"], helper["ended_at"]) == ("PROVISIONAL", None, None)
    clock.set(local(2026, 7, 27, 16))
    representative = await ok(
        app,
        f"{BASE}/{application_id}/representative/appointment",
        {"person_id": f"rep-{uuid.uuid4()}", "name": "A. Jansen", "appointed_at": "2026-07-27T15:00:00+02:00"},
        201,
    )
    assert (representative["role"], representative["in_time"]) == ("REPRESENTATIVE", True)
    assert await limit_row(probe, application_id, REPRESENTATIVE_LIMIT) == [("cancelled", end_of(date(2026, 7, 27)))]
    representation = await get(app, f"{BASE}/{application_id}/representative")
    assert representation["representative"]["id"] == representative["id"]
    assert representation["provisional"] is None
    assert [(a["role"], a["end_reason"]) for a in representation["appointments"]] == [
        ("PROVISIONAL", "REPRESENTATIVE_APPOINTED"),
        ("REPRESENTATIVE", None),
    ]
    assert ("representative.provisional_designated", "APR Art 23(2)") in await actions(probe, application_id)
    assert ("representative.appointed", "APR Art 23(2)(b)") in await actions(probe, application_id)
    # A second representative only replaces the first for inadequate performance (APR Art 23).
    path = f"{BASE}/{application_id}/representative/appointment"
    other = {"person_id": f"rep-{uuid.uuid4()}", "name": "C. Bakker", "appointed_at": "2026-07-27T15:30:00+02:00"}
    assert_problem(await post(app, path, other), 409, "transition-not-allowed")
    changed = await ok(app, path, other | {"change_ground": "INADEQUATE_PERFORMANCE"}, 201)
    representation = await get(app, f"{BASE}/{application_id}/representative")
    assert representation["representative"]["id"] == changed["id"]
    assert representation["appointments"][1]["end_reason"] == "INADEQUATE_PERFORMANCE"


async def test_the_representative_limit_is_extended_by_10_working_days(app, probe):
    application_id = await made(app, unaccompanied_minor=True)
    path = f"{BASE}/{application_id}/representative/extension"
    # APR 23(3): disproportionate numbers need a recorded period; another situation needs its description.
    assert_problem(await post(app, path, {"ground": "DISPROPORTIONATE_NUMBERS"}), 422, "invalid-data")
    assert_problem(await post(app, path, {"ground": "OTHER_EXCEPTIONAL_SITUATION"}), 422, "invalid-data")
    extended = await ok(app, path, {"ground": "OTHER_EXCEPTIONAL_SITUATION", "reasons": "reception centre evacuated"})
    # time.md W6: 15 + 10 working days from Mon 07-06 -> Mon 08-10.
    assert (extended["limit"]["deadline"], extended["limit"]["legal_basis"]) == ("2026-08-10", "APR Art 23(3)")
    assert extended["limit"]["extension_ground"] == "OTHER_EXCEPTIONAL_SITUATION"
    assert sorted(await limit_row(probe, application_id, REPRESENTATIVE_LIMIT)) == [
        ("cancelled", end_of(date(2026, 7, 27))),
        ("open", end_of(date(2026, 8, 10))),
    ]
    assert ("representative.limit_extended", "APR Art 23(3)") in await actions(probe, application_id)
    assert_problem(await post(app, path, {"ground": "OTHER_EXCEPTIONAL_SITUATION", "reasons": "again"}), 409)


async def test_the_extension_follows_a_recorded_period_of_disproportionate_numbers(app, monkeypatch):
    period = ActivationPeriod(reference="Stcrt. 2026-1", valid_from=date(2026, 7, 1), valid_to=date(2026, 9, 30))
    monkeypatch.setattr(app.runtime.adapters, "config", AsylumSettings(disproportionate_numbers=[period]))
    application_id = await made(app, unaccompanied_minor=True)
    extended = await ok(
        app, f"{BASE}/{application_id}/representative/extension", {"ground": "DISPROPORTIONATE_NUMBERS"}
    )
    assert extended["limit"]["deadline"] == "2026-08-10"


async def test_no_extension_without_a_running_representative_limit(app, clock):
    adult = await made(app)
    assert_problem(
        await post(
            app, f"{BASE}/{adult}/representative/extension", {"ground": "OTHER_EXCEPTIONAL_SITUATION", "reasons": "x"}
        ),
        409,
    )
    uam = await made(app, unaccompanied_minor=True)
    clock.set(local(2026, 7, 28, 9))  # the limit ended on Mon 07-27
    assert_problem(
        await post(
            app, f"{BASE}/{uam}/representative/extension", {"ground": "OTHER_EXCEPTIONAL_SITUATION", "reasons": "x"}
        ),
        409,
    )


async def test_an_adult_gets_no_representative(app):
    application_id = await made(app)
    payload = {"person_id": "rep-1", "name": "A. Jansen", "appointed_at": "2026-07-09T09:00:00+02:00"}
    problem = assert_problem(await post(app, f"{BASE}/{application_id}/representative/appointment", payload), 409)
    assert "APR Art 23" in problem["detail"]


async def test_a_representative_represents_at_most_30_minors_at_a_time(app, monkeypatch):
    rep = f"rep-{uuid.uuid4()}"
    payload = {"person_id": rep, "name": "A. Jansen", "appointed_at": "2026-07-09T09:00:00+02:00"}
    minors = [await made(app, unaccompanied_minor=True) for _ in range(31)]
    for application_id in minors[:30]:
        await ok(app, f"{BASE}/{application_id}/representative/appointment", payload, 201)
    path = f"{BASE}/{minors[30]}/representative/appointment"
    problem = assert_problem(await post(app, path, payload), 409, "transition-not-allowed")
    assert "APR Art 23(10)" in problem["detail"]
    assert (problem["represented"], problem["maximum"]) == (30, 30)
    # A changed representative no longer counts (APR Art 23).
    change = {"person_id": f"rep-{uuid.uuid4()}", "name": "C. Bakker", "appointed_at": "2026-07-09T10:00:00+02:00"}
    await ok(
        app, f"{BASE}/{minors[0]}/representative/appointment", change | {"change_ground": "INADEQUATE_PERFORMANCE"}, 201
    )
    await ok(app, path, payload, 201)
    # In disproportionate numbers the national maximum applies (default 50; here set to 31).
    extra = await made(app, unaccompanied_minor=True)
    extra_path = f"{BASE}/{extra}/representative/appointment"
    assert_problem(await post(app, extra_path, payload), 409)
    period = ActivationPeriod(reference="Stcrt. 2026-1", valid_from=date(2026, 7, 1), valid_to=date(2026, 9, 30))
    settings = AsylumSettings(disproportionate_numbers=[period], representative_uam_maximum_exceptional=31)
    monkeypatch.setattr(app.runtime.adapters, "config", settings)
    await ok(app, extra_path, payload, 201)
    last = await made(app, unaccompanied_minor=True)
    problem = assert_problem(await post(app, f"{BASE}/{last}/representative/appointment", payload), 409)
    assert (problem["represented"], problem["maximum"]) == (31, 31)


async def test_an_extended_limit_allows_the_exceptional_maximum(app):
    rep = f"rep-{uuid.uuid4()}"
    payload = {"person_id": rep, "name": "A. Jansen", "appointed_at": "2026-07-09T09:00:00+02:00"}
    for _ in range(30):
        await ok(app, f"{BASE}/{await made(app, unaccompanied_minor=True)}/representative/appointment", payload, 201)
    exceptional = await made(app, unaccompanied_minor=True)
    extension = {"ground": "OTHER_EXCEPTIONAL_SITUATION", "reasons": "mass arrival of minors"}
    await ok(app, f"{BASE}/{exceptional}/representative/extension", extension)
    # APR Art 23(3), (10): the situation that extends the limit allows up to 50 per representative.
    await ok(app, f"{BASE}/{exceptional}/representative/appointment", payload, 201)


async def set_unaccompanied_minor(app: Any, application_id: str, value: bool) -> None:
    """As a later screening referral or an age assessment would (APR Art 23, 25)."""
    async with app.runtime.uow() as uow:
        application = await ApplicationRepository(uow.session).get(application_id)
        application.unaccompanied_minor = value
        await procedural.start_representative_limit(uow, application)
        await procedural.start_representative_limit(uow, application)  # idempotent
        await uow.commit()


async def test_a_minor_found_unaccompanied_later_gets_the_limit_from_the_making(app, probe):
    application_id = await made(app)
    await set_unaccompanied_minor(app, application_id, True)
    assert await limit_row(probe, application_id, REPRESENTATIVE_LIMIT) == [("open", end_of(date(2026, 7, 27)))]
    assert (await get(app, f"{BASE}/{application_id}/representative"))["limit"]["deadline"] == "2026-07-27"


async def test_no_representative_is_overdue_for_a_person_no_longer_treated_as_a_minor(app, probe, clock):
    application_id = await made(app, unaccompanied_minor=True)
    await set_unaccompanied_minor(app, application_id, False)
    clock.set(end_of(date(2026, 7, 27)))
    await fire(app)
    assert await limit_row(probe, application_id, REPRESENTATIVE_LIMIT) == [("fired", end_of(date(2026, 7, 27)))]
    assert "representative.overdue" not in [action for action, _ in await actions(probe, application_id)]


@pytest.mark.parametrize(
    "payload",
    [
        {"person_id": "rep-1", "name": "A", "appointed_at": "2026-07-11T09:00:00+02:00"},
        {"person_id": "rep-1", "name": "A", "appointed_at": "2026-07-05T09:00:00+02:00"},
        {"person_id": "", "name": "A", "appointed_at": "2026-07-09T09:00:00+02:00"},
        {"person_id": "rep-1", "name": "A", "appointed_at": "2026-07-09T09:00:00+02:00", "change_ground": "BORED"},
        {
            "person_id": "rep-1",
            "name": "A",
            "appointed_at": "2026-07-09T09:00:00+02:00",
            "change_ground": "INADEQUATE_PERFORMANCE",
        },
    ],
    ids=["future", "before the making", "no person", "unknown change ground", "nobody to change"],
)
async def test_a_bad_appointment_is_a_problem(app, payload):
    application_id = await made(app, unaccompanied_minor=True)
    assert_problem(await post(app, f"{BASE}/{application_id}/representative/appointment", payload), 422)


# Interviews (APR Art 11-14, 22) --------------------------------------------------------------------------------------


async def test_a_held_interview_is_recorded_with_its_apr_14_record(app, probe):
    application_id = await lodged(app)
    events_before = len(await probe.outbox(application_id))
    held = await ok(app, f"{BASE}/{application_id}/interviews", interview(), 201)
    assert (held["type"], held["outcome"], held["legal_basis"]) == ("SUBSTANTIVE", "HELD", "APR Art 12")
    assert (held["interviewer_id"], held["interpreter_language"], held["cultural_mediator"]) == (
        "officer-7",
        "prs",
        True,
    )
    assert (held["legal_adviser_present"], held["representative_present"]) == (True, False)
    assert (held["recording_uri"], held["transcript_uri"]) == (
        "s3://interviews/2026/a.ogg",
        "https://dms.example/transcripts/1",
    )
    assert (held["applicant_confirmation"], held["child_sensitive"]) == ("CONFIRMED", False)
    omitted = await ok(
        app,
        f"{BASE}/{application_id}/interview-omissions",
        {"type": "ADMISSIBILITY", "ground": "CLEARLY_NOT_INADMISSIBLE", "reasons": "no inadmissibility ground applies"},
        201,
    )
    assert (omitted["outcome"], omitted["legal_basis"]) == ("OMITTED", "APR Art 13(11)(b)")
    postponed = await ok(
        app,
        f"{BASE}/{application_id}/interview-postponements",
        {
            "type": "SUBSTANTIVE",
            "reason": "TEMPORARY_UNFITNESS",
            "medical_professional_consulted": True,
            "rescheduled_for": "2026-07-20T10:00:00+02:00",
        },
        201,
    )
    assert (postponed["outcome"], postponed["postponement_reason"]) == ("POSTPONED", "TEMPORARY_UNFITNESS")
    listed = await get(app, f"{BASE}/{application_id}/interviews")
    assert [i["id"] for i in listed] == [held["id"], omitted["id"], postponed["id"]]
    audit = await actions(probe, application_id)
    assert ("interview.held", "APR Art 12") in audit
    assert ("interview.omitted", "APR Art 13(11)(b)") in audit
    assert ("interview.postponed", "APR Art 13(11)") in audit
    assert ("interviews.read", None) in audit
    # events.md lists no event for these steps: none is published.
    assert len(await probe.outbox(application_id)) == events_before


async def test_an_interviewer_in_uniform_is_refused_citing_apr_13(app):
    application_id = await lodged(app)
    response = await post(app, f"{BASE}/{application_id}/interviews", interview(interviewer_uniformed=True))
    assert "APR Art 13" in assert_problem(response, 422, "invalid-data")["detail"]
    # The declaration is required.
    undeclared = interview()
    del undeclared["interviewer_uniformed"]
    assert_problem(await post(app, f"{BASE}/{application_id}/interviews", undeclared), 422, "invalid-request")
    assert await get(app, f"{BASE}/{application_id}/interviews") == []


async def test_a_minors_interview_is_child_sensitive(app):
    application_id = await lodged(app, unaccompanied_minor=True)
    response = await post(app, f"{BASE}/{application_id}/interviews", interview(representative_present=True))
    assert "APR Art 22" in assert_problem(response, 422)["detail"]
    held = await ok(app, f"{BASE}/{application_id}/interviews", interview(child_sensitive=True), 201)
    assert held["child_sensitive"] is True


@pytest.mark.parametrize(
    ("path", "payload", "status"),
    [
        ("interviews", interview(type="CASUAL"), 422),
        ("interviews", interview(recording_uri="not a uri", transcript_uri=None), 422),
        ("interviews", interview(recording_uri=None, transcript_uri=None), 422),
        ("interviews", interview(interpreter_language="Dari!"), 422),
        ("interviews", interview(held_at="2026-07-07T10:00:00+02:00"), 422),
        ("interviews", interview(applicant_confirmation="NOT_REQUIRED"), 422),
        ("interviews", interview(surprise=True), 422),
        ("interview-omissions", {"type": "ADMISSIBILITY", "ground": "POSITIVE_DECISION", "reasons": "x"}, 422),
        ("interview-omissions", {"type": "SUBSTANTIVE", "ground": "ENDURING_UNFITNESS", "reasons": "x"}, 422),
        ("interview-omissions", {"type": "SUBSTANTIVE", "ground": "SUBSEQUENT_WRITTEN", "reasons": "x"}, 422),
        ("interview-omissions", {"type": "SUBSTANTIVE", "ground": "POSITIVE_DECISION", "reasons": ""}, 422),
        ("interview-postponements", {"type": "SUBSTANTIVE", "reason": "TIRED"}, 422),
        (
            "interview-postponements",
            {"type": "SUBSTANTIVE", "reason": "UNABLE_TO_ATTEND", "rescheduled_for": "2026-07-01T10:00:00+02:00"},
            422,
        ),
    ],
)
async def test_a_bad_interview_step_is_a_problem(app, path, payload, status):
    application_id = await lodged(app)
    assert_problem(await post(app, f"{BASE}/{application_id}/{path}", payload), status)


async def test_interviews_need_a_lodged_application(app):
    application_id = await made(app)
    assert_problem(await post(app, f"{BASE}/{application_id}/interviews", interview()), 409, "transition-not-allowed")
    assert_problem(await post(app, f"{BASE}/{uuid.uuid4()}/interviews", interview()), 404, "not-found")


# Free legal counselling (APR Art 16) ---------------------------------------------------------------------------------


async def test_counselling_is_requested_and_provided_or_refused(app, probe):
    application_id = await made(app)
    path = f"{BASE}/{application_id}/legal-counselling"
    request = await ok(app, path, {"requested_at": "2026-07-07T10:00:00+02:00"}, 201)
    assert (request["status"], request["provided_at"]) == ("REQUESTED", None)
    provided = await ok(
        app,
        f"{path}/{request['id']}/provision",
        {"provided_at": "2026-07-09T14:00:00+02:00", "provider": "Raad voor Rechtsbijstand"},
    )
    assert (provided["status"], provided["provider"]) == ("PROVIDED", "Raad voor Rechtsbijstand")
    again = await post(app, f"{path}/{request['id']}/refusal", {"ground": "LEGAL_ADVISER_ACTS", "reasons": "x"})
    assert_problem(again, 409, "transition-not-allowed")
    second = await ok(app, path, {"requested_at": "2026-07-10T09:00:00+02:00"}, 201)
    refusal = await post(app, f"{path}/{second['id']}/refusal", {"ground": "FURTHER_SUBSEQUENT", "reasons": "x"})
    assert "APR Art 16" in assert_problem(refusal, 422)["detail"]
    refused = await ok(
        app, f"{path}/{second['id']}/refusal", {"ground": "LEGAL_ADVISER_ACTS", "reasons": "mr. Smit assists already"}
    )
    assert (refused["status"], refused["refusal_ground"]) == ("REFUSED", "LEGAL_ADVISER_ACTS")
    listed = await get(app, path)
    assert [(r["id"], r["status"]) for r in listed] == [(request["id"], "PROVIDED"), (second["id"], "REFUSED")]
    audit = await actions(probe, application_id)
    for action in ("legal_counselling.requested", "legal_counselling.provided"):
        assert (action, "APR Art 16(1)") in audit
    assert ("legal_counselling.refused", "APR Art 16") in audit
    assert_problem(
        await post(app, f"{path}/{uuid.uuid4()}/provision", {"provided_at": NOW.isoformat(), "provider": "x"}), 404
    )


async def test_a_subsequent_application_may_be_refused_counselling(app):
    application_id = await made(app, previous_application_ref="NL-2025-000123")
    path = f"{BASE}/{application_id}/legal-counselling"
    request = await ok(app, path, {"requested_at": "2026-07-07T10:00:00+02:00"}, 201)
    refused = await ok(
        app, f"{path}/{request['id']}/refusal", {"ground": "FURTHER_SUBSEQUENT", "reasons": "third application"}
    )
    assert refused["refusal_ground"] == "FURTHER_SUBSEQUENT"


@pytest.mark.parametrize(
    "payload",
    [{"requested_at": "2026-07-11T10:00:00+02:00"}, {"requested_at": "2026-07-05T10:00:00+02:00"}, {}],
    ids=["future", "before the making", "missing"],
)
async def test_a_bad_counselling_request_is_a_problem(app, payload):
    application_id = await made(app)
    assert_problem(await post(app, f"{BASE}/{application_id}/legal-counselling", payload), 422)


# Roles ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", ["interviews", "legal-counselling", "special-guarantees", "representative"])
async def test_roles(app, resource):
    application_id = await made(app, unaccompanied_minor=True)
    path = f"{BASE}/{application_id}/{resource}"
    assert (await app.client.get(path, headers=app.auth("auditor"))).status_code == 200
    assert_problem(await app.client.get(path, headers=app.auth("reception-officer")), 403)
    writes = {
        "interviews": "interviews",
        "legal-counselling": "legal-counselling",
        "special-guarantees": "special-guarantees",
        "representative": "representative/appointment",
    }
    assert_problem(await post(app, f"{BASE}/{application_id}/{writes[resource]}", {}, role="auditor"), 403)
    assert_problem(await app.client.get(f"{BASE}/{uuid.uuid4()}/{resource}", headers=app.auth("auditor")), 404)
