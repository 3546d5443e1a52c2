"""Pure return rules: when a return decision is due (APR 37, SR 18), the country of return, the case."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from keten_return.domain import rules
from keten_return.domain.model import ReturnCase, ReturnCaseStatus
from keten_shared.errors import TransitionNotAllowed
from keten_shared.events.catalog.asylum import ReturnDecisionMode
from keten_shared.events.catalog.return_ import ReturnTrigger
from keten_shared.events.catalog.screening import ReferralOutcome

NOW = datetime(2026, 7, 10, 10, 0, tzinfo=UTC)

# --- APR 37 (trigger T1) ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [None, ReturnDecisionMode.SEPARATE_ACT, ReturnDecisionMode.INTEGRATED])
def test_apr_37_required_return_decision_is_due(mode):
    assert rules.due_after_asylum_decision(True, mode) is True


def test_apr_37_not_due_when_a_return_decision_existed_before_the_application():
    assert rules.due_after_asylum_decision(True, ReturnDecisionMode.PRE_EXISTING) is False


@pytest.mark.parametrize("mode", [None, *ReturnDecisionMode])
def test_not_due_when_the_asylum_decision_requires_none(mode):
    assert rules.due_after_asylum_decision(False, mode) is False


# --- SR 18 (trigger T2) ---------------------------------------------------------------------------


def test_sr_18_1_border_referral_to_return():
    assert rules.basis_after_screening(ReferralOutcome.REFERRED_RETURN) == "SR Art 18(1)"


def test_sr_18_4_territory_case_stays_in_return():
    assert rules.basis_after_screening(ReferralOutcome.CONTINUE_RETURN) == "SR Art 18(4)"


@pytest.mark.parametrize("outcome", [ReferralOutcome.REFERRED_ASYLUM, ReferralOutcome.REFERRED_RELOCATION])
def test_referrals_elsewhere_are_no_return_trigger(outcome):
    assert rules.basis_after_screening(outcome) is None


# --- RD Art 3(3): country of return ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("nationalities", "country"),
    [
        (["SYR"], "SYR"),  # single nationality: the country of origin
        (["SYR", "TUR"], None),  # several: still to be determined
        ([], None),  # unknown
        (["XXA"], None),  # stateless (ICAO 9303)
        (["XXA", "PSE"], "PSE"),  # a stateless marker next to one nationality
        (["SYR", "SYR"], "SYR"),  # the same nationality recorded twice is still one
    ],
)
def test_country_of_return(nationalities, country):
    assert rules.country_of_return(nationalities) == country


# --- the return case -------------------------------------------------------------------------------


def case() -> ReturnCase:
    return ReturnCase(
        id="r-1", person_id="p-1", member_state="NL", trigger=ReturnTrigger.ASYLUM_REJECTION, created_at=NOW
    )


def test_rd_6_1_issue_the_return_decision():
    c = case()
    assert (c.status, c.decision) == (ReturnCaseStatus.INITIATED, None)
    decision = c.issue_decision(legal_basis=["APR Art 37", "RD Art 6(1)"], country_of_return="SYR", now=NOW)
    assert c.status is ReturnCaseStatus.RETURN_DECISION_ISSUED
    assert c.decision is decision
    assert (decision.case_id, decision.issued_at, decision.legal_basis, decision.country_of_return) == (
        "r-1",
        NOW,
        ["APR Art 37", "RD Art 6(1)"],
        "SYR",
    )


def test_a_case_carries_one_return_decision():
    c = case()
    first = c.issue_decision(legal_basis=["APR Art 37"], country_of_return=None, now=NOW)
    with pytest.raises(TransitionNotAllowed) as refused:
        c.issue_decision(legal_basis=["APR Art 37"], country_of_return="IRQ", now=NOW)
    assert refused.value.extra == {"current_status": "RETURN_DECISION_ISSUED"}
    assert c.decision is first
