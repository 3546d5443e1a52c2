"""Reception use cases."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from keten_reception.adapters.repository import ReceptionFileRepository
from keten_reception.domain import deadlines, model
from keten_reception.domain.model import ReceptionConditions, ReceptionFile
from keten_shared.events import CloudEvent
from keten_shared.events.catalog.asylum import ApplicationRegistered, DecisionFinal
from keten_shared.events.catalog.dublin import (
    AppealOutcome,
    ResponsibilityShifted,
    TransferAppealDecided,
    TransferCompleted,
    TransferDecisionNotified,
)
from keten_shared.events.catalog.reception import ReceptionEnded, ReceptionEndReason, ReceptionFileOpened
from keten_shared.logging import get_logger
from keten_shared.uow import UnitOfWork

log = get_logger(__name__)


async def on_application_registered(data: ApplicationRegistered, _event: CloudEvent, uow: UnitOfWork) -> None:
    """RCD Art 19(1): material reception conditions are available from the making of the application."""
    repository = ReceptionFileRepository(uow.session)
    if await repository.find_one(asylum_case_id=data.case_id) is not None:
        return
    now = uow.now()
    assessment = uow.deadline(deadlines.NEEDS_ASSESSMENT, data.made_at)
    file = ReceptionFile(
        id=str(uuid.uuid4()),
        person_id=data.person_id,
        member_state=data.member_state,
        asylum_case_id=data.case_id,
        application_made_at=data.made_at,
        needs_assessment_due=assessment.legal_last_day,
        opened_at=now,
        created_at=now,
    )
    repository.add(file)
    uow.audit(
        "reception_file.opened",
        entity_type="reception_file",
        entity_id=file.id,
        legal_basis="RCD Art 19(1)",
        after=file.status.value,
    )
    uow.publish(
        ReceptionFileOpened(
            case_id=file.id,
            person_id=file.person_id,
            member_state=file.member_state,
            asylum_case_id=file.asylum_case_id,
            opened_at=now,
            needs_assessment_due=file.needs_assessment_due,
        ),
        subject=file.id,
    )


# --- what a Dublin procedure means for reception (dublin chapter §3.10, §6.0) -------------------------


Effect = tuple[ReceptionConditions, str]


async def _file_of(uow: UnitOfWork, event: CloudEvent, asylum_case_id: str, **details: str) -> ReceptionFile | None:
    """The reception file of an application; None, audited, when there is none here."""
    file = await ReceptionFileRepository(uow.session).find_one(asylum_case_id=asylum_case_id)
    if file is None:
        # Not an error: no reception file for this application here (e.g. its registration was never seen).
        log.warning("event for no reception file", asylum_case_id=asylum_case_id, event_type=event.type)
        uow.audit(
            "reception_conditions.ignored",
            entity_type="asylum_case",
            entity_id=asylum_case_id,
            details={"event_type": event.type, "event_id": event.id, **details},
        )
    return file


async def _change_conditions(
    uow: UnitOfWork,
    event: CloudEvent,
    asylum_case_id: str,
    dublin_case_id: str,
    since: datetime,
    rule: Callable[[ReceptionFile], Effect | None],
) -> None:
    """Apply the effect ``rule`` gives for the application's reception file, audited; an effect arriving late or
    twice does not overwrite a newer one."""
    file = await _file_of(uow, event, asylum_case_id, dublin_case_id=dublin_case_id)
    if file is None:
        return
    effect = rule(file)
    if effect is None:
        return
    conditions, basis = effect
    change = file.change_conditions(conditions, since=since.astimezone(UTC), basis=basis)
    if change is None:
        log.info("reception conditions unchanged", reception_file_id=file.id, event_type=event.type)
        return
    uow.audit(
        "reception_conditions.changed",
        entity_type="reception_file",
        entity_id=file.id,
        legal_basis=change.basis,
        before=change.before.value,
        after=change.after.value,
        details={
            "event_type": event.type,
            "event_id": event.id,
            "dublin_case_id": dublin_case_id,
            "effective_at": change.since.isoformat(),
        },
    )


async def on_transfer_decision_notified(data: TransferDecisionNotified, event: CloudEvent, uow: UnitOfWork) -> None:
    """AMMR Art 18(1), RCD Art 21: from notification of the transfer decision, the minimum standard only."""
    await _change_conditions(
        uow, event, data.asylum_case_id, data.case_id, data.notified_at, lambda _: model.after_transfer_decision()
    )


async def on_transfer_appeal_decided(data: TransferAppealDecided, event: CloudEvent, uow: UnitOfWork) -> None:
    """AMMR Art 43: the court annulled the transfer decision; the full reception conditions return."""
    annulled = data.outcome is AppealOutcome.ANNULLED
    await _change_conditions(
        uow, event, data.asylum_case_id, data.case_id, data.final_at, lambda _: model.after_appeal(annulled)
    )


async def on_responsibility_shifted(data: ResponsibilityShifted, event: CloudEvent, uow: UnitOfWork) -> None:
    """AMMR Art 37(1): responsibility came to this member state; the full reception conditions return."""
    await _change_conditions(
        uow,
        event,
        data.asylum_case_id,
        data.case_id,
        data.effective_at,
        lambda file: model.after_shift(data.to_ms, file.member_state),
    )


async def on_transfer_completed(data: TransferCompleted, event: CloudEvent, uow: UnitOfWork) -> None:
    """AMMR Art 46(1): transferred out; the responsible member state takes over reception."""
    await _end(uow, event, data.asylum_case_id, data.transferred_at, model.after_transfer())


# --- the end of reception (reception chapter §1, §10) ----------------------------------------------------


async def on_decision_final(data: DecisionFinal, event: CloudEvent, uow: UnitOfWork) -> None:
    """RCD Art 2(2): with a final decision, positive or negative, the person is no longer an applicant."""
    await _end(uow, event, data.case_id, data.final_at, model.after_final_decision(data.outcome))


async def _end(
    uow: UnitOfWork, event: CloudEvent, asylum_case_id: str, at: datetime, end: tuple[ReceptionEndReason, str]
) -> None:
    """Close the application's reception file at ``at``, audited and published; a file ends once."""
    file = await _file_of(uow, event, asylum_case_id)
    if file is None:
        return
    reason, basis = end
    before = file.status
    change = file.end(reason, at=at.astimezone(UTC), basis=basis)
    if change is None:
        log.info("reception file ended already", reception_file_id=file.id, event_type=event.type)
        return
    uow.audit(
        "reception_file.ended",
        entity_type="reception_file",
        entity_id=file.id,
        legal_basis=basis,
        before=before.value,
        after=file.status.value,
        details={
            "event_type": event.type,
            "event_id": event.id,
            "reason": reason.value,
            "conditions_before": change.before.value,
            "ended_at": change.since.isoformat(),
        },
    )
    uow.publish(
        ReceptionEnded(
            case_id=file.id,
            person_id=file.person_id,
            member_state=file.member_state,
            asylum_case_id=file.asylum_case_id,
            reason=reason,
            ended_at=change.since,
            legal_basis=basis,
        ),
        subject=file.id,
    )


EVENT_HANDLERS = {
    "asylum.application.registered": on_application_registered,
    "dublin.transfer_decision.notified": on_transfer_decision_notified,
    "dublin.appeal.decided": on_transfer_appeal_decided,
    "dublin.responsibility.shifted": on_responsibility_shifted,
    "dublin.transfer.completed": on_transfer_completed,
    "asylum.decision.final": on_decision_final,
}
