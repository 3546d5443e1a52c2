"""Events of the asylum service (Reg. (EU) 2024/1348, APR)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from keten_shared.events.catalog.common import CountryCode, Identifier, MemberState, PersonDetails
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


class ProtectionOutcome(StrEnum):
    """A decision on protection already granted; kept apart from DecisionOutcome, which the v1 events list."""

    PROTECTION_WITHDRAWN = "PROTECTION_WITHDRAWN"  # APR Art 66; QR Art 14, 19


class ProtectionWithdrawalGround(StrEnum):
    """QR Art 14(1)(a)-(e) for refugee status, Art 19(1)(a)-(c) for subsidiary protection."""

    CESSATION = "CESSATION"  # QR 14(1)(a), 19(1)(a): the grounds for protection ceased (QR 11, 16)
    EXCLUDED = "EXCLUDED"  # QR 14(1)(b), 19(1)(b): excluded, or should have been (QR 12, 17)
    MISREPRESENTATION = "MISREPRESENTATION"  # QR 14(1)(c), 19(1)(c): decisive misrepresentation or false documents
    SECURITY_DANGER = "SECURITY_DANGER"  # QR 14(1)(d): a danger to the security of the member state
    SERIOUS_CRIME = "SERIOUS_CRIME"  # QR 14(1)(e): finally convicted of a particularly serious crime, a danger


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


class WithdrawalType(StrEnum):
    EXPLICIT = "EXPLICIT"  # APR Art 40: the applicant withdraws in writing
    IMPLICIT = "IMPLICIT"  # APR Art 41: the authority finds one of the 41(1) grounds


class ImplicitWithdrawalGround(StrEnum):
    """APR Art 41(1)(a)-(f)."""

    NOT_LODGED = "NOT_LODGED"  # (a) not lodged without good cause despite an effective opportunity
    DATA_REFUSED = "DATA_REFUSED"  # (b) refuses the Art 27(1)(a)/(b) data or biometrics
    ADDRESS_REFUSED = "ADDRESS_REFUSED"  # (c) refuses to give an address, unless housed by the authorities
    INTERVIEW_MISSED = "INTERVIEW_MISSED"  # (d) unjustified absence from, or refusal to answer at, an interview
    ABSCONDED = "ABSCONDED"  # (e) repeated failure to report or to remain available (Art 9(4))
    WRONG_MEMBER_STATE = "WRONG_MEMBER_STATE"  # (f) does not remain in the member state AMMR Art 17 requires


class DocumentType(StrEnum):
    REGISTRATION_CERT = "REGISTRATION_CERT"  # APR Art 29(1)
    TRANSFER_CERT = "TRANSFER_CERT"  # APR Art 29(1), second subparagraph
    APPLICANT_DOCUMENT = "APPLICANT_DOCUMENT"  # APR Art 29(4)


class FamilyMember(BaseModel):
    """A family member (AMMR Art 2(8)) or, for a minor, a sibling or relative (AMMR Art 2(9))."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    relation: str = Field(min_length=1, max_length=100, examples=["SPOUSE", "CHILD", "SIBLING"])
    name: str = Field("", max_length=200)
    date_of_birth: date | None = None
    member_state: MemberState | None = Field(None, description="where the family member is present")


class IdentityDocument(BaseModel):
    """APR Art 27(1)(b): an identity or travel document."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str = Field(min_length=1, max_length=100)
    number: str = Field(min_length=1, max_length=100)
    issuing_country: CountryCode
    valid_until: date | None = None


class AppliedGround(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(description="an AcceleratedGround or AdmissibilityGround value")
    article: str = Field(examples=["APR Art 42(1)(j)"])
    detail: str = ""


class RecognitionRateUsed(BaseModel):
    """The EU-wide recognition rate a routing relied on (APR Art 42(1)(j)), with its reference period."""

    model_config = ConfigDict(frozen=True)

    country: CountryCode
    rate: float = Field(ge=0, le=1)
    reference_year: int
    release: str


@event_type("asylum.application.made", version=1, producer="asylum")
class ApplicationMade(EventData):
    """A person expressed the wish for international protection (APR Art 26); rights run from now (Art 3(13))."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    made_at: AwareDatetime
    authority: str | None = None
    place: str | None = None
    during_screening: bool = False
    screening_case_id: Identifier | None = None
    sr_category: str | None = Field(None, description="'5(1)', '5(2)' or '7': whether APR Art 27(7) applies")
    uam_claimed: bool = False
    person: PersonDetails
    registration_deadline: date | None = Field(
        None, description="APR Art 27(1); None while an SR 5(1) screening runs (Art 27(7))"
    )


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
    stateless: bool = False
    family_members: list[FamilyMember] = Field(default_factory=list, description="APR Art 27(1)(a)")
    documents: list[IdentityDocument] = Field(default_factory=list, description="APR Art 27(1)(b)")
    crisis_regime_id: str | None = Field(None, description="the Council decision in force when it was made")
    transferred_from: MemberState | None = Field(
        None, description="AMMR Art 46: registered after a transfer from this member state; responsibility is settled"
    )


@event_type("asylum.application.lodged", version=1, producer="asylum")
class ApplicationLodged(EventData):
    """The applicant lodged the application (APR Art 28); the examination periods run from now (Art 35)."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    lodged_at: AwareDatetime
    lodging_mode: str = Field(description="IN_PERSON or FORM (APR Art 28(3)-(4))")


@event_type("asylum.subsequent_application.lodged", version=1, producer="asylum")
class SubsequentApplicationLodged(EventData):
    """A further application after a final decision was lodged (APR Art 55); it is examined preliminarily first."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    previous_case_ref: str = Field(description="the application whose final decision this one follows")
    ordinal: int = Field(ge=1, description="1 for the first subsequent application, 2 for the second, ...")
    lodged_at: AwareDatetime
    right_to_remain: bool = Field(description="False where APR Art 10(4)(a) excepts it during the procedure")


@event_type("asylum.application.withdrawn", version=1, producer="asylum")
class ApplicationWithdrawn(EventData):
    """The application was withdrawn explicitly (APR Art 40) or implicitly (APR Art 41); a decision follows."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    decision_id: Identifier
    type: WithdrawalType
    ground: ImplicitWithdrawalGround | None = Field(None, description="APR Art 41(1)(a)-(f) for IMPLICIT")
    withdrawn_at: AwareDatetime = Field(description="the written withdrawal received, or the finding made")
    legal_basis: str


@event_type("asylum.dublin.responsibility_confirmed", version=1, producer="asylum")
class ResponsibilityConfirmed(EventData):
    """This member state is responsible (AMMR): the examination on the merits may proceed (APR Art 39(1)(a))."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    dublin_case_id: Identifier
    basis: str
    confirmed_at: AwareDatetime


@event_type("asylum.case.closed_transferred", version=1, producer="asylum")
class CaseClosedTransferred(EventData):
    """The applicant was transferred to the member state responsible; that state examines the application."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    responsible_ms: MemberState
    transfer_decision_ref: str | None = None
    closed_at: AwareDatetime


@event_type("asylum.protection.withdrawn", version=1, producer="asylum")
class ProtectionWithdrawn(EventData):
    """International protection was withdrawn (APR Art 66; QR Art 14, 19); a return decision becomes possible."""

    case_id: Identifier
    decision_id: Identifier
    person_id: Identifier
    member_state: MemberState
    status: DecisionOutcome = Field(description="the status withdrawn: GRANTED_REFUGEE or GRANTED_SUBSIDIARY")
    ground: ProtectionWithdrawalGround
    legal_basis: str
    notified_at: AwareDatetime
    appeal_deadline: date
    auto_suspensive: bool = Field(description="False for the APR Art 68(3)(e) grounds")


@event_type("asylum.routing.decided", version=1, producer="asylum")
class RoutingDecided(EventData):
    """The application was routed to its procedure (APR Art 35, 38, 42, 43-45, 55)."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    procedure: RoutedProcedure
    previous_procedure: RoutedProcedure | None = None
    mandatory: bool
    grounds: list[AppliedGround] = Field(default_factory=list)
    recognition_rate: RecognitionRateUsed | None = None
    capacity_relief: str | None = Field(None, description="APR 48, APR 50 or CR 11(2) relief applied")
    examination_deadline: date
    border_deadline: date | None = Field(None, description="APR Art 51(2): all stages within the maximum")
    merits_blocked_by_dublin: bool = False


@event_type("asylum.routing.data_gap", version=1, producer="asylum")
class RoutingDataGap(EventData):
    """No EU-wide recognition rate exists for a nationality: APR 42(1)(j) was not applied (never inferred)."""

    case_id: Identifier
    member_state: MemberState
    countries: list[CountryCode]
    release: str | None = Field(None, description="the reference data release consulted; None if none is loaded")


@event_type("asylum.border_procedure.terminated", version=1, producer="asylum")
class BorderProcedureTerminated(EventData):
    """The border procedure ended without a final decision (APR Art 51(2), 53(2)): entry is authorised,
    unless APR Art 43(3) applies to a person without a right to remain (then the return border procedure)."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    reason: str = Field(description="MAX_DURATION (APR 51(2)) or the APR 53(2) ground")
    entry_authorised_at: AwareDatetime | None = Field(description="None where APR Art 43(3) keeps the person out")
    continues_in: RoutedProcedure | None = Field(
        description="the procedure the examination continues in; None when only the appeal continues"
    )
    return_border_procedure: bool = Field(False, description="APR Art 43(3): entry not authorised")


@event_type("asylum.examination.extended", version=1, producer="asylum")
class ExaminationExtended(EventData):
    """The examination time limit was extended (APR Art 35(2), (5))."""

    case_id: Identifier
    member_state: MemberState
    ground: str
    legal_basis: str
    new_deadline: date


@event_type("asylum.examination.postponed", version=1, producer="asylum")
class ExaminationPostponed(EventData):
    """The regular examination is postponed for a temporary uncertain situation (APR Art 35(7))."""

    case_id: Identifier
    member_state: MemberState
    country: CountryCode = Field(description="the country of origin whose situation is uncertain")
    postponed_at: AwareDatetime
    next_review: date = Field(description="the situation is reviewed at least every 4 months")
    hard_deadline: date = Field(description="the examination ends at the latest 21 months after lodging")


@event_type("asylum.document.issued", version=1, producer="asylum")
class DocumentIssued(EventData):
    """A document was issued to the applicant (APR Art 29)."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    document_type: DocumentType
    issued_at: AwareDatetime
    legal_basis: str


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
    grounds_applied: list[str] = Field(default_factory=list, description="APR 42 / 38 grounds the decision rests on")
    notified_to: str | None = Field(None, description="APPLICANT or LEGAL_REPRESENTATIVE (APR Art 36(1), (4))")
    language: str | None = None
    appeal_deadline: date | None = Field(None, description="APR Art 67(7); None when no appeal lies")
    appeal_deadline_rule: str | None = Field(None, description="T13 (APR 67(7)(a)) or T14 (APR 67(7)(b))")
    automatic_suspensive_effect: bool | None = Field(None, description="APR Art 68(2); false under 68(3)")
    remain_request_deadline: date | None = Field(None, description="APR Art 68(5)(a), when not automatic")


@event_type("asylum.return_decision.requested", version=1, producer="asylum")
class ReturnDecisionRequested(EventData):
    """Command: issue the return decision that APR Art 37 requires after this negative decision."""

    case_id: Identifier
    decision_id: Identifier
    person_id: Identifier
    member_state: MemberState
    outcome: DecisionOutcome
    notified_at: AwareDatetime
    nationalities: list[str] = Field(default_factory=list)


@event_type("asylum.appeal_window.opened", version=1, producer="asylum")
class AppealWindowOpened(EventData):
    """The decision can be appealed until `deadline` (APR Art 67(7))."""

    case_id: Identifier
    decision_id: Identifier
    member_state: MemberState
    deadline: date
    rule: str = Field(description="T13 (APR 67(7)(a)) or T14 (APR 67(7)(b))")
    auto_suspensive: bool
    remain_request_deadline: date | None = None


@event_type("asylum.right_to_remain.updated", version=1, producer="asylum")
class RightToRemainUpdated(EventData):
    """Whether the person may remain while the decision can be or is being challenged (APR Art 10, 68)."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    decision_id: Identifier | None = None
    right_to_remain: bool
    until: date | None = None
    basis: str | None = Field(None, description="APR 68(2), 68(4), 68(5)(d) or 10(1)")


@event_type("asylum.appeal.lodged", version=1, producer="asylum")
class AppealLodged(EventData):
    """An appeal against the decision was lodged (APR Art 67); a late one is reported with in_time false."""

    case_id: Identifier
    decision_id: Identifier
    appeal_id: Identifier
    person_id: Identifier
    member_state: MemberState
    lodged_at: AwareDatetime
    in_time: bool
    suspensive: bool = Field(description="APR Art 68(2): removal is suspended pending the outcome")


@event_type("asylum.remain_request.lodged", version=1, producer="asylum")
class RemainRequestLodged(EventData):
    """The applicant asked a court to remain pending the appeal (APR Art 68(4)-(5))."""

    case_id: Identifier
    decision_id: Identifier
    member_state: MemberState
    lodged_at: AwareDatetime
    in_time: bool


@event_type("asylum.appeal.decided", version=1, producer="asylum")
class AppealDecided(EventData):
    """The court decided the appeal: DISMISSED (the decision stands) or ANNULLED (examined again)."""

    case_id: Identifier
    decision_id: Identifier
    appeal_id: Identifier
    person_id: Identifier
    member_state: MemberState
    result: str
    decided_at: AwareDatetime


@event_type("asylum.decision.final", version=1, producer="asylum")
class DecisionFinal(EventData):
    """The decision is no longer subject to a remedy (APR Art 3(8))."""

    case_id: Identifier
    decision_id: Identifier
    person_id: Identifier
    member_state: MemberState
    outcome: DecisionOutcome | ProtectionOutcome
    final_at: AwareDatetime
    right_to_remain: bool = False
    return_decision_required: bool


@event_type("asylum.protection.granted", version=1, producer="asylum")
class ProtectionGranted(EventData):
    """Refugee status or subsidiary protection was granted (QR Art 13, 18); the permit follows (QR Art 24)."""

    case_id: Identifier
    decision_id: Identifier
    person_id: Identifier
    member_state: MemberState
    status: DecisionOutcome
    permit_initial_validity_years: int = Field(description="QR Art 24(2): at least 3 (refugee) or 1 (subsidiary)")
    permit_due_by: date = Field(description="QR Art 24(4): at the latest 90 days after notification")
