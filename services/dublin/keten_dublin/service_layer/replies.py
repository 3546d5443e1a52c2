"""The request's way through DubliNet: its delivery, the partner's reply and the silence that accepts.

AMMR Art 40(1)-(2), 40(7)-(8), 41(3)-(4), 45(2): the reply period runs from the delivery and is counted on the
requested member state's calendar (time.md §3.5); a reply arriving after it cannot undo the tacit acceptance
(dublin chapter §3.3, scenario 12).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from keten_dublin.adapters.dublinet import DubliNetGateway, IncomingReply, MessageKind, OutgoingMessage, ReplyOutcome
from keten_dublin.adapters.orm import dublinet_messages
from keten_dublin.adapters.repository import ProcedureRepository
from keten_dublin.domain import deadlines
from keten_dublin.domain.model import PENDING, DublinProcedure, RequestKind
from keten_dublin.service_layer.lifecycle import (
    DECISION_LIMIT,
    DETAINED_TRANSFER_LIMIT,
    REPLY_LIMIT,
    TRANSFER_LIMIT,
    audit_step,
    counterpart_calendar,
    day_instant,
    event_fields,
    last_day,
    reschedule,
)
from keten_shared.deadlines import Deadline
from keten_shared.events.catalog.dublin import (
    TakeBackConfirmed,
    TakeBackNotified,
    TakeBackRebutted,
    TakeChargeAccepted,
    TakeChargeRejected,
    TakeChargeRequested,
    TakeChargeTacitlyAccepted,
)
from keten_shared.logging import get_logger
from keten_shared.scheduler import DueDeadline
from keten_shared.uow import UnitOfWork

log = get_logger(__name__)


class ReplyNotYetExpected(Exception):
    """A reply collected before the delivery of its request was recorded; it is collected again next round."""


def dublinet(uow: UnitOfWork) -> DubliNetGateway:
    return uow.adapters.dublinet  # type: ignore[no-any-return]


async def transmit(due: DueDeadline, uow: UnitOfWork) -> None:
    """Deliver a prepared message (a work item, retried by the scheduler while DubliNet is unavailable)."""
    assert due.payload is not None
    row = (
        await uow.session.execute(select(dublinet_messages).where(dublinet_messages.c.id == due.payload["message_id"]))
    ).one()
    if row.delivered_at is not None:
        return
    message = OutgoingMessage(
        id=row.id,
        kind=MessageKind(row.kind),
        from_ms=uow.calendar.ms,
        to_ms=row.counterpart_ms,
        procedure_id=row.procedure_id,
        body=row.body,
    )
    delivered_at = await dublinet(uow).send(message)
    await uow.session.execute(
        update(dublinet_messages).where(dublinet_messages.c.id == row.id).values(delivered_at=delivered_at)
    )
    procedure = await ProcedureRepository(uow.session).get(row.procedure_id)
    if procedure.status not in PENDING or procedure.request_message_id != row.id:
        return  # the procedure moved on (e.g. closed) before the message could go out
    reply_limit = _reply_limit(uow, procedure, delivered_at)
    before = procedure.status
    procedure.delivered(at=delivered_at, reply_due=last_day(reply_limit))
    await reschedule(uow, procedure, REPLY_LIMIT, reply_limit, message_id=row.id)
    audit_step(uow, procedure, "request_delivered", before, reply_limit.legal_basis, reply_due=procedure.reply_due)
    uow.publish(_sent_event(procedure, row.body), subject=procedure.id)


async def receive_reply(uow: UnitOfWork, reply: IncomingReply) -> None:
    """A partner's reply from the mailbox; recorded once, however often it is collected."""
    if await _already_received(uow, reply.id):
        return
    request = (
        await uow.session.execute(select(dublinet_messages).where(dublinet_messages.c.id == reply.in_reply_to))
    ).first()
    procedure = await ProcedureRepository(uow.session).get(request.procedure_id) if request is not None else None
    if procedure is not None and procedure.request_message_id == reply.in_reply_to:
        if procedure.status in PENDING and procedure.request_sent_at is None:
            raise ReplyNotYetExpected(reply.id)
    await _record_incoming(uow, reply, procedure)
    if procedure is None:
        log.warning("DubliNet reply to an unknown message", reply_id=reply.id, in_reply_to=reply.in_reply_to)
        return
    if procedure.status not in PENDING or procedure.request_message_id != reply.in_reply_to:
        # Dublin chapter §7: a reply after the limit is ignored in substance; the tacit acceptance stands.
        log.warning("DubliNet reply after the procedure moved on", procedure_id=procedure.id, reply_id=reply.id)
        uow.audit(
            "procedure.late_reply_ignored",
            entity_type="dublin_procedure",
            entity_id=procedure.id,
            legal_basis="AMMR Art 40(8); Art 41(4)",
            before=procedure.status.value,
            after=procedure.status.value,
            details={"reply_id": reply.id, "outcome": reply.outcome.value, "sent_at": reply.sent_at.isoformat()},
        )
        return
    if reply.outcome is ReplyOutcome.ACCEPTED:
        await accept(uow, procedure, at=reply.sent_at, tacit=False, transfer_start=reply.sent_at)
    else:
        await _refuse(uow, procedure, reply)


async def on_reply_limit(due: DueDeadline, uow: UnitOfWork) -> None:
    """AMMR Art 40(8), 41(4), 45(2): no reply within the period is acceptance or confirmation."""
    procedure = await ProcedureRepository(uow.session).get(due.case_id)
    if procedure.status not in PENDING or (due.payload or {}).get("message_id") != procedure.request_message_id:
        return
    if procedure.humanitarian:
        uow.audit(
            "procedure.humanitarian_unanswered",
            entity_type="dublin_procedure",
            entity_id=procedure.id,
            legal_basis="AMMR Art 35(2)",
            details={"reply_due": str(procedure.reply_due)},
        )
        return  # AMMR Art 35(2) provides no acceptance by silence: the officer decides what follows
    assert procedure.reply_due is not None
    # time.md §3.1: the tacit acceptance takes effect on the last day of the reply period.
    accepted_at = day_instant(uow, procedure.reply_due)
    await accept(uow, procedure, at=accepted_at, tacit=True, transfer_start=accepted_at)


async def accept(
    uow: UnitOfWork, procedure: DublinProcedure, *, at: datetime, tacit: bool, transfer_start: datetime
) -> None:
    """Acceptance or confirmation: the transfer decision (T10) and the transfer (T14, T09) limits start."""
    config = uow.settings.deadlines
    decision_due = deadlines.transfer_decision_due(transfer_start, uow.calendar, tz=uow.zone, config=config)
    before = procedure.status
    procedure.accept(at=at, tacit=tacit, transfer_start=transfer_start, decision_due=last_day(decision_due))
    transfer_limit = await schedule_transfer_limits(uow, procedure)
    await reschedule(uow, procedure, REPLY_LIMIT, None)
    await reschedule(uow, procedure, DECISION_LIMIT, decision_due)
    basis = _acceptance_basis(procedure, tacit)
    audit_step(uow, procedure, "accepted", before, basis, tacit=tacit, transfer_due=procedure.transfer_due)
    fields: dict[str, Any] = {
        **event_fields(procedure),
        "counterpart_ms": procedure.counterpart_ms,
        "accepted_at": at,
        "decision_due": procedure.decision_due,
        "transfer_due": last_day(transfer_limit),
    }
    if procedure.request_kind is RequestKind.TAKE_BACK:
        uow.publish(TakeBackConfirmed(**fields, tacit=tacit), subject=procedure.id)
    elif tacit:
        uow.publish(TakeChargeTacitlyAccepted(**fields), subject=procedure.id)
    else:
        uow.publish(TakeChargeAccepted(**fields), subject=procedure.id)


async def schedule_transfer_limits(uow: UnitOfWork, procedure: DublinProcedure) -> Deadline:
    """T14 from the start of the transfer period (AMMR Art 46(1)) and, for a detainee, T09 (Art 45(3))."""
    assert procedure.transfer_start is not None
    config = uow.settings.deadlines
    transfer_limit = deadlines.transfer_due(procedure.transfer_start, uow.calendar, tz=uow.zone, config=config)
    detained_limit = None
    if procedure.detained:
        detained_limit = deadlines.transfer_due(
            procedure.transfer_start, uow.calendar, detained=True, tz=uow.zone, config=config
        )
    procedure.set_transfer_due(last_day(transfer_limit), last_day(detained_limit) if detained_limit else None)
    await reschedule(uow, procedure, TRANSFER_LIMIT, transfer_limit, transfer_due=str(procedure.transfer_due))
    await reschedule(uow, procedure, DETAINED_TRANSFER_LIMIT, detained_limit)
    return transfer_limit


async def _refuse(uow: UnitOfWork, procedure: DublinProcedure, reply: IncomingReply) -> None:
    re_examination = deadlines.re_examination_request_due(
        reply.sent_at, uow.calendar, tz=uow.zone, config=uow.settings.deadlines
    )
    before = procedure.status
    reason = reply.reason or "no reasons given"
    procedure.refuse(at=reply.sent_at, reason=reason, re_examination_due=last_day(re_examination))
    await reschedule(uow, procedure, REPLY_LIMIT, None)
    audit_step(uow, procedure, "refused", before, "AMMR Art 40(8); Art 41(3)", reason=reason)
    fields: dict[str, Any] = {
        **event_fields(procedure),
        "counterpart_ms": procedure.counterpart_ms,
        "refused_at": reply.sent_at,
        "reason": reason,
        "re_examination_due": procedure.re_examination_due,
    }
    rebutted = procedure.request_kind is RequestKind.TAKE_BACK
    uow.publish(TakeBackRebutted(**fields) if rebutted else TakeChargeRejected(**fields), subject=procedure.id)


def _reply_limit(uow: UnitOfWork, procedure: DublinProcedure, delivered_at: datetime) -> Deadline:
    """T03/T04/T08 for a take charge request, T06 for a take back notification, T15 for a humanitarian request."""
    assert procedure.counterpart_ms is not None
    calendar = counterpart_calendar(uow, procedure.counterpart_ms)
    config = uow.settings.deadlines
    if procedure.humanitarian:
        return deadlines.humanitarian_reply_due(delivered_at, calendar, config=config)
    if procedure.request_kind is RequestKind.TAKE_BACK:
        return deadlines.take_back_confirmation_due(delivered_at, calendar, config=config)
    return deadlines.take_charge_reply_due(
        delivered_at,
        calendar,
        hit_based=procedure.hit_based,
        urgent=procedure.urgent,
        urgent_days=procedure.urgent_reply_days,
        detained=procedure.detained,
        config=config,
    )


def _acceptance_basis(procedure: DublinProcedure, tacit: bool) -> str:
    if procedure.request_kind is RequestKind.TAKE_BACK:
        return "AMMR Art 41(4)" if tacit else "AMMR Art 41(3)"
    if procedure.detained:
        return "AMMR Art 45(2)"
    return "AMMR Art 40(8)" if tacit else "AMMR Art 40(1)"


def _sent_event(procedure: DublinProcedure, body: dict[str, Any]) -> TakeChargeRequested | TakeBackNotified:
    assert procedure.counterpart_ms is not None and procedure.basis is not None
    assert procedure.request_sent_at is not None and procedure.reply_due is not None
    if procedure.request_kind is RequestKind.TAKE_BACK:
        return TakeBackNotified(
            **event_fields(procedure),
            notified_ms=procedure.counterpart_ms,
            basis=procedure.basis,
            sent_at=procedure.request_sent_at,
            confirm_due=procedure.reply_due,
            notification_due=body.get("request_due"),
            eurodac_hit_id=procedure.eurodac_hit_id,
            detained=procedure.detained,
        )
    return TakeChargeRequested(
        **event_fields(procedure),
        requested_ms=procedure.counterpart_ms,
        basis=procedure.basis,
        sent_at=procedure.request_sent_at,
        reply_due=procedure.reply_due,
        request_due=body.get("request_due"),
        urgent=procedure.urgent,
        hit_based=procedure.hit_based,
        detained=procedure.detained,
    )


async def _already_received(uow: UnitOfWork, message_id: str) -> bool:
    found = await uow.session.execute(select(dublinet_messages.c.id).where(dublinet_messages.c.id == message_id))
    return found.first() is not None


async def _record_incoming(uow: UnitOfWork, reply: IncomingReply, procedure: DublinProcedure | None) -> None:
    await uow.session.execute(
        insert(dublinet_messages).values(
            id=reply.id,
            direction="IN",
            kind=MessageKind.REPLY,
            procedure_id=procedure.id if procedure else None,
            counterpart_ms=reply.from_ms,
            in_reply_to=reply.in_reply_to,
            body={"outcome": reply.outcome.value, "reason": reply.reason, "sent_at": reply.sent_at.isoformat()},
            created_at=uow.now(),
            delivered_at=reply.sent_at,
        )
    )
