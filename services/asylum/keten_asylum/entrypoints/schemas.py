"""Request and response bodies of the asylum REST API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from keten_asylum.domain.model import Application, ApplicationStatus, Decision
from keten_shared.events.catalog.asylum import DecisionOutcome, ProcedureType, ReturnDecisionMode
from keten_shared.events.catalog.common import PersonDetails


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewApplication(Strict):
    person: PersonDetails
    person_id: str | None = Field(None, min_length=1, max_length=200, description="known person; new if omitted")
    made_at: AwareDatetime = Field(description="when the person expressed the wish for protection (APR Art 26)")
    unaccompanied_minor: bool = False


class NewDecision(Strict):
    outcome: DecisionOutcome
    procedure_type: ProcedureType = ProcedureType.REGULAR
    notified_at: AwareDatetime
    return_decision_mode: ReturnDecisionMode | None = Field(
        None, description="APR Art 37: how the return decision is issued; default SEPARATE_ACT where one is due"
    )


class DecisionOut(BaseModel):
    id: str
    outcome: DecisionOutcome
    procedure_type: ProcedureType
    legal_basis: list[str]
    notified_at: datetime
    return_decision_required: bool
    return_decision_mode: ReturnDecisionMode | None
    decided_at: datetime

    @classmethod
    def of(cls, decision: Decision) -> DecisionOut:
        return cls.model_validate(decision, from_attributes=True)


class ApplicationOut(BaseModel):
    id: str
    person_id: str
    member_state: str
    person: PersonDetails
    status: ApplicationStatus
    screening_case_id: str | None
    screening_referral: dict[str, Any] | None = Field(
        description="the screening form, routing facts and Eurodac facts the referral brought (SR 17, 18)"
    )
    unaccompanied_minor: bool
    made_at: datetime
    registered_at: datetime
    registration_deadline: date = Field(description="APR Art 27(1), computed under APR Art 73")
    lodging_deadline: date = Field(description="APR Art 28(1), computed under APR Art 73")
    version: int
    decision: DecisionOut | None

    @classmethod
    def of(cls, application: Application) -> ApplicationOut:
        return cls.model_validate(application, from_attributes=True)
