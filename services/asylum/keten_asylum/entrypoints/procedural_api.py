"""REST API of the procedural guarantees (APR Art 11-16, 20-23): thin, translate and delegate."""

from __future__ import annotations

from fastapi import APIRouter, Response

from keten_asylum.adapters.repository import ApplicationRepository
from keten_asylum.domain.model import Application
from keten_asylum.domain.representatives import EndReason, Representation, RepresentativeRole
from keten_asylum.entrypoints.application_access import CONFLICTS as APPLICATION_CONFLICTS
from keten_asylum.entrypoints.application_access import UoW, read, write
from keten_asylum.entrypoints.procedural_schemas import (
    AppointmentOut,
    AssessmentOut,
    CounsellingOut,
    CounsellingProvision,
    CounsellingRefusal,
    GuaranteesOut,
    InterviewOut,
    LimitOut,
    NewAssessment,
    NewCounsellingRequest,
    NewInterview,
    NewOmission,
    NewPostponement,
    NewProvisionalPerson,
    NewRepresentative,
    NewRepresentativeExtension,
    RepresentationOut,
    ScreeningFindings,
)
from keten_asylum.service_layer import counselling, guarantees, interviews, procedural, representatives
from keten_shared.uow import UnitOfWork

router = APIRouter(prefix="/v1/applications/{application_id}", tags=["procedural guarantees"])
CONFLICTS = {409: APPLICATION_CONFLICTS[409]}  # these records carry no ETag of their own


async def _read(uow: UnitOfWork, application_id: str, what: str) -> Application:
    """404 for an unknown application; the read of the person's file is logged (ARCHITECTURE.md, Data)."""
    application = await ApplicationRepository(uow.session).get(application_id)
    uow.audit(f"{what}.read", entity_type="application", entity_id=application_id)
    return application


def _created(response: Response, location: str) -> None:
    response.headers["Location"] = location


# --- interviews ------------------------------------------------------------------------------------------------------


@router.post(
    "/interviews",
    status_code=201,
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record a held admissibility (APR Art 11) or substantive (APR Art 12) interview (APR Art 13, 14, 22)",
)
async def hold_interview(application_id: str, body: NewInterview, uow: UoW, response: Response) -> InterviewOut:
    interview = await interviews.record_interview(uow, application_id, body.record())
    await uow.commit()
    _created(response, f"/v1/applications/{application_id}/interviews")
    return InterviewOut.model_validate(interview)


@router.post(
    "/interview-omissions",
    status_code=201,
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record that an interview is omitted, with its APR Art 13(11)(a)-(e) ground",
)
async def omit_interview(application_id: str, body: NewOmission, uow: UoW) -> InterviewOut:
    interview = await interviews.omit_interview(uow, application_id, **body.model_dump())
    await uow.commit()
    return InterviewOut.model_validate(interview)


@router.post(
    "/interview-postponements",
    status_code=201,
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record that an interview is postponed or rescheduled (APR Art 13(11))",
)
async def postpone_interview(application_id: str, body: NewPostponement, uow: UoW) -> InterviewOut:
    interview = await interviews.postpone_interview(uow, application_id, **body.model_dump())
    await uow.commit()
    return InterviewOut.model_validate(interview)


@router.get("/interviews", dependencies=[read], summary="The interviews held, omitted and postponed, in order")
async def list_interviews(application_id: str, uow: UoW) -> list[InterviewOut]:
    await _read(uow, application_id, "interviews")
    found = await interviews.interviews(uow, application_id)
    await uow.commit()
    return [InterviewOut.model_validate(i) for i in found]


# --- free legal counselling ------------------------------------------------------------------------------------------


@router.post(
    "/legal-counselling",
    status_code=201,
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record a request for free legal counselling (APR Art 16)",
)
async def request_counselling(
    application_id: str, body: NewCounsellingRequest, uow: UoW, response: Response
) -> CounsellingOut:
    request = await counselling.request_counselling(uow, application_id, body.requested_at)
    await uow.commit()
    _created(response, f"/v1/applications/{application_id}/legal-counselling")
    return CounsellingOut.model_validate(request)


@router.post(
    "/legal-counselling/{request_id}/provision",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record that the requested counselling was provided (APR Art 16)",
)
async def provide_counselling(
    application_id: str, request_id: str, body: CounsellingProvision, uow: UoW
) -> CounsellingOut:
    request = await counselling.provide_counselling(uow, application_id, request_id, **body.model_dump())
    await uow.commit()
    return CounsellingOut.model_validate(request)


@router.post(
    "/legal-counselling/{request_id}/refusal",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record that the requested counselling was refused, with its APR Art 16 ground",
)
async def refuse_counselling(
    application_id: str, request_id: str, body: CounsellingRefusal, uow: UoW
) -> CounsellingOut:
    request = await counselling.refuse_counselling(uow, application_id, request_id, **body.model_dump())
    await uow.commit()
    return CounsellingOut.model_validate(request)


@router.get("/legal-counselling", dependencies=[read], summary="The counselling requests and their outcome")
async def list_counselling(application_id: str, uow: UoW) -> list[CounsellingOut]:
    await _read(uow, application_id, "legal_counselling")
    found = await counselling.counselling(uow, application_id)
    await uow.commit()
    return [CounsellingOut.model_validate(r) for r in found]


# --- special procedural guarantees -----------------------------------------------------------------------------------


@router.post(
    "/special-guarantees",
    status_code=201,
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record the special procedural guarantees assessment, or its review on a change (APR Art 20, 21(2))",
)
async def assess_guarantees(application_id: str, body: NewAssessment, uow: UoW, response: Response) -> AssessmentOut:
    assessment = await guarantees.assess_guarantees(uow, application_id, **body.model_dump())
    await uow.commit()
    _created(response, f"/v1/applications/{application_id}/special-guarantees")
    return AssessmentOut.model_validate(assessment)


@router.get(
    "/special-guarantees",
    dependencies=[read],
    summary="The T4 limit, the assessment in force and the earlier ones (APR Art 20)",
)
async def get_guarantees(application_id: str, uow: UoW) -> GuaranteesOut:
    application = await _read(uow, application_id, "special_guarantees")
    limit = await procedural.guarantees_limit(uow, application_id)
    history = await guarantees.assessments(uow, application_id)
    await uow.commit()
    current = next((a for a in history if a.superseded_at is None), None)
    found = (application.screening_referral or {}).get("asylum_routing")
    return GuaranteesOut(
        limit=LimitOut.model_validate(limit) if limit else None,
        current=AssessmentOut.model_validate(current) if current else None,
        history=[AssessmentOut.model_validate(a) for a in history],
        screening_findings=ScreeningFindings.model_validate(found) if found else None,
    )


# --- the representative of an unaccompanied minor --------------------------------------------------------------------


@router.post(
    "/representative/provisional",
    status_code=201,
    dependencies=[write],
    responses=CONFLICTS,
    summary="Designate a person to assist an unaccompanied minor provisionally (APR Art 23(2))",
)
async def designate_provisional(
    application_id: str, body: NewProvisionalPerson, uow: UoW, response: Response
) -> AppointmentOut:
    appointment = await representatives.appoint(
        uow, application_id, role=RepresentativeRole.PROVISIONAL, **body.model_dump()
    )
    await uow.commit()
    _created(response, f"/v1/applications/{application_id}/representative")
    return AppointmentOut.model_validate(appointment)


@router.post(
    "/representative/appointment",
    status_code=201,
    dependencies=[write],
    responses=CONFLICTS,
    summary="Appoint the representative of an unaccompanied minor (APR Art 23(2)(b), at most 30/50 each, 23(10))",
)
async def appoint_representative(
    application_id: str, body: NewRepresentative, uow: UoW, response: Response
) -> AppointmentOut:
    values = body.model_dump()
    change = values.pop("change_ground")
    appointment = await representatives.appoint(
        uow,
        application_id,
        role=RepresentativeRole.REPRESENTATIVE,
        change_ground=EndReason(change) if change else None,
        **values,
    )
    await uow.commit()
    _created(response, f"/v1/applications/{application_id}/representative")
    return AppointmentOut.model_validate(appointment)


@router.post(
    "/representative/extension",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Extend the representative limit by 10 working days (APR Art 23(3))",
)
async def extend_representative_limit(
    application_id: str, body: NewRepresentativeExtension, uow: UoW
) -> RepresentationOut:
    await representatives.extend_representative_limit(uow, application_id, ground=body.ground, reasons=body.reasons)
    await uow.commit()
    return await _representation(uow, application_id)


@router.get(
    "/representative",
    dependencies=[read],
    summary="The T5 limit, the provisional assisting person, the representative and earlier appointments",
)
async def get_representation(application_id: str, uow: UoW) -> RepresentationOut:
    await _read(uow, application_id, "representative")
    result = await _representation(uow, application_id)
    await uow.commit()
    return result


async def _representation(uow: UnitOfWork, application_id: str) -> RepresentationOut:
    limit = await procedural.representative_limit(uow, application_id)
    representation = Representation(await representatives.representation_of(uow, application_id))
    provisional = representation.active(RepresentativeRole.PROVISIONAL)
    representative = representation.active(RepresentativeRole.REPRESENTATIVE)
    return RepresentationOut(
        limit=LimitOut.model_validate(limit) if limit else None,
        provisional=AppointmentOut.model_validate(provisional) if provisional else None,
        representative=AppointmentOut.model_validate(representative) if representative else None,
        appointments=[AppointmentOut.model_validate(a) for a in representation.appointments],
    )
