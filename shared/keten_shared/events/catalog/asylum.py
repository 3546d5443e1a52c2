"""Events of the asylum service (Reg. (EU) 2024/1348, APR)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, Field

from keten_shared.events.catalog.common import Identifier, MemberState, PersonDetails
from keten_shared.events.registry import EventData, event_type


class DecisionOutcome(StrEnum):
    GRANTED_REFUGEE = "GRANTED_REFUGEE"
    GRANTED_SUBSIDIARY = "GRANTED_SUBSIDIARY"
    REJECTED_UNFOUNDED = "REJECTED_UNFOUNDED"
    REJECTED_MANIFESTLY_UNFOUNDED = "REJECTED_MANIFESTLY_UNFOUNDED"
    INADMISSIBLE = "INADMISSIBLE"
    IMPLICITLY_WITHDRAWN = "IMPLICITLY_WITHDRAWN"
    EXPLICITLY_WITHDRAWN = "EXPLICITLY_WITHDRAWN"
    CLOSED_OTHER_MS_RESPONSIBLE = "CLOSED_OTHER_MS_RESPONSIBLE"
    DISCONTINUED = "DISCONTINUED"


class ProcedureType(StrEnum):
    REGULAR = "REGULAR"
    ACCELERATED = "ACCELERATED"
    BORDER = "BORDER"


class ReturnDecisionMode(StrEnum):
    INTEGRATED = "INTEGRATED"  # the return decision is part of the rejection decision
    SEPARATE_ACT = "SEPARATE_ACT"  # issued by the return authority at the same time or without undue delay
    PRE_EXISTING = "PRE_EXISTING"  # a return decision existed before the application was made


@event_type("asylum.application.registered", version=1, producer="asylum")
class ApplicationRegistered(EventData):
    """An application for international protection was registered (APR Art 27)."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    screening_case_id: Identifier | None = None
    made_at: AwareDatetime
    registered_at: AwareDatetime
    lodging_deadline: date = Field(description="APR Art 28(1): 21 days from registration")
    person: PersonDetails
    unaccompanied_minor: bool = False


@event_type("asylum.decision.issued", version=1, producer="asylum")
class DecisionIssued(EventData):
    """A first-instance decision on an application was issued and notified (APR Art 36)."""

    case_id: Identifier
    decision_id: Identifier
    person_id: Identifier
    member_state: MemberState
    outcome: DecisionOutcome
    legal_basis: list[str]
    procedure_type: ProcedureType
    notified_at: AwareDatetime
    return_decision_required: bool = Field(description="APR Art 37: a return decision must follow")
    return_decision_mode: ReturnDecisionMode | None = None
    nationalities: list[str] = Field(default_factory=list)
