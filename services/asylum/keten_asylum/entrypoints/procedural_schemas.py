"""Request and response bodies of the procedural-guarantees API (APR Art 11-16, 20-23)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from keten_asylum.domain.counselling import CounsellingRefusalGround, CounsellingStatus
from keten_asylum.domain.interviews import (
    ApplicantConfirmation,
    ConfirmationWaiver,
    InterviewOutcome,
    InterviewRecord,
    InterviewType,
    OmissionGround,
    PostponementReason,
)
from keten_asylum.domain.procedural import ExtensionGround
from keten_asylum.domain.representatives import EndReason, RepresentativeRole

Uri = Annotated[str, Field(max_length=1000, pattern=r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")]
Text = Annotated[str, Field(min_length=1, max_length=5000)]
Reference = Annotated[str, Field(min_length=1, max_length=200)]
Need = Annotated[str, Field(min_length=1, max_length=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- interviews ------------------------------------------------------------------------------------------------------


class NewInterview(Strict):
    """A held interview and its record (APR Art 13, 14)."""

    type: InterviewType = Field(description="ADMISSIBILITY (APR Art 11) or SUBSTANTIVE (APR Art 12)")
    held_at: AwareDatetime
    interviewer_id: Reference
    interviewer_uniformed: bool = Field(
        description="APR Art 13: declare false; an interviewer in military or law-enforcement uniform is refused"
    )
    interpreter_language: str | None = Field(
        None, max_length=35, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", description="BCP 47 tag (APR Art 13)"
    )
    cultural_mediator: bool = False
    legal_adviser_present: bool = False
    representative_present: bool = False
    child_sensitive: bool = Field(False, description="APR Art 22: required for a minor")
    recording_uri: Uri | None = None
    transcript_uri: Uri | None = None
    applicant_confirmation: ApplicantConfirmation = Field(description="APR Art 14")
    confirmation_waiver: ConfirmationWaiver | None = Field(None, description="APR Art 14: with NOT_REQUIRED")

    def record(self) -> InterviewRecord:
        return InterviewRecord(**self.model_dump())


class NewOmission(Strict):
    type: InterviewType
    ground: OmissionGround = Field(description="APR Art 13(11)(a)-(e)")
    reasons: Text
    written_submissions_offered: bool = Field(False, description="APR Art 13(11)(c): required for that ground")


class NewPostponement(Strict):
    type: InterviewType
    reason: PostponementReason = Field(description="APR Art 13(11)")
    medical_professional_consulted: bool = False
    rescheduled_for: AwareDatetime | None = None
    reasons: Text | None = None


class InterviewOut(Out):
    id: str
    type: InterviewType
    outcome: InterviewOutcome
    legal_basis: str
    recorded_at: datetime
    held_at: datetime | None
    interviewer_id: str | None
    interpreter_language: str | None
    cultural_mediator: bool
    legal_adviser_present: bool
    representative_present: bool
    child_sensitive: bool
    recording_uri: str | None
    transcript_uri: str | None
    applicant_confirmation: ApplicantConfirmation | None
    confirmation_waiver: ConfirmationWaiver | None
    omission_ground: OmissionGround | None
    written_submissions_offered: bool | None
    postponement_reason: PostponementReason | None
    medical_professional_consulted: bool | None
    rescheduled_for: datetime | None
    reasons: str | None


# --- free legal counselling ------------------------------------------------------------------------------------------


class NewCounsellingRequest(Strict):
    requested_at: AwareDatetime


class CounsellingProvision(Strict):
    provided_at: AwareDatetime
    provider: Reference


class CounsellingRefusal(Strict):
    ground: CounsellingRefusalGround = Field(description="APR Art 16")
    reasons: Text


class CounsellingOut(Out):
    id: str
    requested_at: datetime
    status: CounsellingStatus
    provided_at: datetime | None
    provider: str | None
    refusal_ground: CounsellingRefusalGround | None
    reasons: str | None
    decided_at: datetime | None


# --- time limits -----------------------------------------------------------------------------------------------------


class LimitOut(Out):
    deadline: date = Field(description="the last day, under APR Art 73")
    legal_basis: str
    met_at: datetime | None
    overdue_since: datetime | None
    extension_ground: ExtensionGround | None
    extended_at: datetime | None


# --- special procedural guarantees -----------------------------------------------------------------------------------


class NewAssessment(Strict):
    """APR Art 20; a new assessment on a relevant change replaces the current one."""

    assessed_at: AwareDatetime
    needs: list[Need] = Field(max_length=30, description="the special procedural needs found; empty: none")
    adequate_support: bool = Field(description="APR Art 21(2): whether adequate support can be provided")
    medical_examination: bool = Field(False, description="APR Art 20: integrated with a medical examination")
    support_measures: Text | None = None
    reasons: Text | None = None


class AssessmentOut(Out):
    id: str
    assessed_at: datetime
    needs: list[str]
    adequate_support: bool
    special_procedural_needs_unsupported: bool = Field(description="the routing fact of APR Art 21(2), 53(2)(c)")
    review: bool
    in_time: bool
    medical_examination: bool
    support_measures: str | None
    reasons: str | None
    recorded_at: datetime
    superseded_at: datetime | None


class ScreeningFindings(BaseModel):
    """What the preliminary vulnerability check of screening found (SR 12(3)): the input of the assessment."""

    vulnerabilities: list[str]
    special_reception_needs: list[str]
    special_procedural_needs: list[str]


class GuaranteesOut(BaseModel):
    limit: LimitOut | None = Field(description="T4: 30 days from the making (APR Art 20)")
    current: AssessmentOut | None
    history: list[AssessmentOut]
    screening_findings: ScreeningFindings | None = Field(
        description="APR Art 20(1), SR 12(3): screening's findings; None without a referral from screening"
    )


# --- the representative of an unaccompanied minor --------------------------------------------------------------------


class NewProvisionalPerson(Strict):
    person_id: Reference
    name: Reference
    organisation: Reference | None = None
    appointed_at: AwareDatetime


class NewRepresentative(NewProvisionalPerson):
    change_ground: Literal["INADEQUATE_PERFORMANCE"] | None = Field(
        None, description="APR Art 23: to change the representative who acts"
    )


class NewRepresentativeExtension(Strict):
    ground: ExtensionGround = Field(description="APR Art 23(3)")
    reasons: Text | None = None


class AppointmentOut(Out):
    id: str
    role: RepresentativeRole
    person_id: str
    name: str
    organisation: str | None
    appointed_at: datetime
    recorded_at: datetime
    in_time: bool | None
    ended_at: datetime | None
    end_reason: EndReason | None


class RepresentationOut(BaseModel):
    limit: LimitOut | None = Field(description="T5: 15 working days from the making, 25 if extended (APR Art 23)")
    provisional: AppointmentOut | None
    representative: AppointmentOut | None
    appointments: list[AppointmentOut]
