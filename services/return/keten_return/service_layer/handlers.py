"""Return use cases: a return decision after every negative asylum decision and every referral to return,
suspended while the person may remain pending the remedy against the asylum decision (APR Art 68), and in
effect again the day after the right to remain ends."""

from __future__ import annotations

import uuid
from datetime import date

from keten_return.adapters.repository import AsylumRemedyRepository, ReturnCaseRepository
from keten_return.domain import rules
from keten_return.domain.model import AppealResult, AsylumRemedy, Effect, ReturnCase, ReturnCaseStatus, Transition
from keten_shared.deadlines import end_of_day
from keten_shared.errors import InvalidData
from keten_shared.events import CloudEvent
from keten_shared.events.catalog.asylum import AppealDecided, AppealLodged, DecisionIssued, RightToRemainUpdated
from keten_shared.events.catalog.return_ import (
    ReinstatementReason,
    ReturnDecisionIssued,
    ReturnDecisionReinstated,
    ReturnDecisionSuspended,
    ReturnDecisionWithdrawn,
    ReturnTrigger,
    SuspensionReason,
    WithdrawalReason,
)
from keten_shared.events.catalog.screening import ScreeningCaseReferred
from keten_shared.scheduler import DueDeadline
from keten_shared.uow import UnitOfWork

RIGHT_TO_REMAIN_END = "return.right_to_remain_end"


def _today(uow: UnitOfWork) -> date:
    return uow.local_date(uow.now())


async def _issue(uow: UnitOfWork, case: ReturnCase, legal_basis: list[str], nationalities: list[str]) -> None:
    before = case.status.value
    decision = case.issue_decision(
        legal_basis=legal_basis, country_of_return=rules.country_of_return(nationalities), now=uow.now()
    )
    ReturnCaseRepository(uow.session).add(case)
    uow.audit(
        "return_decision.issued",
        entity_type="return_case",
        entity_id=case.id,
        legal_basis="; ".join(legal_basis),
        before=before,
        after=case.status.value,
        details={"return_decision_id": decision.id, "trigger": case.trigger.value},
    )
    uow.publish(
        ReturnDecisionIssued(
            case_id=case.id,
            return_decision_id=decision.id,
            person_id=case.person_id,
            member_state=case.member_state,
            trigger=case.trigger,
            legal_basis=legal_basis,
            issued_at=decision.issued_at,
            asylum_case_id=case.asylum_case_id,
            asylum_decision_id=case.asylum_decision_id,
            screening_case_id=case.screening_case_id,
            country_of_return=decision.country_of_return,
        ),
        subject=case.id,
    )
    # A remedy reported before the return decision: the decision starts suspended (APR Art 68(1)).
    await _settle(uow, case, case.reassess(today=_today(uow), now=uow.now()))


async def on_asylum_decision_issued(data: DecisionIssued, _event: CloudEvent, uow: UnitOfWork) -> None:
    """APR Art 37: a rejected or withdrawn application leads to exactly one return decision."""
    if not rules.due_after_asylum_decision(data.return_decision_required, data.return_decision_mode):
        return
    remedy = await AsylumRemedyRepository(uow.session).lock(data.decision_id, data.case_id, uow.now())
    if await ReturnCaseRepository(uow.session).find_one(asylum_decision_id=data.decision_id) is not None:
        return  # this decision already has its return decision
    if remedy.annulled:
        # The court annulled the rejection before its event reached us: APR Art 37 no longer calls for a return
        # decision, the person is an applicant again (APR Art 10(1)).
        uow.audit(
            "return_decision.not_issued",
            entity_type="asylum_remedy",
            entity_id=remedy.asylum_decision_id,
            legal_basis="APR Art 10(1)",
            details={"appeal_id": remedy.appeal_id, "appeal_result": AppealResult.ANNULLED.value},
        )
        return
    case = ReturnCase(
        id=str(uuid.uuid4()),
        person_id=data.person_id,
        member_state=data.member_state,
        trigger=ReturnTrigger.ASYLUM_REJECTION,
        created_at=uow.now(),
        asylum_case_id=data.case_id,
        asylum_decision_id=data.decision_id,
        remedy=remedy,
    )
    await _issue(uow, case, ["APR Art 37", "RD Art 6(1)"], data.nationalities)


async def on_screening_case_referred(data: ScreeningCaseReferred, _event: CloudEvent, uow: UnitOfWork) -> None:
    """SR Art 18(1), 18(4): a screened person without an application enters the return procedure."""
    basis = rules.basis_after_screening(data.outcome)
    if basis is None:
        return
    if await ReturnCaseRepository(uow.session).find_one(screening_case_id=data.case_id) is not None:
        return
    case = ReturnCase(
        id=str(uuid.uuid4()),
        person_id=data.person_id,
        member_state=data.member_state,
        trigger=ReturnTrigger.SCREENING_REFERRAL,
        created_at=uow.now(),
        screening_case_id=data.case_id,
    )
    await _issue(uow, case, [basis, "RD Art 6(1)"], data.person.nationalities)


# --- the remedy against the asylum decision (APR Art 67-68) ----------------------------------------


async def _remedy_and_case(
    uow: UnitOfWork, asylum_decision_id: str, asylum_case_id: str
) -> tuple[AsylumRemedy, ReturnCase | None]:
    """The remedy record of an asylum decision (locked, made if new) and its return case, if one exists yet."""
    remedy = await AsylumRemedyRepository(uow.session).lock(asylum_decision_id, asylum_case_id, uow.now())
    case = await ReturnCaseRepository(uow.session).find_one(asylum_decision_id=asylum_decision_id)
    return remedy, case


def _noted(uow: UnitOfWork, remedy: AsylumRemedy, action: str, legal_basis: str | None, **details: object) -> None:
    uow.audit(
        f"asylum_remedy.{action}",
        entity_type="asylum_remedy",
        entity_id=remedy.asylum_decision_id,
        legal_basis=legal_basis,
        details={key: value for key, value in details.items() if value is not None},
    )


async def on_right_to_remain_updated(data: RightToRemainUpdated, event: CloudEvent, uow: UnitOfWork) -> None:
    """APR Art 68(1): a return decision has no effect while the person has or is allowed a right to remain."""
    if data.decision_id is None:
        return  # a right to remain before any decision (APR Art 10(1)): no return decision can follow it yet
    remedy, case = await _remedy_and_case(uow, data.decision_id, data.case_id)
    changed = remedy.report_right_to_remain(
        right_to_remain=data.right_to_remain, until=data.until, basis=data.basis, as_of=event.time
    )
    if not changed:
        return  # the same fact again, or an older one arriving late
    _noted(
        uow,
        remedy,
        "right_to_remain_reported",
        data.basis,
        right_to_remain=data.right_to_remain,
        until=str(data.until) if data.until else None,
        return_case_id=case.id if case else None,
    )
    if case is not None:
        await _settle(uow, case, case.reassess(today=_today(uow), now=uow.now()))


async def on_appeal_lodged(data: AppealLodged, _event: CloudEvent, uow: UnitOfWork) -> None:
    """APR Art 67-68: an appeal lodged in time with suspensive effect suspends the return decision (APR 68(2));
    a late or non-suspensive one changes nothing by itself (APR 68(3): a court may still allow remaining)."""
    remedy, case = await _remedy_and_case(uow, data.decision_id, data.case_id)
    if not remedy.note_appeal_lodged(
        appeal_id=data.appeal_id, in_time=data.in_time, suspensive=data.suspensive, lodged_at=data.lodged_at
    ):
        return
    _noted(
        uow,
        remedy,
        "appeal_lodged",
        "APR Art 68(2)" if data.suspensive else "APR Art 68(3)",
        appeal_id=data.appeal_id,
        suspensive=data.suspensive,
        return_case_id=case.id if case else None,
    )
    if case is not None:
        await _settle(uow, case, case.reassess(today=_today(uow), now=uow.now()))


async def on_appeal_decided(data: AppealDecided, event: CloudEvent, uow: UnitOfWork) -> None:
    """The court decided the appeal: a dismissal reinstates the return decision, an annulment withdraws it."""
    try:
        result = AppealResult(data.result)
    except ValueError:
        raise InvalidData(f"unknown appeal result {data.result!r}", appeal_id=data.appeal_id) from None
    remedy, case = await _remedy_and_case(uow, data.decision_id, data.case_id)
    if not remedy.note_appeal_decided(
        appeal_id=data.appeal_id, result=result, decided_at=data.decided_at, as_of=event.time
    ):
        return  # this outcome is on record already
    _noted(
        uow,
        remedy,
        "appeal_decided",
        "APR Art 67",
        appeal_id=data.appeal_id,
        result=result.value,
        return_case_id=case.id if case else None,
    )
    if case is None:
        return  # kept on the remedy record for the return decision, should it still come
    if result is AppealResult.ANNULLED:
        await _settle(uow, case, case.withdraw(now=uow.now()))
    else:
        change = case.reassess(today=_today(uow), now=uow.now(), cause=ReinstatementReason.APPEAL_DISMISSED)
        await _settle(uow, case, change)


# --- the end of a right to remain (APR Art 68(1)) --------------------------------------------------


async def on_right_to_remain_end(due: DueDeadline, uow: UnitOfWork) -> None:
    """The last day of the right to remain is over: the return decision takes effect (APR Art 68(1)), whether
    or not an asylum event says so; a remedy that came in the meantime keeps it suspended."""
    case = await ReturnCaseRepository(uow.session).get(due.case_id)
    await _settle(uow, case, case.reassess(today=_today(uow), now=uow.now()))


async def _settle(uow: UnitOfWork, case: ReturnCase, change: Transition | None) -> None:
    """Record what happened to the case, and keep the scheduler watching the end of its right to remain."""
    _apply(uow, case, change)
    until = case.remedy.right_to_remain_until if case.remedy is not None else None
    watched = case.status is ReturnCaseStatus.SUSPENDED and case.suspension_reason is SuspensionReason.RIGHT_TO_REMAIN
    wanted = [end_of_day(until, uow.calendar, tz=uow.zone)] if watched and until is not None else []
    if await uow.open_deadlines(case.id, RIGHT_TO_REMAIN_END) == wanted:
        return
    await uow.cancel_deadlines(case.id, [RIGHT_TO_REMAIN_END])
    for due_at in wanted:
        await uow.schedule(
            case_id=case.id,
            kind=RIGHT_TO_REMAIN_END,
            due_at=due_at,
            legal_basis="APR Art 68(1)",
            payload={"right_to_remain_until": str(until)},
        )


def _apply(uow: UnitOfWork, case: ReturnCase, change: Transition | None) -> None:
    """Audit a change of the return case and publish the event it owes."""
    if change is None:
        return
    assert case.decision is not None
    remedy = case.remedy
    uow.audit(
        f"return_decision.{change.effect.value.lower()}",
        entity_type="return_case",
        entity_id=case.id,
        legal_basis="; ".join(change.legal_basis),
        before=change.before.value,
        after=change.after.value,
        details={"return_decision_id": case.decision.id, "reason": change.reason.value},
    )
    common = {
        "case_id": case.id,
        "return_decision_id": case.decision.id,
        "person_id": case.person_id,
        "member_state": case.member_state,
        "legal_basis": list(change.legal_basis),
        "asylum_case_id": case.asylum_case_id,
        "asylum_decision_id": case.asylum_decision_id,
    }
    appeal_id = remedy.appeal_id if remedy is not None else None
    if change.effect is Effect.SUSPENDED:
        assert isinstance(change.reason, SuspensionReason) and change.suspended_at is not None
        by_appeal = change.reason is SuspensionReason.SUSPENSIVE_APPEAL
        uow.publish(
            ReturnDecisionSuspended(
                **common,
                reason=change.reason,
                suspended_at=change.suspended_at,
                previous_status=change.before.value,
                right_to_remain_until=remedy.right_to_remain_until if remedy is not None and not by_appeal else None,
                appeal_id=appeal_id if by_appeal else None,
            ),
            subject=case.id,
        )
    elif change.effect is Effect.REINSTATED:
        assert isinstance(change.reason, ReinstatementReason) and change.suspended_at is not None
        dismissed = change.reason is ReinstatementReason.APPEAL_DISMISSED
        uow.publish(
            ReturnDecisionReinstated(
                **common,
                reason=change.reason,
                reinstated_at=uow.now(),
                suspended_at=change.suspended_at,
                status=change.after.value,
                appeal_id=appeal_id if dismissed else None,
            ),
            subject=case.id,
        )
    elif change.effect is Effect.WITHDRAWN:
        assert isinstance(change.reason, WithdrawalReason) and case.withdrawn_at is not None
        uow.publish(
            ReturnDecisionWithdrawn(
                **common, reason=change.reason, withdrawn_at=case.withdrawn_at, appeal_id=appeal_id
            ),
            subject=case.id,
        )
    # Effect.SUSPENSION_CHANGED: the decision stays suspended; the audit log keeps the new ground.


DEADLINE_HANDLERS = {RIGHT_TO_REMAIN_END: on_right_to_remain_end}

EVENT_HANDLERS = {
    "asylum.decision.issued": on_asylum_decision_issued,
    "screening.case.referred": on_screening_case_referred,
    "asylum.right_to_remain.updated": on_right_to_remain_updated,
    "asylum.appeal.lodged": on_appeal_lodged,
    "asylum.appeal.decided": on_appeal_decided,
}
