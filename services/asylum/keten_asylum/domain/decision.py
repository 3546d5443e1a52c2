"""The first-instance decision, the appeal against it and the right to remain (APR Art 36-41, 67-68)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from keten_shared.events.catalog.asylum import (
    DecisionOutcome,
    ProcedureType,
    ProtectionOutcome,
    ReturnDecisionMode,
    RoutedProcedure,
)

# Every outcome the service records: a decision on the application, or one on protection already granted.
Outcome = DecisionOutcome | ProtectionOutcome

# APR Art 37: these outcomes oblige the member state to issue a return decision.
RETURN_DECISION_OUTCOMES = frozenset(
    {
        DecisionOutcome.REJECTED_UNFOUNDED,
        DecisionOutcome.REJECTED_MANIFESTLY_UNFOUNDED,
        DecisionOutcome.INADMISSIBLE,
        DecisionOutcome.IMPLICITLY_WITHDRAWN,
        DecisionOutcome.EXPLICITLY_WITHDRAWN,
    }
)

GRANTS = frozenset({DecisionOutcome.GRANTED_REFUGEE, DecisionOutcome.GRANTED_SUBSIDIARY})

# Merits outcomes: none may be issued while another member state may be responsible (APR Art 39(1)(a)).
MERITS_OUTCOMES = frozenset(
    {
        DecisionOutcome.GRANTED_REFUGEE,
        DecisionOutcome.GRANTED_SUBSIDIARY,
        DecisionOutcome.REJECTED_UNFOUNDED,
        DecisionOutcome.REJECTED_MANIFESTLY_UNFOUNDED,
    }
)

# The outcomes a caseworker records as a decision on the application; the others follow from
# withdrawal (APR 40, 41), a Dublin transfer or a closure and have their own use cases.
EXAMINATION_OUTCOMES = MERITS_OUTCOMES | {DecisionOutcome.INADMISSIBLE}

# The article each outcome rests on (asylum chapter §5.1).
OUTCOME_LEGAL_BASIS: dict[Outcome, tuple[str, ...]] = {
    DecisionOutcome.GRANTED_REFUGEE: ("QR Art 13", "APR Art 39(2)"),
    DecisionOutcome.GRANTED_SUBSIDIARY: ("QR Art 18", "APR Art 39(2)"),
    DecisionOutcome.REJECTED_UNFOUNDED: ("APR Art 39(3)",),
    DecisionOutcome.REJECTED_MANIFESTLY_UNFOUNDED: ("APR Art 39(4)",),
    DecisionOutcome.INADMISSIBLE: ("APR Art 38",),
    DecisionOutcome.IMPLICITLY_WITHDRAWN: ("APR Art 41",),
    DecisionOutcome.EXPLICITLY_WITHDRAWN: ("APR Art 40",),
    DecisionOutcome.CLOSED_OTHER_MS_RESPONSIBLE: ("APR Art 39(1)(a)",),
    DecisionOutcome.DISCONTINUED: ("APR Art 66(6)",),
    ProtectionOutcome.PROTECTION_WITHDRAWN: ("APR Art 66",),
}

# The procedure type a decision reports, from the procedure it was taken in.
PROCEDURE_TYPE: dict[RoutedProcedure, ProcedureType] = {
    RoutedProcedure.BORDER: ProcedureType.BORDER,
    RoutedProcedure.ACCELERATED: ProcedureType.ACCELERATED,
    RoutedProcedure.PRELIMINARY_EXAMINATION: ProcedureType.ACCELERATED,  # APR 55: then 42(1)(g)
    RoutedProcedure.ADMISSIBILITY: ProcedureType.REGULAR,
    RoutedProcedure.REGULAR: ProcedureType.REGULAR,
}


def requires_return_decision(outcome: Outcome, mode: ReturnDecisionMode | None) -> bool:
    # APR Art 37: not required when a return decision existed before the application was made.
    return outcome in RETURN_DECISION_OUTCOMES and mode is not ReturnDecisionMode.PRE_EXISTING


class NotifiedTo(StrEnum):
    APPLICANT = "APPLICANT"
    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"  # APR Art 36(1), (4)


class AppealResult(StrEnum):
    DISMISSED = "DISMISSED"  # the decision stands and becomes final (APR Art 3(8))
    ANNULLED = "ANNULLED"  # the decision is annulled and the application examined again


class CourtRuling(StrEnum):
    ALLOWED = "ALLOWED"  # APR Art 68(4): the applicant may remain pending the appeal
    REFUSED = "REFUSED"


@dataclass
class Decision:
    id: str
    application_id: str
    outcome: Outcome
    procedure_type: ProcedureType
    legal_basis: list[str]
    notified_at: datetime
    return_decision_required: bool
    return_decision_mode: ReturnDecisionMode | None
    decided_at: datetime
    procedure: RoutedProcedure | None = None
    grounds_applied: list[str] | None = None  # Art 42 / 38 codes the decision rests on
    reasons: str | None = None  # APR Art 36(2): reasons in fact and law
    notified_to: NotifiedTo = NotifiedTo.APPLICANT
    language: str | None = None  # APR Art 36(3)
    appealable: bool = False
    appeal_rule: str | None = None  # T13 (APR 67(7)(a)) or T14 (APR 67(7)(b))
    appeal_deadline: date | None = None
    automatic_suspensive_effect: bool = False  # APR 68(2) vs 68(3)
    remain_request_deadline: date | None = None  # APR 68(5)(a)
    annulled_at: datetime | None = None  # set when a court annuls the decision on appeal
    # APR Art 37: the return decision the return service issued for this one (exactly one is owed).
    return_decision_id: str | None = None
    return_decision_issued_at: datetime | None = None


@dataclass
class Appeal:
    """An appeal against the first-instance decision (APR Art 67), with the court's rulings on it."""

    id: str
    application_id: str
    decision_id: str
    lodged_at: datetime
    recorded_at: datetime
    in_time: bool  # lodged within the APR 67(7) period; a late appeal is recorded, not accepted silently
    suspensive: bool  # whether lodging it gave a right to remain (APR 68(2))
    court_reference: str | None = None
    suspension_ruling: CourtRuling | None = None  # APR Art 68(4)
    result: AppealResult | None = None
    decided_at: datetime | None = None


@dataclass
class RemainRequest:
    """A request to a court to remain pending the appeal (APR Art 68(4)-(5))."""

    id: str
    application_id: str
    decision_id: str
    lodged_at: datetime
    in_time: bool
    ruling: CourtRuling | None = None
    ruled_at: datetime | None = None
