"""Personal interviews and their record (APR Art 11-14, 22): held, omitted or postponed."""

from __future__ import annotations

from datetime import datetime

from keten_asylum.domain.interviews import (
    Interview,
    InterviewRecord,
    InterviewType,
    OmissionGround,
    PostponementReason,
    held_interview,
    omitted_interview,
    postponed_interview,
)
from keten_asylum.service_layer.procedural import audit, locked_application, new_id, records_of
from keten_shared.uow import UnitOfWork


async def record_interview(uow: UnitOfWork, application_id: str, record: InterviewRecord) -> Interview:
    application = await locked_application(uow, application_id)
    now = uow.now()
    interview = held_interview(
        application, record, interview_id=new_id(), now=now, local_day=uow.local_date(record.held_at)
    )
    uow.session.add(interview)
    audit(uow, application, "interview.held", interview.legal_basis, interview_id=interview.id, type=interview.type)
    return interview


async def omit_interview(
    uow: UnitOfWork,
    application_id: str,
    *,
    type: InterviewType,
    ground: OmissionGround,
    reasons: str,
    written_submissions_offered: bool = False,
) -> Interview:
    application = await locked_application(uow, application_id)
    interview = omitted_interview(
        application,
        await interviews(uow, application_id),
        type=type,
        ground=ground,
        reasons=reasons,
        written_submissions_offered=written_submissions_offered,
        interview_id=new_id(),
        now=uow.now(),
    )
    uow.session.add(interview)
    audit(uow, application, "interview.omitted", interview.legal_basis, interview_id=interview.id, type=type)
    return interview


async def postpone_interview(
    uow: UnitOfWork,
    application_id: str,
    *,
    type: InterviewType,
    reason: PostponementReason,
    medical_professional_consulted: bool = False,
    rescheduled_for: datetime | None = None,
    reasons: str | None = None,
) -> Interview:
    application = await locked_application(uow, application_id)
    interview = postponed_interview(
        application,
        type=type,
        reason=reason,
        medical_professional_consulted=medical_professional_consulted,
        rescheduled_for=rescheduled_for,
        reasons=reasons,
        interview_id=new_id(),
        now=uow.now(),
    )
    uow.session.add(interview)
    audit(uow, application, "interview.postponed", interview.legal_basis, interview_id=interview.id, type=type)
    return interview


async def interviews(uow: UnitOfWork, application_id: str) -> list[Interview]:
    return await records_of(uow, Interview, application_id, "recorded_at")
