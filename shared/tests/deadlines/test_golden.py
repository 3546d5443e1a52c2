"""The worked computations W1-W10 of time.md §4 and the further checks under the table."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from keten_shared.deadlines import (
    Deadline,
    DeadlineConfig,
    ExtensionBase,
    Purpose,
    Rule,
    Unit,
    WindowBoundary,
    compute,
    extend,
    window,
)

AMS = ZoneInfo("Europe/Amsterdam")
ACT, CAP = Purpose.ACT_TIME_LIMIT, Purpose.LIBERTY_CAP


def event(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=AMS)


def end_of(day: date) -> datetime:
    """24:00 local time of `day`."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=AMS)


def assert_days(deadline: Deadline, unrolled: date, legal: date) -> None:
    assert (deadline.unrolled_last_day, deadline.legal_last_day) == (unrolled, legal)
    assert (deadline.unrolled_end, deadline.legal_end) == (end_of(unrolled), end_of(legal))


def steps(deadline: Deadline) -> list[str]:
    return [step.step for step in deadline.trace]


def test_w1_apr_27_1_registration_rolls_from_saturday(golden):
    d = compute(Rule.APR_73, event(2026, 6, 15), 5, Unit.DAYS, ACT, golden, legal_basis="APR 27(1)")
    assert_days(d, date(2026, 6, 20), date(2026, 6, 22))
    assert d.operational_end == end_of(date(2026, 6, 22))
    assert d.legal_basis == "APR 27(1)"
    assert steps(d) == ["start", "rule", "event day", "add", "roll", "policy"]


def test_w2_apr_35_1_clip_to_28_february_then_roll(golden):
    d = compute(Rule.APR_73, event(2026, 12, 31), 2, Unit.MONTHS, ACT, golden)
    assert_days(d, date(2027, 2, 28), date(2027, 3, 1))
    assert "clip" in steps(d)


def test_w3_apr_67_7_leap_year_clip(golden):
    d = compute(Rule.NATIONAL, event(2028, 1, 31), 1, Unit.MONTHS, ACT, golden, national_key="APR.67.7.b")
    assert_days(d, date(2028, 2, 29), date(2028, 2, 29))
    d = compute(Rule.APR_73, event(2028, 1, 31), 1, Unit.MONTHS, ACT, golden)
    assert_days(d, date(2028, 2, 29), date(2028, 2, 29))


def test_w4_ammr_39_1_rolls_but_dublin_iii_does_not(golden):
    ammr = compute(Rule.AMMR_75, event(2026, 7, 2), 1, Unit.MONTHS, ACT, golden)
    assert_days(ammr, date(2026, 8, 2), date(2026, 8, 3))
    dublin3 = compute(Rule.DUBLIN3_42, event(2026, 7, 2), 1, Unit.MONTHS, ACT, golden)
    assert_days(dublin3, date(2026, 8, 2), date(2026, 8, 2))
    assert dublin3.legal_end == dublin3.unrolled_end


def test_w5_apr_23_2_b_working_days_over_christmas(golden):
    d = compute(Rule.APR_73, event(2026, 12, 23), 15, Unit.WORKING_DAYS, ACT, golden)
    assert_days(d, date(2027, 1, 15), date(2027, 1, 15))


def test_w6_rcd_days_extension_versus_apr_ammr_working_days_extension(golden):
    base = compute(Rule.NATIONAL, event(2026, 7, 6), 15, Unit.WORKING_DAYS, ACT, golden, national_key="RCD.27.1")
    assert base.rule_applied is Rule.EU_1182_71  # not configured: 1182/71 semantics (time.md §3.9)
    assert base.legal_last_day == date(2026, 7, 27)
    rcd = extend(base, 10, golden, unit=Unit.DAYS)
    assert_days(rcd, date(2026, 8, 6), date(2026, 8, 6))

    for rule in (Rule.APR_73, Rule.AMMR_75):
        first = compute(rule, event(2026, 7, 6), 15, Unit.WORKING_DAYS, ACT, golden)
        assert first.legal_last_day == date(2026, 7, 27)
        assert_days(extend(first, 10, golden), date(2026, 8, 10), date(2026, 8, 10))
    assert rcd.legal_end < extend(first, 10, golden).legal_end  # alert on the earlier date


def test_w7_eurodac_72_hours(golden):
    d = compute(Rule.EU_1182_71, event(2026, 6, 15, 14, 30), 72, Unit.HOURS, ACT, golden, legal_basis="ED 22(2)")
    assert d.legal_end == datetime(2026, 6, 18, 15, 0, tzinfo=AMS)
    assert d.unrolled_end == d.legal_end == d.operational_end
    assert d.target_ts == datetime(2026, 6, 18, 14, 30, tzinfo=AMS)
    assert d.unrolled_last_day is None and d.legal_last_day is None


def test_w8_sr_8_4_liberty_cap_and_two_working_day_minimum(golden):
    d = compute(Rule.EU_1182_71, event(2026, 7, 8), 3, Unit.DAYS, CAP, golden, legal_basis="SR 8(4)")
    assert_days(d, date(2026, 7, 11), date(2026, 7, 13))
    assert d.operational_end == end_of(date(2026, 7, 11))  # referral forced at the end of Sat
    minimum = next(step for step in d.trace if step.step == "3(5) minimum")
    assert "nothing to add" in minimum.detail
    legal = compute(
        Rule.EU_1182_71, event(2026, 7, 8), 3, Unit.DAYS, CAP, golden,
        config=DeadlineConfig(liberty_cap_policy="LEGAL"),
    )  # fmt: skip
    assert legal.operational_end == end_of(date(2026, 7, 13))


def test_w9_rbpr_4_2_cap_from_first_day_without_right_to_remain(golden):
    first_day_without_right = event(2026, 6, 21, 0, 0)  # right to remain lasted until Sat 2026-06-20
    d = compute(Rule.RBPR_11, first_day_without_right, 12, Unit.WEEKS, CAP, golden)
    assert_days(d, date(2026, 9, 13), date(2026, 9, 14))
    assert d.operational_end == end_of(date(2026, 9, 13))

    crisis = compute(Rule.RBPR_11, first_day_without_right, 18, Unit.WEEKS, CAP, golden)
    assert_days(crisis, date(2026, 10, 25), date(2026, 10, 26))
    assert extend(d, 6, golden).legal_end == crisis.legal_end  # 12 + 6 weeks from the original event
    assert crisis.operational_end == end_of(date(2026, 10, 25))


def test_w10_ammr_29_4_window_both_boundaries():
    inclusive = window(Rule.AMMR_75, date(2025, 3, 31), 18, Unit.MONTHS)
    assert inclusive.last_day == date(2026, 9, 30)
    assert inclusive.contains(date(2026, 9, 30)) and not inclusive.contains(date(2026, 10, 1))

    strict = window(
        Rule.AMMR_75,
        date(2025, 3, 31),
        18,
        Unit.MONTHS,
        DeadlineConfig(window_boundary=WindowBoundary.STRICT_ANNIVERSARY),
    )
    assert strict.last_day == date(2026, 9, 29)
    assert strict.contains(date(2026, 9, 29)) and not strict.contains(date(2026, 9, 30))


def test_apr_35_4_5_extension_counts_from_lodging(golden):
    first = compute(Rule.APR_73, event(2027, 2, 1), 6, Unit.MONTHS, ACT, golden)
    assert_days(first, date(2027, 8, 1), date(2027, 8, 2))
    extended = extend(first, 6, golden)
    assert_days(extended, date(2028, 2, 1), date(2028, 2, 1))
    assert extended.start == first.start and extended.amount == 12
    assert extended.trace[0].step == "extend"

    from_rolled_end = extend(first, 6, golden, config=DeadlineConfig(extension_base=ExtensionBase.ROLLED_END))
    assert from_rolled_end.legal_last_day == date(2028, 2, 2)


def test_cr_12_2_d_one_year_from_29_february(golden):
    d = compute(Rule.AMMR_75, event(2028, 2, 29), 1, Unit.YEARS, ACT, golden, legal_basis="CR 12(2)(d)")
    assert_days(d, date(2029, 2, 28), date(2029, 2, 28))
