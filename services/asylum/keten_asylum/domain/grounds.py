"""The grounds of APR Art 38 and 42 with the articles and limits attached to each (asylum chapter §2.3, §2.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from keten_shared.events.catalog.asylum import AcceleratedGround, AdmissibilityGround

G = AcceleratedGround


@dataclass(frozen=True)
class AcceleratedGroundRule:
    article: str
    description: str
    uam_allowed: bool  # APR Art 42(3): the only grounds on which an unaccompanied minor's case is accelerated
    border_merits_allowed: bool  # APR Art 44(1)(b): merits may be decided in the border procedure
    mandatory_border: bool  # APR Art 45(1): the border procedure is mandatory


ACCELERATED_GROUNDS: dict[AcceleratedGround, AcceleratedGroundRule] = {
    G.IRRELEVANT: AcceleratedGroundRule(
        "APR Art 42(1)(a)", "only issues irrelevant to qualification", False, True, False
    ),
    G.INCONSISTENT: AcceleratedGroundRule(
        "APR Art 42(1)(b)", "clearly inconsistent, contradictory, false or improbable statements", False, True, False
    ),
    G.MISLEADING: AcceleratedGroundRule(
        "APR Art 42(1)(c)", "intentionally misled the authorities or destroyed documents in bad faith", True, True, True
    ),
    G.DELAY_REMOVAL: AcceleratedGroundRule(
        "APR Art 42(1)(d)", "application made merely to delay or frustrate removal", False, True, False
    ),
    G.SAFE_COUNTRY_ORIGIN: AcceleratedGroundRule(
        "APR Art 42(1)(e)", "safe country of origin for the applicant", True, True, False
    ),
    G.SECURITY: AcceleratedGroundRule(
        "APR Art 42(1)(f)", "danger to national security or public order", True, True, True
    ),
    G.SUBSEQUENT: AcceleratedGroundRule(
        "APR Art 42(1)(g)", "subsequent application not inadmissible", True, True, False
    ),
    G.LATE_IRREGULAR: AcceleratedGroundRule(
        "APR Art 42(1)(h)", "irregular entry or stay and did not apply as soon as possible", False, False, False
    ),
    G.LATE_LAWFUL: AcceleratedGroundRule(
        "APR Art 42(1)(i)", "lawful entry and did not apply as soon as possible", False, False, False
    ),
    G.LOW_RECOGNITION: AcceleratedGroundRule(
        "APR Art 42(1)(j)", "EU-wide recognition rate for the nationality at or below 20 %", True, True, True
    ),
}

# APR Art 42(3): the unaccompanied-minor exceptions name the ground by their own letter.
UAM_ARTICLE: dict[AcceleratedGround, str] = {
    G.SAFE_COUNTRY_ORIGIN: "APR Art 42(3)(a)",
    G.SECURITY: "APR Art 42(3)(b)",
    G.SUBSEQUENT: "APR Art 42(3)(c)",
    G.MISLEADING: "APR Art 42(3)(d)",
    G.LOW_RECOGNITION: "APR Art 42(3)(e)",
}

A = AdmissibilityGround

ADMISSIBILITY_ARTICLE: dict[AdmissibilityGround, str] = {
    A.FIRST_COUNTRY_OF_ASYLUM: "APR Art 38(1)(a)",
    A.SAFE_THIRD_COUNTRY: "APR Art 38(1)(b)",
    A.PROTECTION_IN_OTHER_MS: "APR Art 38(1)(c)",
    A.INTERNATIONAL_COURT_RELOCATION: "APR Art 38(1)(d)",
    A.LATE_AFTER_RETURN_DECISION: "APR Art 38(1)(e)",
    A.SUBSEQUENT_NO_NEW_ELEMENTS: "APR Art 38(2)",
}

# The short code national configuration uses for a ground, e.g. "38(1)(a)".
ADMISSIBILITY_CODE: dict[AdmissibilityGround, str] = {
    ground: article.removeprefix("APR Art ") for ground, article in ADMISSIBILITY_ARTICLE.items()
}


@dataclass(frozen=True)
class RateFact:
    """One EU-wide first-instance recognition rate (APR Art 42(1)(j)) as routing uses it."""

    country: str  # ISO 3166-1 alpha-3 of the nationality (stateless: former habitual residence)
    rate: Decimal  # share of first-instance decisions granting refugee or subsidiary protection, 0..1
    reference_year: int  # the Eurostat year the figure describes
    release: str  # the imported dataset release it came from
    published_on: date | None = None
