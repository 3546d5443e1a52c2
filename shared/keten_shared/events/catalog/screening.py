"""Events of the screening service (Reg. (EU) 2024/1356)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from keten_shared.events.catalog.common import CountryCode, Identifier, MemberState, PersonDetails
from keten_shared.events.registry import EventData, event_type


class ScreeningReason(StrEnum):
    BORDER_IRREGULAR = "BORDER_IRREGULAR"  # SR 5(1)(a)
    BORDER_SAR = "BORDER_SAR"  # SR 5(1)(b)
    BORDER_BCP_APPLICANT = "BORDER_BCP_APPLICANT"  # SR 5(2)
    TERRITORY = "TERRITORY"  # SR 7(1)


class ReferralTarget(StrEnum):
    ASYLUM = "ASYLUM"
    RETURN = "RETURN"
    RELOCATION = "RELOCATION"


class ReferralOutcome(StrEnum):
    REFERRED_ASYLUM = "REFERRED_ASYLUM"
    REFERRED_RETURN = "REFERRED_RETURN"
    REFERRED_RELOCATION = "REFERRED_RELOCATION"
    CONTINUE_RETURN = "CONTINUE_RETURN"


class Completion(StrEnum):
    COMPLETE = "COMPLETE"
    INCOMPLETE = "INCOMPLETE"


class Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class FormHealthCheck(Part):
    done: bool
    at: AwareDatetime | None = None
    needs: list[str] = Field(default_factory=list)
    isolation_required: bool = False
    no_further_check_necessary: bool = False
    not_possible_reason: str | None = None


class FormVulnerabilityCheck(Part):
    done: bool
    at: AwareDatetime | None = None
    vulnerabilities: list[str] = Field(default_factory=list)
    special_reception_needs: list[str] = Field(default_factory=list)
    special_procedural_needs: list[str] = Field(default_factory=list)
    not_possible_reason: str | None = None


class FormFamilyMember(Part):
    member_state: MemberState
    relation: str
    name: str = ""


class FormDocument(Part):
    type: str
    number: str
    issuing_country: str
    expiry: date | None = None
    authentic: bool | None = None


class FormRoute(Part):
    point_of_departure: str = ""
    earlier_places_of_residence: list[str] = Field(default_factory=list)
    transit_countries: list[CountryCode] = Field(default_factory=list)
    protection_sought_or_obtained_in: list[CountryCode] = Field(default_factory=list)
    intended_destination: str = ""


class ScreeningForm(Part):
    """The screening form of SR Art 17: items (a)-(i) of 17(1), the optional items of 17(2), and 17(3)."""

    family_name: str = Field(description="SR 17(1)(a)")
    given_names: str = ""
    date_of_birth: date | None = None
    place_of_birth: str = ""
    sex: str = Field("U", description="SR 17(1)(a) gender: F, M, X or U (unknown)")
    identity_confirmed_by_authorities: bool = Field(
        False, description="SR 17(3): items (a) and (b) confirmed by the authorities, not only declared"
    )
    nationalities: list[CountryCode] = Field(default_factory=list, description="SR 17(1)(b)")
    stateless: bool = False
    nationality_unknown: bool = False
    prior_residence_countries: list[CountryCode] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    screening_reason: ScreeningReason = Field(description="SR 17(1)(c)")
    health_check: FormHealthCheck = Field(description="SR 17(1)(d)")
    vulnerability_check: FormVulnerabilityCheck = Field(description="SR 17(1)(e)")
    application_made: bool = Field(description="SR 17(1)(f)")
    application_made_at: AwareDatetime | None = None
    family_in_member_states: list[FormFamilyMember] = Field(default_factory=list, description="SR 17(1)(g)")
    security_db_hit: bool | None = Field(
        description="SR 17(1)(h): whether a database consulted gave a hit; left out of the person's copy"
    )
    cooperation_complied: bool | None = Field(description="SR 17(1)(i); None while not assessed")
    documents: list[FormDocument] = Field(default_factory=list, description="SR 17(2): documents held")
    reasons_for_arrival: str = ""
    route: FormRoute = Field(default_factory=FormRoute)
    remarks: str = ""
    suspected_smuggling: bool = False
    suspected_trafficking: bool = False
    reviewed_with_person_at: AwareDatetime | None = Field(None, description="SR 17(3)")
    corrections_pointed_out: list[str] = Field(default_factory=list, description="SR 17(3)")


class AsylumRoutingFacts(Part):
    """What the asylum service needs to route an application (screening chapter §4; APR 42, 43, 45)."""

    sr_category: str = Field(description="'5(1)', '5(2)' or '7': whether APR Art 27(7) applies")
    arrival_mode: str | None = Field(None, description="APR 43(1)(a)-(d); None for screening inside the territory")
    entry_authorised: bool = False
    nationalities: list[CountryCode] = Field(default_factory=list, description="APR 42(1)(j)")
    stateless: bool = False
    identity_status: str = "UNKNOWN"
    misleading_identity_or_destroyed_documents: bool = Field(False, description="APR 42(1)(c)")
    cooperation_complied: bool | None = None
    security_db_hit: bool = Field(False, description="APR 42(1)(f)")
    security_flag: bool = False
    minor: bool = False
    unaccompanied_minor: bool = False
    age_doubt: bool = False
    representative_id: str | None = None
    accompanying_adult_case_id: str | None = Field(
        None, description="SR 13(2): the screening of the adult family member the child was screened with"
    )
    vulnerabilities: list[str] = Field(default_factory=list)
    special_reception_needs: list[str] = Field(default_factory=list)
    special_procedural_needs: list[str] = Field(default_factory=list)
    health_check_usable_as_apr_24_examination: bool = False


class EurodacReference(Part):
    category: str = Field(description="APPLICANT, IRREGULAR_CROSSER, ILLEGALLY_STAYING or SAR")
    reference_number: str = Field(description="ED 37(3)-(4)")
    transmitted_at: AwareDatetime


class EurodacEarlierRecord(Part):
    """An earlier event in another member state shown by a confirmed Eurodac hit (screening chapter §5.2)."""

    category: str
    member_state: MemberState
    date: date
    place: str | None = None
    reference_number: str | None = None
    ms_responsible: MemberState | None = None
    ms_of_relocation: MemberState | None = None


class EurodacFacts(Part):
    """Eurodac data the referral carries: this member state's reference numbers and confirmed hits."""

    references: list[EurodacReference] = Field(default_factory=list)
    earlier_applications: list[EurodacEarlierRecord] = Field(default_factory=list)
    earlier_irregular_entries: list[EurodacEarlierRecord] = Field(default_factory=list)
    earlier_sar_disembarkations: list[EurodacEarlierRecord] = Field(default_factory=list)
    earlier_illegal_stays: list[EurodacEarlierRecord] = Field(default_factory=list)
    protected_in_ms: list[MemberState] = Field(default_factory=list, description="ED 31(1) protection mark")
    residence_document_ms: list[MemberState] = Field(default_factory=list, description="ED 31(4) mark")


@event_type("screening.application.made", version=1, producer="screening")
class ScreeningApplicationMade(EventData):
    """An application for international protection was made during screening (APR Art 26; SR 18(2))."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    screening_reason: ScreeningReason
    made_at: AwareDatetime
    registration_clock_start: str = Field(
        description="MADE: the APR 27(1) period runs from the making; REFERRAL: from the referral (APR 27(7))"
    )
    person: PersonDetails


@event_type("screening.vulnerability.identified", version=1, producer="screening")
class VulnerabilityIdentified(EventData):
    """The preliminary vulnerability check found needs (SR 12(3)); sent at once so reception can act."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    identified_at: AwareDatetime
    vulnerabilities: list[str]
    special_reception_needs: list[str] = Field(default_factory=list)
    special_procedural_needs: list[str] = Field(default_factory=list)
    minor: bool = False
    unaccompanied_minor: bool = False


@event_type("screening.case.referred", version=1, producer="screening")
class ScreeningCaseReferred(EventData):
    """Screening ended and the person is referred onward (SR 18); the screening form travels with it."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    screening_reason: ScreeningReason
    trigger_event_ts: AwareDatetime = Field(description="apprehension, disembarkation or presentation")
    location: str
    referred_at: AwareDatetime
    target: ReferralTarget
    outcome: ReferralOutcome
    basis: str = Field(description="legal basis of the referral, e.g. 'SR Art 18(2)'")
    completion: Completion
    missing_checks: list[str] = Field(default_factory=list)
    application_made_at: AwareDatetime | None = Field(
        None, description="when an application for international protection was made during screening"
    )
    person: PersonDetails
    absconded: bool = Field(False, description="the person absconded and was not found before the limit")
    relocation_member_state: MemberState | None = Field(None, description="SR 18(3): the member state of relocation")
    referral_note: str | None = Field(None, description="SR 18(6): why screening stopped early")
    form: ScreeningForm | None = Field(None, description="SR 17: the screening form travels with the referral")
    asylum_routing: AsylumRoutingFacts | None = Field(None, description="facts for routing an application")
    eurodac: EurodacFacts | None = Field(None, description="reference numbers and confirmed hits (ED 38(4))")


@event_type("eurodac.data.transmitted", version=1, producer="screening")
class EurodacDataTransmitted(EventData):
    """A dataset was transmitted to Eurodac (ED 15, 22, 23, 24); no biometric data in the event."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    category: str
    reference_number: str
    transmitted_at: AwareDatetime
    within_limit: bool
    retention_until: date = Field(description="ED 29: erased automatically after this day")


@event_type("eurodac.transmission.delayed", version=1, producer="screening")
class EurodacTransmissionDelayed(EventData):
    """The transmission limit passed without transmission; the duty remains (ED 15(1), 22(5), 23(4), 24(4))."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    category: str
    legal_end: AwareDatetime
    reason: str = Field(description="BIOMETRICS_REFUSED, BIOMETRICS_NOT_CAPTURED or NOT_YET_TRANSMITTED")


@event_type("eurodac.hit.confirmed", version=1, producer="screening")
class EurodacHitConfirmed(EventData):
    """A fingerprint expert confirmed a Eurodac hit (ED 38(4)); Dublin and asylum act on it."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    confirmed_at: AwareDatetime
    record: EurodacEarlierRecord
    protected_in_ms: list[MemberState] = Field(default_factory=list)
    residence_document_ms: list[MemberState] = Field(default_factory=list)
