"""Asylum time limits T1-T18 (asylum chapter §3) and the dates of the worked scenarios in §10 and time.md §4.

The NL calendar holds the real Dutch public holidays; every scenario date below matches the chapter.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from keten_asylum.config import AsylumSettings
from keten_asylum.domain import deadlines as dl
from keten_shared.deadlines import Deadline, DeadlineSpec, NaiveDatetimeError, Purpose, Rule, Unit
from keten_shared.events.catalog.asylum import AdmissibilityGround, RoutedProcedure

AMS = ZoneInfo("Europe/Amsterdam")
P = RoutedProcedure
A = AdmissibilityGround

FIXED_SPECS = [
    dl.REGISTRATION,
    dl.REGISTRATION_CRISIS,
    dl.LODGING,
    dl.LODGING_DISPROPORTIONATE,
    dl.LODGING_AFTER_TRANSFER,
    dl.SPECIAL_GUARANTEES,
    dl.UAM_REPRESENTATIVE,
    dl.UAM_REPRESENTATIVE_EXTENDED,
    dl.ADMISSIBILITY,
    dl.ADMISSIBILITY_EXTENDED,
    dl.ADMISSIBILITY_RETURN_DECISION,
    dl.ACCELERATED,
    dl.REGULAR,
    dl.REGULAR_EXTENDED,
    dl.POSTPONEMENT_MAXIMUM,
    dl.POSTPONEMENT_REVIEW,
    dl.BORDER_MAXIMUM,
    dl.BORDER_MAXIMUM_RELOCATED,
    dl.BORDER_MAXIMUM_CRISIS,
]
SETTINGS_SPECS = [
    dl.registration_disproportionate_spec,
    dl.border_lodging_spec,
    dl.short_appeal_spec,
    dl.long_appeal_spec,
    dl.remain_request_spec,
]
LIBERTY_CAPS = {dl.BORDER_MAXIMUM.id, dl.BORDER_MAXIMUM_RELOCATED.id, dl.BORDER_MAXIMUM_CRISIS.id}


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=AMS)


def end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=AMS)


def due(spec: DeadlineSpec, start: datetime, nl) -> date:
    return spec.compute(start, nl, tz=AMS).legal_last_day


def assert_in_time_until(d: Deadline, last_day: date) -> None:
    """`last_day` is the last day of the period: an act on it is in time, on the next day late."""
    assert d.legal_last_day == last_day
    assert not d.is_expired(end_of(last_day) - timedelta(microseconds=1))
    assert d.is_expired(end_of(last_day))


# --- the declarations ------------------------------------------------------------------------------


def test_registration_and_lodging_keep_their_values():
    assert (dl.REGISTRATION.id, dl.REGISTRATION.amount, dl.REGISTRATION.unit) == ("APR.27.1", 5, Unit.DAYS)
    assert (dl.LODGING.id, dl.LODGING.amount, dl.LODGING.unit) == ("APR.28.1", 21, Unit.DAYS)
    assert dl.REGISTRATION.start_event == "application made (SR 5(1) persons: referral from screening)"
    assert dl.LODGING.start_event == "registration"


@pytest.mark.parametrize(
    "spec", FIXED_SPECS + [build(AsylumSettings()) for build in SETTINGS_SPECS], ids=lambda s: s.id
)
def test_every_limit_is_counted_under_apr_73_with_its_article(spec):
    # asylum chapter §0, time.md §2: every APR period and the CR 10/11 derogations follow APR Art 73.
    assert spec.rule is Rule.APR_73
    assert spec.legal_basis.startswith(f"{spec.act} Art ")
    assert spec.act in ("APR", "CR")
    expected = Purpose.LIBERTY_CAP if spec.id in LIBERTY_CAPS else Purpose.ACT_TIME_LIMIT
    assert spec.purpose is expected


def test_spec_ids_are_unique():
    ids = [spec.id for spec in FIXED_SPECS] + [build(AsylumSettings()).id for build in SETTINGS_SPECS]
    ids.append(dl.PERMIT_ISSUE.id)  # the one QR limit, counted under Reg 1182/71
    assert len(ids) == len(set(ids))


def test_the_trace_names_the_article_once(nl):
    step = dl.ADMISSIBILITY.compute(at(2026, 9, 1), nl, tz=AMS).trace[0]
    assert step.detail == "APR Art 35(1), from lodging"


@pytest.mark.parametrize(
    ("spec", "amount", "unit"),
    [
        (dl.REGISTRATION_CRISIS, 4, Unit.WEEKS),
        (dl.LODGING_DISPROPORTIONATE, 2, Unit.MONTHS),
        (dl.LODGING_AFTER_TRANSFER, 21, Unit.DAYS),
        (dl.SPECIAL_GUARANTEES, 30, Unit.DAYS),
        (dl.UAM_REPRESENTATIVE, 15, Unit.WORKING_DAYS),
        (dl.UAM_REPRESENTATIVE_EXTENDED, 25, Unit.WORKING_DAYS),
        (dl.ADMISSIBILITY, 2, Unit.MONTHS),
        (dl.ADMISSIBILITY_EXTENDED, 4, Unit.MONTHS),
        (dl.ADMISSIBILITY_RETURN_DECISION, 10, Unit.WORKING_DAYS),
        (dl.ACCELERATED, 3, Unit.MONTHS),
        (dl.REGULAR, 6, Unit.MONTHS),
        (dl.REGULAR_EXTENDED, 12, Unit.MONTHS),
        (dl.POSTPONEMENT_MAXIMUM, 21, Unit.MONTHS),
        (dl.POSTPONEMENT_REVIEW, 4, Unit.MONTHS),
        (dl.BORDER_MAXIMUM, 12, Unit.WEEKS),
        (dl.BORDER_MAXIMUM_RELOCATED, 16, Unit.WEEKS),
        (dl.BORDER_MAXIMUM_CRISIS, 18, Unit.WEEKS),
    ],
    ids=lambda value: value.id if isinstance(value, DeadlineSpec) else str(value),
)
def test_lengths_of_the_master_table(spec, amount, unit):
    assert (spec.amount, spec.unit) == (amount, unit)


# --- T1 registration --------------------------------------------------------------------------------


def test_registration_spec_picks_the_regime():
    settings = AsylumSettings()
    assert dl.registration_spec(settings, crisis_active=False, disproportionate=False) is dl.REGISTRATION
    assert dl.registration_spec(settings, crisis_active=True, disproportionate=False) is dl.REGISTRATION_CRISIS
    # CR Art 10(1) derogates from APR Art 27 as a whole.
    assert dl.registration_spec(settings, crisis_active=True, disproportionate=True) is dl.REGISTRATION_CRISIS
    disproportionate = dl.registration_spec(settings, crisis_active=False, disproportionate=True)
    assert (disproportionate.id, disproportionate.amount, disproportionate.legal_basis) == (
        "APR.27.5",
        15,
        "APR Art 27(5)",
    )


def test_scenario_1_registration_due_monday(nl):
    # Made Mon 15-06-2026: + 5 days = Sat 20-06 -> Mon 22-06-2026.
    d = dl.registration_spec(AsylumSettings(), crisis_active=False, disproportionate=False).compute(
        at(2026, 6, 15), nl, tz=AMS
    )
    assert d.unrolled_last_day == date(2026, 6, 20)
    assert_in_time_until(d, date(2026, 6, 22))


def test_scenario_3_registration_from_the_referral(nl):
    # SR 5(1) person: screening referral Fri 03-07-2026 -> Wed 08-07-2026 (APR 27(7)).
    assert_in_time_until(dl.REGISTRATION.compute(at(2026, 7, 3), nl, tz=AMS), date(2026, 7, 8))


def test_registration_in_disproportionate_numbers_follows_the_settings(nl):
    # APR 27(5): made Mon 15-06-2026 + 15 days = Tue 30-06-2026; a national 10 days gives Thu 25-06-2026.
    default = dl.registration_disproportionate_spec(AsylumSettings())
    assert_in_time_until(default.compute(at(2026, 6, 15), nl, tz=AMS), date(2026, 6, 30))
    shorter = dl.registration_disproportionate_spec(AsylumSettings(registration_extension_days=10))
    assert_in_time_until(shorter.compute(at(2026, 6, 15), nl, tz=AMS), date(2026, 6, 25))


def test_scenario_14_crisis_registration_4_weeks(nl):
    # CR 10(1): made Mon 05-10-2026 -> Mon 02-11-2026.
    d = dl.registration_spec(AsylumSettings(), crisis_active=True, disproportionate=False).compute(
        at(2026, 10, 5), nl, tz=AMS
    )
    assert_in_time_until(d, date(2026, 11, 2))


# --- T2, T3 lodging ---------------------------------------------------------------------------------


def test_lodging_spec_picks_the_rule():
    settings = AsylumSettings()
    assert dl.lodging_spec(settings) is dl.LODGING
    assert dl.lodging_spec(settings, disproportionate=True) is dl.LODGING_DISPROPORTIONATE
    assert dl.lodging_spec(settings, after_transfer=True) is dl.LODGING_AFTER_TRANSFER
    assert dl.lodging_spec(settings, after_transfer=True, disproportionate=True) is dl.LODGING_AFTER_TRANSFER
    border = dl.lodging_spec(settings, border=True, disproportionate=True)
    assert (border.id, border.amount, border.unit, border.legal_basis) == ("APR.51.1", 5, Unit.DAYS, "APR Art 51(1)")


def test_scenario_1_lodging_due(nl):
    # Registered Wed 17-06-2026 -> Wed 08-07-2026.
    assert_in_time_until(dl.lodging_spec(AsylumSettings()).compute(at(2026, 6, 17), nl, tz=AMS), date(2026, 7, 8))


def test_scenario_3_border_lodging_5_days(nl):
    # APR 51(1): registered Fri 03-07-2026 -> Wed 08-07-2026.
    d = dl.lodging_spec(AsylumSettings(), border=True).compute(at(2026, 7, 3), nl, tz=AMS)
    assert_in_time_until(d, date(2026, 7, 8))


def test_border_lodging_follows_the_settings(nl):
    # A national 3 days from Fri 03-07-2026 ends on Mon 06-07-2026.
    spec = dl.border_lodging_spec(AsylumSettings(border_lodging_days=3))
    assert_in_time_until(spec.compute(at(2026, 7, 3), nl, tz=AMS), date(2026, 7, 6))


def test_scenario_12_lodging_after_transfer(nl):
    # APR 28(2): transferee identifies Mon 02-11-2026 -> Mon 23-11-2026.
    d = dl.lodging_spec(AsylumSettings(), after_transfer=True).compute(at(2026, 11, 2), nl, tz=AMS)
    assert_in_time_until(d, date(2026, 11, 23))


def test_lodging_appointment_in_disproportionate_numbers(nl):
    # APR 28(5): registered Wed 17-06-2026 + 2 months = Mon 17-08-2026.
    assert_in_time_until(dl.LODGING_DISPROPORTIONATE.compute(at(2026, 6, 17), nl, tz=AMS), date(2026, 8, 17))


# --- T4 special procedural guarantees, T5 UAM representative ---------------------------------------


def test_scenario_5_special_guarantees_30_days(nl):
    # APR 20: made Mon 06-07-2026 -> Wed 05-08-2026.
    assert_in_time_until(dl.SPECIAL_GUARANTEES.compute(at(2026, 7, 6), nl, tz=AMS), date(2026, 8, 5))


def test_scenario_5_representative_15_working_days(nl):
    # APR 23(2)(b), time.md W6: made Mon 06-07-2026 -> Mon 27-07-2026.
    assert_in_time_until(dl.UAM_REPRESENTATIVE.compute(at(2026, 7, 6), nl, tz=AMS), date(2026, 7, 27))


def test_w6_representative_extension_counts_from_the_making(nl):
    # APR 23(3), time.md W6: 15 + 10 working days from Mon 06-07-2026 -> Mon 10-08-2026.
    extended = dl.extended_spec(dl.UAM_REPRESENTATIVE)
    assert extended is dl.UAM_REPRESENTATIVE_EXTENDED
    assert_in_time_until(extended.compute(at(2026, 7, 6), nl, tz=AMS), date(2026, 8, 10))


def test_w5_representative_over_christmas(nl):
    # time.md W5: made Wed 23-12-2026; 25-12, 26-12 and 01-01 are not working days -> Fri 15-01-2027.
    assert due(dl.UAM_REPRESENTATIVE, at(2026, 12, 23), nl) == date(2027, 1, 15)


# --- T6-T9 examination limits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("procedure", "ground", "spec"),
    [
        (P.ADMISSIBILITY, None, dl.ADMISSIBILITY),
        (P.ADMISSIBILITY, A.FIRST_COUNTRY_OF_ASYLUM, dl.ADMISSIBILITY),
        (P.ADMISSIBILITY, A.SAFE_THIRD_COUNTRY, dl.ADMISSIBILITY),
        (P.ADMISSIBILITY, A.PROTECTION_IN_OTHER_MS, dl.ADMISSIBILITY),
        (P.ADMISSIBILITY, A.INTERNATIONAL_COURT_RELOCATION, dl.ADMISSIBILITY),
        (P.ADMISSIBILITY, A.LATE_AFTER_RETURN_DECISION, dl.ADMISSIBILITY_RETURN_DECISION),
        (P.PRELIMINARY_EXAMINATION, A.SUBSEQUENT_NO_NEW_ELEMENTS, dl.ADMISSIBILITY),
        (P.PRELIMINARY_EXAMINATION, None, dl.ADMISSIBILITY),
        (P.ACCELERATED, None, dl.ACCELERATED),
        (P.REGULAR, None, dl.REGULAR),
        (P.BORDER, None, dl.BORDER_MAXIMUM),
    ],
)
def test_examination_spec(procedure, ground, spec):
    assert dl.examination_spec(procedure, ground) is spec


@pytest.mark.parametrize(
    ("spec", "extended"),
    [
        (dl.ADMISSIBILITY, dl.ADMISSIBILITY_EXTENDED),
        (dl.REGULAR, dl.REGULAR_EXTENDED),
        (dl.UAM_REPRESENTATIVE, dl.UAM_REPRESENTATIVE_EXTENDED),
        (dl.ADMISSIBILITY_RETURN_DECISION, None),
        (dl.ACCELERATED, None),  # APR 35: no extension of the 3-month limit
        (dl.BORDER_MAXIMUM, None),
        (dl.REGISTRATION, None),
        (dl.LODGING, None),
        (dl.POSTPONEMENT_MAXIMUM, None),
    ],
    ids=lambda value: value.id if isinstance(value, DeadlineSpec) else str(value),
)
def test_extended_spec(spec, extended):
    assert dl.extended_spec(spec) is extended


def test_scenario_1_merits_and_extension(nl):
    # Lodged Mon 06-07-2026 -> Wed 06-01-2027; extended (35(5)) -> Tue 06-07-2027.
    spec = dl.examination_spec(P.REGULAR, None)
    assert_in_time_until(spec.compute(at(2026, 7, 6), nl, tz=AMS), date(2027, 1, 6))
    assert_in_time_until(dl.extended_spec(spec).compute(at(2026, 7, 6), nl, tz=AMS), date(2027, 7, 6))


def test_w4_extension_is_counted_from_lodging(nl):
    # time.md §4: lodged Mon 01-02-2027 -> 12 months Tue 01-02-2028, not Wed 02-02-2028.
    assert due(dl.REGULAR_EXTENDED, at(2027, 2, 1), nl) == date(2028, 2, 1)


def test_scenario_4_accelerated_from_the_original_lodging(nl):
    # Lodged Mon 06-07-2026 + 3 months -> Tue 06-10-2026.
    assert_in_time_until(dl.ACCELERATED.compute(at(2026, 7, 6), nl, tz=AMS), date(2026, 10, 6))


def test_scenario_5_accelerated_due(nl):
    # Lodged Fri 10-07-2026 + 3 months = Sat 10-10 -> Mon 12-10-2026.
    d = dl.examination_spec(P.ACCELERATED, None).compute(at(2026, 7, 10), nl, tz=AMS)
    assert d.unrolled_last_day == date(2026, 10, 10)
    assert_in_time_until(d, date(2026, 10, 12))


def test_scenario_7_admissibility_and_extension(nl):
    # Lodged Tue 01-09-2026: 2 months = Sun 01-11 -> Mon 02-11-2026; extended 4 months = Fri 01-01-2027
    # (New Year's Day), Sat, Sun -> Mon 04-01-2027.
    spec = dl.examination_spec(P.ADMISSIBILITY, A.PROTECTION_IN_OTHER_MS)
    assert_in_time_until(spec.compute(at(2026, 9, 1), nl, tz=AMS), date(2026, 11, 2))
    d = dl.extended_spec(spec).compute(at(2026, 9, 1), nl, tz=AMS)
    assert d.unrolled_last_day == date(2027, 1, 1)
    assert_in_time_until(d, date(2027, 1, 4))


def test_w2_admissibility_clipped_to_the_month_end(nl):
    # time.md W2: lodged Thu 31-12-2026 + 2 months = Sun 28-02-2027 (clip) -> Mon 01-03-2027.
    d = dl.ADMISSIBILITY.compute(at(2026, 12, 31), nl, tz=AMS)
    assert d.unrolled_last_day == date(2027, 2, 28)
    assert_in_time_until(d, date(2027, 3, 1))


def test_scenario_8_admissibility_10_working_days(nl):
    # APR 35(1): lodged Tue 15-09-2026 -> Tue 29-09-2026.
    d = dl.examination_spec(P.ADMISSIBILITY, A.LATE_AFTER_RETURN_DECISION).compute(at(2026, 9, 15), nl, tz=AMS)
    assert_in_time_until(d, date(2026, 9, 29))


def test_scenario_9_preliminary_examination(nl):
    # APR 38(2): lodged Mon 05-10-2026 + 2 months = Sat 05-12 -> Mon 07-12-2026.
    d = dl.examination_spec(P.PRELIMINARY_EXAMINATION, A.SUBSEQUENT_NO_NEW_ELEMENTS).compute(
        at(2026, 10, 5), nl, tz=AMS
    )
    assert_in_time_until(d, date(2026, 12, 7))


def test_scenario_12_merits_after_transfer(nl):
    # APR 35(6): lodged Tue 10-11-2026 in the member state responsible -> Mon 10-05-2027.
    assert_in_time_until(dl.REGULAR.compute(at(2026, 11, 10), nl, tz=AMS), date(2027, 5, 10))


# --- T10 postponement -------------------------------------------------------------------------------


def test_scenario_13_postponement(nl):
    lodged = at(2027, 2, 1)
    # 6 months = Sun 01-08 -> Mon 02-08-2027.
    six_months = dl.REGULAR.compute(lodged, nl, tz=AMS)
    assert_in_time_until(six_months, date(2027, 8, 2))
    # Postponed on Mon 02-08-2027: first review within 4 months -> Thu 02-12-2027.
    postponed = at(2027, 8, 2)
    assert_in_time_until(dl.POSTPONEMENT_REVIEW.compute(postponed, nl, tz=AMS), date(2027, 12, 2))
    # APR 35(7): 21 months from lodging -> Wed 01-11-2028.
    assert_in_time_until(dl.POSTPONEMENT_MAXIMUM.compute(lodged, nl, tz=AMS), date(2028, 11, 1))


# --- T11 border maximum (a liberty cap) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("weeks", "spec"), [(12, dl.BORDER_MAXIMUM), (16, dl.BORDER_MAXIMUM_RELOCATED), (18, dl.BORDER_MAXIMUM_CRISIS)]
)
def test_border_maximum_spec(weeks, spec):
    assert dl.border_maximum_spec(weeks) is spec


@pytest.mark.parametrize("weeks", [0, 11, 13, 17, 22])
def test_border_maximum_spec_rejects_other_lengths(weeks):
    with pytest.raises(ValueError, match="no border maximum"):
        dl.border_maximum_spec(weeks)


def assert_liberty_cap_until(d: Deadline, last_day: date) -> None:
    assert d.unrolled_last_day == last_day
    assert d.operational_end == end_of(last_day)
    assert not d.is_expired(end_of(last_day) - timedelta(microseconds=1))
    assert d.is_expired(end_of(last_day))


def test_scenario_3_border_hard_end(nl):
    # Registered Fri 03-07-2026 + 12 weeks -> Fri 25-09-2026; scenario 4: entry authorised at its end.
    assert_liberty_cap_until(dl.examination_spec(P.BORDER, None).compute(at(2026, 7, 3), nl, tz=AMS), date(2026, 9, 25))


def test_scenario_6_border_hard_end(nl):
    # Registered Mon 14-09-2026 -> Mon 07-12-2026.
    assert_liberty_cap_until(dl.border_maximum_spec(12).compute(at(2026, 9, 14), nl, tz=AMS), date(2026, 12, 7))


def test_scenario_14_border_maximum_in_crisis(nl):
    # Registered Fri 30-10-2026: 12 weeks Fri 22-01-2027; crisis + 6 weeks Fri 05-03-2027.
    registered = at(2026, 10, 30)
    assert_liberty_cap_until(dl.border_maximum_spec(12).compute(registered, nl, tz=AMS), date(2027, 1, 22))
    assert_liberty_cap_until(dl.border_maximum_spec(18).compute(registered, nl, tz=AMS), date(2027, 3, 5))


def test_border_maximum_after_relocation(nl):
    # APR 51(2) third subparagraph: registered Fri 30-10-2026 + 16 weeks -> Fri 19-02-2027.
    assert_liberty_cap_until(dl.border_maximum_spec(16).compute(at(2026, 10, 30), nl, tz=AMS), date(2027, 2, 19))


def test_border_maximum_is_enforced_before_the_roll_forward(nl):
    # time.md §3.10: registered Sat 03-10-2026 + 12 weeks = Sat 26-12 (2nd Christmas day); the legal end rolls
    # to Mon 28-12, but entry is authorised at the end of Sat 26-12.
    d = dl.BORDER_MAXIMUM.compute(at(2026, 10, 3), nl, tz=AMS)
    assert d.legal_last_day == date(2026, 12, 28)
    assert_liberty_cap_until(d, date(2026, 12, 26))


# --- T18 application after a return decision -----------------------------------------------------------


def test_scenario_8_late_after_return_decision(nl):
    # Received Tue 01-09-2026; the 7th working day is Thu 10-09: from Fri 11-09 the application is late.
    received = at(2026, 9, 1)
    assert dl.late_after_return_decision(received, at(2026, 9, 14), nl, AMS)
    assert dl.late_after_return_decision(received, at(2026, 9, 11, 0, 0), nl, AMS)
    assert not dl.late_after_return_decision(received, at(2026, 9, 10, 23, 59), nl, AMS)
    assert not dl.late_after_return_decision(received, at(2026, 9, 2), nl, AMS)


def test_late_after_return_decision_skips_holidays(nl):
    # Received Wed 23-12-2026: 24, 28, 29, 30, 31-12, 04-01, 05-01 -> late from Wed 06-01-2027.
    received = at(2026, 12, 23)
    assert not dl.late_after_return_decision(received, at(2027, 1, 5), nl, AMS)
    assert dl.late_after_return_decision(received, at(2027, 1, 6), nl, AMS)


def test_late_after_return_decision_uses_local_dates(nl):
    # Received Mon 31-08 22:30 UTC = Tue 01-09-2026 00:30 in Amsterdam; made Thu 10-09-2026.
    received, made = datetime(2026, 8, 31, 22, 30, tzinfo=UTC), datetime(2026, 9, 10, 8, 0, tzinfo=UTC)
    assert not dl.late_after_return_decision(received, made, nl, "Europe/Amsterdam")
    # Counted from Mon 31-08 the 7th working day is Wed 09-09: the same facts would be late.
    assert dl.late_after_return_decision(received, made, nl, "UTC")


def test_late_after_return_decision_needs_aware_instants(nl):
    with pytest.raises(NaiveDatetimeError):
        dl.late_after_return_decision(datetime(2026, 9, 1), at(2026, 9, 14), nl, AMS)
    with pytest.raises(NaiveDatetimeError):
        dl.late_after_return_decision(at(2026, 9, 1), datetime(2026, 9, 14), nl, AMS)


@pytest.mark.parametrize(
    ("notified", "last_day"),
    [
        (at(2026, 7, 10), date(2026, 10, 8)),  # Fri + 90 days = Thu 10-08
        (at(2026, 7, 13), date(2026, 10, 12)),  # Mon + 90 days = Sun 10-11, rolled to Mon (Reg 1182/71 Art 3(4))
    ],
)
def test_the_residence_permit_is_due_90_days_after_notification(nl, notified, last_day):
    # QR Art 24(4); the QR has no counting article, so Reg 1182/71 counts the period.
    assert dl.PERMIT_ISSUE.rule is Rule.EU_1182_71
    assert_in_time_until(dl.PERMIT_ISSUE.compute(notified, nl, tz=AMS), last_day)
