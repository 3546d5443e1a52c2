"""The vocabulary of an explained determination: criteria, what became of each, and flags for review."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Criterion(StrEnum):
    """Every rule the engine tries, with the article it rests on."""

    TAKE_BACK = "TAKE_BACK"
    RELOCATION = "RELOCATION"
    SECURITY = "SECURITY"
    UAM_FAMILY = "UAM_FAMILY"
    UAM_RELATIVE = "UAM_RELATIVE"
    UAM_FIRST_APPLICATION = "UAM_FIRST_APPLICATION"
    FAMILY_BENEFICIARY = "FAMILY_BENEFICIARY"
    FAMILY_APPLICANT = "FAMILY_APPLICANT"
    FAMILY_PROCEDURE = "FAMILY_PROCEDURE"
    DOCUMENTS = "DOCUMENTS"
    DIPLOMA = "DIPLOMA"
    VISA_WAIVED_ENTRY = "VISA_WAIVED_ENTRY"
    AIRPORT_TRANSIT = "AIRPORT_TRANSIT"
    IRREGULAR_ENTRY = "IRREGULAR_ENTRY"
    DEFAULT = "DEFAULT"
    DEPENDENCY = "DEPENDENCY"
    SOVEREIGNTY = "SOVEREIGNTY"
    HUMANITARIAN = "HUMANITARIAN"
    SYSTEMIC_RISK = "SYSTEMIC_RISK"
    REQUEST_LIMIT = "REQUEST_LIMIT"

    @property
    def article(self) -> str:
        return _ARTICLES[self]


_ARTICLES = {
    Criterion.TAKE_BACK: "AMMR Art 36(1)(b)-(c), 41",
    Criterion.RELOCATION: "AMMR Art 68",
    Criterion.SECURITY: "AMMR Art 16(4)",
    Criterion.UAM_FAMILY: "AMMR Art 25(2)",
    Criterion.UAM_RELATIVE: "AMMR Art 25(3)",
    Criterion.UAM_FIRST_APPLICATION: "AMMR Art 25(5)",
    Criterion.FAMILY_BENEFICIARY: "AMMR Art 26",
    Criterion.FAMILY_APPLICANT: "AMMR Art 27",
    Criterion.FAMILY_PROCEDURE: "AMMR Art 28",
    Criterion.DOCUMENTS: "AMMR Art 29",
    Criterion.DIPLOMA: "AMMR Art 30",
    Criterion.VISA_WAIVED_ENTRY: "AMMR Art 31",
    Criterion.AIRPORT_TRANSIT: "AMMR Art 32",
    Criterion.IRREGULAR_ENTRY: "AMMR Art 33",
    Criterion.DEFAULT: "AMMR Art 16(2)",
    Criterion.DEPENDENCY: "AMMR Art 34",
    Criterion.SOVEREIGNTY: "AMMR Art 35(1)",
    Criterion.HUMANITARIAN: "AMMR Art 35(2)",
    Criterion.SYSTEMIC_RISK: "AMMR Art 16(3)",
    Criterion.REQUEST_LIMIT: "AMMR Art 39(1)",
}


class Outcome(StrEnum):
    """What became of one criterion when it was tried."""

    APPLIES = "APPLIES"  # it designates a member state
    NOT_MET = "NOT_MET"  # its conditions are not all shown
    NOT_APPLICABLE = "NOT_APPLICABLE"  # it does not reach this case (e.g. adult applicant, no such facts)
    DISPLACED = "DISPLACED"  # it designated a member state that a later rule replaced
    NOT_REACHED = "NOT_REACHED"  # an earlier criterion applied first (AMMR Art 24(1))


class Flag(StrEnum):
    """Points a caseworker must look at; none of them stops the determination."""

    EVIDENCE_CONFLICT = "EVIDENCE_CONFLICT"  # chapter §7: decided on proof, both kept
    POST_FREEZE_FAMILY_CHANGE = "POST_FREEZE_FAMILY_CHANGE"  # AMMR 24(2): consider Art 34 or 35(2)
    FAMILY_STATUS_UNKNOWN = "FAMILY_STATUS_UNKNOWN"  # ask the member state concerned (AMMR 40(1))
    AGE_DISPUTE = "AGE_DISPUTE"  # chapter §7: the age assessment decides, both branches shown
    UAM_NOW_ADULT = "UAM_NOW_ADULT"  # chapter §7: the Art 39(1) exception after majority is unsettled
    BEST_INTERESTS_CHOICE_NEEDED = "BEST_INTERESTS_CHOICE_NEEDED"  # AMMR 25(4)
    SECURITY_CHECK_MISSING = "SECURITY_CHECK_MISSING"  # AMMR 16(4): examine before the criteria
    RELOCATION_EXCLUDED = "RELOCATION_EXCLUDED"  # AMMR 67(2)
    PROTECTION_IN_OTHER_MS = "PROTECTION_IN_OTHER_MS"  # APR 38(1)(c): for the asylum service
    HUMANITARIAN_CANDIDATE = "HUMANITARIAN_CANDIDATE"  # chapter §7: consider AMMR 35(2)
    FRAUDULENT_DOCUMENT = "FRAUDULENT_DOCUMENT"  # AMMR 29(5)
    CARER_CHECK_NEEDED = "CARER_CHECK_NEEDED"  # AMMR 34(1): before any take charge request
    UAM_LATE_REQUEST_EXCEPTION = "UAM_LATE_REQUEST_EXCEPTION"  # AMMR 39(1): request after the limit


@dataclass(frozen=True)
class Reason:
    """One line of the chain of reasons: a criterion tried and why it did or did not apply."""

    criterion: Criterion
    outcome: Outcome
    detail: str
    member_state: str | None = None
    article: str = ""
    evidence_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.article:
            object.__setattr__(self, "article", self.criterion.article)


@dataclass(frozen=True)
class Finding:
    """A member state designated by a rule."""

    member_state: str
    criterion: Criterion
    article: str
    evidence_ids: tuple[str, ...] = ()


@dataclass
class Trail:
    """The reasons and flags gathered while the criteria are tried, in order."""

    reasons: list[Reason] = field(default_factory=list)
    flags: set[Flag] = field(default_factory=set)
    transfer_impossible: bool = False  # AMMR Art 16(3): a designated member state was passed over

    def note(
        self,
        criterion: Criterion,
        outcome: Outcome,
        detail: str,
        *,
        member_state: str | None = None,
        article: str = "",
        evidence_ids: tuple[str, ...] = (),
    ) -> None:
        self.reasons.append(Reason(criterion, outcome, detail, member_state, article, evidence_ids))

    def found(self, finding: Finding, detail: str) -> Finding:
        self.note(
            finding.criterion,
            Outcome.APPLIES,
            detail,
            member_state=finding.member_state,
            article=finding.article,
            evidence_ids=finding.evidence_ids,
        )
        return finding
