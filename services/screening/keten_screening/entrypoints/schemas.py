"""Request and response bodies of the screening REST API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from keten_screening.domain.case import ScreeningCase, ScreeningStatus, Track, TrackState
from keten_screening.domain.eurodac_record import EurodacRecord
from keten_screening.domain.identity import DocumentType
from keten_screening.domain.records import (
    Biometrics,
    Cooperation,
    FormDetails,
    FormReview,
    HealthCheck,
    Identification,
    InformationProvided,
    MinorStatus,
    Restriction,
    SecurityCheck,
    SecuritySystem,
    VulnerabilityCheck,
)
from keten_screening.domain.scope import OutOfScope
from keten_screening.service_layer.handlers import Closure
from keten_shared.events.catalog.common import MemberState, PersonDetails
from keten_shared.events.catalog.screening import Completion, ReferralTarget, ScreeningReason


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewScreening(Strict):
    screening_reason: ScreeningReason = Field(
        description="BORDER_IRREGULAR: apprehended after crossing the external border irregularly (SR 5(1)(a)); "
        "BORDER_SAR: disembarked after search and rescue (SR 5(1)(b)); BORDER_BCP_APPLICANT: applied at a border "
        "crossing point or transit zone (SR 5(2)); TERRITORY: found staying illegally inside the country (SR 7(1))"
    )
    trigger_event_ts: AwareDatetime = Field(
        description="when the person was apprehended, disembarked or presented: every time limit runs from it"
    )
    location: str = Field(min_length=1, max_length=200, description="where the person is screened (SR 8)")
    person: PersonDetails = Field(description="identity as declared or known at intake")
    person_id: str | None = Field(None, min_length=1, max_length=200, description="known person; new if omitted")
    application_made_at: AwareDatetime | None = Field(None, description="required for BORDER_BCP_APPLICANT")
    union_citizen_or_beneficiary_of_free_movement: bool = False
    turned_back_or_held_until_removal: bool = Field(False, description="no Eurodac duty (SR 5(1)(a), ED 22(1))")
    entry_authorised_under_sbc_6_5: bool = False
    humanitarian_entry_with_application: bool = Field(False, description="SBC 6(5)(c) entry, then applied")
    already_screened_in_a_member_state: bool = Field(False, description="TERRITORY only (SR 7(1))")
    handed_over_under_bilateral_agreement: bool = Field(False, description="TERRITORY only (SR 7(2))")


class Start(Strict):
    started_at: AwareDatetime
    held_at_external_border: bool = Field(
        False, description="the person was held at the external border; after 72 hours the 4-day limit applies"
    )


class DocumentIn(Strict):
    type: DocumentType
    number: str = Field(min_length=1, max_length=50)
    issuing_country: str = Field(min_length=1, max_length=3, description="ICAO/ISO code; 'D' is read as DEU")
    expiry: date | None = None
    authentic: bool | None = Field(None, description="result of the document examination; null if not examined")
    mrz: list[str] = Field(default_factory=list, description="the machine-readable zone as read, one line each")


class IdentificationIn(Strict):
    documents: list[DocumentIn] = Field(default_factory=list)
    nationalities: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-3 codes")
    stateless: bool = False
    nationality_unknown: bool = False
    biometric_match: bool = Field(False, description="identity established by a biometric match (CIR, SIS)")
    documents_destroyed: bool = Field(False, description="the person destroyed or disposed of documents")


class SecurityCheckIn(Strict):
    systems: list[SecuritySystem] = Field(
        default_factory=lambda: list(SecuritySystem), description="SR 15(2); leave out what the border check did"
    )
    armed: bool = False
    violent: bool = False
    terrorist_indications: bool = False
    eaw_offence_indications: bool = Field(False, description="offence listed in FD 2002/584 Art 2(2)")


class ApplicationMade(Strict):
    made_at: AwareDatetime = Field(description="when the person asked for international protection (APR Art 26)")


class Relocation(Strict):
    member_state: MemberState = Field(description="the member state of relocation (AMMR Art 67)")


class Absconding(Strict):
    at: AwareDatetime


class Discontinuation(Strict):
    note: str = Field(min_length=1, max_length=2000, description="why screening stops (SR 18(6))")


class ClosureIn(Strict):
    reason: Closure
    note: str | None = Field(None, max_length=2000)


class Merge(Strict):
    into: str = Field(min_length=1, max_length=36, description="the screening this one duplicates")


class HitDecision(Strict):
    confirmed: bool = Field(description="true: the expert confirms the match (ED 38(4)); false: rejects it (38(6))")


class ScreeningOut(BaseModel):
    id: str
    person_id: str
    member_state: str
    screening_reason: ScreeningReason
    trigger_event_ts: datetime
    location: str
    person: PersonDetails
    nationalities: list[str]
    status: ScreeningStatus
    deadline_strict: date = Field(description="SR 8: the last day; the referral is forced at its end")
    deadline_ptl: date = Field(description="SR 8 with the Reg. 1182/71 roll-forward (the legal end)")
    deadline_due_at: datetime | None = Field(description="the instant the referral is forced")
    started_at: datetime | None
    held_at_external_border: bool
    out_of_scope_reason: OutOfScope | None
    application_made_at: datetime | None
    relocation_member_state: str | None
    absconded: bool
    absconded_at: datetime | None
    tracks: dict[Track, TrackState]
    ready_for_referral: bool
    referred_at: datetime | None
    referral_target: ReferralTarget | None
    referral_basis: str | None
    completion: Completion | None
    missing_checks: list[str]
    closed_at: datetime | None
    closure_note: str | None
    merged_into: str | None
    info: InformationProvided | None
    health: HealthCheck | None
    vulnerability: VulnerabilityCheck | None
    minor: MinorStatus | None
    identification: Identification | None
    security: SecurityCheck | None
    biometrics: Biometrics | None
    cooperation: Cooperation | None
    form_details: FormDetails | None
    form_review: FormReview | None
    restriction: Restriction | None
    eurodac: EurodacRecord | None
    version: int

    @classmethod
    def of(cls, case: ScreeningCase) -> ScreeningOut:
        return cls.model_validate(
            {
                **{k: getattr(case, k) for k in cls.model_fields if hasattr(case, k)},
                "tracks": case.tracks(),
                "ready_for_referral": case.ready_for_referral,
            }
        )
