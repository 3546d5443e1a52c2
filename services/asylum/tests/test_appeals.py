"""What follows a first-instance decision: APR Art 67(7) periods (T13, T14), APR Art 68 right to remain and the
remain request (T16), with the appeal dates of asylum chapter §10 and time.md W3.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from keten_asylum.config import AppealPeriod, AsylumSettings
from keten_asylum.domain.appeals import (
    AppealTerms,
    DecisionContext,
    appeal_rule,
    appeal_terms,
    automatically_suspensive,
    withdrawal_article,
)
from keten_shared.deadlines import Deadline, Rule, Unit
from keten_shared.errors import InvalidData
from keten_shared.events.catalog.asylum import (
    AcceleratedGround,
    AdmissibilityGround,
    DecisionOutcome,
    ProtectionOutcome,
    ProtectionWithdrawalGround,
    RoutedProcedure,
)

AMS = ZoneInfo("Europe/Amsterdam")
D = DecisionOutcome
P = RoutedProcedure
A = AdmissibilityGround
G = AcceleratedGround
W = ProtectionWithdrawalGround
DEFAULT = AsylumSettings()
FIVE_DAYS = AppealPeriod(amount=5, unit=Unit.DAYS)
TEN_DAYS = AppealPeriod(amount=10, unit=Unit.DAYS)
TWO_WEEKS = AppealPeriod(amount=2, unit=Unit.WEEKS)
ONE_MONTH = AppealPeriod(amount=1, unit=Unit.MONTHS)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=AMS)


def end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=AMS)


def assert_in_time_until(d: Deadline | None, last_day: date) -> None:
    assert d is not None
    assert d.rule_applied is Rule.APR_73
    assert d.legal_last_day == last_day
    assert not d.is_expired(end_of(last_day) - timedelta(microseconds=1))
    assert d.is_expired(end_of(last_day))


def terms(ctx: DecisionContext, notified_at: datetime, nl, settings: AsylumSettings = DEFAULT) -> AppealTerms:
    return appeal_terms(ctx, notified_at, settings, nl, AMS)


def merits(outcome: DecisionOutcome, procedure: RoutedProcedure, *grounds: AcceleratedGround, **kw) -> DecisionContext:
    return DecisionContext(outcome=outcome, procedure=procedure, accelerated_grounds=frozenset(grounds), **kw)


def inadmissible(ground: AdmissibilityGround, procedure: RoutedProcedure = P.ADMISSIBILITY, **kw) -> DecisionContext:
    return DecisionContext(outcome=D.INADMISSIBLE, procedure=procedure, admissibility_ground=ground, **kw)


# --- which period: APR Art 67(7)(a) T13 or (b) T14 ------------------------------------------------------


@pytest.mark.parametrize(
    "outcome", [D.GRANTED_REFUGEE, D.EXPLICITLY_WITHDRAWN, D.CLOSED_OTHER_MS_RESPONSIBLE, D.DISCONTINUED]
)
@pytest.mark.parametrize("procedure", list(P))
def test_outcomes_without_appeal(outcome, procedure):
    ctx = DecisionContext(outcome=outcome, procedure=procedure)
    assert appeal_rule(ctx) is None
    assert not automatically_suspensive(ctx, DEFAULT)


@pytest.mark.parametrize(
    "ctx",
    [
        inadmissible(A.PROTECTION_IN_OTHER_MS),
        inadmissible(A.SUBSEQUENT_NO_NEW_ELEMENTS, P.PRELIMINARY_EXAMINATION),
        inadmissible(A.SAFE_THIRD_COUNTRY, P.BORDER),
        DecisionContext(outcome=D.IMPLICITLY_WITHDRAWN, procedure=P.REGULAR),
        merits(D.REJECTED_UNFOUNDED, P.ACCELERATED, G.SAFE_COUNTRY_ORIGIN),
        merits(D.REJECTED_MANIFESTLY_UNFOUNDED, P.ACCELERATED, G.INCONSISTENT),
        merits(D.REJECTED_MANIFESTLY_UNFOUNDED, P.BORDER, G.LOW_RECOGNITION),
        merits(D.REJECTED_UNFOUNDED, P.BORDER),
        merits(D.REJECTED_UNFOUNDED, P.ACCELERATED),
        # APR 42(2): continued as a regular examination, but a 42(1) circumstance applied at the decision.
        merits(D.REJECTED_UNFOUNDED, P.REGULAR, G.LATE_IRREGULAR),
    ],
)
def test_t13_short_period(ctx):
    assert appeal_rule(ctx) == "T13"


@pytest.mark.parametrize(
    "ctx",
    [
        merits(D.REJECTED_UNFOUNDED, P.REGULAR),
        merits(D.REJECTED_MANIFESTLY_UNFOUNDED, P.REGULAR),
        merits(D.GRANTED_SUBSIDIARY, P.REGULAR),
        merits(D.GRANTED_SUBSIDIARY, P.ACCELERATED, G.SAFE_COUNTRY_ORIGIN),
    ],
)
def test_t14_long_period(ctx):
    assert appeal_rule(ctx) == "T14"


# --- APR Art 68(2) default and the 68(3) exceptions --------------------------------------------------------


@pytest.mark.parametrize(
    "ctx",
    [
        merits(D.REJECTED_UNFOUNDED, P.REGULAR),
        merits(D.REJECTED_MANIFESTLY_UNFOUNDED, P.REGULAR),
        merits(D.REJECTED_UNFOUNDED, P.REGULAR, G.LATE_LAWFUL),  # not subject to the accelerated examination
        merits(D.GRANTED_SUBSIDIARY, P.REGULAR),  # APR 67(2): the refusal of refugee status, not in 68(3)
        inadmissible(A.PROTECTION_IN_OTHER_MS),  # 38(1)(c) is not in the default 68(3)(b) list
        inadmissible(A.SAFE_THIRD_COUNTRY),  # 38(1)(b) neither (the 2025 proposal would add it)
    ],
)
def test_automatic_suspensive_effect_by_default(ctx):
    assert automatically_suspensive(ctx, DEFAULT)


@pytest.mark.parametrize("outcome", [D.REJECTED_UNFOUNDED, D.REJECTED_MANIFESTLY_UNFOUNDED])
@pytest.mark.parametrize("uam", [False, True])
def test_68_3_a_i_accelerated_has_no_uam_exception(outcome, uam):
    # Scenario 5: a UAM rejected in the accelerated procedure has no automatic right to remain.
    ctx = merits(outcome, P.ACCELERATED, G.LOW_RECOGNITION, unaccompanied_minor=uam)
    assert not automatically_suspensive(ctx, DEFAULT)


@pytest.mark.parametrize("outcome", [D.REJECTED_UNFOUNDED, D.REJECTED_MANIFESTLY_UNFOUNDED])
def test_68_3_a_ii_border_procedure_except_uam(outcome):
    assert not automatically_suspensive(merits(outcome, P.BORDER, G.MISLEADING), DEFAULT)
    assert automatically_suspensive(merits(outcome, P.BORDER, G.SECURITY, unaccompanied_minor=True), DEFAULT)


@pytest.mark.parametrize(
    ("ground", "automatic"),
    [
        (A.FIRST_COUNTRY_OF_ASYLUM, False),
        (A.SAFE_THIRD_COUNTRY, True),
        (A.PROTECTION_IN_OTHER_MS, True),
        (A.INTERNATIONAL_COURT_RELOCATION, False),
        (A.LATE_AFTER_RETURN_DECISION, False),
        (A.SUBSEQUENT_NO_NEW_ELEMENTS, False),
    ],
)
def test_68_3_b_default_ground_list(ground, automatic):
    assert automatically_suspensive(inadmissible(ground), DEFAULT) is automatic


@pytest.mark.parametrize(
    "ground", [A.FIRST_COUNTRY_OF_ASYLUM, A.INTERNATIONAL_COURT_RELOCATION, A.LATE_AFTER_RETURN_DECISION]
)
def test_68_3_b_uam_exception_only_in_the_border_procedure(ground):
    assert automatically_suspensive(inadmissible(ground, P.BORDER, unaccompanied_minor=True), DEFAULT)
    assert not automatically_suspensive(inadmissible(ground, P.BORDER), DEFAULT)
    assert not automatically_suspensive(inadmissible(ground, unaccompanied_minor=True), DEFAULT)


def test_68_3_b_follows_the_configured_ground_list():
    # All five 38(1) grounds (one consolidated English text, or the 2025 STC proposal adding (b)).
    wide = AsylumSettings(
        no_auto_suspense_inadmissibility_grounds=["38(1)(a)", "38(1)(b)", "38(1)(c)", "38(1)(d)", "38(1)(e)", "38(2)"]
    )
    for ground in A:
        assert not automatically_suspensive(inadmissible(ground), wide)
    # A list without 38(2): the subsequent application without new elements keeps the right to remain.
    narrow = AsylumSettings(no_auto_suspense_inadmissibility_grounds=["38(1)(a)"])
    assert automatically_suspensive(inadmissible(A.SUBSEQUENT_NO_NEW_ELEMENTS, P.PRELIMINARY_EXAMINATION), narrow)
    assert not automatically_suspensive(inadmissible(A.FIRST_COUNTRY_OF_ASYLUM), narrow)


@pytest.mark.parametrize("procedure", list(P))
@pytest.mark.parametrize("uam", [False, True])
def test_68_3_c_implicit_withdrawal(procedure, uam):
    ctx = DecisionContext(outcome=D.IMPLICITLY_WITHDRAWN, procedure=procedure, unaccompanied_minor=uam)
    assert not automatically_suspensive(ctx, DEFAULT)


@pytest.mark.parametrize("outcome", [D.REJECTED_UNFOUNDED, D.REJECTED_MANIFESTLY_UNFOUNDED])
def test_68_3_d_subsequent_application_rejected(outcome):
    assert not automatically_suspensive(merits(outcome, P.REGULAR, subsequent=True), DEFAULT)
    # 68(3)(d) has no UAM exception, in the border procedure either.
    ctx = merits(outcome, P.BORDER, G.SECURITY, subsequent=True, unaccompanied_minor=True)
    assert not automatically_suspensive(ctx, DEFAULT)
    # A grant on a subsequent application is not a rejection.
    assert automatically_suspensive(merits(D.GRANTED_SUBSIDIARY, P.ACCELERATED, G.SUBSEQUENT, subsequent=True), DEFAULT)


def test_inadmissibility_decision_names_its_ground():
    with pytest.raises(InvalidData):
        DecisionContext(outcome=D.INADMISSIBLE, procedure=P.ADMISSIBILITY)


# --- appeal_terms: deadlines and legal basis ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "last_day"),
    [(TWO_WEEKS, date(2026, 12, 24)), (ONE_MONTH, date(2027, 1, 11))],
    ids=["2-weeks", "1-month"],
)
def test_scenario_2_regular_rejection(nl, period, last_day):
    # Notified Thu 10-12-2026: 2 weeks -> Thu 24-12-2026; 1 month = Sun 10-01 -> Mon 11-01-2027.
    result = terms(
        merits(D.REJECTED_UNFOUNDED, P.REGULAR), at(2026, 12, 10), nl, AsylumSettings(appeal_period_long=period)
    )
    assert (result.appealable, result.rule, result.automatic_suspensive) == (True, "T14", True)
    assert_in_time_until(result.deadline, last_day)
    assert result.remain_request_deadline is None
    assert result.legal_basis == ("APR Art 67(7)(b)", "APR Art 68(2)")


@pytest.mark.parametrize(
    ("period", "last_day"),
    [(FIVE_DAYS, date(2026, 8, 19)), (TEN_DAYS, date(2026, 8, 24))],
    ids=["5-days", "10-days"],
)
def test_scenario_3_border_manifestly_unfounded(nl, period, last_day):
    # Notified Fri 14-08-2026: 5 days -> Wed 19-08-2026; 10 days -> Mon 24-08-2026; remain request Wed 19-08.
    ctx = merits(D.REJECTED_MANIFESTLY_UNFOUNDED, P.BORDER, G.LOW_RECOGNITION)
    result = terms(ctx, at(2026, 8, 14), nl, AsylumSettings(appeal_period_short=period))
    assert (result.appealable, result.rule, result.automatic_suspensive) == (True, "T13", False)
    assert_in_time_until(result.deadline, last_day)
    assert_in_time_until(result.remain_request_deadline, date(2026, 8, 19))
    assert result.legal_basis == ("APR Art 67(7)(a)", "APR Art 68(3)(a)(ii)", "APR Art 68(5)(a)")


def test_remain_request_period_follows_the_settings(nl):
    # APR 68(5)(a): a national 7 days from Fri 14-08-2026 -> Fri 21-08-2026.
    ctx = merits(D.REJECTED_MANIFESTLY_UNFOUNDED, P.BORDER, G.LOW_RECOGNITION)
    result = terms(ctx, at(2026, 8, 14), nl, AsylumSettings(remain_request_days=7))
    assert_in_time_until(result.remain_request_deadline, date(2026, 8, 21))


def test_changed_national_period_changes_the_deadline(nl):
    # Notified Fri 14-08-2026 in the border procedure: default 7 days -> Fri 21-08; 6 days -> Thu 20-08;
    # 5 working days -> Fri 21-08.
    ctx = merits(D.REJECTED_UNFOUNDED, P.BORDER, G.SECURITY)
    for period, last_day in [
        (None, date(2026, 8, 21)),
        (AppealPeriod(amount=6, unit=Unit.DAYS), date(2026, 8, 20)),
        (AppealPeriod(amount=5, unit=Unit.WORKING_DAYS), date(2026, 8, 21)),
    ]:
        settings = DEFAULT if period is None else AsylumSettings(appeal_period_short=period)
        assert_in_time_until(terms(ctx, at(2026, 8, 14), nl, settings).deadline, last_day)


def test_scenario_5_uam_rejected_in_the_accelerated_procedure(nl):
    ctx = merits(D.REJECTED_UNFOUNDED, P.ACCELERATED, G.LOW_RECOGNITION, unaccompanied_minor=True)
    result = terms(ctx, at(2026, 10, 12), nl)
    assert (result.rule, result.automatic_suspensive) == ("T13", False)
    assert result.legal_basis == ("APR Art 67(7)(a)", "APR Art 68(3)(a)(i)", "APR Art 68(5)(a)")


def test_scenario_7_inadmissible_protection_elsewhere(nl):
    # T13, automatic suspensive effect under the default list (38(1)(c) not in 68(3)(b)).
    result = terms(
        inadmissible(A.PROTECTION_IN_OTHER_MS), at(2026, 11, 2), nl, AsylumSettings(appeal_period_short=FIVE_DAYS)
    )
    assert (result.appealable, result.rule, result.automatic_suspensive) == (True, "T13", True)
    # Notified Mon 02-11-2026 (the chapter gives no date) + 5 days = Sat 07-11 -> Mon 09-11-2026.
    assert_in_time_until(result.deadline, date(2026, 11, 9))
    assert result.remain_request_deadline is None
    assert result.legal_basis == ("APR Art 67(7)(a)", "APR Art 68(2)")


def test_scenario_8_inadmissible_after_return_decision(nl):
    # Notified Tue 29-09-2026: remain request 5 days = Sun 04-10 -> Mon 05-10-2026.
    result = terms(inadmissible(A.LATE_AFTER_RETURN_DECISION), at(2026, 9, 29), nl)
    assert (result.rule, result.automatic_suspensive) == ("T13", False)
    assert_in_time_until(result.remain_request_deadline, date(2026, 10, 5))
    assert result.legal_basis == ("APR Art 67(7)(a)", "APR Art 68(3)(b)", "APR Art 68(5)(a)")


def test_scenario_9_subsequent_without_new_elements(nl):
    result = terms(inadmissible(A.SUBSEQUENT_NO_NEW_ELEMENTS, P.PRELIMINARY_EXAMINATION), at(2026, 12, 7), nl)
    assert (result.rule, result.automatic_suspensive) == ("T13", False)
    assert result.remain_request_deadline is not None


@pytest.mark.parametrize(
    ("period", "last_day"),
    [(FIVE_DAYS, date(2027, 1, 18)), (TEN_DAYS, date(2027, 1, 22))],
    ids=["5-days", "10-days"],
)
def test_scenario_10_implicit_withdrawal(nl, period, last_day):
    # Notified Tue 12-01-2027: 5 days = Sun 17-01 -> Mon 18-01-2027; 10 days -> Fri 22-01-2027.
    ctx = DecisionContext(outcome=D.IMPLICITLY_WITHDRAWN, procedure=P.REGULAR)
    result = terms(ctx, at(2027, 1, 12), nl, AsylumSettings(appeal_period_short=period))
    assert (result.rule, result.automatic_suspensive) == ("T13", False)
    assert_in_time_until(result.deadline, last_day)
    assert_in_time_until(result.remain_request_deadline, date(2027, 1, 18))
    assert result.legal_basis == ("APR Art 67(7)(a)", "APR Art 68(3)(c)", "APR Art 68(5)(a)")


def test_scenario_11_explicit_withdrawal_is_final_at_once(nl):
    result = terms(DecisionContext(outcome=D.EXPLICITLY_WITHDRAWN, procedure=P.REGULAR), at(2026, 11, 10), nl)
    assert result == AppealTerms(False, None, None, False, None, ("APR Art 40(3)",))


@pytest.mark.parametrize(
    ("outcome", "basis"),
    [
        (D.GRANTED_REFUGEE, ("APR Art 67(1)",)),
        (D.CLOSED_OTHER_MS_RESPONSIBLE, ("APR Art 39(1)(a)", "AMMR Art 43")),
        (D.DISCONTINUED, ("APR Art 66(6)",)),
    ],
)
def test_other_outcomes_without_appeal(nl, outcome, basis):
    result = terms(DecisionContext(outcome=outcome, procedure=P.REGULAR), at(2026, 11, 10), nl)
    assert result == AppealTerms(False, None, None, False, None, basis)


def test_subsidiary_protection_refusal_of_refugee_status(nl):
    # APR 67(2): appealable under T14 with automatic suspensive effect.
    result = terms(merits(D.GRANTED_SUBSIDIARY, P.REGULAR), at(2026, 12, 10), nl)
    assert (result.appealable, result.rule, result.automatic_suspensive) == (True, "T14", True)
    assert_in_time_until(result.deadline, date(2027, 1, 11))
    assert result.legal_basis == ("APR Art 67(7)(b)", "APR Art 67(2)", "APR Art 68(2)")


def test_subsequent_rejection_in_the_accelerated_procedure_cites_both_points(nl):
    ctx = merits(D.REJECTED_UNFOUNDED, P.ACCELERATED, G.SUBSEQUENT, subsequent=True)
    basis = terms(ctx, at(2026, 12, 10), nl).legal_basis
    assert basis == ("APR Art 67(7)(a)", "APR Art 68(3)(a)(i)", "APR Art 68(3)(d)", "APR Art 68(5)(a)")


def test_w3_one_month_from_31_january_in_a_leap_year(nl):
    # time.md W3: notified Mon 31-01-2028 + 1 month -> Tue 29-02-2028.
    result = terms(merits(D.REJECTED_UNFOUNDED, P.REGULAR), at(2028, 1, 31), nl)
    assert_in_time_until(result.deadline, date(2028, 2, 29))


def test_periods_count_from_the_local_day_of_notification(nl):
    # 22:30 UTC on Fri 14-08-2026 is Sat 15-08 00:30 in Amsterdam: 5 days -> Thu 20-08-2026.
    ctx = merits(D.REJECTED_UNFOUNDED, P.BORDER, G.SECURITY)
    result = appeal_terms(ctx, datetime(2026, 8, 14, 22, 30, tzinfo=UTC), DEFAULT, nl, "Europe/Amsterdam")
    assert_in_time_until(result.remain_request_deadline, date(2026, 8, 20))


def withdrawal_of(status: DecisionOutcome, ground: ProtectionWithdrawalGround) -> DecisionContext:
    return DecisionContext(
        outcome=ProtectionOutcome.PROTECTION_WITHDRAWN,
        procedure=P.REGULAR,
        withdrawal_ground=ground,
        withdrawn_status=status,
    )


@pytest.mark.parametrize(
    ("status", "ground", "article", "suspensive"),
    [
        (D.GRANTED_REFUGEE, W.CESSATION, "QR Art 14(1)(a)", True),
        (D.GRANTED_REFUGEE, W.EXCLUDED, "QR Art 14(1)(b)", False),
        (D.GRANTED_REFUGEE, W.MISREPRESENTATION, "QR Art 14(1)(c)", True),
        (D.GRANTED_REFUGEE, W.SECURITY_DANGER, "QR Art 14(1)(d)", False),
        (D.GRANTED_REFUGEE, W.SERIOUS_CRIME, "QR Art 14(1)(e)", False),
        (D.GRANTED_SUBSIDIARY, W.CESSATION, "QR Art 19(1)(a)", True),
        (D.GRANTED_SUBSIDIARY, W.EXCLUDED, "QR Art 19(1)(b)", False),
        (D.GRANTED_SUBSIDIARY, W.MISREPRESENTATION, "QR Art 19(1)(c)", True),
    ],
)
def test_withdrawal_of_protection_t14_and_68_3_e(nl, status, ground, article, suspensive):
    assert withdrawal_article(status, ground) == article
    remedy = terms(withdrawal_of(status, ground), at(2026, 7, 10), nl)
    # APR Art 67(1), 67(7)(b): appealable within the long period; APR 68(3)(e) for the listed grounds.
    assert (remedy.appealable, remedy.rule, remedy.automatic_suspensive) == (True, "T14", suspensive)
    assert ("APR Art 68(3)(e)" in remedy.legal_basis) is not suspensive
    assert_in_time_until(remedy.deadline, date(2026, 8, 10))


@pytest.mark.parametrize("ground", [W.SECURITY_DANGER, W.SERIOUS_CRIME])
def test_subsidiary_protection_is_not_withdrawn_on_refugee_only_grounds(ground):
    with pytest.raises(InvalidData):
        withdrawal_article(D.GRANTED_SUBSIDIARY, ground)


def test_a_withdrawal_of_protection_names_status_and_ground():
    with pytest.raises(InvalidData):
        DecisionContext(
            outcome=ProtectionOutcome.PROTECTION_WITHDRAWN, procedure=P.REGULAR, withdrawal_ground=W.CESSATION
        )
