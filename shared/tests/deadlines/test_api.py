"""The rest of the public API: input checks, configuration, extensions, inter-state periods, windows,
working-day helpers, DeadlineSpec, serialisation and time zones."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from keten_shared.deadlines import (
    MEMBER_STATE_TIMEZONES,
    DeadlineConfig,
    DeadlineError,
    DeadlineSpec,
    ExtensionBase,
    HolidayCalendar,
    InterStateCalendar,
    NaiveDatetimeError,
    Purpose,
    Rule,
    Unit,
    UnsupportedPeriodError,
    WindowBoundary,
    WindowKind,
    compute,
    compute_inter_state,
    condition_met_after_working_days,
    end_of_day,
    extend,
    member_state_timezone,
    nth_working_day_after,
    start_instant,
    window,
)

AMS = ZoneInfo("Europe/Amsterdam")
ACT = Purpose.ACT_TIME_LIMIT
MON = datetime(2026, 6, 15, 10, 0, tzinfo=AMS)


class TestInput:
    def test_naive_start_is_rejected(self, golden):
        with pytest.raises(NaiveDatetimeError):
            compute(Rule.APR_73, datetime(2026, 6, 15, 10, 0), 5, Unit.DAYS, ACT, golden)

    def test_a_date_is_not_an_instant(self, golden):
        with pytest.raises(DeadlineError, match="datetime"):
            compute(Rule.APR_73, date(2026, 6, 15), 5, Unit.DAYS, ACT, golden)

    @pytest.mark.parametrize("amount", [-1, True, 1.5])
    def test_bad_amounts(self, golden, amount):
        with pytest.raises(DeadlineError, match="amount"):
            compute(Rule.APR_73, MON, amount, Unit.DAYS, ACT, golden)

    @pytest.mark.parametrize("rule", [Rule.APR_73, Rule.AMMR_75, Rule.RBPR_11, Rule.DUBLIN3_42])
    def test_hours_exist_only_under_1182_71(self, golden, rule):
        with pytest.raises(UnsupportedPeriodError, match="no hour periods"):
            compute(rule, MON, 72, Unit.HOURS, ACT, golden)

    def test_windows_are_not_time_limits(self, golden):
        with pytest.raises(UnsupportedPeriodError, match="window"):
            compute(Rule.AMMR_75, MON, 18, Unit.MONTHS, Purpose.ELIGIBILITY_WINDOW, golden)

    def test_national_needs_a_key(self, golden):
        with pytest.raises(DeadlineError, match="national_key"):
            compute(Rule.NATIONAL, MON, 7, Unit.DAYS, ACT, golden)

    def test_tz_must_be_an_iana_zone(self, golden):
        with pytest.raises(DeadlineError, match="IANA"):
            compute(Rule.APR_73, MON, 5, Unit.DAYS, ACT, golden, tz=UTC)

    def test_all_errors_are_value_errors(self):
        assert issubclass(DeadlineError, ValueError)


class TestZeroAmount:
    def test_zero_days_end_with_the_event_day(self, golden):
        d = compute(Rule.DUBLIN3_42, MON, 0, Unit.DAYS, ACT, golden)
        assert d.legal_last_day == date(2026, 6, 15)

    def test_zero_days_from_a_saturday_roll(self, golden):
        saturday = datetime(2026, 6, 20, 10, 0, tzinfo=AMS)
        assert compute(Rule.APR_73, saturday, 0, Unit.DAYS, ACT, golden).legal_last_day == date(2026, 6, 22)

    def test_zero_hours_end_with_the_event_hour(self, golden):
        d = compute(Rule.EU_1182_71, MON.replace(minute=30), 0, Unit.HOURS, ACT, golden)
        assert d.legal_end == MON.replace(hour=11) and d.target_ts == MON.replace(minute=30)


class TestConfig:
    def test_defaults(self):
        config = DeadlineConfig()
        assert config.liberty_cap_policy == "UNROLLED"
        assert config.window_boundary is WindowBoundary.INCLUSIVE
        assert config.window_rollover is False
        assert config.inter_state_calendar is InterStateCalendar.ACTING_MS
        assert config.national_rule == {}
        assert config.two_working_day_minimum is True
        assert config.extension_base is ExtensionBase.ORIGINAL_EVENT

    def test_parses_plain_values_as_from_settings(self):
        config = DeadlineConfig.model_validate(
            {"liberty_cap_policy": "LEGAL", "national_rule": {"nl": {"RD.7.1": "APR_73"}}}
        )
        assert config.national_rule == {"NL": {"RD.7.1": Rule.APR_73}}

    def test_rejects_national_as_a_base_rule_and_unknown_keys(self):
        with pytest.raises(ValidationError, match="base rule"):
            DeadlineConfig(national_rule={"NL": {"x": Rule.NATIONAL}})
        with pytest.raises(ValidationError):
            DeadlineConfig.model_validate({"hours_policy": "x"})

    def test_configured_national_rule_is_applied_and_traced(self, golden):
        config = DeadlineConfig(national_rule={"NL": {"RD.7.1": Rule.DUBLIN3_42}})
        d = compute(Rule.NATIONAL, MON, 5, Unit.DAYS, ACT, golden, national_key="RD.7.1", config=config)
        assert d.rule_applied is Rule.DUBLIN3_42 and d.legal_last_day == date(2026, 6, 20)
        assert d.trace[1].detail == "national rule NL/RD.7.1 (configured)"
        other_ms = compute(Rule.NATIONAL, MON, 5, Unit.DAYS, ACT, golden, national_key="RD.7.1", config=config, ms="BE")
        assert other_ms.rule_applied is Rule.EU_1182_71


class TestExtend:
    def test_mixed_units_chain_from_the_unrolled_end(self, golden):
        first = compute(Rule.APR_73, MON, 5, Unit.DAYS, ACT, golden)  # Sat 20 -> Mon 22
        assert extend(first, 2, golden, unit=Unit.WORKING_DAYS).legal_last_day == date(2026, 6, 23)
        rolled = DeadlineConfig(extension_base=ExtensionBase.ROLLED_END)
        assert extend(first, 2, golden, unit=Unit.WORKING_DAYS, config=rolled).legal_last_day == date(2026, 6, 24)

    def test_hours_extend_from_the_original_event_under_both_bases(self, golden):
        first = compute(Rule.EU_1182_71, MON.replace(minute=30), 72, Unit.HOURS, ACT, golden)
        for base in ExtensionBase:
            extended = extend(first, 48, golden, config=DeadlineConfig(extension_base=base))
            assert extended.legal_end == first.legal_end + timedelta(hours=48)
            assert extended.target_ts == first.target_ts + timedelta(hours=48)

    def test_hours_and_days_do_not_mix(self, golden):
        first = compute(Rule.EU_1182_71, MON, 72, Unit.HOURS, ACT, golden)
        with pytest.raises(UnsupportedPeriodError):
            extend(first, 1, golden, unit=Unit.DAYS)

    def test_legal_basis_can_be_replaced(self, golden):
        first = compute(Rule.APR_73, MON, 6, Unit.MONTHS, ACT, golden, legal_basis="APR 35(4)")
        assert extend(first, 6, golden).legal_basis == "APR 35(4)"
        assert extend(first, 6, golden, legal_basis="APR 35(5)").legal_basis == "APR 35(5)"


class TestInterState:
    @pytest.fixture
    def calendars(self) -> tuple[HolidayCalendar, HolidayCalendar]:
        acting = HolidayCalendar.from_dates("NL", [], [2026])
        other = HolidayCalendar.from_dates("BE", [date(2026, 6, 22)], [2026])
        return acting, other

    def test_acting_ms_calendar_by_default(self, calendars):
        d = compute_inter_state(Rule.AMMR_75, MON, 5, Unit.DAYS, ACT, *calendars)
        assert d.legal_last_day == date(2026, 6, 22) and d.ms == "NL"
        assert "ACTING_MS" in d.trace[-1].detail

    def test_both_latest_takes_the_later_legal_end(self, calendars):
        config = DeadlineConfig(inter_state_calendar=InterStateCalendar.BOTH_LATEST)
        d = compute_inter_state(Rule.AMMR_75, MON, 5, Unit.DAYS, ACT, *calendars, config=config)
        assert d.legal_last_day == date(2026, 6, 23) and d.ms == "BE"
        assert d.calendar_version == f"{calendars[0].version}+{calendars[1].version}"
        assert "BOTH_LATEST" in d.trace[-1].detail


class TestWindow:
    def test_more_than_windows_are_inclusive_under_both_boundaries(self):
        strict = DeadlineConfig(window_boundary=WindowBoundary.STRICT_ANNIVERSARY)
        w = window(Rule.AMMR_75, date(2024, 11, 2), 20, Unit.MONTHS, strict, kind=WindowKind.MORE_THAN)
        assert w.last_day == date(2026, 7, 2) and w.contains(date(2026, 7, 2))

    def test_first_day_is_the_day_after_the_event(self):
        w = window(Rule.AMMR_75, date(2023, 7, 20), 3, Unit.YEARS)
        assert (w.first_day, w.last_day) == (date(2023, 7, 21), date(2026, 7, 20))
        assert not w.contains(date(2023, 7, 20))

    def test_rollover_when_configured(self, golden):
        config = DeadlineConfig(window_rollover=True)
        saturday = window(Rule.AMMR_75, date(2026, 5, 20), 1, Unit.MONTHS, config, golden)
        assert saturday.last_day == date(2026, 6, 22)
        assert window(Rule.DUBLIN3_42, date(2026, 5, 20), 1, Unit.MONTHS, config, golden).last_day == date(2026, 6, 20)
        with pytest.raises(DeadlineError, match="calendar"):
            window(Rule.AMMR_75, date(2026, 5, 20), 1, Unit.MONTHS, config)

    def test_bad_input(self, golden):
        with pytest.raises(DeadlineError):
            window(Rule.AMMR_75, MON, 1, Unit.MONTHS)
        with pytest.raises(UnsupportedPeriodError):
            window(Rule.AMMR_75, date(2026, 1, 1), 72, Unit.HOURS)
        with pytest.raises(DeadlineError, match="calendar"):
            window(Rule.AMMR_75, date(2026, 1, 1), 3, Unit.WORKING_DAYS)

    def test_to_dict(self):
        data = window(Rule.AMMR_75, date(2025, 3, 31), 18, Unit.MONTHS).to_dict()
        assert json.loads(json.dumps(data))["last_day"] == "2026-09-30"


class TestWorkingDayHelpers:
    def test_nth_working_day_after(self, golden):
        assert nth_working_day_after(date(2026, 12, 23), 0, golden) == date(2026, 12, 23)
        assert nth_working_day_after(date(2026, 12, 23), 2, golden) == date(2026, 12, 28)
        with pytest.raises(DeadlineError):
            nth_working_day_after(date(2026, 12, 23), -1, golden)

    def test_after_n_working_days_holds_from_the_day_after_the_nth(self, golden):
        # APR 38(1)(e): 3 working days after Wed 2026-12-23 are Thu 24, Mon 28, Tue 29
        assert not condition_met_after_working_days(date(2026, 12, 23), 3, date(2026, 12, 29), golden)
        assert condition_met_after_working_days(date(2026, 12, 23), 3, date(2026, 12, 30), golden)


class TestDeadlineSpec:
    REGISTRATION = DeadlineSpec(
        "APR.27.1", "APR", "27(1)", Rule.APR_73, 5, Unit.DAYS, ACT, "application made", "APR 27(1)"
    )

    def test_compute_by_spec(self, golden):
        d = self.REGISTRATION.compute(MON, golden)
        assert d.legal_last_day == date(2026, 6, 22) and d.legal_basis == "APR 27(1)"
        assert d.trace[0].step == "deadline" and d.trace[0].value == "APR.27.1"

    def test_national_spec_uses_its_id_as_key(self, golden):
        spec = DeadlineSpec("RD.7.1", "RD", "7(1)", Rule.NATIONAL, 2, Unit.DAYS, ACT, "return decision notified")
        config = DeadlineConfig(national_rule={"NL": {"RD.7.1": Rule.APR_73}})
        friday = datetime(2026, 7, 10, 9, 0, tzinfo=AMS)
        assert spec.compute(friday, golden).legal_last_day == date(2026, 7, 14)  # 1182/71 with 3(5)
        assert spec.compute(friday, golden, config=config).legal_last_day == date(2026, 7, 13)
        assert spec.compute(friday, golden).legal_basis == "RD Art 7(1)"


class TestSerialisation:
    def test_to_dict_is_json_safe_and_in_utc(self, golden):
        d = compute(Rule.EU_1182_71, MON.replace(hour=14, minute=30), 72, Unit.HOURS, ACT, golden)
        data = json.loads(json.dumps(d.to_dict()))
        assert data["legal_end"] == "2026-06-18T13:00:00+00:00"
        assert data["target_ts"] == "2026-06-18T12:30:00+00:00"
        assert data["legal_last_day"] is None and data["tz"] == "Europe/Amsterdam"
        assert data["trace"][0] == {"step": "start", "detail": "business event", "value": d.trace[0].value}

    def test_days_serialise_as_dates(self, golden):
        data = compute(Rule.APR_73, MON, 5, Unit.DAYS, ACT, golden).to_dict()
        assert (data["unrolled_last_day"], data["legal_last_day"]) == ("2026-06-20", "2026-06-22")
        assert data["calendar_version"] == golden.version


class TestCalendarsAndZones:
    @pytest.mark.parametrize("ms", sorted(MEMBER_STATE_TIMEZONES))
    def test_every_member_state_has_a_zone_and_holidays(self, ms):
        assert isinstance(member_state_timezone(ms), ZoneInfo)
        calendar = HolidayCalendar(ms, [2026])
        assert not calendar.is_working_day(date(2026, 1, 1))  # New Year everywhere

    def test_unknown_member_state(self):
        with pytest.raises(DeadlineError, match="time zone"):
            member_state_timezone("XX")

    def test_explicit_calendar_version_identifies_the_data(self):
        a = HolidayCalendar.from_dates("NL", [date(2026, 12, 25)], [2026])
        b = HolidayCalendar.from_dates("NL", {date(2026, 12, 25): "public holiday"}, [2026])
        c = HolidayCalendar.from_dates("NL", [date(2026, 12, 26)], [2026])
        assert a.version == b.version != c.version and a.version.startswith("explicit:")

    def test_explicit_calendar_checks_its_data(self):
        with pytest.raises(DeadlineError, match="outside"):
            HolidayCalendar.from_dates("NL", [date(2027, 1, 1)], [2026])
        with pytest.raises(DeadlineError, match="at least one year"):
            HolidayCalendar.from_dates("NL", [], [])

    def test_regional_holidays_with_subdivision(self):
        assert HolidayCalendar("DE", [2026]).is_working_day(date(2026, 1, 6))
        bavaria = HolidayCalendar("DE", [2026], subdiv="BY")
        assert not bavaria.is_working_day(date(2026, 1, 6)) and bavaria.version.endswith(":DE-BY")


# --- instants for a given day -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "tz", "expected"),
    [
        (date(2026, 7, 15), None, datetime(2026, 7, 15, 22, 0, tzinfo=UTC)),  # 24:00 CEST
        (date(2026, 10, 24), None, datetime(2026, 10, 24, 22, 0, tzinfo=UTC)),  # the night clocks go back
        (date(2026, 10, 25), None, datetime(2026, 10, 25, 23, 0, tzinfo=UTC)),  # 24:00 CET
        (date(2026, 7, 15), "Europe/Lisbon", datetime(2026, 7, 15, 23, 0, tzinfo=UTC)),
    ],
)
def test_the_end_of_a_day_is_local_midnight_after_it(day, tz, expected):
    calendar = HolidayCalendar("NL", [2026])
    end = end_of_day(day, calendar, tz=tz)
    assert end == expected
    assert start_instant(day, calendar, tz=tz) < end
    assert (end - timedelta(microseconds=1)).astimezone(ZoneInfo(tz or "Europe/Amsterdam")).date() == day
