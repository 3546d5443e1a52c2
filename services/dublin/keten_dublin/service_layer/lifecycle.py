"""What every step of a procedure shares: the scheduler's deadline kinds, the audit row and the event fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from keten_dublin.domain.model import DublinProcedure, ProcedureStatus
from keten_dublin.service_layer.evaluation import calendar_of
from keten_shared.deadlines import Deadline, HolidayCalendar, start_instant
from keten_shared.uow import UnitOfWork

# Deadline kinds the scheduler acts on (entrypoints/app.py maps each to its handler).
TRANSMIT = "dublin.dublinet.transmit"  # a work item: deliver a message through DubliNet, retried until it succeeds
REQUEST_LIMIT = "dublin.request_limit"  # T01/T02/T07: no request by then, this member state is responsible
REPLY_LIMIT = "dublin.reply_limit"  # T03/T04/T06/T08: silence is acceptance or confirmation
DECISION_LIMIT = "dublin.transfer_decision_limit"  # T10: a late decision is a breach of the time limit
APPEAL_WINDOW = "dublin.appeal_window"  # T11: no appeal, the transfer decision is final
TRANSFER_LIMIT = "dublin.transfer_limit"  # T14: no transfer by then, responsibility shifts here
DETAINED_TRANSFER_LIMIT = "dublin.detained_transfer_limit"  # T09: detention for the transfer ends
TRANSFER_DEADLINES = (DECISION_LIMIT, APPEAL_WINDOW, TRANSFER_LIMIT, DETAINED_TRANSFER_LIMIT)


def event_fields(procedure: DublinProcedure) -> dict[str, Any]:
    """The fields every dublin event about a procedure starts with."""
    return {
        "case_id": procedure.id,
        "person_id": procedure.person_id,
        "member_state": procedure.member_state,
        "asylum_case_id": procedure.asylum_case_id,
    }


def audit_step(
    uow: UnitOfWork,
    procedure: DublinProcedure,
    action: str,
    before: ProcedureStatus,
    legal_basis: str,
    **details: Any,
) -> None:
    uow.audit(
        f"procedure.{action}",
        entity_type="dublin_procedure",
        entity_id=procedure.id,
        legal_basis=legal_basis,
        before=before.value,
        after=procedure.status.value,
        details={key: _plain(value) for key, value in details.items()} or None,
    )


def counterpart_calendar(uow: UnitOfWork, member_state: str) -> HolidayCalendar:
    """The calendar of the member state that acts (time.md §3.5): this one's, or a partner's."""
    return uow.calendar if member_state == uow.calendar.ms else calendar_of(member_state)


def day_instant(uow: UnitOfWork, day: date) -> datetime:
    """An instant on `day` here, to start a period counted from a day (e.g. a tacit acceptance)."""
    return start_instant(day, uow.calendar, tz=uow.zone)


def last_day(deadline: Deadline) -> date:
    assert deadline.legal_last_day is not None, "the dublin periods are counted in days, weeks, months or years"
    return deadline.legal_last_day


async def reschedule(
    uow: UnitOfWork, procedure: DublinProcedure, kind: str, deadline: Deadline | None, **payload: Any
) -> None:
    """Replace the open deadline of `kind` by `deadline` (none: only cancel it)."""
    await uow.cancel_deadlines(procedure.id, [kind])
    if deadline is not None:
        await uow.schedule(case_id=procedure.id, kind=kind, deadline=deadline, payload=payload or None)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value
