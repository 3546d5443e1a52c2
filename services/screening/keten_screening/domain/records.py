"""What each screening step records (SR 8(5)(a)-(g), 9, 11-17), with who recorded it and when.

Each record replaces the previous one of its kind as a whole; the audit log keeps the history.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from keten_screening.domain.identity import DocumentType, IdentityStatus
from keten_shared.events.catalog.common import CountryCode, MemberState


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Filled in by the service from the caller's token and the clock; whatever a client sends is replaced.
    recorded_by: str = Field("", json_schema_extra={"readOnly": True})
    recorded_at: AwareDatetime | None = Field(None, json_schema_extra={"readOnly": True})


class CheckOutcome(StrEnum):
    DONE = "DONE"
    NOT_POSSIBLE = "NOT_POSSIBLE"


class Check(Record):
    """A check that may turn out impossible; then the reason is mandatory (chapter §7)."""

    outcome: CheckOutcome = CheckOutcome.DONE
    not_possible_reason: str | None = Field(None, max_length=500)

    @model_validator(mode="after")
    def _reason_when_not_possible(self) -> Check:
        if self.outcome is CheckOutcome.NOT_POSSIBLE and not self.not_possible_reason:
            raise ValueError("a check that was not possible needs not_possible_reason")
        return self


class Channel(StrEnum):
    ORAL = "ORAL"
    WRITTEN = "WRITTEN"
    AUDIOVISUAL = "AUDIOVISUAL"


class InformationProvided(Record):
    """SR Art 11: the person was told the purpose, duration, steps and outcomes of screening and their rights."""

    provided_at: AwareDatetime
    language: str = Field(min_length=2, max_length=35, description="BCP 47 tag or language name")
    channel: Channel
    interpreter: bool = False


class HealthCheck(Check):
    """SR Art 12(1)-(2): preliminary health check by qualified medical personnel."""

    medical_staff: str = Field(min_length=1, max_length=200)
    needs: list[str] = Field(default_factory=list)
    isolation_required: bool = False
    no_further_check_necessary: bool = False
    emergency_care_only: bool = Field(False, description="only emergency care so far (allowed before a UAM safeguard)")
    usable_as_apr_24_examination: bool = False


class Vulnerability(StrEnum):
    MINOR = "MINOR"
    UNACCOMPANIED_MINOR = "UNACCOMPANIED_MINOR"
    STATELESSNESS_INDICATION = "STATELESSNESS_INDICATION"
    TORTURE_OR_INHUMAN_TREATMENT = "TORTURE_OR_INHUMAN_TREATMENT"
    TRAFFICKING_INDICATION = "TRAFFICKING_INDICATION"
    DISABILITY = "DISABILITY"
    SERIOUS_ILLNESS = "SERIOUS_ILLNESS"
    MENTAL_HEALTH = "MENTAL_HEALTH"
    PREGNANCY = "PREGNANCY"
    ELDERLY = "ELDERLY"
    SINGLE_PARENT_WITH_MINOR = "SINGLE_PARENT_WITH_MINOR"
    GENDER_BASED_VIOLENCE = "GENDER_BASED_VIOLENCE"
    OTHER = "OTHER"


class VulnerabilityCheck(Check):
    """SR Art 12(3)-(5): preliminary vulnerability check; special reception and procedural needs (SR 17(1)(e))."""

    vulnerabilities: list[Vulnerability] = Field(default_factory=list)
    special_reception_needs: list[str] = Field(default_factory=list)
    special_procedural_needs: list[str] = Field(default_factory=list)
    notes: str = Field("", max_length=2000)


class MinorStatus(Record):
    """SR Art 13: minors; an unaccompanied minor is assisted by a representative or a trained person."""

    minor: bool
    unaccompanied: bool = False
    claimed_age: int | None = Field(None, ge=0, le=17)
    age_doubt: bool = Field(False, description="doubt whether the person is under 18: minor safeguards apply")
    age_doubt_around_six: bool = Field(False, description="ED 14(1): treated as under 6, no Eurodac biometrics")
    representative_id: str | None = None
    trained_person_id: str | None = None
    accompanying_adult_case_id: str | None = None
    age_assessment_ref: str | None = Field(None, description="needed to record that a claimed minor is an adult")

    @model_validator(mode="after")
    def _consistent(self) -> MinorStatus:
        if self.unaccompanied and not self.minor:
            raise ValueError("only a minor can be unaccompanied")
        if not self.minor and self.claimed_age is not None:
            raise ValueError("claimed_age is a minor's claimed age")
        return self

    @property
    def safeguarded(self) -> bool:
        return bool(self.representative_id or self.trained_person_id)


class DocumentRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: DocumentType
    number: str = Field(min_length=1, max_length=50)
    issuing_country: str = Field(pattern=r"^[A-Z]{3}$")
    expiry: date | None = None
    authentic: bool | None = None
    mrz: list[str] | None = Field(None, description="the machine-readable zone as read, one string per line")
    mrz_failed_checks: list[str] = Field(default_factory=list, description="ICAO 9303 check digits that failed")
    findings: list[str] = Field(default_factory=list, description="expired, not authentic, MRZ disagreeing")


class Identification(Check):
    """SR Art 14: identity and travel documents, databases consulted, nationality (SR 17(1)(a)-(b))."""

    documents: list[DocumentRecord] = Field(default_factory=list)
    nationalities: list[CountryCode] = Field(default_factory=list)
    stateless: bool = False
    nationality_unknown: bool = False
    identity_status: IdentityStatus = IdentityStatus.UNKNOWN
    identity_confirmed_by_authorities: bool = Field(False, description="SR 17(3): confirmed, not only declared")
    cir_match: bool = False
    misleading_identity_or_destroyed_documents: bool = Field(False, description="signal for APR 42(1)(c)")


class SecuritySystem(StrEnum):
    """SR Art 15(2): the databases a security check consults."""

    SIS = "SIS"
    EES = "EES"
    ETIAS = "ETIAS"
    ETIAS_WATCHLIST = "ETIAS_WATCHLIST"
    VIS = "VIS"
    ECRIS_TCN = "ECRIS_TCN"
    EUROPOL = "EUROPOL"
    INTERPOL = "INTERPOL"
    NATIONAL = "NATIONAL"


class SecurityCheck(Check):
    """SR Art 15-16: the form says only whether a hit occurred (SR 17(1)(h)); details stay restricted."""

    systems_consulted: list[SecuritySystem] = Field(default_factory=list)
    hit: bool = False
    restricted_ref: str | None = Field(None, description="reference to the restricted security sub-record")
    security_flag: bool = Field(False, description="ED 22(3)(d), 23(3)(e), 24(3)(f): possible threat")
    flag_reason: str | None = None


class BiometricsOutcome(StrEnum):
    CAPTURED = "CAPTURED"
    REFUSED = "REFUSED"
    NOT_TAKEN = "NOT_TAKEN"


class NotTakenReason(StrEnum):
    UNDER_6 = "UNDER_6"  # ED 14(1)
    HEALTH = "HEALTH"  # ED 15(2), 22(6), 23(5), 24(5)
    FINGERTIPS = "FINGERTIPS"  # ED 13(5), 28(1)
    ALREADY_REGISTERED = "ALREADY_REGISTERED"  # SR 8(5)(d): "as far as not yet done"


class Coercion(BaseModel):
    """ED 13(3): coercion only as a last resort, recorded for the monitoring mechanism (SR 10)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    applied_by: str
    method: str
    justification: str


class Biometrics(Record):
    """SR 8(5)(d), ED 13: capture of fingerprints and facial image; only an opaque template reference leaves the
    capture station, and never this service."""

    outcome: BiometricsOutcome
    not_taken_reason: NotTakenReason | None = None
    template_ref: str | None = Field(None, description="opaque reference to the captured template")
    taken_at: AwareDatetime | None = Field(None, description="when the biometrics were taken; default: when recorded")
    trained_official: bool = False
    representative_present: bool = False
    coercion: Coercion | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Biometrics:
        if self.outcome is BiometricsOutcome.CAPTURED and not self.template_ref:
            raise ValueError("captured biometrics need their template_ref")
        if self.outcome is BiometricsOutcome.NOT_TAKEN and self.not_taken_reason is None:
            raise ValueError("biometrics not taken need not_taken_reason")
        if self.outcome is not BiometricsOutcome.CAPTURED and self.template_ref:
            raise ValueError("only captured biometrics have a template_ref")
        return self


class Compliance(StrEnum):
    COMPLIED = "COMPLIED"
    PARTIAL = "PARTIAL"
    REFUSED = "REFUSED"


class Cooperation(Record):
    """SR Art 9: availability (9(1)), identity data and documents (9(2)(a)), biometrics (9(2)(b))."""

    availability: Compliance = Compliance.COMPLIED
    identity_data: Compliance = Compliance.COMPLIED
    biometrics: Compliance = Compliance.COMPLIED
    note: str = Field("", max_length=2000)

    @property
    def complied(self) -> bool:
        return {self.availability, self.identity_data, self.biometrics} == {Compliance.COMPLIED}


class FamilyMember(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    member_state: MemberState
    relation: str = Field(min_length=1, max_length=100)
    name: str = Field("", max_length=200)


class Route(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    point_of_departure: str = ""
    earlier_places_of_residence: list[str] = Field(default_factory=list)
    transit_countries: list[CountryCode] = Field(default_factory=list)
    protection_sought_or_obtained_in: list[CountryCode] = Field(default_factory=list)
    intended_destination: str = ""


class FormDetails(Record):
    """SR 17(1)(a), (b), (g) as declared, and the optional items of SR 17(2)."""

    place_of_birth: str = Field("", max_length=200)
    languages: list[str] = Field(default_factory=list)
    prior_residence_countries: list[CountryCode] = Field(default_factory=list)
    family_in_member_states: list[FamilyMember] = Field(default_factory=list)
    reasons_for_arrival: str = Field("", max_length=2000)
    route: Route = Field(default_factory=Route)
    remarks: str = Field("", max_length=2000)
    suspected_smuggling: bool = False
    suspected_trafficking: bool = False


class FormReview(Record):
    """SR 17(3): before the form goes out, the person may point out incorrect information; that is recorded."""

    reviewed_with_person_at: AwareDatetime
    corrections_pointed_out: list[str] = Field(default_factory=list)


class RestrictionMeasure(StrEnum):
    NONE = "NONE"
    ALTERNATIVE = "ALTERNATIVE"
    DETENTION = "DETENTION"


class Restriction(Record):
    """SR 6, 7(1), recital 11: how the person is kept available; detention only as a last resort (design)."""

    measure: RestrictionMeasure
    legal_basis: str = Field("", max_length=200)
    review_date: date | None = None

    @model_validator(mode="after")
    def _basis_for_measures(self) -> Restriction:
        if self.measure is not RestrictionMeasure.NONE and not self.legal_basis:
            raise ValueError("a restriction measure needs its legal basis")
        return self
