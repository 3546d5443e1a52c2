"""Voluntary departure and entry bans (RD Arts 7 and 11): their limits at the boundary, and the chapter's
worked scenarios 1, 2, 5 and 12 (return chapter §9; only Saturdays and Sundays are non-working days there)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from keten_return.domain.departure import (
    DeparturePeriod,
    EntryBan,
    EntryBanGround,
    RefusalGround,
    VoluntaryDeparture,
    VoluntaryDepartureOutcome,
    days_left,
    departure_period,
    entry_ban_ground,
    extended,
)
from keten_shared.deadlines import HolidayCalendar
from keten_shared.errors import InvalidData

WEEKENDS = HolidayCalendar.from_dates("NL", [], years=range(2026, 2040))
NL = HolidayCalendar("NL", range(2026, 2040))
RISK = RefusalGround.RISK_OF_ABSCONDING


AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _local_midnight_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=AMSTERDAM)


# --- RD Art 7(1) and 7(4): the voluntary-departure element ----------------------------------------------


@pytest.mark.parametrize("days", [7, 30])
def test_granted_between_seven_and_thirty_days(days):
    assert VoluntaryDeparture.granted(days) == VoluntaryDeparture(VoluntaryDepartureOutcome.GRANTED, days)


@pytest.mark.parametrize("days", [6, 31, 0])
def test_granted_outside_seven_to_thirty_days_is_refused(days):
    with pytest.raises(InvalidData, match="7 to 30 days"):
        VoluntaryDeparture.granted(days)


@pytest.mark.parametrize("days", [1, 6])
def test_shortened_below_seven_days_on_an_art_7_4_ground(days):
    shortened = VoluntaryDeparture.shortened(days, RISK, "no address, used false documents")
    assert (shortened.outcome, shortened.days, shortened.ground) == (VoluntaryDepartureOutcome.SHORTENED, days, RISK)


@pytest.mark.parametrize("days", [0, 7])
def test_a_shortened_period_is_one_to_six_days(days):
    with pytest.raises(InvalidData, match="1 to 6 days"):
        VoluntaryDeparture.shortened(days, RISK, "reasons")


@pytest.mark.parametrize("build", [VoluntaryDeparture.refused, lambda g, r: VoluntaryDeparture.shortened(3, g, r)])
def test_refusing_or_shortening_needs_individual_reasons(build):
    with pytest.raises(InvalidData, match="individual reasons"):
        build(RISK, "  ")


def test_refused_has_no_days_and_keeps_its_ground_and_reasons():
    refused = VoluntaryDeparture.refused(RefusalGround.DANGER_TO_PUBLIC_POLICY_OR_SECURITY, " conviction, assessed ")
    assert (refused.days, refused.reasons) == (0, "conviction, assessed")


# --- the period: from the day after the right to remain ends (C-181/16) -------------------------------------


def test_scenario_1_thirty_days_from_the_day_after_the_appeal_deadline():
    period = departure_period(date(2026, 7, 15), 30, WEEKENDS)  # appeal deadline Wed 07-15, no appeal
    assert (period.first_day, period.last_day) == (date(2026, 7, 16), date(2026, 8, 14))
    # The last day is still inside the period; enforcement may start from the next day (08-15).
    assert not period.deadline.is_expired(_local_midnight_after(date(2026, 8, 14)) - timedelta(microseconds=1))
    assert period.deadline.is_expired(_local_midnight_after(date(2026, 8, 14)))
    assert period.deadline.legal_basis == "RD Art 7(1)"


def test_scenario_2_a_last_day_on_a_sunday_rolls_to_monday():
    period = departure_period(date(2026, 7, 17), 30, WEEKENDS)  # right to remain until Fri 07-17
    assert period.first_day == date(2026, 7, 18)
    assert period.deadline.unrolled_last_day == date(2026, 8, 16)  # Sunday, day 30
    assert period.last_day == date(2026, 8, 17)


def test_a_public_holiday_on_the_last_day_rolls_too():
    # 7 days from Sat 2026-12-19 end on Sat 12-26 (Boxing Day), rolled past Sunday to Mon 12-28.
    assert departure_period(date(2026, 12, 18), 7, NL).last_day == date(2026, 12, 28)


def test_scenario_5_a_late_suspension_leaves_the_unused_days():
    period = departure_period(date(2026, 7, 15), 30, WEEKENDS)  # 07-16 to 08-14
    left = days_left(period, suspended_on=date(2026, 7, 28))  # 07-16 .. 07-27 used
    assert left == 18
    resumed = departure_period(date(2026, 10, 2), left, WEEKENDS)  # appeal dismissed, final 10-02
    assert (resumed.first_day, resumed.last_day) == (date(2026, 10, 3), date(2026, 10, 20))


def test_a_suspension_on_the_first_day_leaves_every_day_and_late_in_the_period_at_least_seven():
    period = departure_period(date(2026, 7, 15), 30, WEEKENDS)
    assert days_left(period, suspended_on=date(2026, 7, 16)) == 30
    assert days_left(period, suspended_on=date(2026, 8, 10)) == 7  # 25 used, 5 left: the RD minimum
    assert days_left(period, suspended_on=date(2026, 9, 1)) == 7


def test_an_extension_counts_from_the_original_start():
    period = departure_period(date(2026, 7, 15), 30, WEEKENDS)
    longer = extended(period, 14, None, WEEKENDS)
    assert (longer.first_day, longer.days, longer.last_day) == (date(2026, 7, 16), 44, date(2026, 8, 28))


@pytest.mark.parametrize(("extra", "cap", "message"), [(0, None, "at least one day"), (15, 14, "at most 14 days")])
def test_an_extension_adds_days_within_the_configured_cap(extra, cap, message):
    period = departure_period(date(2026, 7, 15), 30, WEEKENDS)
    with pytest.raises(InvalidData, match=message):
        extended(period, extra, cap, WEEKENDS)
    assert isinstance(extended(period, 14, 14, WEEKENDS), DeparturePeriod)


# --- RD Art 11: entry bans ------------------------------------------------------------------------------------


def test_an_entry_ban_is_mandatory_without_voluntary_departure_or_when_the_person_stayed():
    refused = VoluntaryDeparture.refused(RISK, "absconded before")
    granted = VoluntaryDeparture.granted(30)
    assert entry_ban_ground(refused, None) is EntryBanGround.NO_VOLUNTARY_DEPARTURE
    assert entry_ban_ground(granted, False) is EntryBanGround.RETURN_OBLIGATION_NOT_MET
    assert entry_ban_ground(granted, True) is None
    assert entry_ban_ground(granted, None) is None  # the period still runs
    assert entry_ban_ground(VoluntaryDeparture.shortened(3, RISK, "reasons"), True) is None


def test_scenario_1_a_two_year_ban_runs_from_the_departure_day():
    ban = EntryBan(2, EntryBanGround.RETURN_OBLIGATION_NOT_MET)
    assert ban.last_day(date(2026, 9, 10), WEEKENDS) == date(2028, 9, 10)


def test_scenario_12_ten_years_for_a_serious_threat_never_rolled():
    ban = EntryBan(10, EntryBanGround.NO_VOLUNTARY_DEPARTURE, serious_threat=True, reasons="terrorism conviction")
    last = ban.last_day(date(2026, 11, 2), WEEKENDS)
    assert last == date(2036, 11, 2)
    assert last.weekday() == 6  # a Sunday, and still the last day: a prohibition is not rolled forward


@pytest.mark.parametrize("years", [1, 5])
def test_up_to_five_years_without_a_threat(years):
    assert EntryBan(years, EntryBanGround.OPTIONAL).years == years


@pytest.mark.parametrize("years", [6, None])
def test_beyond_five_years_or_without_end_only_for_a_serious_threat(years):
    with pytest.raises(InvalidData, match="serious threat"):
        EntryBan(years, EntryBanGround.NO_VOLUNTARY_DEPARTURE, reasons="reasons")


def test_a_ban_without_end_needs_individual_reasons():
    with pytest.raises(InvalidData, match="C-446/24"):
        EntryBan(None, EntryBanGround.NO_VOLUNTARY_DEPARTURE, serious_threat=True)
    ban = EntryBan(None, EntryBanGround.NO_VOLUNTARY_DEPARTURE, serious_threat=True, reasons="assessed: lasting threat")
    assert ban.last_day(date(2026, 11, 2), WEEKENDS) is None


def test_a_ban_lasts_at_least_a_year():
    with pytest.raises(InvalidData, match="at least one year"):
        EntryBan(0, EntryBanGround.OPTIONAL)


def test_periods_are_computed_on_the_member_states_calendar_in_its_zone():
    period = departure_period(date(2026, 7, 15), 30, WEEKENDS)
    assert period.deadline.legal_end == datetime(2026, 8, 14, 22, 0, tzinfo=UTC)  # 24:00 CEST
