"""The provisional assisting person and the representative of an unaccompanied minor (APR Art 23): appointed
within the T5 limit, at most 30 (or the national exceptional maximum) minors each, the limit extended on a ground.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select

from keten_asylum.adapters.orm import applications, representative_appointments
from keten_asylum.config import asylum_settings
from keten_asylum.domain import deadlines
from keten_asylum.domain.model import CLOSED, Application
from keten_asylum.domain.procedural import ExtensionGround, ProceduralLimit, check_extension
from keten_asylum.domain.representatives import (
    Appointment,
    EndReason,
    Representation,
    RepresentativeRole,
    check_representative_capacity,
    representative_maximum,
)
from keten_asylum.service_layer.procedural import (
    REPRESENTATIVE_LIMIT,
    audit,
    locked_application,
    meet,
    new_id,
    records_of,
    representative_limit,
)
from keten_shared.errors import TransitionNotAllowed
from keten_shared.uow import UnitOfWork


async def appoint(
    uow: UnitOfWork,
    application_id: str,
    *,
    role: RepresentativeRole,
    person_id: str,
    name: str,
    appointed_at: datetime,
    organisation: str | None = None,
    change_ground: EndReason | None = None,
) -> Appointment:
    """A provisional assisting person, or the representative (meeting the T5 limit) (APR Art 23(2))."""
    application = await locked_application(uow, application_id)
    now = uow.now()
    appointment = Appointment(
        id=new_id(),
        application_id=application.id,
        role=role,
        person_id=person_id,
        name=name,
        organisation=organisation,
        appointed_at=appointed_at,
        recorded_at=now,
    )
    representation = Representation(await representation_of(uow, application.id))
    ended = representation.appoint(application, appointment, change_ground=change_ground, now=now)
    basis = "APR Art 23(2)"
    if role is RepresentativeRole.REPRESENTATIVE:
        limit = await representative_limit(uow, application.id)
        await _check_capacity(uow, application, person_id, limit)
        appointment.in_time = await meet(uow, limit, application, appointed_at)
        basis = "APR Art 23(2)(b)"
    uow.session.add(appointment)
    audit(
        uow,
        application,
        f"representative.{'appointed' if role is RepresentativeRole.REPRESENTATIVE else 'provisional_designated'}",
        basis,
        appointment_id=appointment.id,
        person_id=person_id,
        in_time=appointment.in_time,
        ended=[a.id for a in ended],
    )
    return appointment


async def _check_capacity(
    uow: UnitOfWork, application: Application, person_id: str, limit: ProceduralLimit | None
) -> None:
    settings = asylum_settings(uow)
    # APR Art 23(3), (10): the same situations allow the extension and the higher maximum.
    exceptional = settings.disproportionate_numbers_on(uow.local_date(uow.now())) is not None or (
        limit is not None and limit.extension_ground is not None
    )
    maximum = representative_maximum(exceptional, settings.representative_uam_maximum_exceptional)
    check_representative_capacity(person_id, await _represented(uow, person_id, application), maximum)


async def _represented(uow: UnitOfWork, person_id: str, application: Application) -> int:
    """The unaccompanied minors `person_id` represents now on other open applications."""
    await _serialise(uow, person_id)
    ra = representative_appointments
    query = (
        select(func.count())
        .select_from(ra.join(applications, applications.c.id == ra.c.application_id))
        .where(
            ra.c.person_id == person_id,
            ra.c.role == RepresentativeRole.REPRESENTATIVE,
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
    uow: UnitOfWork, application_id: str, *, ground: ExtensionGround, reasons: str | None
) -> ProceduralLimit:
    """APR Art 23(3): + 10 working days in disproportionate numbers of UAM or another exceptional situation."""
    application = await locked_application(uow, application_id)
    limit = await representative_limit(uow, application.id)
    if not application.unaccompanied_minor or limit is None:
        raise TransitionNotAllowed(f"APR Art 23: no representative limit runs for application {application.id}")
    now = uow.now()
    today = uow.local_date(now)
    check_extension(ground, reasons, asylum_settings(uow).disproportionate_numbers_on(today) is not None)
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
    audit(
        uow, application, "representative.limit_extended", "APR Art 23(3)", ground=ground, deadline=str(limit.deadline)
    )
    return limit


async def representation_of(uow: UnitOfWork, application_id: str) -> list[Appointment]:
    return await records_of(uow, Appointment, application_id, "recorded_at")
