"""Pure screening rules: the SR 8 time limits (time.md §4, screening chapter §9), the SR 18 referral, the case."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from keten_screening.domain.deadlines import BORDER_COMPLETION, TERRITORY_COMPLETION, completion_limit
from keten_screening.domain.model import CHECKS, Referral, ScreeningCase, ScreeningStatus, referral_for
from keten_shared.deadlines import DeadlineConfig, LibertyCapPolicy, Purpose, Rule, Unit
from keten_shared.errors import InvalidData, TransitionNotAllowed
from keten_shared.events.catalog.screening import Completion, ReferralOutcome, ReferralTarget, ScreeningReason

AMS = ZoneInfo("Europe/Amsterdam")
BORDER = (ScreeningReason.BORDER_IRREGULAR, ScreeningReason.BORDER_SAR, ScreeningReason.BORDER_BCP_APPLICANT)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=AMS)


def end_of(day: date) -> datetime:
    """24:00 Dutch time of ``day``: the instant the period has expired."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=AMS)


def limit(reason: ScreeningReason, trigger: datetime, nl, **config):
    return completion_limit(reason).compute(trigger, nl, tz=AMS, config=DeadlineConfig(**config))


# --- SR 8(3), 8(4): which limit -------------------------------------------------------------------


@pytest.mark.parametrize("reason", BORDER)
def test_border_categories_have_the_sr_8_3_seven_day_limit(reason):
    spec = completion_limit(reason)
    assert spec is BORDER_COMPLETION
    assert (spec.amount, spec.unit, spec.rule, spec.purpose) == (7, Unit.DAYS, Rule.EU_1182_71, Purpose.LIBERTY_CAP)
    assert spec.legal_basis == "SR Art 8(3)"


def test_territory_has_the_sr_8_4_three_day_limit():
    spec = completion_limit(ScreeningReason.TERRITORY)
    assert spec is TERRITORY_COMPLETION
    assert (spec.amount, spec.unit, spec.rule, spec.purpose) == (3, Unit.DAYS, Rule.EU_1182_71, Purpose.LIBERTY_CAP)
    assert spec.legal_basis == "SR Art 8(4)"


# --- SR 8 limits computed (time.md W8; screening chapter §9) -------------------------------------


def test_w8_s4_territory_wednesday_ends_strict_on_saturday_legal_on_monday(nl):
    d = limit(ScreeningReason.TERRITORY, at(2026, 7, 8), nl)
    assert d.unrolled_last_day == date(2026, 7, 11)  # deadline_strict, Sat
    assert d.legal_last_day == date(2026, 7, 13)  # deadline_ptl, Mon (1182/71 3(4))
    # Liberty cap (time.md §3.10): referral forced at the end of the unrolled last day.
    assert d.operational_end == end_of(date(2026, 7, 11))
    assert d.legal_end == end_of(date(2026, 7, 13))


def test_w8_liberty_cap_policy_legal_enforces_at_the_rolled_end(nl):
    d = limit(ScreeningReason.TERRITORY, at(2026, 7, 8), nl, liberty_cap_policy=LibertyCapPolicy.LEGAL)
    assert d.operational_end == end_of(date(2026, 7, 13))


@pytest.mark.parametrize(
    ("scenario", "reason", "trigger", "strict", "ptl"),
    [
        ("S1 SAR", ScreeningReason.BORDER_SAR, at(2026, 6, 15, 14, 30), date(2026, 6, 22), date(2026, 6, 22)),
        ("S2 land", ScreeningReason.BORDER_IRREGULAR, at(2026, 6, 18, 22, 10), date(2026, 6, 25), date(2026, 6, 25)),
        ("S3 BCP", ScreeningReason.BORDER_BCP_APPLICANT, at(2026, 7, 3, 8), date(2026, 7, 10), date(2026, 7, 10)),
        ("S5 UAM SAR", ScreeningReason.BORDER_SAR, at(2026, 8, 1, 6), date(2026, 8, 8), date(2026, 8, 10)),
        ("S6 land", ScreeningReason.BORDER_IRREGULAR, at(2026, 9, 1), date(2026, 9, 8), date(2026, 9, 8)),
        ("S7 refusal", ScreeningReason.BORDER_IRREGULAR, at(2026, 9, 7), date(2026, 9, 14), date(2026, 9, 14)),
        ("S8 absconds", ScreeningReason.BORDER_SAR, at(2026, 6, 20), date(2026, 6, 27), date(2026, 6, 29)),
        ("S9 hit", ScreeningReason.BORDER_IRREGULAR, at(2026, 10, 5, 7, 40), date(2026, 10, 12), date(2026, 10, 12)),
        ("ret S11", ScreeningReason.BORDER_IRREGULAR, at(2026, 7, 1), date(2026, 7, 8), date(2026, 7, 8)),
    ],
)
def test_chapter_scenarios_border_seven_days(nl, scenario, reason, trigger, strict, ptl):
    d = limit(reason, trigger, nl)
    assert (d.unrolled_last_day, d.legal_last_day) == (strict, ptl), scenario
    assert d.operational_end == end_of(strict)


def test_border_limit_last_day_is_seven_days_later_and_the_next_day_is_outside(nl):
    d = limit(ScreeningReason.BORDER_IRREGULAR, at(2026, 9, 1, 0, 0), nl)
    last = date(2026, 9, 8)
    assert d.unrolled_last_day == last
    assert not d.is_expired(datetime.combine(last, time(23, 59, 59, 999999), tzinfo=AMS))
    assert d.is_expired(datetime.combine(last + timedelta(days=1), time(), tzinfo=AMS))


def test_event_day_is_not_counted_even_at_one_minute_to_midnight(nl):
    # 1182/71 Art 3(1): the day of the apprehension is not counted, whatever the hour.
    early, late = (
        limit(ScreeningReason.BORDER_SAR, at(2026, 9, 1, 0, 1), nl),
        limit(ScreeningReason.BORDER_SAR, at(2026, 9, 1, 23, 59), nl),
    )
    assert early.unrolled_last_day == late.unrolled_last_day == date(2026, 9, 8)


def test_days_are_counted_in_the_member_states_zone(nl):
    # 23:30 UTC on 18 June is 01:30 on 19 June in the Netherlands: the event day is the 19th (time.md §3.8).
    d = limit(ScreeningReason.BORDER_IRREGULAR, datetime(2026, 6, 18, 23, 30, tzinfo=UTC), nl)
    assert d.unrolled_last_day == date(2026, 6, 26)
    assert d.operational_end == datetime(2026, 6, 26, 22, 0, tzinfo=UTC)


def test_territory_over_christmas_two_working_day_minimum_extends_the_legal_end(nl):
    # Thu 24 Dec + 3 days = Sun 27 Dec; roll-forward to Mon 28 Dec; 25-27 Dec hold no working day, so
    # 1182/71 Art 3(5) extends to the second working day, Tue 29 Dec. The cap stays on Sun 27 Dec.
    d = limit(ScreeningReason.TERRITORY, at(2026, 12, 24), nl)
    assert (d.unrolled_last_day, d.legal_last_day) == (date(2026, 12, 27), date(2026, 12, 29))
    assert d.operational_end == end_of(date(2026, 12, 27))
    assert "3(5) minimum" in [step.step for step in d.trace]


def test_territory_over_christmas_without_minimum_only_rolls(nl):
    d = limit(ScreeningReason.TERRITORY, at(2026, 12, 24), nl, two_working_day_minimum=False)
    assert d.legal_last_day == date(2026, 12, 28)


def test_territory_limit_rolls_past_a_holiday_weekend(nl):
    # Wed 23 Dec + 3 = Sat 26 Dec (2nd Christmas day); Sat, Sun skipped -> Mon 28 Dec.
    # Thu 24 and Mon 28 are working days, so 1182/71 Art 3(5) adds nothing.
    d = limit(ScreeningReason.TERRITORY, at(2026, 12, 23), nl)
    assert (d.unrolled_last_day, d.legal_last_day) == (date(2026, 12, 26), date(2026, 12, 28))


def test_limit_trace_names_the_article(nl):
    d = limit(ScreeningReason.TERRITORY, at(2026, 7, 8), nl)
    assert d.legal_basis == "SR Art 8(4)"
    assert d.trace[0].value == "SR.8.4"


# --- SR 18: where screening refers ---------------------------------------------------------------


@pytest.mark.parametrize("reason", list(ScreeningReason))
def test_sr_18_2_any_category_with_an_application_goes_to_asylum(reason):
    assert referral_for(reason, application_made=True) == Referral(
        ReferralTarget.ASYLUM, ReferralOutcome.REFERRED_ASYLUM, "SR Art 18(2)"
    )


def test_sr_18_4_territory_without_application_continues_return():
    assert referral_for(ScreeningReason.TERRITORY, application_made=False) == Referral(
        ReferralTarget.RETURN, ReferralOutcome.CONTINUE_RETURN, "SR Art 18(4)"
    )


@pytest.mark.parametrize("reason", BORDER)
def test_sr_18_1_border_without_application_goes_to_return(reason):
    assert referral_for(reason, application_made=False) == Referral(
        ReferralTarget.RETURN, ReferralOutcome.REFERRED_RETURN, "SR Art 18(1)"
    )


# --- the screening case --------------------------------------------------------------------------


def case(reason=ScreeningReason.BORDER_IRREGULAR, **overrides) -> ScreeningCase:
    values = {
        "id": "c-1",
        "person_id": "p-1",
        "member_state": "NL",
        "screening_reason": reason,
        "trigger_event_ts": at(2026, 7, 1),
        "location": "Schiphol",
        "person": {"family_name": "Doe"},
        "deadline_strict": date(2026, 7, 8),
        "deadline_ptl": date(2026, 7, 8),
        "created_at": at(2026, 7, 1, 11),
    }
    if reason is ScreeningReason.BORDER_BCP_APPLICANT:
        values["application_made_at"] = at(2026, 7, 1)
    return ScreeningCase(**(values | overrides))


def test_sr_5_2_bcp_applicant_needs_the_application():
    with pytest.raises(InvalidData, match=r"5\(2\)"):
        case(ScreeningReason.BORDER_BCP_APPLICANT, application_made_at=None)


def test_a_new_case_is_in_progress_with_nothing_missing_yet():
    c = case()
    assert (c.status, c.completion, c.referred_at, c.missing_checks, c.version) == (
        ScreeningStatus.IN_PROGRESS,
        None,
        None,
        [],
        1,
    )


def test_application_during_screening_turns_the_referral_to_asylum():
    c = case(ScreeningReason.BORDER_SAR)
    c.record_application(at(2026, 7, 2), now=at(2026, 7, 3))
    referral = c.refer(at(2026, 7, 3), completion=Completion.COMPLETE, missing_checks=[])
    assert referral.outcome is ReferralOutcome.REFERRED_ASYLUM
    assert c.status is ScreeningStatus.REFERRED_ASYLUM
    assert c.application_made_at == at(2026, 7, 2)


def test_application_made_at_the_present_instant_is_accepted_and_a_future_one_refused():
    now = at(2026, 7, 3)
    c = case()
    with pytest.raises(InvalidData, match="future"):
        c.record_application(now + timedelta(microseconds=1), now=now)
    c.record_application(now, now=now)
    assert c.application_made_at == now


def test_a_second_application_is_refused():
    c = case()
    c.record_application(at(2026, 7, 2), now=at(2026, 7, 3))
    with pytest.raises(TransitionNotAllowed):
        c.record_application(at(2026, 7, 2, 12), now=at(2026, 7, 3))


def test_bcp_applicant_already_carries_its_application():
    with pytest.raises(TransitionNotAllowed):
        case(ScreeningReason.BORDER_BCP_APPLICANT).record_application(at(2026, 7, 2), now=at(2026, 7, 3))


def test_no_application_after_referral():
    c = case()
    c.refer(at(2026, 7, 3), completion=Completion.COMPLETE, missing_checks=[])
    with pytest.raises(TransitionNotAllowed) as refused:
        c.record_application(at(2026, 7, 3), now=at(2026, 7, 4))
    assert refused.value.extra == {"current_status": "REFERRED_RETURN"}


@pytest.mark.parametrize(
    ("reason", "status"),
    [
        (ScreeningReason.BORDER_IRREGULAR, ScreeningStatus.REFERRED_RETURN),
        (ScreeningReason.BORDER_SAR, ScreeningStatus.REFERRED_RETURN),
        (ScreeningReason.BORDER_BCP_APPLICANT, ScreeningStatus.REFERRED_ASYLUM),
        (ScreeningReason.TERRITORY, ScreeningStatus.CONTINUE_RETURN),
    ],
)
def test_refer_ends_screening_with_the_sr_18_outcome(reason, status):
    c = case(reason)
    c.refer(at(2026, 7, 3), completion=Completion.COMPLETE, missing_checks=[])
    assert (c.status, c.referred_at, c.completion) == (status, at(2026, 7, 3), Completion.COMPLETE)


def test_sr_18_5_forced_referral_keeps_the_missing_checks():
    c = case()
    c.refer(at(2026, 7, 9), completion=Completion.INCOMPLETE, missing_checks=list(CHECKS))
    assert c.completion is Completion.INCOMPLETE
    assert c.missing_checks == ["health", "vulnerability", "identity", "security", "biometrics"]


def test_refer_twice_is_refused():
    c = case()
    c.refer(at(2026, 7, 3), completion=Completion.COMPLETE, missing_checks=[])
    with pytest.raises(TransitionNotAllowed):
        c.refer(at(2026, 7, 4), completion=Completion.INCOMPLETE, missing_checks=list(CHECKS))
    assert c.completion is Completion.COMPLETE
