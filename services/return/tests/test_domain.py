"""Pure return rules: when a return decision is due (APR 37, SR 18), the country of return, the case, and its
suspension, reinstatement and withdrawal after the remedy against the asylum decision (APR 67-68)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from keten_return.domain import rules
from keten_return.domain.model import (
    AppealResult,
    AsylumRemedy,
    Effect,
    ReturnCase,
    ReturnCaseStatus,
    Suspension,
    Transition,
)
from keten_shared.errors import TransitionNotAllowed
from keten_shared.events.catalog.asylum import ReturnDecisionMode
from keten_shared.events.catalog.return_ import (
    ReinstatementReason,
    ReturnTrigger,
    SuspensionReason,
    WithdrawalReason,
)
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


# --- the remedy against the asylum decision (APR Art 67-68) -----------------------------------------

TODAY = date(2026, 7, 10)
T0 = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(hours=1)


def remedy(**facts) -> AsylumRemedy:
    r = AsylumRemedy(asylum_decision_id="d-1", asylum_case_id="a-1", created_at=T0)
    for name, value in facts.items():
        setattr(r, name, value)
    return r


def issued(**facts) -> ReturnCase:
    c = case()
    c.asylum_decision_id, c.remedy = "d-1", remedy(**facts)
    c.issue_decision(legal_basis=["APR Art 37", "RD Art 6(1)"], country_of_return="SYR", now=NOW)
    return c


def test_nothing_reported_suspends_nothing():
    assert remedy().suspension(TODAY) is None


@pytest.mark.parametrize(
    ("until", "suspended"),
    [
        (TODAY + timedelta(days=1), True),
        (TODAY, True),  # the last day of the right to remain still counts
        (TODAY - timedelta(days=1), False),  # reported late: the right to remain is over
        (None, True),  # "pending the outcome": until the asylum service reports otherwise
    ],
)
def test_apr_68_1_a_right_to_remain_suspends_until_its_last_day(until, suspended):
    r = remedy()
    r.report_right_to_remain(right_to_remain=True, until=until, basis="APR Art 68(2)", as_of=T0)
    found = r.suspension(TODAY)
    assert (found is not None) is suspended
    if suspended:
        assert found == Suspension(
            SuspensionReason.RIGHT_TO_REMAIN, ("APR Art 68(1)", "APR Art 68(2)", "C-181/16 Gnandi"), until
        )


@pytest.mark.parametrize("basis", ["APR Art 68(4)", "APR Art 68(5)(d)"])
def test_apr_68_4_and_68_5_d_the_ground_of_the_right_to_remain_is_named(basis):
    r = remedy()
    r.report_right_to_remain(right_to_remain=True, until=None, basis=basis, as_of=T0)
    assert r.suspension(TODAY).legal_basis == ("APR Art 68(1)", basis, "C-181/16 Gnandi")


def test_no_right_to_remain_suspends_nothing():
    r = remedy()
    assert r.report_right_to_remain(right_to_remain=False, until=TODAY, basis=None, as_of=T0) is True
    assert (r.right_to_remain, r.right_to_remain_until) == (False, None)  # no "until" without a right
    assert r.suspension(TODAY) is None


def test_the_same_right_to_remain_report_twice_changes_nothing():
    r = remedy()
    assert r.report_right_to_remain(right_to_remain=True, until=TODAY, basis="APR Art 68(2)", as_of=T0) is True
    assert r.report_right_to_remain(right_to_remain=True, until=TODAY, basis="APR Art 68(2)", as_of=LATER) is False


def test_an_older_right_to_remain_report_arriving_late_is_ignored():
    r = remedy()
    r.report_right_to_remain(right_to_remain=False, until=None, basis=None, as_of=LATER)
    assert r.report_right_to_remain(right_to_remain=True, until=None, basis="APR Art 68(4)", as_of=T0) is False
    assert (r.right_to_remain, r.right_to_remain_as_of) == (False, LATER)
    # Reported at the same instant: taken in the order of arrival.
    assert r.report_right_to_remain(right_to_remain=True, until=None, basis="APR Art 68(4)", as_of=LATER) is True


def test_apr_68_2_a_suspensive_appeal_lodged_in_time_suspends():
    r = remedy()
    assert r.note_appeal_lodged(appeal_id="ap-1", in_time=True, suspensive=True, lodged_at=T0) is True
    assert r.appeal_pending
    assert r.suspension(TODAY) == Suspension(
        SuspensionReason.SUSPENSIVE_APPEAL, ("APR Art 68(1)", "APR Art 68(2)", "C-181/16 Gnandi"), None, "ap-1"
    )
    assert r.note_appeal_lodged(appeal_id="ap-1", in_time=True, suspensive=True, lodged_at=T0) is False


def test_the_suspensive_appeal_is_the_ground_named_before_the_right_to_remain():
    r = remedy()
    r.report_right_to_remain(right_to_remain=True, until=None, basis="APR Art 68(2)", as_of=T0)
    r.note_appeal_lodged(appeal_id="ap-1", in_time=True, suspensive=True, lodged_at=T0)
    assert r.suspension(TODAY).reason is SuspensionReason.SUSPENSIVE_APPEAL


def test_apr_67_7_a_late_appeal_changes_nothing():
    r = remedy()
    assert r.note_appeal_lodged(appeal_id="ap-1", in_time=False, suspensive=False, lodged_at=T0) is False
    assert (r.appeal_id, r.suspension(TODAY)) == (None, None)


def test_apr_68_3_an_appeal_without_suspensive_effect_is_recorded_but_suspends_nothing():
    r = remedy()
    assert r.note_appeal_lodged(appeal_id="ap-1", in_time=True, suspensive=False, lodged_at=T0) is True
    assert r.appeal_pending and r.suspension(TODAY) is None


def test_apr_68_2_a_dismissal_ends_the_right_to_remain_pending_the_appeal():
    r = remedy()
    r.report_right_to_remain(right_to_remain=True, until=None, basis="APR Art 68(4)", as_of=T0)
    r.note_appeal_lodged(appeal_id="ap-1", in_time=True, suspensive=False, lodged_at=T0)
    assert r.note_appeal_decided(appeal_id="ap-1", result=AppealResult.DISMISSED, decided_at=LATER, as_of=LATER)
    assert (r.appeal_pending, r.right_to_remain, r.right_to_remain_basis) == (False, False, None)
    assert r.suspension(TODAY) is None
    # The same outcome again, and the appeal reported again after its outcome: nothing changes.
    assert not r.note_appeal_decided(appeal_id="ap-1", result=AppealResult.DISMISSED, decided_at=LATER, as_of=LATER)
    assert not r.note_appeal_lodged(appeal_id="ap-1", in_time=True, suspensive=True, lodged_at=T0)
    assert r.suspension(TODAY) is None


def test_an_outcome_arriving_before_its_appeal_is_kept():
    r = remedy()
    assert r.note_appeal_decided(appeal_id="ap-1", result=AppealResult.DISMISSED, decided_at=LATER, as_of=LATER)
    assert not r.note_appeal_lodged(appeal_id="ap-1", in_time=True, suspensive=True, lodged_at=T0)
    assert (r.appeal_result, r.suspension(TODAY)) == (AppealResult.DISMISSED, None)


def test_a_dismissal_does_not_undo_a_newer_right_to_remain():
    r = remedy()
    r.note_appeal_lodged(appeal_id="ap-1", in_time=True, suspensive=True, lodged_at=T0)
    r.report_right_to_remain(right_to_remain=True, until=None, basis="APR Art 68(4)", as_of=LATER)
    r.note_appeal_decided(appeal_id="ap-1", result=AppealResult.DISMISSED, decided_at=T0, as_of=T0)
    assert r.suspension(TODAY).legal_basis == ("APR Art 68(1)", "APR Art 68(4)", "C-181/16 Gnandi")


def test_an_annulled_decision_suspends_nothing():
    r = remedy()
    r.note_appeal_lodged(appeal_id="ap-1", in_time=True, suspensive=True, lodged_at=T0)
    r.note_appeal_decided(appeal_id="ap-1", result=AppealResult.ANNULLED, decided_at=LATER, as_of=LATER)
    r.report_right_to_remain(right_to_remain=True, until=None, basis="APR Art 10(1)", as_of=LATER)
    assert r.annulled and r.suspension(TODAY) is None


# --- suspending, reinstating and withdrawing the return decision ----------------------------------


def test_a_return_decision_is_not_suspended_without_a_ground():
    c = issued()
    assert c.reassess(today=TODAY, now=NOW) is None
    assert c.status is ReturnCaseStatus.RETURN_DECISION_ISSUED


def test_a_case_without_a_remedy_is_never_suspended():
    c = case()
    c.issue_decision(legal_basis=["SR Art 18(1)"], country_of_return=None, now=NOW)
    assert c.reassess(today=TODAY, now=NOW) is None


def test_apr_68_1_suspend_and_remember_the_prior_state():
    c = issued(right_to_remain=True, right_to_remain_basis="APR Art 68(5)(d)", right_to_remain_until=TODAY)
    change = c.reassess(today=TODAY, now=NOW)
    assert change == Transition(
        Effect.SUSPENDED,
        ReturnCaseStatus.RETURN_DECISION_ISSUED,
        ReturnCaseStatus.SUSPENDED,
        ("APR Art 68(1)", "APR Art 68(5)(d)", "C-181/16 Gnandi"),
        SuspensionReason.RIGHT_TO_REMAIN,
        NOW,
    )
    assert (c.status, c.suspended_from, c.suspended_at, c.suspension_reason) == (
        ReturnCaseStatus.SUSPENDED,
        ReturnCaseStatus.RETURN_DECISION_ISSUED,
        NOW,
        SuspensionReason.RIGHT_TO_REMAIN,
    )
    assert c.suspension_basis == ["APR Art 68(1)", "APR Art 68(5)(d)", "C-181/16 Gnandi"]
    assert c.reassess(today=TODAY, now=LATER) is None  # the same ground again


def test_the_right_to_remain_ending_tomorrow_or_yesterday():
    assert (
        issued(right_to_remain=True, right_to_remain_until=TODAY - timedelta(days=1)).reassess(today=TODAY, now=NOW)
        is None
    )
    assert (
        issued(right_to_remain=True, right_to_remain_until=TODAY + timedelta(days=1))
        .reassess(today=TODAY, now=NOW)
        .effect
        is Effect.SUSPENDED
    )


def test_the_suspension_goes_on_on_another_ground():
    c = issued(right_to_remain=True, right_to_remain_basis="APR Art 68(5)(d)")
    c.reassess(today=TODAY, now=NOW)
    c.remedy.report_right_to_remain(right_to_remain=True, until=None, basis="APR Art 68(4)", as_of=LATER)
    change = c.reassess(today=TODAY, now=LATER)
    assert (change.effect, change.legal_basis, change.suspended_at) == (
        Effect.SUSPENSION_CHANGED,
        ("APR Art 68(1)", "APR Art 68(4)", "C-181/16 Gnandi"),
        NOW,
    )
    assert (c.status, c.suspended_at, c.suspension_basis[1]) == (ReturnCaseStatus.SUSPENDED, NOW, "APR Art 68(4)")


def test_right_to_remain_ended_reinstates_the_prior_state():
    c = issued(right_to_remain=True, right_to_remain_basis="APR Art 68(5)(d)")
    c.reassess(today=TODAY, now=NOW)
    c.remedy.report_right_to_remain(right_to_remain=False, until=None, basis=None, as_of=LATER)
    change = c.reassess(today=TODAY, now=LATER)
    assert change == Transition(
        Effect.REINSTATED,
        ReturnCaseStatus.SUSPENDED,
        ReturnCaseStatus.RETURN_DECISION_ISSUED,
        ("APR Art 68(1)",),
        ReinstatementReason.RIGHT_TO_REMAIN_ENDED,
        NOW,
    )
    assert (c.status, c.suspended_at, c.suspended_from, c.suspension_basis) == (
        ReturnCaseStatus.RETURN_DECISION_ISSUED,
        None,
        None,
        None,
    )


def test_right_to_remain_ended_while_a_suspensive_appeal_is_pending_keeps_the_suspension():
    c = issued()
    c.remedy.note_appeal_lodged(appeal_id="ap-1", in_time=True, suspensive=True, lodged_at=T0)
    assert c.reassess(today=TODAY, now=NOW).effect is Effect.SUSPENDED
    c.remedy.report_right_to_remain(right_to_remain=False, until=None, basis=None, as_of=LATER)
    assert c.reassess(today=TODAY, now=LATER) is None
    assert c.status is ReturnCaseStatus.SUSPENDED


def test_dismissal_reinstates():
    c = issued()
    c.remedy.note_appeal_lodged(appeal_id="ap-1", in_time=True, suspensive=True, lodged_at=T0)
    c.reassess(today=TODAY, now=NOW)
    c.remedy.note_appeal_decided(appeal_id="ap-1", result=AppealResult.DISMISSED, decided_at=LATER, as_of=LATER)
    change = c.reassess(today=TODAY, now=LATER, cause=ReinstatementReason.APPEAL_DISMISSED)
    assert (change.effect, change.after, change.legal_basis, change.reason) == (
        Effect.REINSTATED,
        ReturnCaseStatus.RETURN_DECISION_ISSUED,
        ("APR Art 68(1)", "APR Art 68(2)"),
        ReinstatementReason.APPEAL_DISMISSED,
    )


@pytest.mark.parametrize("suspended", [False, True])
def test_annulment_withdraws_the_return_decision(suspended):
    c = issued(right_to_remain=suspended)
    c.reassess(today=TODAY, now=NOW)
    before = c.status
    change = c.withdraw(now=LATER)
    assert change == Transition(
        Effect.WITHDRAWN,
        before,
        ReturnCaseStatus.CANCELLED,
        ("APR Art 10(1)", "RD recital 9"),
        WithdrawalReason.ASYLUM_DECISION_ANNULLED,
        NOW if suspended else None,
    )
    assert (c.status, c.withdrawn_at, c.withdrawal_reason, c.suspended_at) == (
        ReturnCaseStatus.CANCELLED,
        LATER,
        WithdrawalReason.ASYLUM_DECISION_ANNULLED,
        None,
    )
    assert c.withdraw(now=LATER) is None  # withdrawn already
    # A cancelled case is neither suspended nor reinstated any more.
    c.remedy.report_right_to_remain(right_to_remain=True, until=None, basis="APR Art 10(1)", as_of=LATER)
    assert c.reassess(today=TODAY, now=LATER) is None


def test_nothing_to_withdraw_before_the_return_decision():
    with pytest.raises(TransitionNotAllowed):
        case().withdraw(now=NOW)


def test_an_initiated_case_is_not_suspended():
    c = case()
    c.remedy = remedy(right_to_remain=True)
    assert c.reassess(today=TODAY, now=NOW) is None


def test_scenario_5_late_appeal_then_a_court_suspends_then_dismissal():
    """Return chapter §9 scenario 5 (without the VD clock, not built yet): a late appeal does nothing; the court's
    suspension does; the dismissal reinstates the decision."""
    c = issued()
    c.remedy.report_right_to_remain(right_to_remain=False, until=None, basis=None, as_of=T0)
    assert c.reassess(today=date(2026, 7, 25), now=NOW) is None
    assert not c.remedy.note_appeal_lodged(appeal_id="late", in_time=False, suspensive=False, lodged_at=T0)
    assert c.status is ReturnCaseStatus.RETURN_DECISION_ISSUED
    c.remedy.report_right_to_remain(right_to_remain=True, until=None, basis="APR Art 68(4)", as_of=LATER)
    assert c.reassess(today=date(2026, 7, 28), now=LATER).effect is Effect.SUSPENDED
    c.remedy.note_appeal_decided(appeal_id="late", result=AppealResult.DISMISSED, decided_at=LATER, as_of=LATER)
    change = c.reassess(today=date(2026, 10, 2), now=LATER, cause=ReinstatementReason.APPEAL_DISMISSED)
    assert (change.effect, c.status) == (Effect.REINSTATED, ReturnCaseStatus.RETURN_DECISION_ISSUED)


def test_scenario_6_positive_appeal():
    """Return chapter §9 scenario 6: automatic suspensive appeal → suspended; annulled → cancelled, withdrawn."""
    c = issued()
    c.remedy.note_appeal_lodged(appeal_id="ap-1", in_time=True, suspensive=True, lodged_at=T0)
    assert c.reassess(today=date(2026, 7, 10), now=NOW).reason is SuspensionReason.SUSPENSIVE_APPEAL
    c.remedy.note_appeal_decided(appeal_id="ap-1", result=AppealResult.ANNULLED, decided_at=LATER, as_of=LATER)
    assert c.withdraw(now=LATER).effect is Effect.WITHDRAWN
    assert c.status is ReturnCaseStatus.CANCELLED
