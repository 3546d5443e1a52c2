"""The application for international protection and its first-instance decision (pure domain)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from keten_shared.errors import InvalidData, TransitionNotAllowed
from keten_shared.events.catalog.asylum import DecisionOutcome, ProcedureType, ReturnDecisionMode
from keten_shared.events.catalog.screening import ScreeningReason


class ApplicationStatus(StrEnum):
    REGISTERED = "REGISTERED"
    DECIDED = "DECIDED"


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

# The article each outcome rests on (asylum chapter §5.1).
OUTCOME_LEGAL_BASIS: dict[DecisionOutcome, tuple[str, ...]] = {
    DecisionOutcome.GRANTED_REFUGEE: ("QR Art 13", "APR Art 39(2)"),
    DecisionOutcome.GRANTED_SUBSIDIARY: ("QR Art 18", "APR Art 39(2)"),
    DecisionOutcome.REJECTED_UNFOUNDED: ("APR Art 39(3)",),
    DecisionOutcome.REJECTED_MANIFESTLY_UNFOUNDED: ("APR Art 39(4)",),
    DecisionOutcome.INADMISSIBLE: ("APR Art 38",),
    DecisionOutcome.IMPLICITLY_WITHDRAWN: ("APR Art 41",),
    DecisionOutcome.EXPLICITLY_WITHDRAWN: ("APR Art 40",),
    DecisionOutcome.CLOSED_OTHER_MS_RESPONSIBLE: ("APR Art 39(1)(a)",),
    DecisionOutcome.DISCONTINUED: ("APR Art 66(6)",),
}


def registration_clock_start(
    made_at: datetime, referred_at: datetime | None, reason: ScreeningReason | None
) -> datetime:
    """When the APR Art 27(1) registration period starts."""
    # APR Art 27(7): for persons screened under SR 5(1) the period starts when screening ends.
    if referred_at is not None and reason in (ScreeningReason.BORDER_IRREGULAR, ScreeningReason.BORDER_SAR):
        return referred_at
    return made_at


def requires_return_decision(outcome: DecisionOutcome, mode: ReturnDecisionMode | None) -> bool:
    # APR Art 37: not required when a return decision existed before the application was made.
    return outcome in RETURN_DECISION_OUTCOMES and mode is not ReturnDecisionMode.PRE_EXISTING


@dataclass
class Decision:
    id: str
    application_id: str
    outcome: DecisionOutcome
    procedure_type: ProcedureType
    legal_basis: list[str]
    notified_at: datetime
    return_decision_required: bool
    return_decision_mode: ReturnDecisionMode | None
    decided_at: datetime


@dataclass
class Application:
    id: str
    person_id: str
    member_state: str
    person: dict[str, Any]
    made_at: datetime
    registered_at: datetime
    registration_deadline: date
    lodging_deadline: date
    created_at: datetime
    screening_case_id: str | None = None
    # What screening found (SR 17 form, routing facts, Eurodac hits): the input of procedure routing (APR 42-45).
    screening_referral: dict[str, Any] | None = None
    unaccompanied_minor: bool = False
    status: ApplicationStatus = ApplicationStatus.REGISTERED
    version: int = 1
    decision: Decision | None = field(default=None)

    def decide(
        self,
        *,
        outcome: DecisionOutcome,
        procedure_type: ProcedureType,
        notified_at: datetime,
        return_decision_mode: ReturnDecisionMode | None,
        now: datetime,
    ) -> Decision:
        """Record the first-instance decision (APR Art 36); only a registered application can be decided."""
        if self.status is not ApplicationStatus.REGISTERED:
            raise TransitionNotAllowed(
                f"application {self.id} is {self.status}, it cannot be decided again", current_status=self.status.value
            )
        if notified_at < self.made_at:
            raise InvalidData("notified_at is before the application was made")
        # APR Art 36(1): a decision is issued once notified; a notification still to come is no fact yet.
        if notified_at > now:
            raise InvalidData("notified_at lies in the future")
        required = requires_return_decision(outcome, return_decision_mode)
        if return_decision_mode is not None and outcome not in RETURN_DECISION_OUTCOMES:
            raise InvalidData(f"a return decision mode only applies to the APR Art 37 outcomes, not {outcome}")
        legal_basis = list(OUTCOME_LEGAL_BASIS[outcome]) + (["APR Art 37"] if required else [])
        self.decision = Decision(
            id=str(uuid.uuid4()),
            application_id=self.id,
            outcome=outcome,
            procedure_type=procedure_type,
            legal_basis=legal_basis,
            notified_at=notified_at,
            return_decision_required=required,
            return_decision_mode=return_decision_mode or (ReturnDecisionMode.SEPARATE_ACT if required else None),
            decided_at=now,
        )
        self.status = ApplicationStatus.DECIDED
        return self.decision
