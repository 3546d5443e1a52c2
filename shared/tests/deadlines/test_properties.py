"""Property-based checks of the invariants of time.md §3 against the real Dutch calendar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from keten_shared.deadlines import (
    DeadlineConfig,
    ExtensionBase,
    HolidayCalendar,
    Purpose,
    Rule,
    Unit,
    WindowBoundary,
    add_months,
    compute,
    extend,
    nth_working_day_after,
    window,
)

AMS = ZoneInfo("Europe/Amsterdam")
NL = HolidayCalendar("NL")  # module level: hypothesis re-runs tests, function-scoped fixtures would not reset
ONE_DAY = timedelta(days=1)

days = st.dates(date(2021, 1, 1), date(2037, 12, 31))
instants = st.datetimes(datetime(2021, 1, 1), datetime(2037, 12, 31), timezones=st.just(AMS), allow_imaginary=False)
rules = st.sampled_from([Rule.APR_73, Rule.AMMR_75, Rule.RBPR_11, Rule.EU_1182_71, Rule.DUBLIN3_42])
act_purposes = st.sampled_from([Purpose.ACT_TIME_LIMIT, Purpose.LIBERTY_CAP, Purpose.PROHIBITION])
periods = st.one_of(
    st.tuples(st.integers(0, 400), st.just(Unit.DAYS)),
    st.tuples(st.integers(0, 60), st.just(Unit.WEEKS)),
    st.tuples(st.integers(0, 36), st.just(Unit.MONTHS)),
    st.tuples(st.integers(0, 2), st.just(Unit.YEARS)),
    st.tuples(st.integers(0, 120), st.just(Unit.WORKING_DAYS)),
)


def working_days_between(after: date, up_to: date) -> int:
    """Working days in (after, up_to]."""
    count, day = 0, after + ONE_DAY
    while day <= up_to:
        count += NL.is_working_day(day)
        day += ONE_DAY
    return count


@given(rules, instants, periods, act_purposes)
def test_ends_are_ordered_and_at_local_midnight(rule, start, period, purpose):
    amount, unit = period
    d = compute(rule, start, amount, unit, purpose, NL)
    assert d.legal_end >= d.unrolled_end > d.start
    assert d.operational_end in (d.unrolled_end, d.legal_end)
    for last_day, end in ((d.unrolled_last_day, d.unrolled_end), (d.legal_last_day, d.legal_end)):
        local_end = end.astimezone(AMS)
        assert local_end.time() == time(0) and local_end.date() == last_day + ONE_DAY


@given(st.sampled_from([Rule.APR_73, Rule.AMMR_75, Rule.RBPR_11]), instants, periods)
def test_pact_rules_roll_to_the_first_working_day(rule, start, period):
    amount, unit = period
    d = compute(rule, start, amount, unit, Purpose.ACT_TIME_LIMIT, NL)
    assert NL.is_working_day(d.legal_last_day) or (amount, unit) == (0, Unit.WORKING_DAYS)
    day = d.unrolled_last_day
    while day < d.legal_last_day:  # every skipped day was a Saturday, Sunday or public holiday
        assert not NL.is_working_day(day)
        day += ONE_DAY


@given(instants, periods)
def test_1182_71_legal_day_is_a_working_day_with_two_working_days_inside(start, period):
    amount, unit = period
    d = compute(Rule.EU_1182_71, start, amount, unit, Purpose.ACT_TIME_LIMIT, NL)
    assert NL.is_working_day(d.legal_last_day) or amount == 0
    event_day = d.start.astimezone(AMS).date()
    if unit is Unit.WORKING_DAYS:
        required = min(amount, 2)
    else:  # a period of two days or more (1182/71 3(5))
        required = 2 if (d.unrolled_last_day - event_day).days >= 2 else 0
    assert working_days_between(event_day, d.legal_last_day) >= required


@given(rules, instants, periods)
def test_no_roll_forward_means_legal_equals_unrolled(rule, start, period):
    amount, unit = period
    ban = compute(rule, start, amount, unit, Purpose.PROHIBITION, NL)
    assert ban.legal_end == ban.unrolled_end == ban.operational_end
    dublin3 = compute(Rule.DUBLIN3_42, start, amount, unit, Purpose.ACT_TIME_LIMIT, NL)
    assert dublin3.legal_end == dublin3.unrolled_end


@given(days, st.integers(-120, 120))
def test_month_addition_clips_to_the_last_day_of_the_month(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    next_month_start = result.replace(day=1) + relativedelta(months=1)
    assert result.day == min(day.day, (next_month_start - ONE_DAY).day)


@given(days, days, st.integers(0, 120))
def test_month_addition_is_monotonic(a, b, months):
    low, high = sorted((a, b))
    assert add_months(low, months) <= add_months(high, months)


@given(instants, st.integers(0, 2))
def test_years_are_twelve_months(start, years):
    by_years = compute(Rule.AMMR_75, start, years, Unit.YEARS, Purpose.ACT_TIME_LIMIT, NL)
    by_months = compute(Rule.AMMR_75, start, 12 * years, Unit.MONTHS, Purpose.ACT_TIME_LIMIT, NL)
    assert by_years.legal_end == by_months.legal_end


@given(instants, st.integers(0, 60))
def test_weeks_end_on_the_same_weekday(start, weeks):
    d = compute(Rule.DUBLIN3_42, start, weeks, Unit.WEEKS, Purpose.ACT_TIME_LIMIT, NL)
    assert d.unrolled_last_day.weekday() == start.weekday()


@given(rules, instants, st.integers(0, 120))
def test_working_day_periods_hold_exactly_n_working_days(rule, start, n):
    d = compute(rule, start, n, Unit.WORKING_DAYS, Purpose.ACT_TIME_LIMIT, NL)
    event_day = start.date()
    assert d.legal_last_day == d.unrolled_last_day == nth_working_day_after(event_day, n, NL)
    assert working_days_between(event_day, d.legal_last_day) == n
    assert n == 0 or NL.is_working_day(d.legal_last_day)


@given(instants, st.integers(0, 24 * 30))
def test_hours_end_within_one_hour_after_n_elapsed_hours(start, hours):
    d = compute(Rule.EU_1182_71, start, hours, Unit.HOURS, Purpose.ACT_TIME_LIMIT, NL)
    elapsed = d.legal_end - d.start
    assert timedelta(hours=hours) < elapsed <= timedelta(hours=hours + 1)
    assert d.target_ts - d.start == timedelta(hours=hours)
    assert d.legal_end.minute == d.legal_end.second == d.legal_end.microsecond == 0


@given(
    rules,
    instants,
    st.sampled_from([Unit.DAYS, Unit.WEEKS, Unit.MONTHS, Unit.WORKING_DAYS]),
    st.integers(0, 12),
    st.integers(0, 12),
)
def test_same_unit_extension_from_the_original_event_equals_the_total(rule, start, unit, first, more):
    config = DeadlineConfig(extension_base=ExtensionBase.ORIGINAL_EVENT)
    base = compute(rule, start, first, unit, Purpose.ACT_TIME_LIMIT, NL)
    total = compute(rule, start, first + more, unit, Purpose.ACT_TIME_LIMIT, NL)
    assert extend(base, more, NL, config=config).legal_end == total.legal_end
    rolled = extend(base, more, NL, config=config.model_copy(update={"extension_base": ExtensionBase.ROLLED_END}))
    assert rolled.legal_end >= total.legal_end or unit is Unit.MONTHS  # clipping can shorten a month chain


@given(days, periods.filter(lambda p: p[1] is not Unit.WORKING_DAYS))
def test_window_boundaries(event_day, period):
    amount, unit = period
    inclusive = window(Rule.AMMR_75, event_day, amount, unit)
    strict = window(
        Rule.AMMR_75,
        event_day,
        amount,
        unit,
        DeadlineConfig(window_boundary=WindowBoundary.STRICT_ANNIVERSARY),
    )
    assert inclusive.first_day == strict.first_day == event_day + ONE_DAY
    assert strict.last_day == inclusive.last_day - ONE_DAY
    assert inclusive.contains(inclusive.last_day) == (amount > 0)
    assert not strict.contains(inclusive.last_day)
    assert not inclusive.contains(inclusive.last_day + ONE_DAY)
