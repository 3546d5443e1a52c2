"""1182/71 Art 3(5) (unverified): a period of two days or more includes at least two working days."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from keten_shared.deadlines import DeadlineConfig, Purpose, Rule, Unit, compute

AMS = ZoneInfo("Europe/Amsterdam")
ACT = Purpose.ACT_TIME_LIMIT


def last_days(rule, day: date, amount: int, calendar, **kwargs) -> tuple[date | None, date | None]:
    start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=AMS)
    d = compute(rule, start, amount, Unit.DAYS, kwargs.pop("purpose", ACT), calendar, **kwargs)
    return d.unrolled_last_day, d.legal_last_day


def test_holiday_cluster_with_a_working_day_inside_adds_nothing(golden):
    # 3 days from Wed 2026-12-23: Thu 24 is a working day, Fri 25 and Sat 26 holidays -> Mon 28
    assert last_days(Rule.EU_1182_71, date(2026, 12, 23), 3, golden) == (
        date(2026, 12, 26),
        date(2026, 12, 28),
    )


@pytest.mark.parametrize(("start", "amount"), [(date(2026, 12, 24), 2), (date(2026, 12, 24), 3)])
def test_holiday_cluster_with_one_working_day_extends_to_the_second(golden, start, amount):
    # Thu 24: Fri 25, Sat 26 (holidays), Sun 27 -> Mon 28 is the only working day -> Tue 29
    assert last_days(Rule.EU_1182_71, start, amount, golden)[1] == date(2026, 12, 29)


def test_new_year_cluster(golden):
    # Thu 2026-12-31 + 2 days: Fri 1 Jan (holiday), Sat 2 -> Mon 4 is the only working day -> Tue 5
    assert last_days(Rule.EU_1182_71, date(2026, 12, 31), 2, golden)[1] == date(2027, 1, 5)


def test_friday_plus_two_days(golden):
    assert last_days(Rule.EU_1182_71, date(2026, 7, 10), 2, golden) == (date(2026, 7, 12), date(2026, 7, 14))


def test_real_dutch_christmas(nl):
    assert last_days(Rule.EU_1182_71, date(2026, 12, 24), 2, nl)[1] == date(2026, 12, 29)


def test_trace_records_the_extension(golden):
    start = datetime(2026, 7, 10, 9, 0, tzinfo=AMS)
    d = compute(Rule.EU_1182_71, start, 2, Unit.DAYS, ACT, golden)
    step = next(s for s in d.trace if s.step == "3(5) minimum")
    assert "extended" in step.detail and step.value == "Tue 2026-07-14"


@pytest.mark.parametrize("rule", [Rule.APR_73, Rule.AMMR_75, Rule.RBPR_11])
def test_off_for_the_pact_rules(golden, rule):
    assert last_days(rule, date(2026, 7, 10), 2, golden)[1] == date(2026, 7, 13)


def test_off_when_disabled(golden):
    config = DeadlineConfig(two_working_day_minimum=False)
    assert last_days(Rule.EU_1182_71, date(2026, 7, 10), 2, golden, config=config)[1] == date(2026, 7, 13)


def test_not_for_one_day_periods(golden):
    assert last_days(Rule.EU_1182_71, date(2026, 7, 10), 1, golden)[1] == date(2026, 7, 13)


def test_not_for_prohibitions(golden):
    days = last_days(Rule.EU_1182_71, date(2026, 7, 10), 2, golden, purpose=Purpose.PROHIBITION)
    assert days == (date(2026, 7, 12), date(2026, 7, 12))


def test_applies_to_unconfigured_national_rules(golden):
    days = last_days(Rule.NATIONAL, date(2026, 7, 10), 2, golden, national_key="RD.7.1")
    assert days[1] == date(2026, 7, 14)
    config = DeadlineConfig(national_rule={"NL": {"RD.7.1": Rule.APR_73}})
    days = last_days(Rule.NATIONAL, date(2026, 7, 10), 2, golden, national_key="RD.7.1", config=config)
    assert days[1] == date(2026, 7, 13)
