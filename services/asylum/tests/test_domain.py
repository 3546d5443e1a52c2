"""Pure asylum rules: APR 27 registration and APR 28 lodging periods, APR 27(7), APR 37, the decision."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from keten_asylum.domain.deadlines import LODGING, REGISTRATION
from keten_asylum.domain.model import (
    OUTCOME_LEGAL_BASIS,
    RETURN_DECISION_OUTCOMES,
    Application,
    ApplicationStatus,
    registration_clock_start,
    requires_return_decision,
)
from keten_shared.deadlines import Purpose, Rule, Unit
from keten_shared.errors import InvalidData, TransitionNotAllowed
from keten_shared.events.catalog.asylum import DecisionOutcome, ProcedureType, ReturnDecisionMode
from keten_shared.events.catalog.screening import ScreeningReason

AMS = ZoneInfo("Europe/Amsterdam")
D = DecisionOutcome
NEGATIVE = [
    D.REJECTED_UNFOUNDED,
    D.REJECTED_MANIFESTLY_UNFOUNDED,
    D.INADMISSIBLE,
    D.IMPLICITLY_WITHDRAWN,
    D.EXPLICITLY_WITHDRAWN,
]
NO_RETURN = [D.GRANTED_REFUGEE, D.GRANTED_SUBSIDIARY, D.CLOSED_OTHER_MS_RESPONSIBLE, D.DISCONTINUED]


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=AMS)


def end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=AMS)


# --- APR 27(1) registration, APR 28(1) lodging (computed under APR 73) ------------------------------


def test_registration_and_lodging_specs():
    assert (REGISTRATION.amount, REGISTRATION.unit, REGISTRATION.rule) == (5, Unit.DAYS, Rule.APR_73)
    assert (LODGING.amount, LODGING.unit, LODGING.rule) == (21, Unit.DAYS, Rule.APR_73)
    assert REGISTRATION.purpose is LODGING.purpose is Purpose.ACT_TIME_LIMIT
    assert (REGISTRATION.legal_basis, LODGING.legal_basis) == ("APR Art 27(1)", "APR Art 28(1)")


def test_w1_registration_made_monday_due_monday_after_the_weekend(nl):
    # time.md W1 / asylum scenario 1: made Mon 2026-06-15, + 5 days = Sat 06-20, APR 73(c) -> Mon 06-22.
    d = REGISTRATION.compute(at(2026, 6, 15), nl, tz=AMS)
    assert (d.unrolled_last_day, d.legal_last_day) == (date(2026, 6, 20), date(2026, 6, 22))
    # An act time limit: the legal end applies; registration on Mon 06-22 is in time, on Tue 06-23 late.
    assert d.operational_end == end_of(date(2026, 6, 22))
    assert not d.is_expired(datetime.combine(date(2026, 6, 22), time(23, 59, 59, 999999), tzinfo=AMS))
    assert d.is_expired(at(2026, 6, 23, 0, 0))


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (at(2026, 7, 3), date(2026, 7, 8)),  # asylum scenario 3: referral Fri 07-03 -> Wed 07-08
        (at(2026, 6, 25, 23, 0), date(2026, 6, 30)),  # screening S2: referral at the limit Thu 06-25 -> Tue 06-30
        (at(2026, 7, 3, 8, 0), date(2026, 7, 8)),  # screening S3: BCP making Fri 07-03 -> Wed 07-08
        (at(2026, 12, 21), date(2026, 12, 28)),  # Sat 12-26 (2nd Christmas day), Sun -> Mon 12-28
        (at(2026, 4, 22), date(2026, 4, 28)),  # Mon 04-27 is King's Day -> Tue 04-28
    ],
)
def test_registration_due_dates(nl, start, due):
    assert REGISTRATION.compute(start, nl, tz=AMS).legal_last_day == due


def test_lodging_21_days_from_registration(nl):
    # Asylum scenario 1: registered Wed 2026-06-17 -> lodging due Wed 2026-07-08.
    assert LODGING.compute(at(2026, 6, 17), nl, tz=AMS).legal_last_day == date(2026, 7, 8)


def test_lodging_rolls_over_christmas(nl):
    # Registered Fri 2026-12-04: + 21 = Fri 12-25 (Christmas), Sat 26 (holiday), Sun 27 -> Mon 12-28.
    d = LODGING.compute(at(2026, 12, 4), nl, tz=AMS)
    assert (d.unrolled_last_day, d.legal_last_day) == (date(2026, 12, 25), date(2026, 12, 28))


# --- APR 27(7): when the registration period starts -----------------------------------------------


@pytest.mark.parametrize("reason", [ScreeningReason.BORDER_IRREGULAR, ScreeningReason.BORDER_SAR])
def test_apr_27_7_sr_5_1_persons_start_at_the_referral(reason):
    made, referred = at(2026, 7, 2), at(2026, 7, 3)
    assert registration_clock_start(made, referred, reason) == referred


@pytest.mark.parametrize("reason", [ScreeningReason.BORDER_BCP_APPLICANT, ScreeningReason.TERRITORY])
def test_apr_27_7_does_not_cover_sr_5_2_and_sr_7_persons(reason):
    made, referred = at(2026, 7, 2), at(2026, 7, 3)
    assert registration_clock_start(made, referred, reason) == made


@pytest.mark.parametrize("reason", [*ScreeningReason, None])
def test_without_screening_the_period_runs_from_the_making(reason):
    assert registration_clock_start(at(2026, 7, 2), None, reason) == at(2026, 7, 2)


def test_apr_27_7_moves_the_due_date(nl):
    # Scenario 3: made Thu 07-02, referred Fri 07-03: due Wed 07-08 (SR 5(1)) instead of Tue 07-07 (from the making).
    made, referred = at(2026, 7, 2), at(2026, 7, 3)
    for reason, due in [
        (ScreeningReason.BORDER_IRREGULAR, date(2026, 7, 8)),
        (ScreeningReason.BORDER_BCP_APPLICANT, date(2026, 7, 7)),
    ]:
        start = registration_clock_start(made, referred, reason)
        assert REGISTRATION.compute(start, nl, tz=AMS).legal_last_day == due


# --- APR 37: when a return decision must follow ---------------------------------------------------


def test_the_apr_37_outcomes():
    assert set(NEGATIVE) == RETURN_DECISION_OUTCOMES
    assert set(NEGATIVE) | set(NO_RETURN) == set(DecisionOutcome)


@pytest.mark.parametrize("outcome", NEGATIVE)
@pytest.mark.parametrize("mode", [None, ReturnDecisionMode.INTEGRATED, ReturnDecisionMode.SEPARATE_ACT])
def test_apr_37_negative_outcomes_require_a_return_decision(outcome, mode):
    assert requires_return_decision(outcome, mode) is True


@pytest.mark.parametrize("outcome", NEGATIVE)
def test_apr_37_not_when_a_return_decision_existed_before_the_application(outcome):
    assert requires_return_decision(outcome, ReturnDecisionMode.PRE_EXISTING) is False


@pytest.mark.parametrize("outcome", NO_RETURN)
@pytest.mark.parametrize("mode", [None, *ReturnDecisionMode])
def test_no_return_decision_after_protection_or_closure(outcome, mode):
    assert requires_return_decision(outcome, mode) is False


@pytest.mark.parametrize(
    ("outcome", "basis"),
    [
        (D.GRANTED_REFUGEE, ["QR Art 13", "APR Art 39(2)"]),
        (D.GRANTED_SUBSIDIARY, ["QR Art 18", "APR Art 39(2)"]),
        (D.REJECTED_UNFOUNDED, ["APR Art 39(3)"]),
        (D.REJECTED_MANIFESTLY_UNFOUNDED, ["APR Art 39(4)"]),
        (D.INADMISSIBLE, ["APR Art 38"]),
        (D.IMPLICITLY_WITHDRAWN, ["APR Art 41"]),
        (D.EXPLICITLY_WITHDRAWN, ["APR Art 40"]),
        (D.CLOSED_OTHER_MS_RESPONSIBLE, ["APR Art 39(1)(a)"]),
        (D.DISCONTINUED, ["APR Art 66(6)"]),
    ],
)
def test_each_outcome_rests_on_its_article(outcome, basis):
    assert list(OUTCOME_LEGAL_BASIS[outcome]) == basis


# --- the decision on an application ---------------------------------------------------------------


def application(**overrides) -> Application:
    values = {
        "id": "a-1",
        "person_id": "p-1",
        "member_state": "NL",
        "person": {"family_name": "Doe", "nationalities": ["AFG"]},
        "made_at": at(2026, 6, 15),
        "registered_at": at(2026, 6, 17),
        "registration_deadline": date(2026, 6, 22),
        "lodging_deadline": date(2026, 7, 8),
        "created_at": at(2026, 6, 17),
    }
    return Application(**(values | overrides))


def decide(app: Application, outcome: DecisionOutcome, mode: ReturnDecisionMode | None = None, **kw):
    values = {"procedure_type": ProcedureType.REGULAR, "notified_at": at(2026, 12, 10), "now": at(2026, 12, 10, 12)}
    return app.decide(outcome=outcome, return_decision_mode=mode, **(values | kw))


@pytest.mark.parametrize("outcome", NEGATIVE)
def test_negative_decision_requires_a_separate_return_decision_by_default(outcome):
    app = application()
    decision = decide(app, outcome)
    assert decision.return_decision_required is True
    assert decision.return_decision_mode is ReturnDecisionMode.SEPARATE_ACT
    assert decision.legal_basis == [*OUTCOME_LEGAL_BASIS[outcome], "APR Art 37"]
    assert (decision.application_id, decision.outcome, decision.decided_at) == ("a-1", outcome, at(2026, 12, 10, 12))
    assert app.status is ApplicationStatus.DECIDED
    assert app.decision is decision


@pytest.mark.parametrize("outcome", NEGATIVE)
def test_negative_decision_with_integrated_return_decision(outcome):
    decision = decide(application(), outcome, ReturnDecisionMode.INTEGRATED)
    assert (decision.return_decision_required, decision.return_decision_mode) == (True, ReturnDecisionMode.INTEGRATED)


@pytest.mark.parametrize("outcome", NEGATIVE)
def test_negative_decision_after_a_pre_existing_return_decision(outcome):
    decision = decide(application(), outcome, ReturnDecisionMode.PRE_EXISTING)
    assert (decision.return_decision_required, decision.return_decision_mode) == (
        False,
        ReturnDecisionMode.PRE_EXISTING,
    )
    assert "APR Art 37" not in decision.legal_basis


@pytest.mark.parametrize("outcome", NO_RETURN)
def test_positive_or_closing_decision_has_no_return_decision(outcome):
    decision = decide(application(), outcome)
    assert (decision.return_decision_required, decision.return_decision_mode) == (False, None)
    assert decision.legal_basis == list(OUTCOME_LEGAL_BASIS[outcome])


@pytest.mark.parametrize("outcome", NO_RETURN)
@pytest.mark.parametrize("mode", list(ReturnDecisionMode))
def test_a_return_decision_mode_only_fits_the_apr_37_outcomes(outcome, mode):
    app = application()
    with pytest.raises(InvalidData, match="return decision mode"):
        decide(app, outcome, mode)
    assert (app.status, app.decision) == (ApplicationStatus.REGISTERED, None)


def test_decide_twice_is_refused():
    app = application()
    first = decide(app, D.REJECTED_UNFOUNDED)
    with pytest.raises(TransitionNotAllowed) as refused:
        decide(app, D.GRANTED_REFUGEE)
    assert refused.value.extra == {"current_status": "DECIDED"}
    assert app.decision is first


def test_notification_before_the_making_is_refused_and_at_the_making_accepted():
    made = at(2026, 6, 15)
    with pytest.raises(InvalidData, match="before"):
        decide(application(), D.GRANTED_REFUGEE, notified_at=made - timedelta(microseconds=1))
    assert decide(application(), D.GRANTED_REFUGEE, notified_at=made).notified_at == made


def test_notification_in_the_future_is_refused():
    now = at(2026, 12, 10, 12)
    app = application()
    with pytest.raises(InvalidData, match="future"):
        decide(app, D.REJECTED_UNFOUNDED, notified_at=now + timedelta(microseconds=1), now=now)
    assert app.status is ApplicationStatus.REGISTERED
    assert decide(app, D.REJECTED_UNFOUNDED, notified_at=now, now=now).notified_at == now
