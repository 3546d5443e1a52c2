"""Request and response bodies of the asylum REST API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from keten_asylum.domain.decision import Appeal, AppealResult, CourtRuling, Decision, NotifiedTo
from keten_asylum.domain.model import Application, ApplicationStatus, DublinStatus
from keten_shared.events.catalog.asylum import (
    AcceleratedGround,
    AdmissibilityGround,
    DecisionOutcome,
    EntrySituation,
    FamilyMember,
    IdentityDocument,
    ImplicitWithdrawalGround,
    ProcedureType,
    ProtectionOutcome,
    ProtectionWithdrawalGround,
    ReturnDecisionMode,
    RoutedProcedure,
    WithdrawalType,
)
from keten_shared.events.catalog.common import CountryCode, PersonDetails


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewApplication(Strict):
    person: PersonDetails
    person_id: str | None = Field(None, min_length=1, max_length=200, description="known person; new if omitted")
    made_at: AwareDatetime = Field(description="when the person expressed the wish for protection (APR Art 26)")
    authority: str | None = Field(None, max_length=200, description="the authority it was made to (APR 27(1)(c))")
    place: str | None = Field(None, max_length=200)
    unaccompanied_minor: bool = False
    previous_application_ref: str | None = Field(
        None, min_length=1, max_length=200, description="APR Art 55: a final decision exists on this application"
    )


class NewRegistration(Strict):
    """APR Art 27(1): what the screening form already holds is not asked again."""

    stateless: bool = False
    place_of_birth: str = Field("", max_length=200)
    family_members: list[FamilyMember] = Field(default_factory=list, max_length=50)
    documents: list[IdentityDocument] = Field(default_factory=list, max_length=20)
    address: str | None = Field(None, max_length=500, description="APR Art 27(1)(d)")
    phone: str | None = Field(None, max_length=50)
    email: str | None = Field(None, max_length=200)
    information_confirmed: bool | None = Field(
        None, description="APR Art 8(2): the applicant confirmed receiving the information (false: refused)"
    )


class NewLodging(Strict):
    lodged_at: AwareDatetime
    mode: Literal["IN_PERSON", "FORM"] = Field("IN_PERSON", description="APR Art 28(3)-(4)")


class BorderInput(Strict):
    """APR Art 43(1), 53(2): the border facts; what screening recorded is used unless given here."""

    entry_situation: EntrySituation | None = None
    entry_authorised: bool = False
    entry_conditions_met: bool = False
    support_for_special_reception_needs: bool = True
    support_for_special_procedural_needs: bool = True
    medical_reasons: bool = False
    detention_guarantees_met: bool = True
    detention_needed: bool = False


class RoutingInput(Strict):
    """What the caseworker established; the rest (nationality, age, border situation) comes from the file."""

    established_grounds: list[AcceleratedGround] = Field(
        default_factory=list, description="APR Art 42(1)(a)-(i); (j) is computed from the recognition rates"
    )
    admissibility_grounds: list[AdmissibilityGround] = Field(default_factory=list)
    recognition_rate_exception: str | None = Field(
        None, max_length=500, description="APR 42(1)(j): significant change, or a category the rate does not represent"
    )
    new_elements: bool | None = Field(None, description="APR Art 55(3): outcome of a preliminary examination")
    former_habitual_residence: CountryCode | None = None
    family_with_minors: bool = False
    minor_under_12_or_family: bool = False
    special_procedural_needs_unsupported: bool = Field(False, description="APR Art 21(2)")
    instrumentalised: bool = False
    border: BorderInput | None = None

    def overrides(self) -> dict[str, Any]:
        """What the caseworker established, as RoutingFacts fields (the case facts of a what-if excluded)."""
        values = self.model_dump(include=set(RoutingInput.model_fields) - {"border"}, exclude_unset=True)
        for key in ("established_grounds", "admissibility_grounds"):
            if key in values:
                values[key] = frozenset(getattr(self, key))
        if self.border is not None:
            values["border"] = self.border.model_dump(exclude_unset=True)
        return values


class EvaluationInput(RoutingInput):
    """The what-if of routing: the facts of a case that need not exist yet."""

    nationalities: list[CountryCode] = Field(min_length=0, max_length=5)
    stateless: bool = False
    subsequent: bool = False
    unaccompanied_minor: bool = False
    age_disputed: bool = False
    dublin_pending: bool = False
    relocated_67_11: bool = False
    made_at: AwareDatetime
    registered_at: AwareDatetime | None = None
    lodged_at: AwareDatetime | None = None


class GroundOut(BaseModel):
    code: str
    article: str
    detail: str


class StepOut(BaseModel):
    step: str
    article: str
    finding: str


class RateOut(BaseModel):
    country: str
    rate: float
    reference_year: int
    release: str


class RoutingOut(BaseModel):
    procedure: RoutedProcedure
    mandatory: bool
    grounds: list[GroundOut]
    steps: list[StepOut]
    recognition_rate: RateOut | None
    data_gaps: list[str]
    border_excluded_reason: str | None
    capacity_relief: str | None
    merits_blocked_by_dublin: bool
    border_maximum_weeks: int | None
    examination_deadline: date = Field(description="APR Art 35 (or the APR 51(2) border maximum), under APR Art 73")
    examination_deadline_basis: str
    release: str | None = Field(description="the recognition-rate release consulted")


class NewExtension(Strict):
    ground: Literal["DISPROPORTIONATE_NUMBERS", "COMPLEXITY", "APPLICANT_FAULT"] = Field(
        description="APR Art 35(2), (5)(a)-(c)"
    )


class NewPostponement(Strict):
    country: CountryCode = Field(description="the country of origin whose situation is uncertain")
    reasons: str = Field(min_length=1, max_length=20_000, description="told to the applicant (APR Art 35(7))")


class PostponementReview(Strict):
    reasons: str = Field(min_length=1, max_length=20_000, description="the situation as reviewed")


class NewDecision(Strict):
    outcome: DecisionOutcome
    notified_at: AwareDatetime
    return_decision_mode: ReturnDecisionMode | None = Field(
        None, description="APR Art 37: how the return decision is issued; default SEPARATE_ACT where one is due"
    )
    admissibility_ground: AdmissibilityGround | None = Field(None, description="APR Art 38: for INADMISSIBLE")
    accelerated_grounds: list[AcceleratedGround] | None = Field(
        None, description="APR Art 42 grounds the decision rests on; default: those of the routing"
    )
    reasons: str | None = Field(None, max_length=20_000, description="APR Art 36(2): reasons in fact and law")
    notified_to: NotifiedTo = NotifiedTo.APPLICANT
    language: str | None = Field(None, max_length=40, description="APR Art 36(3)")


class NewWithdrawal(Strict):
    """APR Art 40: the applicant withdrew in writing; APR Art 41: the authority found an implicit withdrawal."""

    type: WithdrawalType
    ground: ImplicitWithdrawalGround | None = Field(None, description="APR Art 41(1)(a)-(f); only for IMPLICIT")
    withdrawn_at: AwareDatetime = Field(description="the written withdrawal received, or the finding made")
    notified_at: AwareDatetime = Field(description="the decision declaring the withdrawal notified (APR Art 36)")
    return_decision_mode: ReturnDecisionMode | None = Field(
        None, description="APR Art 37: how the return decision is issued; default SEPARATE_ACT"
    )
    reasons: str | None = Field(None, max_length=20_000)
    language: str | None = Field(None, max_length=40)


class NewProtectionWithdrawal(Strict):
    """APR Art 66; QR Art 14, 19: withdraw the protection granted, after written notice to the person."""

    ground: ProtectionWithdrawalGround
    notice_given_at: AwareDatetime = Field(description="APR Art 66(1)(a): the written notice of reconsideration")
    notified_at: AwareDatetime
    reasons: str = Field(min_length=1, max_length=20_000, description="APR Art 66(3): reasons in fact and law")
    language: str | None = Field(None, max_length=40)


class DecisionOut(BaseModel):
    id: str
    outcome: DecisionOutcome | ProtectionOutcome
    procedure_type: ProcedureType
    procedure: RoutedProcedure | None
    legal_basis: list[str]
    grounds_applied: list[str] | None
    reasons: str | None
    notified_at: datetime
    notified_to: NotifiedTo
    language: str | None
    return_decision_required: bool
    return_decision_mode: ReturnDecisionMode | None
    appealable: bool
    appeal_rule: str | None
    appeal_deadline: date | None
    automatic_suspensive_effect: bool
    remain_request_deadline: date | None
    decided_at: datetime
    annulled_at: datetime | None
    return_decision_id: str | None = Field(description="APR Art 37: the return decision issued for this one")
    return_decision_issued_at: datetime | None

    @classmethod
    def of(cls, decision: Decision) -> DecisionOut:
        return cls.model_validate(decision, from_attributes=True)


class MissingReturnDecision(BaseModel):
    application_id: str
    decision_id: str
    outcome: DecisionOutcome
    notified_at: datetime
    decided_at: datetime


class NewAppeal(Strict):
    lodged_at: AwareDatetime
    court_reference: str | None = Field(None, max_length=200)


class AppealOut(BaseModel):
    id: str
    decision_id: str
    lodged_at: datetime
    in_time: bool
    suspensive: bool
    court_reference: str | None
    suspension_ruling: CourtRuling | None
    result: AppealResult | None
    decided_at: datetime | None

    @classmethod
    def of(cls, appeal: Appeal) -> AppealOut:
        return cls.model_validate(appeal, from_attributes=True)


class AppealOutcome(Strict):
    result: AppealResult


class NewRemainRequest(Strict):
    lodged_at: AwareDatetime


class RemainRuling(Strict):
    ruling: CourtRuling


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
    previous_application_ref: str | None = Field(description="APR Art 55: the final decision this one follows")
    subsequent_ordinal: int = Field(description="0 for a first application, 1 for the first subsequent one, ...")
    made_at: datetime
    made_to_authority: str | None
    made_place: str | None
    registration_deadline: date | None = Field(description="APR Art 27(1); none yet while SR 5(1) screening runs")
    registered_at: datetime | None
    registration: dict[str, Any] | None
    lodging_deadline: date | None = Field(description="APR Art 28(1) or 51(1), computed under APR Art 73")
    lodged_at: datetime | None
    lodging_mode: str | None
    procedure: RoutedProcedure | None
    routing: dict[str, Any] | None
    examination_deadline: date | None
    examination_extended: str | None
    examination_overdue_since: datetime | None
    border_deadline: date | None = Field(description="APR Art 51(2): the end of the border procedure, all stages")
    dublin_status: DublinStatus
    right_to_remain: bool
    right_to_remain_until: date | None
    right_to_remain_basis: str | None
    final_at: datetime | None
    postponed_at: datetime | None
    postponement_country: str | None
    postponement_review_due: date | None = Field(description="APR Art 35(7): the next review, at most 4 months on")
    version: int
    decision: DecisionOut | None
    appeals: list[AppealOut]

    @classmethod
    def of(cls, application: Application) -> ApplicationOut:
        return cls.model_validate(application, from_attributes=True)
