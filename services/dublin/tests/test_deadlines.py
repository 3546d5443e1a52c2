"""Dublin time limits (dublin.md §4, T01-T24) and every deadline and window date of the worked scenarios (§8).

The scenarios treat only Saturdays and Sundays as non-working days (dublin.md §8), so WEEKENDS is the Dutch
calendar without public holidays; one test uses the real Dutch holidays. Instants are in Europe/Amsterdam.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from keten_dublin.domain import deadlines as dl
from keten_dublin.domain.model import Regime
from keten_shared.deadlines import (
    Deadline,
    DeadlineConfig,
    DeadlineSpec,
    HolidayCalendar,
    NaiveDatetimeError,
    Purpose,
    Rule,
    Unit,
    WindowBoundary,
    compute,
    start_instant,
)

AMS = ZoneInfo("Europe/Amsterdam")
WEEKENDS = HolidayCalendar.from_dates("NL", (), years=range(2025, 2031))
STRICT = DeadlineConfig(window_boundary=WindowBoundary.STRICT_ANNIVERSARY)
D3 = Regime.DUBLIN_III

AMMR_LIMITS = [
    dl.TAKE_CHARGE_REQUEST,
    dl.TAKE_CHARGE_REQUEST_HIT,
    dl.TAKE_CHARGE_REPLY,
    dl.TAKE_CHARGE_REPLY_URGENT,
    dl.TAKE_CHARGE_REPLY_HIT,
    dl.TAKE_BACK_NOTIFICATION,
    dl.TAKE_BACK_CONFIRMATION,
    dl.DETAINED_REQUEST,
    dl.DETAINED_REQUEST_AFTER_DETENTION,
    dl.DETAINED_REPLY,
    dl.DETAINED_TRANSFER,
    dl.TRANSFER_DECISION,
    dl.SUSPENSION_RULING,
    dl.APPEAL_MERITS_AFTER_SUSPENSION,
    dl.TRANSFER,
    dl.TRANSFER_IMPRISONMENT,
    dl.TRANSFER_ABSCONDING,
    dl.TRANSFER_AVAILABLE_AGAIN,
    dl.HUMANITARIAN_REPLY,
    dl.OFFSET_REPLY,
    dl.RELOCATION_TRANSFER,
    dl.RELOCATION_CONFIRMATION,
    dl.RELOCATION_CONFIRMATION_EXCEPTIONAL,
    dl.RELOCATION_TRANSFER_DECISION,
]
CRISIS_LIMITS = [
    dl.TAKE_CHARGE_REQUEST_CRISIS,
    dl.TAKE_CHARGE_REPLY_CRISIS,
    dl.TAKE_BACK_NOTIFICATION_CRISIS,
    dl.TAKE_BACK_CONFIRMATION_CRISIS,
    dl.TRANSFER_CRISIS,
]
REG_1560_LIMITS = [dl.RE_EXAMINATION_REQUEST, dl.RE_EXAMINATION_REPLY]
WINDOWS = [
    dl.IRREGULAR_ENTRY,
    dl.SEARCH_AND_RESCUE,
    dl.EXPIRED_RESIDENCE_DOCUMENT,
    dl.EXPIRED_VISA,
    dl.DIPLOMA,
    dl.BORDER_PROCEDURE_CESSATION,
    dl.ABSENCE_CESSATION,
]
BUILT_LIMITS = [dl.appeal_spec(2), dl.urgent_reply_spec(10)]
ALL_SPECS = AMMR_LIMITS + CRISIS_LIMITS + REG_1560_LIMITS + WINDOWS + BUILT_LIMITS


def spec_id(value: object) -> str:
    return value.id if isinstance(value, DeadlineSpec) else str(value)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=AMS)


def last_instant(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=AMS)


def midnight_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=AMS)


def assert_in_time_until(d: Deadline, last_day: date) -> None:
    """`last_day` is the last day of the period: an act at 23:59 on it is in time, at 00:00 the next day late."""
    assert d.legal_last_day == last_day
    assert not d.is_expired(last_instant(last_day))
    assert d.is_expired(midnight_after(last_day))


def accepted_on(day: date) -> datetime:
    """The start instant of the periods running from an acceptance or confirmation on `day`."""
    return start_instant(day, WEEKENDS)


# --- the declarations ------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", AMMR_LIMITS + CRISIS_LIMITS + WINDOWS + BUILT_LIMITS, ids=spec_id)
def test_every_ammr_period_and_crisis_derogation_is_counted_under_ammr_75(spec):
    # dublin.md §0, time.md §2: AMMR Art 75; CR 12 derogations under the rule of the act they replace.
    assert spec.rule is Rule.AMMR_75
    assert spec.act in ("AMMR", "CR")
    assert spec.legal_basis == f"{spec.act} Art {spec.article}"


@pytest.mark.parametrize("spec", CRISIS_LIMITS, ids=spec_id)
def test_crisis_derogations_cite_cr_12_2(spec):
    assert spec.act == "CR"
    assert spec.article.startswith("12(2)")


@pytest.mark.parametrize("spec", REG_1560_LIMITS, ids=spec_id)
def test_re_examination_is_counted_under_1182_71(spec):
    # time.md §2: Reg 1560/2003 has no counting article of its own.
    assert spec.rule is Rule.EU_1182_71
    assert spec.legal_basis == "Reg 1560/2003 Art 5(2)"


def test_spec_ids_are_unique():
    ids = [spec.id for spec in ALL_SPECS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("spec", ALL_SPECS, ids=spec_id)
def test_purposes(spec):
    if spec in WINDOWS:
        expected = Purpose.ELIGIBILITY_WINDOW
    elif spec is dl.DETAINED_TRANSFER:
        expected = Purpose.LIBERTY_CAP  # AMMR 45(4), time.md §3.10: missing it ends detention
    else:
        expected = Purpose.ACT_TIME_LIMIT
    assert spec.purpose is expected


def test_the_trace_names_the_article_once():
    step = dl.TAKE_CHARGE_REQUEST.compute(at(2026, 7, 1), WEEKENDS).trace[0]
    assert step.detail == "AMMR Art 39(1), from registration"


# Every limit from Wed 01-07-2026 10:00, at its boundary: in time on the last day, late the day after.
@pytest.mark.parametrize(
    ("spec", "amount", "unit", "last_day"),
    [
        (dl.TAKE_CHARGE_REQUEST, 2, Unit.MONTHS, date(2026, 9, 1)),  # T01
        (dl.TAKE_CHARGE_REQUEST_HIT, 1, Unit.MONTHS, date(2026, 8, 3)),  # T02: Sat 01-08 -> Mon
        (dl.TAKE_CHARGE_REPLY, 1, Unit.MONTHS, date(2026, 8, 3)),  # T03
        (dl.TAKE_CHARGE_REPLY_URGENT, 2, Unit.WEEKS, date(2026, 7, 15)),  # T03 urgent
        (dl.urgent_reply_spec(10), 10, Unit.DAYS, date(2026, 7, 13)),  # T03 urgent, Sat 11-07 -> Mon
        (dl.TAKE_CHARGE_REPLY_HIT, 2, Unit.WEEKS, date(2026, 7, 15)),  # T04
        (dl.TAKE_BACK_NOTIFICATION, 2, Unit.WEEKS, date(2026, 7, 15)),  # T05
        (dl.TAKE_BACK_CONFIRMATION, 2, Unit.WEEKS, date(2026, 7, 15)),  # T06
        (dl.DETAINED_REQUEST, 2, Unit.WEEKS, date(2026, 7, 15)),  # T07
        (dl.DETAINED_REQUEST_AFTER_DETENTION, 1, Unit.WEEKS, date(2026, 7, 8)),  # T07
        (dl.DETAINED_REPLY, 1, Unit.WEEKS, date(2026, 7, 8)),  # T08
        (dl.DETAINED_TRANSFER, 5, Unit.WEEKS, date(2026, 8, 5)),  # T09
        (dl.TRANSFER_DECISION, 2, Unit.WEEKS, date(2026, 7, 15)),  # T10
        (dl.appeal_spec(1), 1, Unit.WEEKS, date(2026, 7, 8)),  # T11
        (dl.appeal_spec(2), 2, Unit.WEEKS, date(2026, 7, 15)),  # T11
        (dl.appeal_spec(3), 3, Unit.WEEKS, date(2026, 7, 22)),  # T11
        (dl.SUSPENSION_RULING, 1, Unit.MONTHS, date(2026, 8, 3)),  # T13
        (dl.APPEAL_MERITS_AFTER_SUSPENSION, 1, Unit.MONTHS, date(2026, 8, 3)),  # T13
        (dl.TRANSFER, 6, Unit.MONTHS, date(2027, 1, 1)),  # T14
        (dl.TRANSFER_IMPRISONMENT, 1, Unit.YEARS, date(2027, 7, 1)),  # T14
        (dl.TRANSFER_ABSCONDING, 3, Unit.YEARS, date(2029, 7, 2)),  # T14: Sun 01-07-2029 -> Mon
        (dl.TRANSFER_AVAILABLE_AGAIN, 3, Unit.MONTHS, date(2026, 10, 1)),  # T14
        (dl.HUMANITARIAN_REPLY, 2, Unit.MONTHS, date(2026, 9, 1)),  # T15
        (dl.OFFSET_REPLY, 30, Unit.DAYS, date(2026, 7, 31)),  # T22
        (dl.RELOCATION_TRANSFER, 4, Unit.WEEKS, date(2026, 7, 29)),  # T23
        (dl.RELOCATION_CONFIRMATION, 1, Unit.WEEKS, date(2026, 7, 8)),  # T23a
        (dl.RELOCATION_CONFIRMATION_EXCEPTIONAL, 2, Unit.WEEKS, date(2026, 7, 15)),  # T23a
        (dl.RELOCATION_TRANSFER_DECISION, 1, Unit.WEEKS, date(2026, 7, 8)),  # T23b
        (dl.RE_EXAMINATION_REQUEST, 3, Unit.WEEKS, date(2026, 7, 22)),  # Reg 1560/2003 5(2)
        (dl.RE_EXAMINATION_REPLY, 2, Unit.WEEKS, date(2026, 7, 15)),  # Reg 1560/2003 5(2)
        (dl.TAKE_CHARGE_REQUEST_CRISIS, 4, Unit.MONTHS, date(2026, 11, 2)),  # T24: Sun 01-11 -> Mon
        (dl.TAKE_CHARGE_REPLY_CRISIS, 2, Unit.MONTHS, date(2026, 9, 1)),  # T24
        (dl.TAKE_BACK_NOTIFICATION_CRISIS, 1, Unit.MONTHS, date(2026, 8, 3)),  # T24
        (dl.TAKE_BACK_CONFIRMATION_CRISIS, 1, Unit.MONTHS, date(2026, 8, 3)),  # T24
        (dl.TRANSFER_CRISIS, 1, Unit.YEARS, date(2027, 7, 1)),  # T24
    ],
    ids=spec_id,
)
def test_every_limit_at_its_boundary(spec, amount, unit, last_day):
    assert (spec.amount, spec.unit) == (amount, unit)
    assert_in_time_until(spec.compute(at(2026, 7, 1), WEEKENDS), last_day)


@pytest.mark.parametrize(
    ("spec", "amount", "unit"),
    [
        (dl.IRREGULAR_ENTRY, 20, Unit.MONTHS),  # T16
        (dl.SEARCH_AND_RESCUE, 12, Unit.MONTHS),  # T17
        (dl.EXPIRED_RESIDENCE_DOCUMENT, 3, Unit.YEARS),  # T18
        (dl.EXPIRED_VISA, 18, Unit.MONTHS),  # T19
        (dl.DIPLOMA, 6, Unit.YEARS),  # T20
        (dl.BORDER_PROCEDURE_CESSATION, 15, Unit.MONTHS),  # T21
        (dl.ABSENCE_CESSATION, 9, Unit.MONTHS),  # Art 37(4)
    ],
    ids=spec_id,
)
def test_window_lengths(spec, amount, unit):
    assert (spec.amount, spec.unit) == (amount, unit)


def test_real_dutch_holidays_roll_the_transfer_limit(nl):
    # Accepted Wed 01-07-2026 + 6 months = Fri 01-01-2027, New Year's Day -> Mon 04-01-2027.
    d = dl.transfer_due(at(2026, 7, 1), nl)
    assert d.unrolled_last_day == date(2027, 1, 1)
    assert_in_time_until(d, date(2027, 1, 4))


def test_dates_are_taken_in_the_calendars_zone():
    # 23:30 UTC on 01-07 is 01:30 on 02-07 in Amsterdam: registration day 02-07 -> 02-09-2026.
    d = dl.take_charge_request_due(datetime(2026, 7, 1, 23, 30, tzinfo=UTC), WEEKENDS)
    assert d.tz == "Europe/Amsterdam"
    assert_in_time_until(d, date(2026, 9, 2))


def test_naive_instants_are_refused():
    with pytest.raises(NaiveDatetimeError):
        dl.take_charge_request_due(datetime(2026, 7, 1, 10), WEEKENDS)
    with pytest.raises(NaiveDatetimeError):
        dl.take_charge_request_due(at(2026, 7, 1), WEEKENDS, detained_since=datetime(2026, 7, 3))


# --- T11 appeal, T03 urgent reply ---------------------------------------------------------------------


@pytest.mark.parametrize("weeks", [1, 2, 3])
def test_appeal_spec(weeks):
    spec = dl.appeal_spec(weeks)
    assert (spec.id, spec.amount, spec.unit, spec.legal_basis) == ("AMMR.43.2", weeks, Unit.WEEKS, "AMMR Art 43(2)")


@pytest.mark.parametrize("weeks", [0, 4, -1, True, 2.0])
def test_appeal_spec_rejects_periods_outside_1_to_3_weeks(weeks):
    with pytest.raises(ValueError, match="43\\(2\\)"):
        dl.appeal_spec(weeks)


def test_urgent_reply_without_a_limit_is_2_weeks():
    assert dl.urgent_reply_spec(None) is dl.TAKE_CHARGE_REPLY_URGENT
    d = dl.take_charge_reply_due(at(2026, 7, 1), WEEKENDS, urgent=True)
    assert_in_time_until(d, date(2026, 7, 15))


def test_urgent_reply_uses_the_requesting_ms_limit():
    # 7 days from Wed 01-07-2026: Wed 08-07-2026.
    assert_in_time_until(dl.take_charge_reply_due(at(2026, 7, 1), WEEKENDS, urgent_days=7), date(2026, 7, 8))


@pytest.mark.parametrize("days", [0, 6, True, 7.5])
def test_urgent_reply_limit_is_at_least_a_week(days):
    with pytest.raises(ValueError, match="39\\(2\\)"):
        dl.urgent_reply_spec(days)


def test_reply_precedence():
    received = at(2026, 7, 1)

    def last_day(**facts) -> date:
        return dl.take_charge_reply_due(received, WEEKENDS, **facts).legal_last_day

    assert last_day() == date(2026, 8, 3)  # 1 month (Art 40(1))
    assert last_day(hit_based=True) == date(2026, 7, 15)  # 2 weeks (Art 40(2))
    assert last_day(hit_based=True, urgent_days=7) == date(2026, 7, 8)  # the urgent limit set
    assert last_day(hit_based=True, crisis=True) == date(2026, 9, 1)  # 2 months (CR 12(2)(b))
    assert last_day(crisis=True, detained=True) == date(2026, 7, 8)  # 1 week (Art 45(2))


def test_w4_one_month_under_dublin_iii_ends_on_sunday():
    # time.md W4: hit received Thu 02-07-2026 + 1 month = Sun 02-08-2026; AMMR rolls to Mon, Dublin III does not.
    hit = at(2026, 7, 2)
    assert_in_time_until(dl.TAKE_CHARGE_REQUEST_HIT.compute(hit, WEEKENDS), date(2026, 8, 3))
    legacy = replace(dl.TAKE_CHARGE_REQUEST_HIT, rule=Rule.DUBLIN3_42).compute(hit, WEEKENDS)
    assert_in_time_until(legacy, date(2026, 8, 2))


# --- tacit acceptance (time.md §3.1) ---------------------------------------------------------------------


def test_tacit_acceptance_is_dated_on_the_rolled_last_day():
    reply = dl.take_charge_reply_due(at(2026, 8, 20), WEEKENDS)
    assert reply.unrolled_last_day == date(2026, 9, 20)
    assert dl.tacit_acceptance_day(reply) == date(2026, 9, 21)


def test_tacit_acceptance_needs_a_day_based_period():
    hours = compute(Rule.EU_1182_71, at(2026, 7, 1), 72, Unit.HOURS, Purpose.ACT_TIME_LIMIT, WEEKENDS)
    with pytest.raises(ValueError, match="not hours"):
        dl.tacit_acceptance_day(hours)


@pytest.mark.parametrize("tz", [None, "Europe/Athens", "Europe/Lisbon"])
def test_start_instant_keeps_the_day_in_the_zone_of_the_next_computation(tz):
    start = start_instant(date(2026, 8, 3), WEEKENDS, tz=tz)
    assert start.tzinfo is not None
    assert start.date() == date(2026, 8, 3)
    assert dl.transfer_decision_due(start, WEEKENDS, tz=tz).legal_last_day == date(2026, 8, 17)


# --- worked scenarios (dublin.md §8) -----------------------------------------------------------------------


def test_scenario_1_eurodac_hit_silence_and_transfer():
    registered, hit = at(2026, 7, 1), at(2026, 7, 2)
    assert dl.irregular_entry_window(date(2026, 3, 1)).contains(registered.date())
    # TCR: min(Tue 01-09, Sun 02-08 -> Mon 03-08) = Mon 03-08-2026.
    request = dl.take_charge_request_due(registered, WEEKENDS, hit_received_at=hit)
    assert request.unrolled_last_day == date(2026, 8, 2)
    assert_in_time_until(request, date(2026, 8, 3))
    # Sent and received Mon 20-07: 2 weeks (Art 40(2)) -> Mon 03-08-2026.
    reply = dl.take_charge_reply_due(at(2026, 7, 20), WEEKENDS, hit_based=True)
    assert_in_time_until(reply, date(2026, 8, 3))
    # Silence: tacitly accepted on Mon 03-08; decision Mon 17-08-2026; transfer Wed 03-02-2027.
    accepted = dl.tacit_acceptance_day(reply)
    assert accepted == date(2026, 8, 3)
    assert_in_time_until(dl.transfer_decision_due(accepted_on(accepted), WEEKENDS), date(2026, 8, 17))
    assert_in_time_until(dl.transfer_due(accepted_on(accepted), WEEKENDS), date(2027, 2, 3))


def test_take_charge_request_without_a_hit_is_t01():
    assert_in_time_until(dl.take_charge_request_due(at(2026, 7, 1), WEEKENDS), date(2026, 9, 1))


def test_a_late_hit_is_capped_by_the_registration_limit():
    # Hit received Thu 20-08: Sun 20-09 -> Mon 21-09 runs past Tue 01-09 (T01), which caps it (interpretation).
    registered, hit = at(2026, 7, 1), at(2026, 8, 20)
    capped = dl.take_charge_request_due(registered, WEEKENDS, hit_received_at=hit)
    assert_in_time_until(capped, date(2026, 9, 1))
    uncapped = dl.take_charge_request_due(registered, WEEKENDS, hit_received_at=hit, cap_at_registration_limit=False)
    assert_in_time_until(uncapped, date(2026, 9, 21))


def test_scenario_2_twenty_months_clipped_to_the_month_end():
    # Crossing 31-01-2025 + 20 months: 31-09 does not exist -> Wed 30-09-2026.
    w = dl.irregular_entry_window(date(2025, 1, 31))
    assert w.last_day == date(2026, 9, 30)
    assert w.contains(date(2026, 9, 30))
    assert not w.contains(date(2026, 10, 1))
    assert dl.irregular_entry_window(date(2025, 1, 31), STRICT).last_day == date(2026, 9, 30)  # "more than"
    assert_in_time_until(dl.take_charge_request_due(at(2026, 9, 30), WEEKENDS), date(2026, 11, 30))


def test_scenario_3_sar_twelve_months():
    w = dl.search_and_rescue_window(date(2025, 7, 15))
    assert w.contains(date(2026, 7, 15))
    assert not w.contains(date(2026, 7, 16))


def test_scenario_4_expired_visa():
    # time.md W10: visa valid until Mon 31-03-2025 + 18 months -> Wed 30-09-2026 (clip).
    w = dl.expired_visa_window(date(2025, 3, 31))
    assert w.last_day == date(2026, 9, 30)
    assert w.contains(date(2026, 9, 30))
    assert not w.contains(date(2026, 10, 1))
    assert_in_time_until(dl.take_charge_request_due(at(2026, 9, 30), WEEKENDS), date(2026, 11, 30))


def test_scenario_4_expired_visa_strict_anniversary():
    w = dl.expired_visa_window(date(2025, 3, 31), STRICT)
    assert w.last_day == date(2026, 9, 29)
    assert not w.contains(date(2026, 9, 30))


def test_scenario_5_take_charge_request():
    # Registered Fri 10-07-2026 -> Thu 10-09-2026.
    assert_in_time_until(dl.take_charge_request_due(at(2026, 7, 10), WEEKENDS), date(2026, 9, 10))


def test_scenario_6_expired_residence_permit():
    w = dl.expired_residence_document_window(date(2023, 7, 20))
    assert w.last_day == date(2026, 7, 20)
    assert w.contains(date(2026, 7, 20))
    assert not w.contains(date(2026, 7, 21))


def test_scenario_6_expired_residence_permit_strict_anniversary():
    assert not dl.expired_residence_document_window(date(2023, 7, 20), STRICT).contains(date(2026, 7, 20))


def test_scenario_7_diploma_outranks_irregular_entry():
    diploma = dl.diploma_window(date(2020, 7, 15))
    assert diploma.contains(date(2026, 7, 15))
    assert not diploma.contains(date(2026, 7, 16))
    assert dl.irregular_entry_window(date(2026, 5, 1)).contains(date(2026, 7, 16))
    assert_in_time_until(dl.take_charge_request_due(at(2026, 7, 15), WEEKENDS), date(2026, 9, 15))


def test_scenario_8_unaccompanied_minor_take_charge_request():
    assert_in_time_until(dl.take_charge_request_due(at(2026, 7, 1), WEEKENDS), date(2026, 9, 1))


def test_scenario_9_spouse_is_an_applicant():
    # Registered Mon 03-08: Sat 03-10 -> Mon 05-10-2026.
    request = dl.take_charge_request_due(at(2026, 8, 3), WEEKENDS)
    assert request.unrolled_last_day == date(2026, 10, 3)
    assert_in_time_until(request, date(2026, 10, 5))
    # Received Thu 20-08: Sun 20-09 -> Mon 21-09-2026.
    reply = dl.take_charge_reply_due(at(2026, 8, 20), WEEKENDS)
    assert_in_time_until(reply, date(2026, 9, 21))
    # Accepted that day: decision Mon 05-10-2026; transfer Sun 21-03-2027 -> Mon 22-03-2027.
    accepted = at(2026, 9, 21, 15)
    assert_in_time_until(dl.transfer_decision_due(accepted, WEEKENDS), date(2026, 10, 5))
    transfer = dl.transfer_due(accepted, WEEKENDS)
    assert transfer.unrolled_last_day == date(2027, 3, 21)
    assert_in_time_until(transfer, date(2027, 3, 22))


def test_scenario_10_take_back_with_suspensive_appeal():
    # Registered and hit Mon 07-09: notification Mon 21-09-2026.
    assert_in_time_until(dl.take_back_notification_due(at(2026, 9, 7), WEEKENDS), date(2026, 9, 21))
    # Received Thu 10-09: AT confirms by Thu 24-09-2026; silent, so deemed confirmed that day.
    confirmation = dl.take_back_confirmation_due(at(2026, 9, 10), WEEKENDS)
    assert_in_time_until(confirmation, date(2026, 9, 24))
    confirmed = accepted_on(dl.tacit_acceptance_day(confirmation))
    assert_in_time_until(dl.transfer_decision_due(confirmed, WEEKENDS), date(2026, 10, 8))
    # Decision notified Thu 08-10: the appeal window ends between Thu 15-10 and Thu 29-10-2026.
    notified = at(2026, 10, 8)
    assert_in_time_until(dl.appeal_spec(1).compute(notified, WEEKENDS), date(2026, 10, 15))
    assert_in_time_until(dl.appeal_spec(3).compute(notified, WEEKENDS), date(2026, 10, 29))
    # Suspensive effect: 6 months from the final judgment Fri 20-11 -> Thu 20-05-2027, not Wed 24-03-2027.
    assert_in_time_until(dl.transfer_due(at(2026, 11, 20), WEEKENDS), date(2027, 5, 20))
    assert dl.transfer_due(confirmed, WEEKENDS).legal_last_day == date(2027, 3, 24)


def test_scenario_11_late_take_charge_request():
    # Registered Tue 04-08: Sun 04-10 -> Mon 05-10-2026 (Art 75(d)).
    d = dl.take_charge_request_due(at(2026, 8, 4), WEEKENDS)
    assert d.unrolled_last_day == date(2026, 10, 4)
    assert not d.is_expired(at(2026, 10, 5, 16))  # sent on Mon 05-10: in time
    assert d.is_expired(at(2026, 10, 6, 9))  # ready on Tue 06-10: must not be sent
    assert_in_time_until(d, date(2026, 10, 5))


def test_scenario_12_refusal_after_the_deadline():
    # Received by HU Mon 05-10: reply due Thu 05-11-2026; the refusal of Fri 06-11 is late.
    reply = dl.take_charge_reply_due(at(2026, 10, 5), WEEKENDS)
    assert_in_time_until(reply, date(2026, 11, 5))
    assert reply.is_expired(at(2026, 11, 6, 9))
    accepted = accepted_on(dl.tacit_acceptance_day(reply))
    assert_in_time_until(dl.transfer_decision_due(accepted, WEEKENDS), date(2026, 11, 19))
    assert_in_time_until(dl.transfer_due(accepted, WEEKENDS), date(2027, 5, 5))


def test_scenario_13_absconding():
    accepted = at(2026, 8, 10)
    base = dl.transfer_due(accepted, WEEKENDS)
    assert_in_time_until(base, date(2027, 2, 10))  # without extension: shift to XX on Thu 11-02-2027
    extended = dl.absconding_transfer_due(at(2026, 10, 2), WEEKENDS)
    assert_in_time_until(extended, date(2029, 10, 2))
    # Reappears Sat 01-05-2027: more than 3 months remain, so the 3-month rule adds nothing.
    assert dl.available_again_transfer_due(extended, at(2027, 5, 1), WEEKENDS) is extended


def test_scenario_13_imprisonment():
    assert_in_time_until(dl.imprisonment_transfer_due(at(2026, 8, 10), WEEKENDS), date(2027, 8, 10))


def test_three_months_once_available_again():
    # Imprisonment limit Tue 10-08-2027; released Thu 01-07-2027 with less than 3 months left -> Fri 01-10-2027.
    imprisonment = dl.imprisonment_transfer_due(at(2026, 8, 10), WEEKENDS)
    d = dl.available_again_transfer_due(imprisonment, at(2027, 7, 1), WEEKENDS)
    assert d.legal_basis == "AMMR Art 46(2)"
    assert_in_time_until(d, date(2027, 10, 1))


def test_scenario_14_detained_applicant():
    registered = at(2026, 7, 6)
    # Detained from registration: request by Mon 20-07-2026 (Art 45(1)).
    request = dl.take_charge_request_due(registered, WEEKENDS, detained_since=registered)
    assert_in_time_until(request, date(2026, 7, 20))
    # Received Wed 15-07: reply by Wed 22-07-2026 (Art 45(2)); silence is acceptance.
    reply = dl.take_charge_reply_due(at(2026, 7, 15), WEEKENDS, detained=True)
    assert_in_time_until(reply, date(2026, 7, 22))
    accepted = accepted_on(dl.tacit_acceptance_day(reply))
    # Transfer at the latest Wed 26-08-2026 (Art 45(3)), a liberty cap.
    transfer = dl.transfer_due(accepted, WEEKENDS, detained=True)
    assert transfer.operational_end == midnight_after(date(2026, 8, 26))
    assert_in_time_until(transfer, date(2026, 8, 26))
    # Missed: detention ends and the ordinary 6 months continue, to Fri 22-01-2027 (Art 45(4)).
    assert_in_time_until(dl.transfer_due(accepted, WEEKENDS), date(2027, 1, 22))


def test_detention_after_registration_gives_one_week_from_detention():
    # Registered Mon 06-07, detained Wed 08-07: request by Wed 15-07-2026.
    d = dl.take_charge_request_due(at(2026, 7, 6), WEEKENDS, detained_since=at(2026, 7, 8))
    assert d.legal_basis == "AMMR Art 45(1)"
    assert_in_time_until(d, date(2026, 7, 15))


def test_detained_take_back_notification():
    hit = at(2026, 9, 7)
    # No new application: 2 weeks from the hit; detained later (Thu 10-09): 1 week from detention.
    assert_in_time_until(dl.take_back_notification_due(hit, WEEKENDS, detained_since=hit), date(2026, 9, 21))
    later = dl.take_back_notification_due(hit, WEEKENDS, detained_since=at(2026, 9, 10))
    assert_in_time_until(later, date(2026, 9, 17))
    # A new application registered Tue 08-09 with detention from then: 2 weeks from registration.
    registered = at(2026, 9, 8)
    d = dl.take_back_notification_due(hit, WEEKENDS, registered_at=registered, detained_since=registered)
    assert_in_time_until(d, date(2026, 9, 22))


def test_scenario_16b_border_procedure_cessation():
    # Final Wed 30-09-2026 + 15 months -> Thu 30-12-2027; registration on Fri 31-12-2027 is a new application.
    w = dl.border_procedure_cessation_window(date(2026, 9, 30))
    assert w.last_day == date(2027, 12, 30)
    assert w.contains(date(2027, 12, 30))
    assert not w.contains(date(2027, 12, 31))
    assert dl.border_procedure_cessation_window(date(2026, 9, 30), STRICT).last_day == date(2027, 12, 30)


def test_absence_of_nine_months():
    # Left Mon 05-10-2026: obligations run until Mon 05-07-2027, at least 9 months' absence from Tue 06-07.
    w = dl.absence_window(date(2026, 10, 5))
    assert w.last_day == date(2027, 7, 5)
    assert not w.contains(date(2027, 7, 6))


def test_window_trace_names_the_article():
    step = dl.irregular_entry_window(date(2025, 1, 31)).trace[0]
    assert (step.detail, step.value) == ("AMMR Art 33(1), from irregular crossing of the external border", "AMMR.33.1")


def test_window_rollover_needs_the_calendar_and_uses_it():
    # Crossing Sun 05-01-2025 + 20 months = Sat 05-09-2026; with window_rollover on -> Mon 07-09-2026.
    rollover = DeadlineConfig(window_rollover=True)
    assert dl.irregular_entry_window(date(2025, 1, 5), rollover, WEEKENDS).last_day == date(2026, 9, 7)


# --- crisis (CR Art 12(2), T24) ---------------------------------------------------------------------------


def test_crisis_take_charge_request_and_reply():
    registered = at(2026, 7, 1)
    # 4 months: Sun 01-11 -> Mon 02-11-2026; the hit limit does not apply in a crisis.
    d = dl.take_charge_request_due(registered, WEEKENDS, hit_received_at=at(2026, 7, 2), crisis=True)
    assert d.legal_basis == "CR Art 12(2)(a)"
    assert_in_time_until(d, date(2026, 11, 2))
    # Reply 2 months from Mon 20-07: Sun 20-09 -> Mon 21-09-2026.
    assert_in_time_until(dl.take_charge_reply_due(at(2026, 7, 20), WEEKENDS, crisis=True), date(2026, 9, 21))


def test_crisis_take_back():
    # Hit Mon 07-09 -> Wed 07-10-2026; notification received Thu 10-09 -> Sat 10-10 -> Mon 12-10-2026.
    assert_in_time_until(dl.take_back_notification_due(at(2026, 9, 7), WEEKENDS, crisis=True), date(2026, 10, 7))
    assert_in_time_until(dl.take_back_confirmation_due(at(2026, 9, 10), WEEKENDS, crisis=True), date(2026, 10, 12))


def test_crisis_transfer_within_one_year():
    # time.md §4: accepted Tue 29-02-2028 -> Wed 28-02-2029 (CR 12(2)(d)).
    assert_in_time_until(dl.transfer_due(at(2028, 2, 29), WEEKENDS, crisis=True), date(2029, 2, 28))


def test_detention_limits_are_not_derogated_in_a_crisis():
    registered = at(2026, 7, 6)
    d = dl.take_charge_request_due(registered, WEEKENDS, detained_since=registered, crisis=True)
    assert_in_time_until(d, date(2026, 7, 20))
    assert dl.transfer_due(registered, WEEKENDS, detained=True, crisis=True).legal_basis == "AMMR Art 45(3)"


# --- humanitarian clause, solidarity, re-examination --------------------------------------------------------


def test_humanitarian_reply_two_months():
    # Received Thu 20-08-2026 -> Tue 20-10-2026 (Art 35(2)).
    assert_in_time_until(dl.humanitarian_reply_due(at(2026, 8, 20), WEEKENDS), date(2026, 10, 20))


def test_relocation_confirmation_decision_and_transfer():
    received = at(2026, 9, 7)
    # Mon 07-09: confirmation by Mon 14-09 (exceptionally Mon 21-09-2026); silence confirms on 14-09.
    confirmation = dl.relocation_confirmation_due(received, WEEKENDS)
    assert_in_time_until(confirmation, date(2026, 9, 14))
    exceptional = dl.relocation_confirmation_due(received, WEEKENDS, exceptional=True)
    assert_in_time_until(exceptional, date(2026, 9, 21))
    confirmed = accepted_on(dl.tacit_acceptance_day(confirmation))
    assert_in_time_until(dl.relocation_transfer_decision_due(confirmed, WEEKENDS), date(2026, 9, 21))
    assert_in_time_until(dl.relocation_transfer_due(confirmed, WEEKENDS), date(2026, 10, 12))


def test_offset_reply_thirty_days():
    # Received Mon 05-10-2026 + 30 days -> Wed 04-11-2026 (Art 69(2)).
    assert_in_time_until(dl.offset_reply_due(at(2026, 10, 5), WEEKENDS), date(2026, 11, 4))


def test_re_examination():
    # Negative reply received Mon 03-08-2026: request by Mon 24-08; answer endeavoured by Mon 07-09-2026.
    request = dl.re_examination_request_due(at(2026, 8, 3), WEEKENDS)
    assert request.rule_applied is Rule.EU_1182_71
    assert_in_time_until(request, date(2026, 8, 24))
    assert_in_time_until(dl.re_examination_reply_due(at(2026, 8, 24), WEEKENDS), date(2026, 9, 7))
