"""From acceptance to transfer: the transfer decision, its notification, the remedy and the transfer itself.

AMMR Art 42 (decision and notification), 43 (appeal and suspension), 45(3)-(4) (detainees), 46 (transfer, its
time limit and the extensions) and 37(1) (responsibility shifts here when the time limit passes).
"""

from __future__ import annotations

from datetime import date, datetime

from keten_dublin.adapters.repository import ProcedureRepository
from keten_dublin.config import dublin_settings
from keten_dublin.domain import deadlines
from keten_dublin.domain.model import TRANSFER_PHASE, DublinProcedure, ProcedureStatus
from keten_dublin.service_layer.lifecycle import (
    APPEAL_WINDOW,
    DECISION_LIMIT,
    DETAINED_TRANSFER_LIMIT,
    REPLY_LIMIT,
    REQUEST_LIMIT,
    TRANSFER_DEADLINES,
    TRANSFER_LIMIT,
    TRANSMIT,
    audit_step,
    event_fields,
    last_day,
    reschedule,
)
from keten_dublin.service_layer.replies import schedule_transfer_limits
from keten_shared.deadlines import Deadline
from keten_shared.errors import InvalidData
from keten_shared.events.catalog.dublin import (
    AppealLodged,
    AppealOutcome,
    ClosureReason,
    NotifiedTo,
    ProcedureClosed,
    ReceptionEffect,
    ResponsibilityShifted,
    ShiftReason,
    SuspensionDecided,
    TransferAppealDecided,
    TransferCompleted,
    TransferDeadlineExtended,
    TransferDecided,
    TransferDecisionNotified,
    TransferFailed,
    TransferFailure,
    TransferMode,
    TransferScheduled,
)
from keten_shared.logging import get_logger
from keten_shared.scheduler import DueDeadline
from keten_shared.uow import UnitOfWork

log = get_logger(__name__)


def _not_future(uow: UnitOfWork, at: datetime, what: str) -> datetime:
    if at > uow.now():
        raise InvalidData(f"{what} cannot lie in the future")
    return at


# --- decision and notification (AMMR Art 42) ---------------------------------------------------------


async def decide_transfer(uow: UnitOfWork, procedure: DublinProcedure) -> None:
    """AMMR Art 42(1): the transfer decision, within 2 weeks of acceptance or confirmation."""
    before, now = procedure.status, uow.now()
    procedure.decide_transfer(at=now)
    await reschedule(uow, procedure, DECISION_LIMIT, None)
    assert procedure.decision_due is not None
    late = uow.local_date(now) > procedure.decision_due
    audit_step(uow, procedure, "transfer_decided", before, "AMMR Art 42(1)", late=late)
    assert procedure.responsible_ms is not None and procedure.transfer_due is not None
    uow.publish(
        TransferDecided(
            **event_fields(procedure),
            responsible_ms=procedure.responsible_ms,
            decided_at=now,
            transfer_due=procedure.transfer_due,
        ),
        subject=procedure.id,
    )


async def notify(uow: UnitOfWork, procedure: DublinProcedure, *, notified_at: datetime, to: NotifiedTo) -> None:
    """AMMR Art 42(2)-(3): notified in writing; the appeal period (Art 43(2)) runs from here, and the person is
    entitled to reception conditions only where he or she must be present (AMMR Art 18(1))."""
    _not_future(uow, notified_at, "the notification")
    weeks = dublin_settings(uow).appeal_period_weeks
    appeal = uow.deadline(deadlines.appeal_spec(weeks), notified_at)
    before = procedure.status
    procedure.notify(at=notified_at, to=to, appeal_due=last_day(appeal))
    await reschedule(uow, procedure, APPEAL_WINDOW, appeal)
    audit_step(uow, procedure, "notified", before, "AMMR Art 42(2)", to=to, appeal_due=procedure.appeal_due)
    assert procedure.responsible_ms is not None and procedure.appeal_due is not None
    uow.publish(
        TransferDecisionNotified(
            **event_fields(procedure),
            responsible_ms=procedure.responsible_ms,
            notified_at=notified_at,
            notified_to=to,
            appeal_due=procedure.appeal_due,
            transfer_due=procedure.transfer_due,
            reception_effect=ReceptionEffect.RCD_ART21_MINIMUM,
        ),
        subject=procedure.id,
    )


async def on_appeal_window(due: DueDeadline, uow: UnitOfWork) -> None:
    """AMMR Art 43(2): no appeal within the national period; the transfer decision is final."""
    procedure = await _procedure(uow, due)
    if procedure.status is ProcedureStatus.NOTIFIED:
        before = procedure.status
        procedure.close_appeal_window()
        audit_step(uow, procedure, "decision_final", before, "AMMR Art 43(2)")


# --- remedy (AMMR Art 43) -----------------------------------------------------------------------------


async def lodge_appeal(
    uow: UnitOfWork, procedure: DublinProcedure, *, lodged_at: datetime, suspension_requested: bool
) -> None:
    """AMMR Art 43(1), (3): with a suspension request the transfer waits for the court's ruling."""
    _not_future(uow, lodged_at, "the appeal")
    before = procedure.status
    procedure.lodge_appeal(at=lodged_at, suspension_requested=suspension_requested)
    await reschedule(uow, procedure, APPEAL_WINDOW, None)
    audit_step(uow, procedure, "appeal_lodged", before, "AMMR Art 43", suspension_requested=suspension_requested)
    uow.publish(
        AppealLodged(**event_fields(procedure), lodged_at=lodged_at, suspension_requested=suspension_requested),
        subject=procedure.id,
    )


async def decide_suspension(
    uow: UnitOfWork, procedure: DublinProcedure, *, granted: bool, decided_at: datetime
) -> None:
    """AMMR Art 43(3), 46(1): suspension granted, the transfer period starts again from the final decision."""
    _not_future(uow, decided_at, "the ruling")
    before = procedure.status
    procedure.decide_suspension(granted=granted)
    if granted:
        procedure.set_transfer_due(None)
        await uow.cancel_deadlines(procedure.id, [TRANSFER_LIMIT, DETAINED_TRANSFER_LIMIT])
    audit_step(uow, procedure, "suspension_decided", before, "AMMR Art 43(3)", granted=granted)
    uow.publish(
        SuspensionDecided(
            **event_fields(procedure), granted=granted, decided_at=decided_at, transfer_due=procedure.transfer_due
        ),
        subject=procedure.id,
    )


async def decide_appeal(
    uow: UnitOfWork, procedure: DublinProcedure, *, outcome: AppealOutcome, final_at: datetime
) -> None:
    """AMMR Art 43, 46(1): dismissed, the transfer goes ahead (its period anew after a suspension); annulled, the
    determination starts again without re-opening the request limit (dublin chapter §7)."""
    _not_future(uow, final_at, "the final decision")
    before = procedure.status
    procedure.decide_appeal(outcome=outcome, at=final_at)
    if outcome is AppealOutcome.ANNULLED:
        await uow.cancel_deadlines(procedure.id, TRANSFER_DEADLINES)
    elif procedure.transfer_due is None:
        await schedule_transfer_limits(uow, procedure)
    audit_step(uow, procedure, "appeal_decided", before, "AMMR Art 43; Art 46(1)", outcome=outcome)
    uow.publish(
        TransferAppealDecided(
            **event_fields(procedure),
            outcome=outcome,
            final_at=final_at,
            transfer_due=procedure.transfer_due,
            reception_effect=ReceptionEffect.RESTORE_FULL if outcome is AppealOutcome.ANNULLED else None,
        ),
        subject=procedure.id,
    )


# --- the transfer (AMMR Art 46) -----------------------------------------------------------------------


async def schedule_transfer(
    uow: UnitOfWork, procedure: DublinProcedure, *, on: date, mode: TransferMode, laissez_passer: bool
) -> None:
    """AMMR Art 46(1): as soon as practically possible, after consultation with the member state responsible."""
    if on < uow.local_date(uow.now()):
        raise InvalidData("a transfer is scheduled for today or a later day")
    before = procedure.status
    procedure.schedule_transfer(on=on, mode=mode)
    audit_step(uow, procedure, "transfer_scheduled", before, "AMMR Art 46(1)", on=on, mode=mode)
    assert procedure.responsible_ms is not None
    uow.publish(
        TransferScheduled(
            **event_fields(procedure),
            responsible_ms=procedure.responsible_ms,
            scheduled_for=on,
            mode=mode,
            laissez_passer=laissez_passer,
        ),
        subject=procedure.id,
    )


async def complete_transfer(uow: UnitOfWork, procedure: DublinProcedure, *, transferred_at: datetime) -> None:
    """AMMR Art 46(1): the person was handed over; the file closes here."""
    _not_future(uow, transferred_at, "the transfer")
    before = procedure.status
    procedure.complete_transfer(at=transferred_at)
    await uow.cancel_deadlines(procedure.id, TRANSFER_DEADLINES)
    audit_step(uow, procedure, "transferred", before, "AMMR Art 46(1)")
    assert procedure.responsible_ms is not None
    uow.publish(
        TransferCompleted(
            **event_fields(procedure), responsible_ms=procedure.responsible_ms, transferred_at=transferred_at
        ),
        subject=procedure.id,
    )


async def fail_transfer(
    uow: UnitOfWork,
    procedure: DublinProcedure,
    *,
    reason: TransferFailure,
    failed_at: datetime,
    informed_ms_at: datetime | None,
) -> None:
    """The transfer did not happen; for imprisonment, absconding, resistance or unfitness the limit is extended
    (AMMR Art 46(2)) when the responsible member state was informed (for imprisonment, at once)."""
    _not_future(uow, failed_at, "the failure")
    before = procedure.status
    procedure.fail_transfer(reason=reason)
    audit_step(uow, procedure, "transfer_failed", before, "AMMR Art 46(2)", reason=reason)
    assert procedure.responsible_ms is not None
    uow.publish(
        TransferFailed(
            **event_fields(procedure),
            responsible_ms=procedure.responsible_ms,
            failed_at=failed_at,
            reason=reason,
            absconded=reason is TransferFailure.ABSCONDED,
        ),
        subject=procedure.id,
    )
    if reason is TransferFailure.IMPRISONED or (reason is not TransferFailure.OTHER and informed_ms_at is not None):
        await _extend(uow, procedure, reason, informed_ms_at)


async def _extend(
    uow: UnitOfWork, procedure: DublinProcedure, reason: TransferFailure, informed_ms_at: datetime | None
) -> None:
    if informed_ms_at is not None:
        _not_future(uow, informed_ms_at, "informing the responsible member state")
    extended = _extended_limit(uow, procedure, reason, informed_ms_at)
    if procedure.transfer_due is not None and last_day(extended) < procedure.transfer_due:
        raise InvalidData("the extension would shorten the transfer time limit")
    before = procedure.status
    procedure.extend(reason=reason, informed_ms_at=informed_ms_at, transfer_due=last_day(extended))
    await reschedule(uow, procedure, TRANSFER_LIMIT, extended, transfer_due=str(procedure.transfer_due))
    audit_step(uow, procedure, "deadline_extended", before, extended.legal_basis, transfer_due=procedure.transfer_due)
    assert procedure.responsible_ms is not None and procedure.transfer_due is not None
    uow.publish(
        TransferDeadlineExtended(
            **event_fields(procedure),
            responsible_ms=procedure.responsible_ms,
            reason=reason,
            informed_ms_at=informed_ms_at,
            transfer_due=procedure.transfer_due,
            basis=extended.legal_basis,
        ),
        subject=procedure.id,
    )


def _extended_limit(
    uow: UnitOfWork, procedure: DublinProcedure, reason: TransferFailure, informed_ms_at: datetime | None
) -> Deadline:
    config = uow.settings.deadlines
    if reason is TransferFailure.IMPRISONED:
        assert procedure.transfer_start is not None
        return deadlines.imprisonment_transfer_due(procedure.transfer_start, uow.calendar, tz=uow.zone, config=config)
    assert informed_ms_at is not None
    return deadlines.absconding_transfer_due(informed_ms_at, uow.calendar, tz=uow.zone, config=config)


async def available_again(uow: UnitOfWork, procedure: DublinProcedure, *, available_at: datetime) -> None:
    """AMMR Art 46(2): the person is available again; with less than 3 months left, 3 months to transfer."""
    _not_future(uow, available_at, "the person's reappearance")
    current = _extended_limit(uow, procedure, procedure.require_extended(), procedure.informed_ms_at)
    limit = deadlines.available_again_transfer_due(
        current, available_at, uow.calendar, tz=uow.zone, config=uow.settings.deadlines
    )
    before_due = procedure.transfer_due
    procedure.available_again(transfer_due=last_day(limit))
    await reschedule(uow, procedure, TRANSFER_LIMIT, limit, transfer_due=str(procedure.transfer_due))
    audit_step(
        uow,
        procedure,
        "available_again",
        procedure.status,
        "AMMR Art 46(2)",
        was=before_due,
        now=procedure.transfer_due,
    )


async def on_transfer_limit(due: DueDeadline, uow: UnitOfWork) -> None:
    """AMMR Art 46(2), 37(1): the transfer did not take place in time; this member state becomes responsible."""
    procedure = await _procedure(uow, due)
    if procedure.status not in TRANSFER_PHASE or str(procedure.transfer_due) != (due.payload or {}).get("transfer_due"):
        return
    before, now = procedure.status, uow.now()
    previous = procedure.shift_to_self(at=now)
    await uow.cancel_deadlines(procedure.id, TRANSFER_DEADLINES)
    audit_step(uow, procedure, "shifted_to_self", before, "AMMR Art 46(2); Art 37(1)", from_ms=previous)
    uow.publish(
        ResponsibilityShifted(
            **event_fields(procedure),
            from_ms=previous,
            to_ms=procedure.member_state,
            reason=ShiftReason.TRANSFER_DEADLINE,
            effective_at=now,
            reception_effect=ReceptionEffect.RESTORE_FULL,
        ),
        subject=procedure.id,
    )


async def on_decision_limit(due: DueDeadline, uow: UnitOfWork) -> None:
    """AMMR Art 42(1): no transfer decision within 2 weeks; the act attaches no shift to it, so it is reported."""
    procedure = await _procedure(uow, due)
    if procedure.status is ProcedureStatus.ACCEPTED:
        log.warning("transfer decision time limit passed", procedure_id=procedure.id, due=str(procedure.decision_due))
        audit_step(uow, procedure, "decision_limit_passed", procedure.status, "AMMR Art 42(1); Art 45(4)")


async def on_detained_transfer_limit(due: DueDeadline, uow: UnitOfWork) -> None:
    """AMMR Art 45(4): no transfer within 5 weeks; detention ends and the ordinary limit goes on (Art 46)."""
    procedure = await _procedure(uow, due)
    if procedure.status in TRANSFER_PHASE and procedure.detained:
        procedure.detained = False
        audit_step(uow, procedure, "detention_limit_passed", procedure.status, "AMMR Art 45(4)")


async def close(uow: UnitOfWork, procedure: DublinProcedure, *, reason: ClosureReason) -> None:
    """The procedure ends without a transfer: withdrawal, departure or death."""
    before, now = procedure.status, uow.now()
    procedure.close(reason=reason, at=now)
    kinds = (TRANSMIT, REQUEST_LIMIT, REPLY_LIMIT, *TRANSFER_DEADLINES)
    await uow.cancel_deadlines(procedure.id, kinds)
    audit_step(uow, procedure, "closed", before, "AMMR Art 37; Art 38(2)", reason=reason)
    uow.publish(ProcedureClosed(**event_fields(procedure), reason=reason, closed_at=now), subject=procedure.id)


async def _procedure(uow: UnitOfWork, due: DueDeadline) -> DublinProcedure:
    return await ProcedureRepository(uow.session).get(due.case_id)
