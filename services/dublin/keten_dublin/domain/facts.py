"""The recorded facts the responsibility criteria are evaluated on (dublin chapter §2, input model).

Every fact says how it is shown (formal proof or circumstantial evidence, AMMR Art 40(3)), which evidence
items show it and when the applicant disclosed it (AMMR Art 17(3)). Dates are calendar dates in the zone
of the authority that recorded them; the engine freezes the situation at the first registration in any
member state (AMMR Art 24(2)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Evidence(StrEnum):
    """AMMR Art 40(3)-(4): formal proof determines responsibility; circumstantial evidence is indicative."""

    PROOF = "PROOF"
    CIRCUMSTANTIAL = "CIRCUMSTANTIAL"


@dataclass(frozen=True, kw_only=True)
class Fact:
    """How a fact is shown (AMMR Art 40(3)) and when it was disclosed (AMMR Art 17(3))."""

    evidence: Evidence = Evidence.PROOF
    evidence_ids: tuple[str, ...] = ()
    disclosed_on: date | None = None


class Relation(StrEnum):
    """AMMR Art 2(8) family members, Art 25(2) siblings and Art 2(9) relatives, seen from the applicant."""

    SPOUSE = "SPOUSE"
    PARTNER = "PARTNER"  # unmarried partner in a stable relationship, Art 2(8)(a)
    CHILD = "CHILD"
    PARENT = "PARENT"
    RESPONSIBLE_ADULT = "RESPONSIBLE_ADULT"
    SIBLING = "SIBLING"
    RELATIVE = "RELATIVE"  # adult aunt, uncle or grandparent, Art 2(9)


class FamilyStatus(StrEnum):
    BENEFICIARY = "BENEFICIARY"  # beneficiary of international protection (Art 26(1))
    LONG_TERM_RESIDENT = "LONG_TERM_RESIDENT"  # Directive 2003/109 or a national long-term permit (Art 26(1))
    NATURALISED_FORMER_BENEFICIARY = "NATURALISED_FORMER_BENEFICIARY"  # Art 26(1): a former BIP now a citizen
    APPLICANT = "APPLICANT"  # Art 27
    OTHER_LEGAL_RESIDENT = "OTHER_LEGAL_RESIDENT"  # legally present on another title (Arts 25, 34)
    UNKNOWN = "UNKNOWN"  # not yet established: no criterion can rest on it


@dataclass(frozen=True, kw_only=True)
class FamilyMember(Fact):
    id: str
    relation: Relation
    member_state: str
    status: FamilyStatus
    status_since: date | None = None  # when the status was granted or the application registered
    legally_present: bool | None = None  # Art 25(2)-(3); None: not established
    first_instance_decision_on: date | None = None  # Art 27: only while no first-instance decision exists
    formed_before_arrival: bool = True  # Art 2(8): the family existed before arrival on MS territory
    written_consent: bool = False  # Arts 26(1), 27: the persons concerned expressed the wish in writing
    partnership_recognised: bool | None = None  # Art 2(8)(a): unmarried couples treated like married ones there
    unmarried_minor: bool | None = None  # Art 2(8)(b): a child counts while unmarried and minor
    can_care: bool | None = None  # Art 25(3): a relative's ability to care, after individual examination


class DocumentType(StrEnum):
    RESIDENCE_DOCUMENT = "RESIDENCE_DOCUMENT"  # Art 2(12)
    VISA_LONG_STAY = "VISA_LONG_STAY"  # type D
    VISA_SHORT_STAY = "VISA_SHORT_STAY"  # type C
    VISA_AIRPORT_TRANSIT = "VISA_AIRPORT_TRANSIT"  # type A

    @property
    def is_visa(self) -> bool:
        return self is not DocumentType.RESIDENCE_DOCUMENT


@dataclass(frozen=True, kw_only=True)
class Document(Fact):
    id: str
    type: DocumentType
    issuing_ms: str
    valid_from: date
    valid_until: date
    represented_ms: str | None = None  # Art 29(2): a visa issued under a Visa Code Art 8 arrangement
    withdrawn_on: date | None = None  # annulled, revoked or withdrawn (Art 29(4))
    right_of_residence_days: int | None = None  # Art 29(3)(a); default: the period of validity
    obtained_by_fraud: bool = False  # Art 29(5)
    fraud_after_issue_shown: bool = False  # Art 29(5): the issuing MS showed the fraud came after issue
    vis_hit_received_at: datetime | None = None  # a VIS hit (VIS Reg. Art 21) starts the AMMR 39(1) month

    def __post_init__(self) -> None:
        if self.valid_until < self.valid_from:
            raise ValueError(f"document {self.id}: valid_until is before valid_from")
        _aware(self.vis_hit_received_at, "vis_hit_received_at")

    @property
    def ends_on(self) -> date:
        """The day the document stopped giving a right: expiry, or an earlier annulment or withdrawal."""
        return min(self.valid_until, self.withdrawn_on) if self.withdrawn_on else self.valid_until

    @property
    def validity_days(self) -> int:
        return (self.valid_until - self.valid_from).days + 1

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.ends_on


@dataclass(frozen=True, kw_only=True)
class Diploma(Fact):
    id: str
    issuing_ms: str
    issued_on: date
    study_days: int  # Art 30(2): the period of study on the territory
    at_least_one_academic_year: bool  # Art 2(15)
    isced_level: int  # Art 2(15): at least ISCED level 2
    distance_learning: bool = False  # Art 2(15): online and other distance learning excluded
    establishment_recognised: bool = True  # Art 2(16)


class EntryKind(StrEnum):
    IRREGULAR_CROSSING = "IRREGULAR_CROSSING"  # Art 33(1): from a third country by land, sea or air
    SAR_DISEMBARKATION = "SAR_DISEMBARKATION"  # Art 33(2)
    VISA_WAIVED = "VISA_WAIVED"  # Art 31: entry where no visa was needed


@dataclass(frozen=True, kw_only=True)
class Entry(Fact):
    id: str
    kind: EntryKind
    member_state: str
    on: date
    from_third_country: bool = True  # crossings between member states are irrelevant (Art 33(1))


class HitCategory(StrEnum):
    """Eurodac data categories (Eurodac Reg. 2024/1358; reference codes ED 37(4))."""

    APPLICANT = "APPLICANT"  # ED 15, code "1": a previous application
    IRREGULAR_CROSSER = "IRREGULAR_CROSSER"  # ED 22, code "2"
    ILLEGALLY_STAYING = "ILLEGALLY_STAYING"  # ED 23, code "3"
    SAR = "SAR"  # ED 24, code "9"
    RESETTLEMENT = "RESETTLEMENT"  # ED 18: admitted under a resettlement or humanitarian admission scheme
    BENEFICIARY = "BENEFICIARY"  # ED 31(1) mark: protection granted in that member state


@dataclass(frozen=True, kw_only=True)
class EurodacHit(Fact):
    id: str
    category: HitCategory
    member_state: str
    recorded_on: date  # the event recorded: application, crossing, apprehension, disembarkation
    received_at: datetime  # the hit reached this member state: starts AMMR 39(1) 2nd subpara and 41(1)
    responsible_ms: str | None = None  # ED 16(1): the member state marked responsible
    relocation_ms: str | None = None  # ED 16(1), AMMR 68: the member state of relocation
    border_rejection_final_on: date | None = None  # AMMR 37(2): rejection or withdrawal in the border procedure
    left_under_return_decision: bool = False  # AMMR 37(5), ED 16(2)(d)

    def __post_init__(self) -> None:
        _aware(self.received_at, "received_at")


@dataclass(frozen=True, kw_only=True)
class Absence(Fact):
    """AMMR Art 37(4): the person left the territory of the member states (Entry/Exit System or other evidence)."""

    left_on: date
    returned_on: date
    residence_document_of_responsible_ms: bool = False

    def __post_init__(self) -> None:
        if self.returned_on < self.left_on:
            raise ValueError("absence: returned_on is before left_on")


@dataclass(frozen=True, kw_only=True)
class Relocation(Fact):
    from_ms: str
    to_ms: str
    on: date


class DependencyGround(StrEnum):
    """AMMR Art 34(1)."""

    PREGNANCY = "PREGNANCY"
    NEW_BORN_CHILD = "NEW_BORN_CHILD"
    SERIOUS_ILLNESS = "SERIOUS_ILLNESS"
    SEVERE_DISABILITY = "SEVERE_DISABILITY"
    SEVERE_TRAUMA = "SEVERE_TRAUMA"
    OLD_AGE = "OLD_AGE"


@dataclass(frozen=True, kw_only=True)
class Dependency(Fact):
    """AMMR Art 34: the applicant and a child, sibling or parent legally resident in a member state."""

    relation: Relation
    member_state: str  # where the child, sibling or parent is legally resident
    ground: DependencyGround
    ties_before_arrival: bool
    carer_able: bool | None  # None: not yet checked (Art 34(1): checked before any take charge request)
    written_consent: bool
    applicant_unfit_to_travel: bool = False  # Art 34(2)


class AgeAssessmentOutcome(StrEnum):
    MINOR = "MINOR"
    ADULT = "ADULT"
    BENEFIT_OF_DOUBT = "BENEFIT_OF_DOUBT"  # treated as a minor


@dataclass(frozen=True, kw_only=True)
class Person:
    date_of_birth: date | None = None
    unaccompanied: bool = False  # Art 2(11): entered without the responsible adult, or left alone after entry
    age_assessment: AgeAssessmentOutcome | None = None  # the result as of the first registration


@dataclass(frozen=True, kw_only=True)
class BestInterests:
    """The best-interests assessment of an unaccompanied minor (AMMR Art 23, 25)."""

    assessed_on: date
    against_ms: frozenset[str] = frozenset()  # member states shown not to be in the child's best interests
    preferred_ms: str | None = None  # Art 25(4): the choice where family is in more than one member state


@dataclass(frozen=True, kw_only=True)
class GroupMember:
    """AMMR Art 28: a family member registered with the applicant, with the member state found for him or her."""

    reference: str
    date_of_birth: date
    responsible_ms: str


@dataclass(frozen=True, kw_only=True)
class Discretion:
    """The caseworker's explicit decisions under AMMR Art 35."""

    sovereignty: bool = False  # Art 35(1): examine although not responsible
    humanitarian_request_to: str | None = None  # Art 35(2): ask this member state to take charge
    humanitarian_consent_in_writing: bool = False


@dataclass(frozen=True, kw_only=True)
class Case:
    """Everything recorded for one application, as the engine sees it."""

    determining_ms: str
    registered_on: date  # registration of this application in the determining member state
    person: Person = field(default_factory=Person)
    first_registration_ms: str | None = None  # from Eurodac; default: the determining member state
    first_registration_on: date | None = None  # AMMR Art 24(2): the freezing moment
    security_threat: bool | None = None  # AMMR 16(4): None = no check done yet
    family: tuple[FamilyMember, ...] = ()
    documents: tuple[Document, ...] = ()
    diplomas: tuple[Diploma, ...] = ()
    entries: tuple[Entry, ...] = ()
    eurodac_hits: tuple[EurodacHit, ...] = ()
    absences: tuple[Absence, ...] = ()
    relocations: tuple[Relocation, ...] = ()
    dependency: Dependency | None = None
    best_interests: BestInterests | None = None
    family_group: tuple[GroupMember, ...] = ()
    visa_exempt_in_determining_ms: bool = False  # Art 31
    airport_transit_ms: str | None = None  # Art 32: applied in an airport's international transit area
    systemic_risk_ms: frozenset[str] = frozenset()  # Art 16(3)
    discretion: Discretion = field(default_factory=Discretion)
    first_instance_merits_decision_on: date | None = None  # Arts 35(2), 39(1)
    detained_since: datetime | None = None  # AMMR Art 45: shorter limits for a detained applicant

    def __post_init__(self) -> None:
        if self.first_registration_on is not None and self.first_registration_on > self.registered_on:
            raise ValueError("first_registration_on is after the registration in the determining member state")
        _aware(self.detained_since, "detained_since")

    @property
    def frozen_on(self) -> date:
        """AMMR Art 24(2): the situation when the application was first registered in any member state."""
        return self.first_registration_on or self.registered_on

    @property
    def first_ms(self) -> str:
        return self.first_registration_ms or self.determining_ms

    def member_states_named(self) -> set[str]:
        """Every member state the facts name, to check against the participating states."""
        named = {self.determining_ms, self.first_ms, *self.systemic_risk_ms}
        named |= {m.member_state for m in self.family} | {m.responsible_ms for m in self.family_group}
        named |= {ms for d in self.documents for ms in (d.issuing_ms, d.represented_ms) if ms}
        named |= {d.issuing_ms for d in self.diplomas} | {e.member_state for e in self.entries}
        named |= {ms for h in self.eurodac_hits for ms in (h.member_state, h.responsible_ms, h.relocation_ms) if ms}
        named |= {ms for r in self.relocations for ms in (r.from_ms, r.to_ms)}
        optional = (
            self.airport_transit_ms,
            self.discretion.humanitarian_request_to,
            self.dependency.member_state if self.dependency else None,
            self.best_interests.preferred_ms if self.best_interests else None,
        )
        return named | {ms for ms in optional if ms}


def _aware(instant: datetime | None, name: str) -> None:
    if instant is not None and instant.utcoffset() is None:
        raise ValueError(f"{name} needs a time zone offset")
