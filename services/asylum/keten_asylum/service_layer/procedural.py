"""Interviews, free legal counselling, special procedural guarantees and UAM representatives (APR Art 11-16, 20-23).

Each use case loads the application (locked for the transaction), lets domain/procedural.py check the step,
stores the record and writes an audit row. events.md lists no event for these steps, so none is published.
The T4 (APR Art 20) and T5 (APR Art 23(2)(b), (3)) limits are computed by the shared deadline library.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from keten_asylum.adapters.orm import applications, representative_appointments
from keten_asylum.config import asylum_settings
from keten_asylum.domain import deadlines
from keten_asylum.domain import procedural as pg
from keten_asylum.domain.model import CLOSED, Application
from keten_shared.deadlines import DeadlineSpec
from keten_shared.errors import NotFound, TransitionNotAllowed
from keten_shared.scheduler import DueDeadline
from keten_shared.uow import UnitOfWork

SPECIAL_GUARANTEES_LIMIT = "asylum.special_guarantees_limit"
REPRESENTATIVE_LIMIT = "asylum.representative_limit"


def _new_id() -> str:
    return str(uuid.uuid4())


def _audit(uow: UnitOfWork, application: Application, action: str, basis: str, **details: Any) -> None:
    uow.audit(action, entity_type="application", entity_id=application.id, legal_basis=basis, details=details)


async def _application(uow: UnitOfWork, application_id: str) -> Application:
    # Locked for the transaction, so two requests on one application's guarantees do not interleave.
    application = await uow.session.get(Application, application_id, with_for_update=True)
    if application is None:
        raise NotFound(f"no application {application_id}")
    return application


async def _all(uow: UnitOfWork, entity: type[Any], application_id: str, order: str) -> list[Any]:
    query = select(entity).where(entity.application_id == application_id).order_by(getattr(entity, order))
    return list((await uow.session.execute(query)).scalars())


async def _limit(uow: UnitOfWork, application_id: str, kind: str) -> pg.ProceduralLimit | None:
    return await uow.session.get(pg.ProceduralLimit, (application_id, kind))


# --- the limits, started at the making -------------------------------------------------------------------------------


async def start_limits(uow: UnitOfWork, application: Application) -> None:
    """At the making: T4 for every application (APR Art 20), T5 for an unaccompanied minor (APR Art 23(2)(b))."""
    await uow.session.flush()  # the application row first: the limits refer to it
    await _start(uow, application, SPECIAL_GUARANTEES_LIMIT, deadlines.SPECIAL_GUARANTEES)
    await start_representative_limit(uow, application)


async def start_representative_limit(uow: UnitOfWork, application: Application) -> None:
    """T5, counted from the making, once the application is known to be an unaccompanied minor's (APR 23(2)(b))."""
    if application.unaccompanied_minor and await representative_limit(uow, application.id) is None:
        await _start(uow, application, REPRESENTATIVE_LIMIT, deadlines.UAM_REPRESENTATIVE)


async def _start(uow: UnitOfWork, application: Application, kind: str, spec: DeadlineSpec) -> None:
    deadline = uow.deadline(spec, application.made_at)
    assert deadline.legal_last_day is not None
    uow.session.add(
        pg.ProceduralLimit(
            application_id=application.id,
            kind=kind,
            deadline=deadline.legal_last_day,
            legal_basis=deadline.legal_basis,
            created_at=uow.now(),
        )
    )
    await uow.schedule(case_id=application.id, kind=kind, deadline=deadline)


async def _meet(
    uow: UnitOfWork, limit: pg.ProceduralLimit | None, application: Application, at: datetime
) -> bool | None:
    """Mark the limit met (cancelling its deadline); whether `at` lies within it (None: no limit on record)."""
    if limit is None:
        return None
    limit.meet(at)
    await uow.cancel_deadlines(application.id, [limit.kind])
    return uow.local_date(at) <= limit.deadline


# --- interviews (APR Art 11-14, 22) ----------------------------------------------------------------------------------


async def record_interview(uow: UnitOfWork, application_id: str, record: pg.InterviewRecord) -> pg.Interview:
    application = await _application(uow, application_id)
    now = uow.now()
    interview = pg.held_interview(
        application, record, interview_id=_new_id(), now=now, local_day=uow.local_date(record.held_at)
    )
    uow.session.add(interview)
    _audit(uow, application, "interview.held", interview.legal_basis, interview_id=interview.id, type=interview.type)
    return interview


async def omit_interview(
    uow: UnitOfWork,
    application_id: str,
    *,
    type: pg.InterviewType,
    ground: pg.OmissionGround,
    reasons: str,
    written_submissions_offered: bool = False,
) -> pg.Interview:
    application = await _application(uow, application_id)
    interview = pg.omitted_interview(
        application,
        await interviews(uow, application_id),
        type=type,
        ground=ground,
        reasons=reasons,
        written_submissions_offered=written_submissions_offered,
        interview_id=_new_id(),
        now=uow.now(),
    )
    uow.session.add(interview)
    _audit(uow, application, "interview.omitted", interview.legal_basis, interview_id=interview.id, type=type)
    return interview


async def postpone_interview(
    uow: UnitOfWork,
    application_id: str,
    *,
    type: pg.InterviewType,
    reason: pg.PostponementReason,
    medical_professional_consulted: bool = False,
    rescheduled_for: datetime | None = None,
    reasons: str | None = None,
) -> pg.Interview:
    application = await _application(uow, application_id)
    interview = pg.postponed_interview(
        application,
        type=type,
        reason=reason,
        medical_professional_consulted=medical_professional_consulted,
        rescheduled_for=rescheduled_for,
        reasons=reasons,
        interview_id=_new_id(),
        now=uow.now(),
    )
    uow.session.add(interview)
    _audit(uow, application, "interview.postponed", interview.legal_basis, interview_id=interview.id, type=type)
    return interview


async def interviews(uow: UnitOfWork, application_id: str) -> list[pg.Interview]:
    return await _all(uow, pg.Interview, application_id, "recorded_at")


# --- free legal counselling (APR Art 16) -----------------------------------------------------------------------------


async def request_counselling(uow: UnitOfWork, application_id: str, requested_at: datetime) -> pg.CounsellingRequest:
    application = await _application(uow, application_id)
    request = pg.CounsellingRequest.request(application, request_id=_new_id(), requested_at=requested_at, now=uow.now())
    uow.session.add(request)
    _audit(uow, application, "legal_counselling.requested", "APR Art 16(1)", request_id=request.id)
    return request


async def provide_counselling(
    uow: UnitOfWork, application_id: str, request_id: str, *, provided_at: datetime, provider: str
) -> pg.CounsellingRequest:
    application, request = await _counselling(uow, application_id, request_id)
    request.provide(provided_at=provided_at, provider=provider, now=uow.now())
    _audit(uow, application, "legal_counselling.provided", "APR Art 16(1)", request_id=request.id)
    return request


async def refuse_counselling(
    uow: UnitOfWork, application_id: str, request_id: str, *, ground: pg.CounsellingRefusalGround, reasons: str
) -> pg.CounsellingRequest:
    application, request = await _counselling(uow, application_id, request_id)
    subsequent = application.previous_application_ref is not None
    request.refuse(ground=ground, reasons=reasons, subsequent=subsequent, now=uow.now())
    _audit(uow, application, "legal_counselling.refused", "APR Art 16", request_id=request.id, ground=ground)
    return request


async def _counselling(
    uow: UnitOfWork, application_id: str, request_id: str
) -> tuple[Application, pg.CounsellingRequest]:
    application = await _application(uow, application_id)
    request = await uow.session.get(pg.CounsellingRequest, request_id)
    if request is None or request.application_id != application.id:
        raise NotFound(f"no counselling request {request_id} on application {application_id}")
    return application, request


async def counselling(uow: UnitOfWork, application_id: str) -> list[pg.CounsellingRequest]:
    return await _all(uow, pg.CounsellingRequest, application_id, "requested_at")


# --- special procedural guarantees (APR Art 20-21) -------------------------------------------------------------------


async def assess_guarantees(
    uow: UnitOfWork,
    application_id: str,
    *,
    assessed_at: datetime,
    needs: list[str],
    adequate_support: bool,
    medical_examination: bool = False,
    support_measures: str | None = None,
    reasons: str | None = None,
) -> pg.GuaranteesAssessment:
    """The assessment, or its review on a relevant change (APR Art 20); the first one meets the T4 limit."""
    application = await _application(uow, application_id)
    history = await assessments(uow, application_id)
    current = next((a for a in history if a.superseded_at is None), None)
    limit = await _limit(uow, application.id, SPECIAL_GUARANTEES_LIMIT)
    in_time = True
    if current is None:  # APR Art 20: the first assessment within 30 days of the making (T4)
        in_time = limit is None or uow.local_date(assessed_at) <= limit.deadline
    assessment = pg.assessment(
        application,
        current,
        assessment_id=_new_id(),
        assessed_at=assessed_at,
        needs=needs,
        adequate_support=adequate_support,
        in_time=in_time,
        now=uow.now(),
        medical_examination=medical_examination,
        support_measures=support_measures,
        reasons=reasons,
    )
    await _meet(uow, limit, application, assessed_at)
    uow.session.add(assessment)
    _audit(
        uow,
        application,
        "special_guarantees.reviewed" if assessment.review else "special_guarantees.assessed",
        "APR Art 20",
        assessment_id=assessment.id,
        in_time=in_time,
        special_procedural_needs_unsupported=assessment.special_procedural_needs_unsupported,
    )
    return assessment


async def assessments(uow: UnitOfWork, application_id: str) -> list[pg.GuaranteesAssessment]:
    return await _all(uow, pg.GuaranteesAssessment, application_id, "recorded_at")


async def guarantees_limit(uow: UnitOfWork, application_id: str) -> pg.ProceduralLimit | None:
    return await _limit(uow, application_id, SPECIAL_GUARANTEES_LIMIT)


async def on_special_guarantees_limit(due: DueDeadline, uow: UnitOfWork) -> None:
    """APR Art 20(2)-(3): 30 days passed without an assessment; the case shows as overdue."""
    limit = await _limit(uow, due.case_id, SPECIAL_GUARANTEES_LIMIT)
    if limit is not None and limit.mark_overdue(uow.now()):
        uow.audit(
            "special_guarantees.overdue", entity_type="application", entity_id=due.case_id, legal_basis=due.legal_basis
        )


# --- the representative of an unaccompanied minor (APR Art 23) -------------------------------------------------------


async def appoint(
    uow: UnitOfWork,
    application_id: str,
    *,
    role: pg.RepresentativeRole,
    person_id: str,
    name: str,
    appointed_at: datetime,
    organisation: str | None = None,
    change_ground: pg.EndReason | None = None,
) -> pg.Appointment:
    """A provisional assisting person, or the representative (meeting the T5 limit) (APR Art 23(2))."""
    application = await _application(uow, application_id)
    now = uow.now()
    appointment = pg.Appointment(
        id=_new_id(),
        application_id=application.id,
        role=role,
        person_id=person_id,
        name=name,
        organisation=organisation,
        appointed_at=appointed_at,
        recorded_at=now,
    )
    representation = pg.Representation(await representation_of(uow, application.id))
    ended = representation.appoint(application, appointment, change_ground=change_ground, now=now)
    basis = "APR Art 23(2)"
    if role is pg.RepresentativeRole.REPRESENTATIVE:
        limit = await representative_limit(uow, application.id)
        await _check_capacity(uow, application, person_id, limit)
        appointment.in_time = await _meet(uow, limit, application, appointed_at)
        basis = "APR Art 23(2)(b)"
    uow.session.add(appointment)
    _audit(
        uow,
        application,
        f"representative.{'appointed' if role is pg.RepresentativeRole.REPRESENTATIVE else 'provisional_designated'}",
        basis,
        appointment_id=appointment.id,
        person_id=person_id,
        in_time=appointment.in_time,
        ended=[a.id for a in ended],
    )
    return appointment


async def _check_capacity(
    uow: UnitOfWork, application: Application, person_id: str, limit: pg.ProceduralLimit | None
) -> None:
    settings = asylum_settings(uow)
    # APR Art 23(3), (10): the same situations allow the extension and the higher maximum.
    exceptional = settings.disproportionate_numbers_on(uow.local_date(uow.now())) is not None or (
        limit is not None and limit.extension_ground is not None
    )
    maximum = pg.representative_maximum(exceptional, settings.representative_uam_maximum_exceptional)
    pg.check_representative_capacity(person_id, await _represented(uow, person_id, application), maximum)


async def _represented(uow: UnitOfWork, person_id: str, application: Application) -> int:
    """The unaccompanied minors `person_id` represents now on other open applications."""
    await _serialise(uow, person_id)
    ra = representative_appointments
    query = (
        select(func.count())
        .select_from(ra.join(applications, applications.c.id == ra.c.application_id))
        .where(
            ra.c.person_id == person_id,
            ra.c.role == pg.RepresentativeRole.REPRESENTATIVE,
            ra.c.ended_at.is_(None),
            ra.c.application_id != application.id,
            applications.c.unaccompanied_minor.is_(True),
            applications.c.status.not_in([s.value for s in CLOSED]),
        )
    )
    return (await uow.session.execute(query)).scalar_one()


async def _serialise(uow: UnitOfWork, person_id: str) -> None:
    # Two appointments of one representative at the same time must not both pass the APR Art 23(10) count.
    connection = await uow.session.connection()
    if connection.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"representative:{person_id}".encode()).digest()[:8], signed=True)
        await uow.session.execute(select(func.pg_advisory_xact_lock(key)))


async def extend_representative_limit(
    uow: UnitOfWork, application_id: str, *, ground: pg.ExtensionGround, reasons: str | None
) -> pg.ProceduralLimit:
    """APR Art 23(3): + 10 working days in disproportionate numbers of UAM or another exceptional situation."""
    application = await _application(uow, application_id)
    limit = await representative_limit(uow, application.id)
    if not application.unaccompanied_minor or limit is None:
        raise TransitionNotAllowed(f"APR Art 23: no representative limit runs for application {application.id}")
    now = uow.now()
    today = uow.local_date(now)
    pg.check_extension(ground, reasons, asylum_settings(uow).disproportionate_numbers_on(today) is not None)
    spec = deadlines.extended_spec(deadlines.UAM_REPRESENTATIVE)
    assert spec is not None
    deadline = uow.deadline(spec, application.made_at)
    assert deadline.legal_last_day is not None
    limit.extend(
        ground=ground,
        reasons=reasons,
        deadline=deadline.legal_last_day,
        legal_basis=deadline.legal_basis,
        today=today,
        now=now,
    )
    await uow.cancel_deadlines(application.id, [REPRESENTATIVE_LIMIT])
    await uow.schedule(case_id=application.id, kind=REPRESENTATIVE_LIMIT, deadline=deadline)
    _audit(
        uow, application, "representative.limit_extended", "APR Art 23(3)", ground=ground, deadline=str(limit.deadline)
    )
    return limit


async def representation_of(uow: UnitOfWork, application_id: str) -> list[pg.Appointment]:
    return await _all(uow, pg.Appointment, application_id, "recorded_at")


async def representative_limit(uow: UnitOfWork, application_id: str) -> pg.ProceduralLimit | None:
    return await _limit(uow, application_id, REPRESENTATIVE_LIMIT)


async def on_representative_limit(due: DueDeadline, uow: UnitOfWork) -> None:
    """APR Art 23(2)(b), (3): no representative in time; the provisional person acts meanwhile, the case is late."""
    application = await uow.session.get(Application, due.case_id)
    limit = await _limit(uow, due.case_id, REPRESENTATIVE_LIMIT)
    # APR Art 23: nothing is owed once the person is no longer treated as an unaccompanied minor.
    if application is None or not application.unaccompanied_minor or limit is None:
        return
    if limit.mark_overdue(uow.now()):
        uow.audit(
            "representative.overdue", entity_type="application", entity_id=due.case_id, legal_basis=due.legal_basis
        )


DEADLINE_HANDLERS = {
    SPECIAL_GUARANTEES_LIMIT: on_special_guarantees_limit,
    REPRESENTATIVE_LIMIT: on_representative_limit,
}
