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


class RoutedProcedure(StrEnum):
    """Where routing sends an application (asylum chapter §2.1, in its evaluation order)."""

    PRELIMINARY_EXAMINATION = "PRELIMINARY_EXAMINATION"  # APR 55: subsequent application
    BORDER = "BORDER"  # APR 43-54
    ADMISSIBILITY = "ADMISSIBILITY"  # APR 38
    ACCELERATED = "ACCELERATED"  # APR 42
    REGULAR = "REGULAR"  # APR 35(4)


class AcceleratedGround(StrEnum):
    """APR Art 42(1)(a)-(j): grounds on which the merits examination is accelerated."""

    IRRELEVANT = "IRRELEVANT"  # (a)
    INCONSISTENT = "INCONSISTENT"  # (b)
    MISLEADING = "MISLEADING"  # (c)
    DELAY_REMOVAL = "DELAY_REMOVAL"  # (d)
    SAFE_COUNTRY_ORIGIN = "SAFE_COUNTRY_ORIGIN"  # (e)
    SECURITY = "SECURITY"  # (f)
    SUBSEQUENT = "SUBSEQUENT"  # (g)
    LATE_IRREGULAR = "LATE_IRREGULAR"  # (h)
    LATE_LAWFUL = "LATE_LAWFUL"  # (i)
    LOW_RECOGNITION = "LOW_RECOGNITION"  # (j)


class AdmissibilityGround(StrEnum):
    """APR Art 38: grounds on which an application may (38(1)) or must (38(2)) be declared inadmissible."""

    FIRST_COUNTRY_OF_ASYLUM = "FIRST_COUNTRY_OF_ASYLUM"  # 38(1)(a)
    SAFE_THIRD_COUNTRY = "SAFE_THIRD_COUNTRY"  # 38(1)(b)
    PROTECTION_IN_OTHER_MS = "PROTECTION_IN_OTHER_MS"  # 38(1)(c)
    INTERNATIONAL_COURT_RELOCATION = "INTERNATIONAL_COURT_RELOCATION"  # 38(1)(d)
    LATE_AFTER_RETURN_DECISION = "LATE_AFTER_RETURN_DECISION"  # 38(1)(e)
    SUBSEQUENT_NO_NEW_ELEMENTS = "SUBSEQUENT_NO_NEW_ELEMENTS"  # 38(2)


class EntrySituation(StrEnum):
    """APR Art 43(1)(a)-(d): how the person came to the border procedure."""

    BORDER_CROSSING_POINT = "BORDER_CROSSING_POINT"  # (a) application at a crossing point or transit zone
    APPREHENDED = "APPREHENDED"  # (b) apprehended crossing the external border without authorisation
    DISEMBARKED = "DISEMBARKED"  # (c) disembarked after a search and rescue operation
    RELOCATED = "RELOCATED"  # (d) relocated under AMMR Art 67(11)


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
