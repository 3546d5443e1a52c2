"""Where screening refers the person (SR 18), and the facts the asylum side routes on (chapter §4)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from keten_shared.events.catalog.screening import ReferralOutcome, ReferralTarget, ScreeningReason


@dataclass(frozen=True)
class Referral:
    target: ReferralTarget
    outcome: ReferralOutcome
    basis: str


class ArrivalMode(StrEnum):
    """How the person arrived, as APR Art 43(1)(a)-(d) distinguishes it for the asylum border procedure."""

    BORDER_CROSSING_POINT = "BORDER_CROSSING_POINT"  # APR 43(1)(a): application at a BCP or transit zone
    IRREGULAR_CROSSING = "IRREGULAR_CROSSING"  # APR 43(1)(b): apprehended after an unauthorised crossing
    SEARCH_AND_RESCUE = "SEARCH_AND_RESCUE"  # APR 43(1)(c): disembarked after a search-and-rescue operation
    RELOCATION = "RELOCATION"  # APR 43(1)(d): relocated under AMMR 67(11)


ARRIVAL_MODE = {
    ScreeningReason.BORDER_BCP_APPLICANT: ArrivalMode.BORDER_CROSSING_POINT,
    ScreeningReason.BORDER_IRREGULAR: ArrivalMode.IRREGULAR_CROSSING,
    ScreeningReason.BORDER_SAR: ArrivalMode.SEARCH_AND_RESCUE,
}


def referral_for(reason: ScreeningReason, *, application_made: bool, to_be_relocated: bool) -> Referral:
    """The referral screening ends with."""
    if to_be_relocated:
        # SR Art 18(3): a person to be relocated under AMMR Art 67 goes to the relocating member state's authorities.
        return Referral(ReferralTarget.RELOCATION, ReferralOutcome.REFERRED_RELOCATION, "SR Art 18(3)")
    if application_made:
        # SR Art 18(2): a person who applied for international protection goes to the registration authority.
        return Referral(ReferralTarget.ASYLUM, ReferralOutcome.REFERRED_ASYLUM, "SR Art 18(2)")
    if reason is ScreeningReason.TERRITORY:
        # SR Art 18(4): screened inside the territory without an application: stays in the return procedure.
        return Referral(ReferralTarget.RETURN, ReferralOutcome.CONTINUE_RETURN, "SR Art 18(4)")
    # SR Art 18(1): screened at the border without an application: to the return authorities (refusal of entry
    # under the SBC, if due, is theirs to decide: SR 18 has no refusal-of-entry outcome).
    return Referral(ReferralTarget.RETURN, ReferralOutcome.REFERRED_RETURN, "SR Art 18(1)")
