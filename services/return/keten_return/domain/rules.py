"""When a return decision is due, and on which legal basis (return chapter §1)."""

from __future__ import annotations

from keten_shared.events.catalog.asylum import ReturnDecisionMode
from keten_shared.events.catalog.screening import ReferralOutcome

STATELESS = "XXA"  # ICAO 9303 code for a stateless person


def due_after_asylum_decision(return_decision_required: bool, mode: ReturnDecisionMode | None) -> bool:
    # APR Art 37 (trigger T1): after a rejection or withdrawal, unless an earlier return decision exists.
    return return_decision_required and mode is not ReturnDecisionMode.PRE_EXISTING


def basis_after_screening(outcome: ReferralOutcome) -> str | None:
    """The SR article under which a screened person without an application enters the return procedure."""
    # SR Art 18(1) (trigger T2): border cases without an application go to the return authorities;
    # SR Art 18(4): persons screened inside the territory stay in the return procedure.
    return {
        ReferralOutcome.REFERRED_RETURN: "SR Art 18(1)",
        ReferralOutcome.CONTINUE_RETURN: "SR Art 18(4)",
    }.get(outcome)


def country_of_return(nationalities: list[str]) -> str | None:
    """The country of origin when it is unambiguous; otherwise it is still to be determined."""
    # RD Art 3(3): return to the country of origin, a transit country or a country the person chooses.
    known = {n for n in nationalities if n != STATELESS}  # a nationality recorded twice is still one
    return next(iter(known)) if len(known) == 1 else None
