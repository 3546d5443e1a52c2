"""Return use cases: a return decision after every negative asylum decision and every referral to return."""

from __future__ import annotations

import uuid

from keten_return.adapters.repository import ReturnCaseRepository
from keten_return.domain import rules
from keten_return.domain.model import ReturnCase
from keten_shared.events import CloudEvent
from keten_shared.events.catalog.asylum import DecisionIssued
from keten_shared.events.catalog.return_ import ReturnDecisionIssued, ReturnTrigger
from keten_shared.events.catalog.screening import ScreeningCaseReferred
from keten_shared.uow import UnitOfWork


def _issue(uow: UnitOfWork, case: ReturnCase, legal_basis: list[str], nationalities: list[str]) -> None:
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


async def on_asylum_decision_issued(data: DecisionIssued, _event: CloudEvent, uow: UnitOfWork) -> None:
    """APR Art 37: a rejected or withdrawn application leads to exactly one return decision."""
    if not rules.due_after_asylum_decision(data.return_decision_required, data.return_decision_mode):
        return
    if await ReturnCaseRepository(uow.session).find_one(asylum_decision_id=data.decision_id) is not None:
        return  # this decision already has its return decision
    case = ReturnCase(
        id=str(uuid.uuid4()),
        person_id=data.person_id,
        member_state=data.member_state,
        trigger=ReturnTrigger.ASYLUM_REJECTION,
        created_at=uow.now(),
        asylum_case_id=data.case_id,
        asylum_decision_id=data.decision_id,
    )
    _issue(uow, case, ["APR Art 37", "RD Art 6(1)"], data.nationalities)


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
    _issue(uow, case, [basis, "RD Art 6(1)"], data.person.nationalities)


EVENT_HANDLERS = {
    "asylum.decision.issued": on_asylum_decision_issued,
    "screening.case.referred": on_screening_case_referred,
}
