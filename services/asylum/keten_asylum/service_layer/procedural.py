"""What the use cases of the procedural guarantees (APR Art 11-16, 20-23) share, and their T4 and T5 limits.

Each use case (interviews.py, counselling.py, guarantees.py, representatives.py) loads the application (locked for
the transaction), lets the domain check the step, stores the record and writes an audit row. events.md lists no
event for these steps, so none is published. The T4 (APR Art 20) and T5 (APR Art 23(2)(b), (3)) limits are
computed by the shared deadline library: started at the making here, met by the assessment and the appointment.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from keten_asylum.domain import deadlines
from keten_asylum.domain.model import Application
from keten_asylum.domain.procedural import ProceduralLimit
from keten_shared.deadlines import DeadlineSpec
from keten_shared.errors import NotFound
from keten_shared.scheduler import DueDeadline
from keten_shared.uow import UnitOfWork

SPECIAL_GUARANTEES_LIMIT = "asylum.special_guarantees_limit"
REPRESENTATIVE_LIMIT = "asylum.representative_limit"


def new_id() -> str:
    return str(uuid.uuid4())


def audit(uow: UnitOfWork, application: Application, action: str, basis: str, **details: Any) -> None:
    uow.audit(action, entity_type="application", entity_id=application.id, legal_basis=basis, details=details)


async def locked_application(uow: UnitOfWork, application_id: str) -> Application:
    # Locked for the transaction, so two requests on one application's guarantees do not interleave.
    application = await uow.session.get(Application, application_id, with_for_update=True)
    if application is None:
        raise NotFound(f"no application {application_id}")
    return application


async def records_of(uow: UnitOfWork, entity: type[Any], application_id: str, order: str) -> list[Any]:
    query = select(entity).where(entity.application_id == application_id).order_by(getattr(entity, order))
    return list((await uow.session.execute(query)).scalars())


async def _limit(uow: UnitOfWork, application_id: str, kind: str) -> ProceduralLimit | None:
    return await uow.session.get(ProceduralLimit, (application_id, kind))


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
        ProceduralLimit(
            application_id=application.id,
            kind=kind,
            deadline=deadline.legal_last_day,
            legal_basis=deadline.legal_basis,
            created_at=uow.now(),
        )
    )
    await uow.schedule(case_id=application.id, kind=kind, deadline=deadline)


async def meet(uow: UnitOfWork, limit: ProceduralLimit | None, application: Application, at: datetime) -> bool | None:
    """Mark the limit met (cancelling its deadline); whether `at` lies within it (None: no limit on record)."""
    if limit is None:
        return None
    limit.meet(at)
    await uow.cancel_deadlines(application.id, [limit.kind])
    return uow.local_date(at) <= limit.deadline


async def guarantees_limit(uow: UnitOfWork, application_id: str) -> ProceduralLimit | None:
    return await _limit(uow, application_id, SPECIAL_GUARANTEES_LIMIT)


async def representative_limit(uow: UnitOfWork, application_id: str) -> ProceduralLimit | None:
    return await _limit(uow, application_id, REPRESENTATIVE_LIMIT)


# --- the limits, passed ----------------------------------------------------------------------------------------------


async def on_special_guarantees_limit(due: DueDeadline, uow: UnitOfWork) -> None:
    """APR Art 20(2)-(3): 30 days passed without an assessment; the case shows as overdue."""
    limit = await _limit(uow, due.case_id, SPECIAL_GUARANTEES_LIMIT)
    if limit is not None and limit.mark_overdue(uow.now()):
        uow.audit(
            "special_guarantees.overdue", entity_type="application", entity_id=due.case_id, legal_basis=due.legal_basis
        )


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
