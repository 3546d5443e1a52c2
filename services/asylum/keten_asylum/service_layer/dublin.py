"""What the Dublin determination means for the asylum examination (APR Art 39(1)(a); AMMR Art 16, 37, 46)."""

from __future__ import annotations

from datetime import UTC, datetime

from keten_asylum.adapters.repository import ApplicationRepository
from keten_asylum.domain.model import BEFORE_DECISION, CLOSED, Application, DublinStatus
from keten_asylum.service_layer import intake
from keten_asylum.service_layer.intake import INTAKE_LIMITS
from keten_asylum.service_layer.routing import EXAMINATION_LIMITS
from keten_shared.events import CloudEvent
from keten_shared.events.catalog.asylum import CaseClosedTransferred, ResponsibilityConfirmed
from keten_shared.events.catalog.dublin import (
    ArrivalConfirmed,
    DublinProcedureStarted,
    ResponsibilityDetermined,
    ResponsibilityShifted,
    TransferCompleted,
)
from keten_shared.logging import get_logger
from keten_shared.uow import UnitOfWork

log = get_logger(__name__)


async def _open_application(uow: UnitOfWork, asylum_case_id: str, event_type: str) -> Application | None:
    application = await ApplicationRepository(uow.session).find_one(id=asylum_case_id)
    if application is None or application.status in CLOSED:
        log.warning("dublin event for no open application", asylum_case_id=asylum_case_id, event_type=event_type)
        return None
    return application


def _set(uow: UnitOfWork, application: Application, status: DublinStatus, basis: str) -> None:
    before = application.dublin_status.value
    application.set_dublin_status(status)
    uow.audit(
        "dublin_status.changed",
        entity_type="application",
        entity_id=application.id,
        legal_basis=basis,
        details={"before": before, "after": status.value},
    )


async def on_procedure_started(data: DublinProcedureStarted, _event: CloudEvent, uow: UnitOfWork) -> None:
    """AMMR Art 39: responsibility is being determined; no merits decision meanwhile (APR Art 39(1)(a))."""
    if not data.another_member_state_possible:
        return  # nothing points elsewhere (or not assessed yet): the examination goes on meanwhile
    application = await _open_application(uow, data.asylum_case_id, "dublin.procedure.started")
    if application is not None and application.dublin_status is DublinStatus.NONE:
        _set(uow, application, DublinStatus.PENDING, "APR Art 39(1)(a)")


async def on_responsibility_determined(data: ResponsibilityDetermined, _event: CloudEvent, uow: UnitOfWork) -> None:
    """This member state responsible: the merits proceed; another: the case waits for the transfer."""
    application = await _open_application(uow, data.asylum_case_id, "dublin.responsibility.determined")
    if application is not None:
        await _responsible(uow, application, data.responsible_ms, data.case_id, data.basis, data.determined_at)


async def on_responsibility_shifted(data: ResponsibilityShifted, _event: CloudEvent, uow: UnitOfWork) -> None:
    """AMMR Art 37(1), 46(2): e.g. the transfer limit lapsed and responsibility came back to this state."""
    application = await _open_application(uow, data.asylum_case_id, "dublin.responsibility.shifted")
    if application is not None:
        basis = f"AMMR responsibility shifted ({data.reason})"
        await _responsible(uow, application, data.to_ms, data.case_id, basis, data.effective_at)


async def _responsible(
    uow: UnitOfWork, application: Application, ms: str, dublin_case_id: str, basis: str, at: datetime
) -> None:
    if ms != application.member_state:
        _set(uow, application, DublinStatus.OTHER_MS_RESPONSIBLE, basis)
        return
    if application.dublin_status is DublinStatus.THIS_MS_RESPONSIBLE:
        return  # already confirmed
    _set(uow, application, DublinStatus.THIS_MS_RESPONSIBLE, basis)
    uow.publish(
        ResponsibilityConfirmed(
            case_id=application.id,
            person_id=application.person_id,
            member_state=application.member_state,
            dublin_case_id=dublin_case_id,
            basis=basis,
            confirmed_at=at.astimezone(UTC),
        ),
        subject=application.id,
    )


async def on_transfer_completed(data: TransferCompleted, _event: CloudEvent, uow: UnitOfWork) -> None:
    """Asylum chapter §8: the transfer carried out closes the file here; no return decision from asylum."""
    application = await _open_application(uow, data.asylum_case_id, "dublin.transfer.completed")
    if application is None:
        return
    if application.status not in BEFORE_DECISION:
        # A decision was taken here meanwhile; an operator must look at it, the event is kept in the audit.
        uow.audit(
            "transfer.after_decision",
            entity_type="application",
            entity_id=application.id,
            legal_basis="AMMR Art 46",
            details={"responsible_ms": data.responsible_ms, "status": application.status.value},
        )
        log.warning("transfer completed after a decision", asylum_case_id=application.id)
        return
    before = application.status.value
    application.close_transferred(data.transferred_at.astimezone(UTC))
    await uow.cancel_deadlines(application.id, [*INTAKE_LIMITS, *EXAMINATION_LIMITS])
    uow.audit(
        "application.closed_transferred",
        entity_type="application",
        entity_id=application.id,
        legal_basis="APR Art 39(1)(a); AMMR Art 46",
        before=before,
        after=application.status.value,
        details={"responsible_ms": data.responsible_ms},
    )
    uow.publish(
        CaseClosedTransferred(
            case_id=application.id,
            person_id=application.person_id,
            member_state=application.member_state,
            responsible_ms=data.responsible_ms,
            transfer_decision_ref=data.transfer_decision_ref,
            closed_at=data.transferred_at.astimezone(UTC),
        ),
        subject=application.id,
    )


async def on_arrival_confirmed(data: ArrivalConfirmed, _event: CloudEvent, uow: UnitOfWork) -> None:
    """AMMR Art 46: a transferee arrived; the application held here goes on, or one is opened (APR Art 28(2))."""
    repo = ApplicationRepository(uow.session)
    held = await repo.find_one(id=data.asylum_case_id) if data.asylum_case_id else None
    held = held or next((a for a in await repo.of_person(data.person_id) if a.status not in CLOSED), None)
    if held is not None and held.status not in CLOSED:
        if held.dublin_status is not DublinStatus.THIS_MS_RESPONSIBLE:
            _set(uow, held, DublinStatus.THIS_MS_RESPONSIBLE, "AMMR Art 46; APR Art 39(1)(a)")
        return
    application = await intake.make_application(
        uow, person=data.person, made_at=data.identified_at, person_id=data.person_id
    )
    application.set_dublin_status(DublinStatus.THIS_MS_RESPONSIBLE)
    await intake.register(
        uow, application, intake.Registration(), transferred_from=data.from_ms, identified_at=data.identified_at
    )


EVENT_HANDLERS = {
    "dublin.procedure.started": on_procedure_started,
    "dublin.responsibility.determined": on_responsibility_determined,
    "dublin.responsibility.shifted": on_responsibility_shifted,
    "dublin.transfer.completed": on_transfer_completed,
    "dublin.arrival.confirmed": on_arrival_confirmed,
}
