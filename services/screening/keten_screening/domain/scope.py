"""Who is screened and who is not (screening chapter §1.1-§1.2)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from keten_shared.events.catalog.screening import ScreeningReason

# The article of the Screening Regulation that brings each category into screening.
SR_ARTICLE = {
    ScreeningReason.BORDER_IRREGULAR: "SR Art 5(1)(a)",
    ScreeningReason.BORDER_SAR: "SR Art 5(1)(b)",
    ScreeningReason.BORDER_BCP_APPLICANT: "SR Art 5(2)",
    ScreeningReason.TERRITORY: "SR Art 7(1)",
}

# SR 5(1) persons: APR Art 27(1)-(6) apply to them only once screening has ended (APR Art 27(7)).
SR_5_1 = frozenset({ScreeningReason.BORDER_IRREGULAR, ScreeningReason.BORDER_SAR})
BORDER = frozenset(SR_ARTICLE) - {ScreeningReason.TERRITORY}


class OutOfScope(StrEnum):
    NOT_A_THIRD_COUNTRY_NATIONAL = "NOT_A_THIRD_COUNTRY_NATIONAL"
    NO_BIOMETRIC_DUTY = "NO_BIOMETRIC_DUTY"
    ENTRY_AUTHORISED = "ENTRY_AUTHORISED"
    ALREADY_SCREENED = "ALREADY_SCREENED"
    BILATERAL_TRANSFER = "BILATERAL_TRANSFER"


@dataclass(frozen=True)
class IntakeFacts:
    """What the officer knows when the person is brought in; all default to the ordinary case."""

    reason: ScreeningReason
    union_citizen_or_beneficiary_of_free_movement: bool = False
    turned_back_or_held_until_removal: bool = False
    entry_authorised_under_sbc_6_5: bool = False
    humanitarian_entry_with_application: bool = False
    already_screened_in_a_member_state: bool = False
    handed_over_under_bilateral_agreement: bool = False


def out_of_scope(facts: IntakeFacts) -> OutOfScope | None:
    """Why the person is not screened, or None when screening applies."""
    # SR Art 1, 2(1): screening concerns third-country nationals and stateless persons only.
    if facts.union_citizen_or_beneficiary_of_free_movement:
        return OutOfScope.NOT_A_THIRD_COUNTRY_NATIONAL
    # SR Art 5(1)(a) with ED 22(1), (4): no duty to take biometrics for a reason other than age, e.g. turned back
    # or held throughout until removal. Point (b), disembarkation after search and rescue, has no such exception.
    if facts.reason is ScreeningReason.BORDER_IRREGULAR and facts.turned_back_or_held_until_removal:
        return OutOfScope.NO_BIOMETRIC_DUTY
    # SR Art 5(3): entry authorised under SBC 6(5), unless let in on humanitarian grounds (6(5)(c)) and applying.
    if facts.entry_authorised_under_sbc_6_5 and not facts.humanitarian_entry_with_application:
        return OutOfScope.ENTRY_AUTHORISED
    if facts.reason is ScreeningReason.TERRITORY:
        # SR Art 7(1): only persons not yet screened in any member state.
        if facts.already_screened_in_a_member_state:
            return OutOfScope.ALREADY_SCREENED
        # SR Art 7(2): handed over to another member state under a bilateral agreement, which screens.
        if facts.handed_over_under_bilateral_agreement:
            return OutOfScope.BILATERAL_TRANSFER
    return None
