"""Boundary instants, real public holidays, missing calendar years and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from keten_shared.clock import FixedClock
from keten_shared.deadlines import (
    CalendarYearMissing,
    HolidayCalendar,
    Purpose,
    Rule,
    Unit,
    compute,
    nth_working_day_after,
    window,
)

AMS = ZoneInfo("Europe/Amsterdam")
ACT = Purpose.ACT_TIME_LIMIT
TICK = timedelta(microseconds=1)


def event(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=AMS)


class TestExpiry:
    def test_last_day_is_open_until_24_00_local(self, golden):
        d = compute(Rule.APR_73, event(2026, 6, 15), 5, Unit.DAYS, ACT, golden)  # W1: Mon 2026-06-22
        assert not d.is_expired(datetime(2026, 6, 22, 23, 59, 59, 999999, tzinfo=AMS))
        assert d.is_expired(datetime(2026, 6, 23, 0, 0, tzinfo=AMS))
        assert d.is_expired(datetime(2026, 6, 23, 9, 0, tzinfo=AMS))

    def test_expiry_with_a_clock_and_in_utc(self, golden):
        d = compute(Rule.APR_73, event(2026, 6, 15), 5, Unit.DAYS, ACT, golden)
        clock = FixedClock(datetime(2026, 6, 22, 21, 59, 59, tzinfo=UTC))
        assert not d.is_expired(clock)
        assert d.remaining(clock) == timedelta(seconds=1)
        clock.advance(timedelta(seconds=1))
        assert d.is_expired(clock) and d.remaining(clock) == timedelta(0)

    def test_hour_period_expires_at_the_end_of_its_last_hour(self, golden):
        d = compute(Rule.EU_1182_71, event(2026, 6, 15, 14, 30), 72, Unit.HOURS, ACT, golden)
        assert not d.is_expired(d.legal_end - TICK)
        assert d.is_expired(d.legal_end)
        assert d.target_ts < d.legal_end

    def test_naive_now_is_rejected(self, golden):
        d = compute(Rule.APR_73, event(2026, 6, 15), 5, Unit.DAYS, ACT, golden)
        with pytest.raises(ValueError, match="timezone-aware"):
            d.is_expired(datetime(2026, 6, 22, 12, 0))


class TestEndOfDayInUtc:
    def test_summer_end_is_22_00_utc_of_the_last_day(self, golden):
        d = compute(Rule.APR_73, event(2026, 6, 15), 5, Unit.DAYS, ACT, golden)
        assert d.legal_end.astimezone(UTC) == datetime(2026, 6, 22, 22, 0, tzinfo=UTC)

    def test_winter_end_is_23_00_utc_of_the_last_day(self, golden):
        d = compute(Rule.APR_73, event(2026, 12, 31), 2, Unit.MONTHS, ACT, golden)  # W2: Mon 2027-03-01
        assert d.legal_end.astimezone(UTC) == datetime(2027, 3, 1, 23, 0, tzinfo=UTC)

    def test_last_day_on_the_autumn_change_ends_at_local_midnight(self, golden):
        d = compute(Rule.DUBLIN3_42, event(2026, 10, 18), 7, Unit.DAYS, ACT, golden)  # Sun 2026-10-25
        assert d.legal_end == datetime(2026, 10, 26, 0, 0, tzinfo=AMS)
        assert d.legal_end.astimezone(UTC) == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)

    def test_event_day_is_the_local_date(self, golden):
        late_utc = datetime(2026, 6, 15, 22, 30, tzinfo=UTC)  # already Tue 2026-06-16 in Amsterdam
        d = compute(Rule.APR_73, late_utc, 1, Unit.DAYS, ACT, golden)
        assert d.unrolled_last_day == date(2026, 6, 17)
        assert d.start == late_utc and d.tz == "Europe/Amsterdam"

    def test_time_zone_override(self, golden):
        madrid = compute(Rule.APR_73, event(2026, 6, 15), 5, Unit.DAYS, ACT, golden, tz="Europe/Madrid")
        canary = compute(Rule.APR_73, event(2026, 6, 15), 5, Unit.DAYS, ACT, golden, tz="Atlantic/Canary")
        assert canary.legal_end - madrid.legal_end == timedelta(hours=1)
        assert canary.tz == "Atlantic/Canary"


class TestRealDutchHolidays:
    def test_kings_day_rolls_to_the_next_working_day(self, nl):
        d = compute(Rule.APR_73, event(2026, 4, 22), 5, Unit.DAYS, ACT, nl)  # Mon 2026-04-27
        assert (d.unrolled_last_day, d.legal_last_day) == (date(2026, 4, 27), date(2026, 4, 28))
        roll = next(step for step in d.trace if step.step == "roll")
        assert "King's Day" in roll.detail

    def test_easter_monday_rolls_to_tuesday(self, nl):
        d = compute(Rule.AMMR_75, event(2026, 4, 1), 5, Unit.DAYS, ACT, nl)  # Mon 2026-04-06
        assert (d.unrolled_last_day, d.legal_last_day) == (date(2026, 4, 6), date(2026, 4, 7))

    def test_christmas_and_the_weekend_roll_to_monday(self, nl):
        d = compute(Rule.APR_73, event(2026, 12, 23), 2, Unit.DAYS, ACT, nl)  # Fri 25, Sat 26, Sun 27
        assert (d.unrolled_last_day, d.legal_last_day) == (date(2026, 12, 25), date(2026, 12, 28))

    def test_working_days_skip_holidays(self, nl):
        assert nth_working_day_after(date(2026, 4, 24), 1, nl) == date(2026, 4, 28)  # Fri -> over King's Day
        assert nl.version == "holidays-0.109:NL"

    def test_calendars_differ_per_member_state(self):
        assert HolidayCalendar("NL", [2026]).is_working_day(date(2026, 5, 1))
        assert not HolidayCalendar("BE", [2026]).is_working_day(date(2026, 5, 1))  # Labour Day


class TestMissingYear:
    def test_computation_needing_an_uncovered_year_raises(self):
        only_2026 = HolidayCalendar("NL", [2026])
        with pytest.raises(CalendarYearMissing, match="2027"):
            compute(Rule.APR_73, event(2026, 12, 20), 1, Unit.MONTHS, ACT, only_2026)

    def test_default_range_ends_in_2040(self, nl):
        assert nl.years == frozenset(range(2020, 2041))
        with pytest.raises(CalendarYearMissing) as raised:
            compute(Rule.APR_73, event(2040, 12, 20), 1, Unit.MONTHS, ACT, nl)
        assert (raised.value.ms, raised.value.year) == ("NL", 2041)

    def test_working_days_across_the_range_end_raise(self, golden):
        with pytest.raises(CalendarYearMissing):
            compute(Rule.APR_73, event(2030, 12, 20), 15, Unit.WORKING_DAYS, ACT, golden)

    def test_no_weekend_only_fallback_for_explicit_data(self):
        calendar = HolidayCalendar.from_dates("NL", [], [2026])
        assert calendar.is_working_day(date(2026, 12, 25))  # the data says so
        with pytest.raises(CalendarYearMissing):
            calendar.is_working_day(date(2027, 1, 4))

    def test_prohibition_does_not_consult_the_calendar(self, golden):
        ban = compute(Rule.EU_1182_71, event(2030, 6, 3), 5, Unit.YEARS, Purpose.PROHIBITION, golden)
        assert ban.legal_last_day == ban.unrolled_last_day == date(2035, 6, 3)

    def test_windows_need_no_calendar_without_rollover(self):
        assert window(Rule.AMMR_75, date(2050, 1, 31), 1, Unit.MONTHS).last_day == date(2050, 2, 28)


class TestDaylightSaving:
    @pytest.mark.parametrize(
        ("start", "legal_end_local"),
        [
            (event(2026, 3, 27, 12, 30), datetime(2026, 3, 30, 14, 0, tzinfo=AMS)),  # spring: clocks +1 h
            (event(2026, 10, 23, 12, 30), datetime(2026, 10, 26, 12, 0, tzinfo=AMS)),  # autumn: clocks -1 h
        ],
    )
    def test_72_hours_are_72_elapsed_hours(self, golden, start, legal_end_local):
        d = compute(Rule.EU_1182_71, start, 72, Unit.HOURS, ACT, golden)
        assert d.target_ts - d.start == timedelta(hours=72)
        assert d.legal_end - d.start == timedelta(hours=72, minutes=30)
        assert d.legal_end == legal_end_local

    def test_event_on_the_full_hour_still_skips_that_hour(self, golden):
        d = compute(Rule.EU_1182_71, event(2026, 6, 15, 14, 0), 72, Unit.HOURS, ACT, golden)
        assert d.legal_end == datetime(2026, 6, 18, 15, 0, tzinfo=AMS)
        assert d.target_ts == datetime(2026, 6, 18, 14, 0, tzinfo=AMS)
