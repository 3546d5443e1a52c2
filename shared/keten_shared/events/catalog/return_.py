"""Events of the return service (Dir. 2008/115/EC, Reg. (EU) 2024/1349)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, Field

from keten_shared.events.catalog.common import CountryCode, Identifier, MemberState
from keten_shared.events.registry import EventData, event_type


class ReturnTrigger(StrEnum):
    ASYLUM_REJECTION = "ASYLUM_REJECTION"  # APR Art 37 (return chapter trigger T1)
    SCREENING_REFERRAL = "SCREENING_REFERRAL"  # SR Art 18(1), 18(4) (trigger T2)


@event_type("return.decision.issued", version=1, producer="return")
class ReturnDecisionIssued(EventData):
    """A return decision was issued (RD Art 6(1), Art 12)."""

    case_id: Identifier
    return_decision_id: Identifier
    person_id: Identifier
    member_state: MemberState
    trigger: ReturnTrigger
    legal_basis: list[str]
    issued_at: AwareDatetime
    asylum_case_id: Identifier | None = None
    asylum_decision_id: Identifier | None = None
    screening_case_id: Identifier | None = None
    country_of_return: CountryCode | None = Field(None, description="RD Art 3(3); None until determined")


class SuspensionReason(StrEnum):
    """Why the effects of a return decision are suspended (return chapter §7; C-181/16 Gnandi)."""

    SUSPENSIVE_APPEAL = "SUSPENSIVE_APPEAL"  # APR Art 68(2): an appeal lodged in time with suspensive effect
    RIGHT_TO_REMAIN = "RIGHT_TO_REMAIN"  # APR Art 68(1), (4), (5)(d): the person may remain pending the remedy


class ReinstatementReason(StrEnum):
    APPEAL_DISMISSED = "APPEAL_DISMISSED"  # the court upheld the rejection: the right to remain pending it ends
    RIGHT_TO_REMAIN_ENDED = "RIGHT_TO_REMAIN_ENDED"  # APR Art 68(1): the person no longer may remain


class WithdrawalReason(StrEnum):
    ASYLUM_DECISION_ANNULLED = "ASYLUM_DECISION_ANNULLED"  # the rejection the return decision followed is gone


@event_type("return.decision.suspended", version=1, producer="return")
class ReturnDecisionSuspended(EventData):
    """The effects of the return decision are suspended: no enforcement, no clock runs (APR Art 68; C-181/16)."""

    case_id: Identifier
    return_decision_id: Identifier
    person_id: Identifier
    member_state: MemberState
    reason: SuspensionReason
    legal_basis: list[str] = Field(examples=[["APR Art 68(2)", "C-181/16 Gnandi"]])
    suspended_at: AwareDatetime
    previous_status: str = Field(description="the state the case resumes when the decision is reinstated")
    asylum_case_id: Identifier | None = None
    asylum_decision_id: Identifier | None = None
    right_to_remain_until: date | None = Field(None, description="None: until the asylum service reports otherwise")
    appeal_id: Identifier | None = Field(None, description="the suspensive appeal, when it is the reason")


@event_type("return.decision.reinstated", version=1, producer="return")
class ReturnDecisionReinstated(EventData):
    """The suspension ended: the return decision has its effects again and the case resumes its prior state."""

    case_id: Identifier
    return_decision_id: Identifier
    person_id: Identifier
    member_state: MemberState
    reason: ReinstatementReason
    legal_basis: list[str] = Field(examples=[["APR Art 68(1)"]])
    reinstated_at: AwareDatetime
    suspended_at: AwareDatetime = Field(description="when the suspension that ended began")
    status: str = Field(description="the state the case resumed")
    asylum_case_id: Identifier | None = None
    asylum_decision_id: Identifier | None = None
    appeal_id: Identifier | None = Field(None, description="the appeal whose dismissal ended the suspension")


@event_type("return.decision.withdrawn", version=1, producer="return")
class ReturnDecisionWithdrawn(EventData):
    """The return decision was withdrawn and the case cancelled; its SIS alert goes (Reg. 2018/1860 Art 14(1))."""

    case_id: Identifier
    return_decision_id: Identifier
    person_id: Identifier
    member_state: MemberState
    reason: WithdrawalReason
    legal_basis: list[str] = Field(examples=[["APR Art 10(1)", "RD recital 9"]])
    withdrawn_at: AwareDatetime
    asylum_case_id: Identifier | None = None
    asylum_decision_id: Identifier | None = None
    appeal_id: Identifier | None = Field(None, description="the appeal on which the asylum decision was annulled")
