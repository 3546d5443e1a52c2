"""Response bodies of the return REST API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from keten_return.domain.model import AppealResult, AsylumRemedy, ReturnCase, ReturnCaseStatus
from keten_shared.events.catalog.return_ import ReturnTrigger, SuspensionReason, WithdrawalReason


class ReturnDecisionOut(BaseModel):
    id: str
    issued_at: datetime
    legal_basis: list[str]
    country_of_return: str | None


class SuspensionOut(BaseModel):
    """APR Art 68(1): the return decision has no effect; nothing is enforced and no clock runs."""

    since: datetime
    reason: SuspensionReason
    legal_basis: list[str]
    resumes: ReturnCaseStatus = Field(description="the state the case returns to when the decision is reinstated")


class WithdrawalOut(BaseModel):
    at: datetime
    reason: WithdrawalReason
    legal_basis: list[str]


class AppealOut(BaseModel):
    id: str
    lodged_at: datetime | None
    suspensive: bool = Field(description="APR Art 68(2): lodged in time with automatic suspensive effect")
    result: AppealResult | None
    decided_at: datetime | None


class AsylumRemedyOut(BaseModel):
    """What the asylum service reported on the remedy against the asylum decision (APR Art 67-68)."""

    right_to_remain: bool | None = Field(description="None: not reported yet")
    right_to_remain_until: date | None = Field(description="None while it lasts pending an outcome")
    right_to_remain_basis: str | None
    appeal: AppealOut | None

    @classmethod
    def of(cls, remedy: AsylumRemedy) -> AsylumRemedyOut:
        appeal = None
        if remedy.appeal_id is not None:
            appeal = AppealOut(
                id=remedy.appeal_id,
                lodged_at=remedy.appeal_lodged_at,
                suspensive=remedy.appeal_suspensive,
                result=remedy.appeal_result,
                decided_at=remedy.appeal_decided_at,
            )
        return cls(
            right_to_remain=remedy.right_to_remain,
            right_to_remain_until=remedy.right_to_remain_until,
            right_to_remain_basis=remedy.right_to_remain_basis,
            appeal=appeal,
        )


class ReturnCaseOut(BaseModel):
    id: str
    person_id: str
    member_state: str
    trigger: ReturnTrigger
    status: ReturnCaseStatus
    asylum_case_id: str | None
    asylum_decision_id: str | None
    screening_case_id: str | None
    created_at: datetime
    version: int
    decision: ReturnDecisionOut | None
    suspension: SuspensionOut | None = Field(description="present while the status is SUSPENDED")
    withdrawal: WithdrawalOut | None = Field(description="present once the return decision was withdrawn")
    asylum_remedy: AsylumRemedyOut | None = Field(description="for a case that follows an asylum decision")

    @classmethod
    def of(cls, case: ReturnCase) -> ReturnCaseOut:
        decision = case.decision
        suspension = withdrawal = None
        if case.suspended_at is not None and case.suspension_reason is not None:
            suspension = SuspensionOut(
                since=case.suspended_at,
                reason=case.suspension_reason,
                legal_basis=case.suspension_basis or [],
                resumes=case.suspended_from or ReturnCaseStatus.RETURN_DECISION_ISSUED,
            )
        if case.withdrawn_at is not None and case.withdrawal_reason is not None:
            withdrawal = WithdrawalOut(
                at=case.withdrawn_at, reason=case.withdrawal_reason, legal_basis=case.withdrawal_basis or []
            )
        return cls(
            id=case.id,
            person_id=case.person_id,
            member_state=case.member_state,
            trigger=case.trigger,
            status=case.status,
            asylum_case_id=case.asylum_case_id,
            asylum_decision_id=case.asylum_decision_id,
            screening_case_id=case.screening_case_id,
            created_at=case.created_at,
            version=case.version,
            decision=ReturnDecisionOut.model_validate(decision, from_attributes=True) if decision else None,
            suspension=suspension,
            withdrawal=withdrawal,
            asylum_remedy=AsylumRemedyOut.of(case.remedy) if case.remedy is not None else None,
        )
