"""The return case, its return decision and the remedy against the asylum decision it follows (pure domain).

Return chapter §7: a return decision issued after a rejection (APR Art 37) has no effect while the person may
remain pending the remedy against that rejection (APR Art 68(1); C-181/16 Gnandi). The asylum service reports
the remedy (appeal lodged or decided, right to remain); `AsylumRemedy` keeps what it reported, one record per
asylum decision, and `ReturnCase.reassess` suspends or reinstates the return decision accordingly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from keten_shared.errors import TransitionNotAllowed
from keten_shared.events.catalog.return_ import (
    ReinstatementReason,
    ReturnTrigger,
    SuspensionReason,
    WithdrawalReason,
)

GNANDI = "C-181/16 Gnandi"


class ReturnCaseStatus(StrEnum):
    INITIATED = "INITIATED"
    RETURN_DECISION_ISSUED = "RETURN_DECISION_ISSUED"
    SUSPENDED = "SUSPENDED"  # APR Art 68(1): the decision's effects are suspended while the person may remain
    CANCELLED = "CANCELLED"  # the decision was withdrawn: the asylum decision it followed no longer stands


S = ReturnCaseStatus
# "Any active" state of return chapter §7: the states a suspension interrupts and later resumes.
# Voluntary departure, enforcement and removal scheduling join this set when they are built.
SUSPENDABLE = frozenset({S.RETURN_DECISION_ISSUED})
# "Any non-terminal" state with a return decision: the decision can still be withdrawn.
WITHDRAWABLE = SUSPENDABLE | {S.SUSPENDED}


class AppealResult(StrEnum):
    """The court's decision on the appeal against the asylum decision (asylum.appeal.decided)."""

    DISMISSED = "DISMISSED"  # the rejection stands
    ANNULLED = "ANNULLED"  # the rejection is annulled and the application is examined again


class Effect(StrEnum):
    SUSPENDED = "SUSPENDED"
    SUSPENSION_CHANGED = "SUSPENSION_CHANGED"  # still suspended, on another ground
    REINSTATED = "REINSTATED"
    WITHDRAWN = "WITHDRAWN"


@dataclass(frozen=True)
class Suspension:
    """Why the return decision must have no effect today."""

    reason: SuspensionReason
    legal_basis: tuple[str, ...]
    until: date | None = None  # the last day of the right to remain; None: until the asylum service reports
    appeal_id: str | None = None


@dataclass(frozen=True)
class Transition:
    """What happened to a return case, for the service layer to audit and publish."""

    effect: Effect
    before: ReturnCaseStatus
    after: ReturnCaseStatus
    legal_basis: tuple[str, ...]
    reason: SuspensionReason | ReinstatementReason | WithdrawalReason
    suspended_at: datetime | None = None  # when the suspension it began, changed or ended began


@dataclass
class AsylumRemedy:
    """What the asylum service reported on the remedy against one of its decisions (asylum chapter §6).

    One record per asylum decision, made by whichever of its events the return service sees first, so that
    a fact arriving before the return decision is kept for it; every report is idempotent.
    """

    asylum_decision_id: str
    asylum_case_id: str
    created_at: datetime
    right_to_remain: bool | None = None  # None: not reported yet
    right_to_remain_until: date | None = None  # None while it lasts "pending the outcome"
    right_to_remain_basis: str | None = None  # e.g. "APR Art 68(2)", "APR Art 68(4)", "APR Art 68(5)(d)"
    right_to_remain_as_of: datetime | None = None  # when the asylum service reported it
    appeal_id: str | None = None  # the appeal lodged in time (APR Art 67(7))
    appeal_lodged_at: datetime | None = None
    appeal_suspensive: bool = False
    appeal_result: AppealResult | None = None
    appeal_decided_at: datetime | None = None

    @property
    def appeal_pending(self) -> bool:
        return self.appeal_id is not None and self.appeal_result is None

    @property
    def annulled(self) -> bool:
        return self.appeal_result is AppealResult.ANNULLED

    def report_right_to_remain(
        self, *, right_to_remain: bool, until: date | None, basis: str | None, as_of: datetime
    ) -> bool:
        """Record the asylum service's latest word on the right to remain; False when it changes nothing."""
        if self.right_to_remain_as_of is not None and as_of < self.right_to_remain_as_of:
            return False  # an older report arriving late: the newer one stands
        until = until if right_to_remain else None
        changed = (self.right_to_remain, self.right_to_remain_until, self.right_to_remain_basis) != (
            right_to_remain,
            until,
            basis,
        )
        self.right_to_remain, self.right_to_remain_until, self.right_to_remain_basis = right_to_remain, until, basis
        self.right_to_remain_as_of = as_of
        return changed

    def note_appeal_lodged(self, *, appeal_id: str, in_time: bool, suspensive: bool, lodged_at: datetime) -> bool:
        """An appeal against the asylum decision; False when it changes nothing."""
        if not in_time:
            # APR Art 67(7): a late appeal has no effect until remaining is granted (return chapter §8, edge case 1).
            return False
        if appeal_id == self.appeal_id:
            return False  # the same appeal again, or one whose outcome is known already
        self.appeal_id, self.appeal_lodged_at, self.appeal_suspensive = appeal_id, lodged_at, suspensive
        self.appeal_result = self.appeal_decided_at = None
        return True

    def note_appeal_decided(
        self, *, appeal_id: str, result: AppealResult, decided_at: datetime, as_of: datetime
    ) -> bool:
        """The court decided the appeal; False when this outcome was recorded already."""
        if appeal_id == self.appeal_id and self.appeal_result is not None:
            return False
        if appeal_id != self.appeal_id:  # the outcome came before the appeal itself: it is all we need
            self.appeal_id, self.appeal_lodged_at, self.appeal_suspensive = appeal_id, None, False
        self.appeal_result, self.appeal_decided_at = result, decided_at
        if result is AppealResult.DISMISSED:
            # APR Art 68(2): the right to remain lasts "pending the outcome of the remedy", no longer.
            self.report_right_to_remain(right_to_remain=False, until=None, basis=None, as_of=as_of)
        return True

    def suspension(self, today: date) -> Suspension | None:
        """Whether, and why, a return decision following this asylum decision is suspended on `today`."""
        if self.annulled:
            return None  # the decision is gone, not suspended
        if self.appeal_pending and self.appeal_suspensive:
            # APR Art 68(2): a suspensive appeal lodged in time lets the person remain until its outcome (C-181/16).
            return Suspension(
                SuspensionReason.SUSPENSIVE_APPEAL, ("APR Art 68(1)", "APR Art 68(2)", GNANDI), None, self.appeal_id
            )
        if self.right_to_remain and (self.right_to_remain_until is None or today <= self.right_to_remain_until):
            # APR Art 68(1): no effect while the person may remain (68(2), 68(4), 68(5)(d)); the last day counts.
            ground = self.right_to_remain_basis
            basis = ("APR Art 68(1)", *([ground] if ground and ground != "APR Art 68(1)" else []), GNANDI)
            return Suspension(SuspensionReason.RIGHT_TO_REMAIN, basis, self.right_to_remain_until)
        return None


@dataclass
class ReturnDecision:
    id: str
    case_id: str
    issued_at: datetime
    legal_basis: list[str]
    country_of_return: str | None


@dataclass
class ReturnCase:
    id: str
    person_id: str
    member_state: str
    trigger: ReturnTrigger
    created_at: datetime
    asylum_case_id: str | None = None
    asylum_decision_id: str | None = None
    screening_case_id: str | None = None
    status: ReturnCaseStatus = ReturnCaseStatus.INITIATED
    version: int = 1
    decision: ReturnDecision | None = field(default=None)
    remedy: AsylumRemedy | None = None  # the remedy against the asylum decision this case follows
    suspended_at: datetime | None = None
    suspended_from: ReturnCaseStatus | None = None  # the state resumed on reinstatement
    suspension_reason: SuspensionReason | None = None
    suspension_basis: list[str] | None = None
    withdrawn_at: datetime | None = None
    withdrawal_reason: WithdrawalReason | None = None
    withdrawal_basis: list[str] | None = None

    def issue_decision(self, *, legal_basis: list[str], country_of_return: str | None, now: datetime) -> ReturnDecision:
        """Issue the return decision (RD Art 6(1)); a case carries one."""
        if self.status is not ReturnCaseStatus.INITIATED:
            raise TransitionNotAllowed(
                f"return case {self.id} already has a return decision", current_status=self.status.value
            )
        self.decision = ReturnDecision(
            id=str(uuid.uuid4()),
            case_id=self.id,
            issued_at=now,
            legal_basis=legal_basis,
            country_of_return=country_of_return,
        )
        self.status = ReturnCaseStatus.RETURN_DECISION_ISSUED
        return self.decision

    def reassess(
        self,
        *,
        today: date,
        now: datetime,
        cause: ReinstatementReason = ReinstatementReason.RIGHT_TO_REMAIN_ENDED,
    ) -> Transition | None:
        """Suspend or reinstate the return decision after news on the remedy against the asylum decision;
        `cause` names what ends a suspension, should it end."""
        grounds = self.remedy.suspension(today) if self.remedy is not None else None
        if self.status in SUSPENDABLE and grounds is not None:
            return self._suspend(grounds, now)
        if self.status is not S.SUSPENDED:
            return None  # nothing issued yet, or withdrawn: a remedy no longer matters
        if grounds is None:
            return self._reinstate(cause, now)
        if (grounds.reason, list(grounds.legal_basis)) == (self.suspension_reason, self.suspension_basis):
            return None
        # The suspension goes on, on another ground (e.g. a court's leave under APR Art 68(4) after the request).
        self.suspension_reason, self.suspension_basis = grounds.reason, list(grounds.legal_basis)
        return Transition(
            Effect.SUSPENSION_CHANGED, S.SUSPENDED, S.SUSPENDED, grounds.legal_basis, grounds.reason, self.suspended_at
        )

    def _suspend(self, grounds: Suspension, now: datetime) -> Transition:
        # Return chapter §7 "any active → suspended": remember the prior state to resume it.
        before = self.status
        self.status, self.suspended_from, self.suspended_at = S.SUSPENDED, before, now
        self.suspension_reason, self.suspension_basis = grounds.reason, list(grounds.legal_basis)
        return Transition(Effect.SUSPENDED, before, S.SUSPENDED, grounds.legal_basis, grounds.reason, now)

    def _reinstate(self, cause: ReinstatementReason, now: datetime) -> Transition:
        # APR Art 68(1): effects return when the right to remain ends; 68(2): on dismissal it ends with the outcome.
        dismissed = cause is ReinstatementReason.APPEAL_DISMISSED
        basis = ("APR Art 68(1)", "APR Art 68(2)") if dismissed else ("APR Art 68(1)",)
        after, since = self.suspended_from or S.RETURN_DECISION_ISSUED, self.suspended_at
        self.status = after
        self._clear_suspension()
        return Transition(Effect.REINSTATED, S.SUSPENDED, after, basis, cause, since)

    def _clear_suspension(self) -> None:
        self.suspended_at = self.suspended_from = self.suspension_reason = self.suspension_basis = None

    def withdraw(self, *, now: datetime) -> Transition | None:
        """The asylum decision was annulled on appeal: the return decision loses its ground and is withdrawn."""
        if self.status is S.CANCELLED:
            return None  # withdrawn already
        if self.status not in WITHDRAWABLE:
            raise TransitionNotAllowed(
                f"return case {self.id} has no return decision to withdraw", current_status=self.status.value
            )
        # APR Art 10(1): an applicant again, allowed to remain; RD recital 9: not staying illegally, no APR 37 ground.
        basis = ("APR Art 10(1)", "RD recital 9")
        before = self.status
        self.status, self.withdrawn_at = S.CANCELLED, now
        reason = WithdrawalReason.ASYLUM_DECISION_ANNULLED
        self.withdrawal_reason, self.withdrawal_basis = reason, list(basis)
        since = self.suspended_at
        self._clear_suspension()
        return Transition(Effect.WITHDRAWN, before, S.CANCELLED, basis, reason, since)
