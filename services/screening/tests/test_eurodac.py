"""Eurodac rules of screening (screening chapter §5, §3 T4-T13, §8, §9) and the Eurodac simulator; no database.

Dates are the chapter's scenarios, in Europe/Amsterdam with the Dutch holiday calendar (`nl` fixture).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from keten_screening.adapters.eurodac import (
    EurodacDataset,
    EurodacGateway,
    EurodacSimulator,
    EurodacUnavailable,
    TransmissionReceipt,
    TravelDocument,
)
from keten_screening.domain.eurodac import (
    ALL_SPECS,
    DEFAULT_MEMBER_STATE_LETTERS,
    EURODAC_MINIMUM_AGE,
    RETENTION,
    ApplicantTrigger,
    DownstreamFacts,
    ErasureReason,
    EurodacCategory,
    Hit,
    HitStatus,
    Mark,
    MarkKind,
    TransmissionExtension,
    TransmissionState,
    biometrics_due,
    categories_for,
    check_biometric_capture,
    downstream_facts,
    due_before_release,
    eu_lisa_notification_due,
    extension_spec,
    health_grounds_limit,
    mark_notification_limit,
    member_state_letters,
    parse_reference_number,
    processing_limit,
    reference_number,
    requires_expert_check,
    retake_retransmission_limit,
    retention,
    retention_until,
    security_flag_due,
    transmission_limit,
    transmission_spec,
    transmission_state,
)
from keten_shared.clock import FixedClock
from keten_shared.deadlines import Purpose, Rule, Unit
from keten_shared.errors import InvalidData, TransitionNotAllowed
from keten_shared.events.catalog.common import Sex
from keten_shared.events.catalog.screening import ScreeningReason

AMS = ZoneInfo("Europe/Amsterdam")
MINUTE = timedelta(minutes=1)

IRREGULAR = EurodacCategory.IRREGULAR_CROSSER
SAR = EurodacCategory.SAR
APPLICANT = EurodacCategory.APPLICANT
STAYING = EurodacCategory.ILLEGALLY_STAYING


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=AMS)


# --- categories (ED 15(1), 22(1), 23(1), 24(1); screening chapter §5.1) ------------------------------------------


@pytest.mark.parametrize(
    ("reason", "application_made", "expected"),
    [
        (ScreeningReason.BORDER_IRREGULAR, False, [IRREGULAR]),
        (ScreeningReason.BORDER_IRREGULAR, True, [IRREGULAR, APPLICANT]),
        (ScreeningReason.BORDER_SAR, False, [SAR]),
        (ScreeningReason.BORDER_SAR, True, [SAR, APPLICANT]),
        (ScreeningReason.BORDER_BCP_APPLICANT, True, [APPLICANT]),
        (ScreeningReason.TERRITORY, False, [STAYING]),
        (ScreeningReason.TERRITORY, True, [STAYING, APPLICANT]),
    ],
)
def test_categories_per_screening_reason(reason, application_made, expected):
    assert categories_for(reason, application_made) == expected


def test_bcp_applicant_without_application_is_bad_input():
    with pytest.raises(InvalidData, match="5\\(2\\)"):
        categories_for(ScreeningReason.BORDER_BCP_APPLICANT, False)


@pytest.mark.parametrize(
    ("category", "code", "article"),
    [(APPLICANT, "1", "ED 15(1)"), (IRREGULAR, "2", "ED 22(1)"), (STAYING, "3", "ED 23(1)"), (SAR, "9", "ED 24(1)")],
)
def test_category_codes_of_ed_37(category, code, article):
    assert (category.code, category.article) == (code, article)


# --- minimum age (ED 14(1), 15(1), 22(1), 23(1), 24(1)) -----------------------------------------------------------


def test_minimum_age_is_six():
    assert EURODAC_MINIMUM_AGE == 6


@pytest.mark.parametrize(("age", "due"), [(5, False), (6, True), (17, True), (40, True), (0, False), (None, True)])
def test_biometrics_due_from_age_six(age, due):
    assert biometrics_due(age, age_doubt_around_six=False) is due


@pytest.mark.parametrize("age", [None, 5, 6, 7])
def test_s6_age_doubt_around_six_without_proof_means_no_biometrics(age):
    # ED 14(1): uncertain whether under 6 and no proof -> treated as under 6.
    assert biometrics_due(age, age_doubt_around_six=True) is False


def test_negative_age_is_bad_input():
    with pytest.raises(InvalidData):
        biometrics_due(-1, age_doubt_around_six=False)


def test_capture_for_a_child_under_six_is_refused():
    with pytest.raises(InvalidData, match="under 6") as error:
        check_biometric_capture(5)
    assert error.value.status == 422
    assert error.value.extra == {"age": 5, "minimum_age": 6}


def test_capture_for_a_child_possibly_under_six_is_refused():
    with pytest.raises(InvalidData, match="14\\(1\\)"):
        check_biometric_capture(6, age_doubt_around_six=True)


def test_capture_at_six_is_accepted():
    check_biometric_capture(6)
    check_biometric_capture(None)


# --- the limits as declared -----------------------------------------------------------------------------------------


def test_specs_are_1182_71_and_have_unique_ids():
    assert len({spec.id for spec in ALL_SPECS}) == len(ALL_SPECS)
    assert all(spec.rule is Rule.EU_1182_71 and spec.act == "ED" for spec in ALL_SPECS)


@pytest.mark.parametrize(
    ("category", "trigger", "article", "start_event"),
    [
        (IRREGULAR, None, "22(2)", "apprehension"),
        (SAR, None, "24(2)", "disembarkation"),
        (APPLICANT, ApplicantTrigger.MAKING, "15(1)(b)", "biometrics taken at the making of the application"),
        (APPLICANT, ApplicantTrigger.REGISTRATION, "15(1)(a)", "registration of the application"),
        (STAYING, None, "23(2)", "apprehension in the territory"),
    ],
)
def test_transmission_limits_are_72_hours(category, trigger, article, start_event):
    spec = transmission_spec(category, trigger)
    assert (spec.amount, spec.unit, spec.purpose) == (72, Unit.HOURS, Purpose.ACT_TIME_LIMIT)
    assert (spec.article, spec.start_event, spec.legal_basis) == (article, start_event, f"ED Art {article}")


def test_applicant_limit_needs_the_trigger_and_others_refuse_it():
    with pytest.raises(InvalidData):
        transmission_spec(APPLICANT)
    with pytest.raises(InvalidData):
        transmission_spec(SAR, ApplicantTrigger.MAKING)


@pytest.mark.parametrize(
    ("category", "article"), [(APPLICANT, "15(2)"), (IRREGULAR, "22(6)"), (STAYING, "23(5)"), (SAR, "24(5)")]
)
def test_technical_extension_is_48_hours_per_category(category, article):
    spec = extension_spec(category, TransmissionExtension.TECHNICAL_PROBLEMS)
    assert (spec.amount, spec.unit, spec.article) == (48, Unit.HOURS, article)


def test_sudden_influx_extension_only_for_sar():
    assert extension_spec(SAR, TransmissionExtension.SUDDEN_INFLUX).article == "24(6)"
    for category in (APPLICANT, IRREGULAR, STAYING):
        with pytest.raises(InvalidData, match="24\\(6\\)"):
            extension_spec(category, TransmissionExtension.SUDDEN_INFLUX)


# --- scenario hour limits (screening chapter §9; time.md §3.7) ----------------------------------------------------


def test_s1_sar_disembarked_monday_1430(nl):
    d = transmission_limit(SAR, at(2026, 6, 15, 14, 30), nl)
    assert d.legal_end == at(2026, 6, 18, 15, 0)  # Thu: the hour of the event is not counted
    assert d.target_ts == at(2026, 6, 18, 14, 30)  # alert target: event + 72 h
    assert d.legal_basis == "ED Art 24(2)"
    assert d.rule_applied is Rule.EU_1182_71


def test_s2_irregular_crosser_thursday_2210_ends_on_sunday_without_roll_forward(nl):
    d = transmission_limit(IRREGULAR, at(2026, 6, 18, 22, 10), nl)
    assert d.legal_end == at(2026, 6, 21, 23, 0)  # Sun, not moved to Monday
    assert d.target_ts == at(2026, 6, 21, 22, 10)
    assert d.legal_end == d.operational_end


def test_s3_bcp_applicant_biometrics_friday_1100(nl):
    d = transmission_limit(APPLICANT, at(2026, 7, 3, 11, 0), nl, applicant_trigger=ApplicantTrigger.MAKING)
    assert d.legal_end == at(2026, 7, 6, 12, 0)  # Mon
    assert d.target_ts == at(2026, 7, 6, 11, 0)
    assert d.legal_basis == "ED Art 15(1)(b)"


def test_s5_uam_sar_saturday_0600(nl):
    d = transmission_limit(SAR, at(2026, 8, 1, 6, 0), nl)
    assert d.legal_end == at(2026, 8, 4, 7, 0)  # Tue
    assert d.target_ts == at(2026, 8, 4, 6, 0)


def test_s7_refusal_monday_1000_then_delayed_duty_survives(nl):
    d = transmission_limit(IRREGULAR, at(2026, 9, 7, 10, 0), nl)
    assert d.legal_end == at(2026, 9, 10, 11, 0)  # Thu
    assert d.target_ts == at(2026, 9, 10, 10, 0)
    assert transmission_state(at(2026, 9, 10, 10, 30), d, None) is TransmissionState.DUE  # past target, not late
    assert transmission_state(at(2026, 9, 10, 11, 1), d, None) is TransmissionState.DELAYED
    # ED 22(5): the duty persists; a transmission days later is still recorded, as late.
    late = at(2026, 9, 14, 9, 0)
    assert transmission_state(at(2026, 9, 15), d, late) is TransmissionState.DELAYED


def test_s9_hit_case_monday_0740(nl):
    d = transmission_limit(IRREGULAR, at(2026, 10, 5, 7, 40), nl)
    assert d.legal_end == at(2026, 10, 8, 8, 0)  # Thu
    assert d.target_ts == at(2026, 10, 8, 7, 40)


def test_t7_applicant_at_registration(nl):
    d = transmission_limit(APPLICANT, at(2026, 6, 22, 16, 5), nl, applicant_trigger=ApplicantTrigger.REGISTRATION)
    assert d.legal_end == at(2026, 6, 25, 17, 0)
    assert d.legal_basis == "ED Art 15(1)(a)"


def test_t8_illegally_staying(nl):
    d = transmission_limit(STAYING, at(2026, 7, 8, 9, 0), nl)
    assert d.legal_end == at(2026, 7, 11, 10, 0)  # Sat: hour limits never roll forward
    assert d.legal_basis == "ED Art 23(2)"


def test_limits_are_stored_in_utc(nl):
    d = transmission_limit(SAR, at(2026, 6, 15, 14, 30), nl)
    assert d.legal_end.utcoffset() == timedelta(0)
    assert d.tz == "Europe/Amsterdam"


def test_naive_event_is_bad_input(nl):
    with pytest.raises(InvalidData):
        transmission_limit(SAR, datetime(2026, 6, 15, 14, 30), nl)


# --- extensions (ED 15(2), 22(6), 23(5), 24(5), 24(6)) -----------------------------------------------------------


def test_technical_problems_add_48_hours_from_the_original_event(nl):
    d = transmission_limit(SAR, at(2026, 6, 15, 14, 30), nl, extension=TransmissionExtension.TECHNICAL_PROBLEMS)
    assert d.legal_end == at(2026, 6, 20, 15, 0)  # 120 h after 15:00 Mon: Sat, not rolled
    assert d.target_ts == at(2026, 6, 20, 14, 30)
    assert d.legal_basis == "ED Art 24(2) + ED Art 24(5)"
    assert d.trace[0].value == "ED.24.2"
    assert any(step.step == "extension" and step.value == "ED.24.5.technical" for step in d.trace)


def test_sudden_influx_adds_48_hours_for_sar(nl):
    d = transmission_limit(SAR, at(2026, 8, 1, 6, 0), nl, extension=TransmissionExtension.SUDDEN_INFLUX)
    assert d.legal_end == at(2026, 8, 6, 7, 0)
    assert d.legal_basis == "ED Art 24(2) + ED Art 24(6)"


def test_technical_extension_for_irregular_crosser_s2(nl):
    d = transmission_limit(IRREGULAR, at(2026, 6, 18, 22, 10), nl, extension=TransmissionExtension.TECHNICAL_PROBLEMS)
    assert d.legal_end == at(2026, 6, 23, 23, 0)
    assert d.legal_basis == "ED Art 22(2) + ED Art 22(6)"


def test_sudden_influx_for_irregular_crosser_is_refused(nl):
    with pytest.raises(InvalidData):
        transmission_limit(IRREGULAR, at(2026, 6, 18, 22, 10), nl, extension=TransmissionExtension.SUDDEN_INFLUX)


# --- transmission state (ED 15(1), 22(5), 23(4), 24(4)) -----------------------------------------------------------


def test_one_minute_before_the_legal_end_is_due_or_on_time_one_minute_after_is_delayed(nl):
    d = transmission_limit(SAR, at(2026, 6, 15, 14, 30), nl)
    before, after = d.legal_end - MINUTE, d.legal_end + MINUTE
    assert transmission_state(before, d, None) is TransmissionState.DUE
    assert transmission_state(after, d, None) is TransmissionState.DELAYED
    assert transmission_state(after, d, before) is TransmissionState.ON_TIME
    assert transmission_state(after, d, after) is TransmissionState.DELAYED


def test_the_legal_end_itself_is_late(nl):
    d = transmission_limit(SAR, at(2026, 6, 15, 14, 30), nl)
    assert transmission_state(d.legal_end, d, None) is TransmissionState.DELAYED
    assert transmission_state(d.legal_end, d, d.legal_end) is TransmissionState.DELAYED


def test_transmission_state_input_checks(nl):
    d = transmission_limit(SAR, at(2026, 6, 15, 14, 30), nl)
    with pytest.raises(InvalidData, match="future"):
        transmission_state(at(2026, 6, 16), d, at(2026, 6, 17))
    with pytest.raises(InvalidData, match="aware"):
        transmission_state(datetime(2026, 6, 16, 10, 0), d, None)


# --- ED 22(4): held in custody for more than 72 h (S10) ------------------------------------------------------------


S10_APPREHENSION = at(2026, 6, 16, 9, 0)


def test_s10_held_96_hours_at_the_border_post_data_due_before_release():
    assert due_before_release(
        IRREGULAR, S10_APPREHENSION, held_since_apprehension=True, released_at=None, now=at(2026, 6, 20, 9, 0)
    )


def test_s10_released_earlier_the_72_hour_limit_applies(nl):
    released = at(2026, 6, 18, 10, 0)  # after 49 h
    assert not due_before_release(
        IRREGULAR, S10_APPREHENSION, held_since_apprehension=True, released_at=released, now=at(2026, 6, 20, 9, 0)
    )
    d = transmission_limit(IRREGULAR, S10_APPREHENSION, nl)
    assert d.legal_end == at(2026, 6, 19, 10, 0)  # Fri
    assert d.target_ts == at(2026, 6, 19, 9, 0)


def test_custody_threshold_is_more_than_72_hours():
    exactly = S10_APPREHENSION + timedelta(hours=72)
    kwargs = {"held_since_apprehension": True, "released_at": None}
    assert not due_before_release(IRREGULAR, S10_APPREHENSION, now=exactly, **kwargs)
    assert due_before_release(IRREGULAR, S10_APPREHENSION, now=exactly + MINUTE, **kwargs)


def test_custody_rule_needs_custody_and_covers_irregular_crossers_only():
    later = at(2026, 6, 25)
    assert not due_before_release(
        IRREGULAR, S10_APPREHENSION, held_since_apprehension=False, released_at=None, now=later
    )
    for category in (SAR, STAYING, APPLICANT):
        assert not due_before_release(
            category, S10_APPREHENSION, held_since_apprehension=True, released_at=None, now=later
        )


def test_released_after_more_than_72_hours_was_due_before_release():
    assert due_before_release(
        IRREGULAR,
        S10_APPREHENSION,
        held_since_apprehension=True,
        released_at=at(2026, 6, 20, 9, 0),
        now=at(2026, 6, 22),
    )


@pytest.mark.parametrize(
    ("apprehended", "released", "now"),
    [
        (at(2026, 6, 16), at(2026, 6, 15), at(2026, 6, 20)),  # released before apprehension
        (at(2026, 6, 16), at(2026, 6, 21), at(2026, 6, 20)),  # released in the future
        (at(2026, 6, 21), None, at(2026, 6, 20)),  # apprehended in the future
        (datetime(2026, 6, 16, 9, 0), None, at(2026, 6, 20)),  # naive
    ],
)
def test_custody_rule_input_checks(apprehended, released, now):
    with pytest.raises(InvalidData):
        due_before_release(IRREGULAR, apprehended, held_since_apprehension=True, released_at=released, now=now)


# --- T9, T10, T11, T13 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "basis"),
    [
        (APPLICANT, "ED Art 15(1) second subparagraph"),
        (IRREGULAR, "ED Art 22(5)"),
        (STAYING, "ED Art 23(4)"),
        (SAR, "ED Art 24(4)"),
    ],
)
def test_t9_retransmission_48_hours_after_a_successful_retake(nl, category, basis):
    d = retake_retransmission_limit(category, at(2026, 6, 19, 16, 45), nl)
    assert d.legal_end == at(2026, 6, 21, 17, 0)  # Sun, not rolled
    assert d.target_ts == at(2026, 6, 21, 16, 45)
    assert d.legal_basis == basis


@pytest.mark.parametrize(
    ("category", "basis"),
    [(APPLICANT, "ED Art 15(2)"), (IRREGULAR, "ED Art 22(6)"), (STAYING, "ED Art 23(5)"), (SAR, "ED Art 24(5)")],
)
def test_t10_48_hours_after_the_health_grounds_cease(nl, category, basis):
    d = health_grounds_limit(category, at(2026, 6, 17, 8, 0), nl)
    assert d.legal_end == at(2026, 6, 19, 9, 0)
    assert d.legal_basis == basis


def test_t11_eurodac_processing_24_hours_or_1_hour_urgent(nl):
    assert processing_limit(at(2026, 6, 15, 14, 30), nl).legal_end == at(2026, 6, 16, 15, 0)
    urgent = processing_limit(at(2026, 6, 15, 14, 30), nl, urgent=True)
    assert (urgent.legal_end, urgent.target_ts) == (at(2026, 6, 15, 16, 0), at(2026, 6, 15, 15, 30))
    assert urgent.legal_basis == "ED Art 38(2)"


def test_t13_protection_mark_notification_72_hours(nl):
    d = mark_notification_limit(at(2026, 6, 15, 9, 0), nl)
    assert d.legal_end == at(2026, 6, 18, 10, 0)
    assert d.legal_basis == "ED Art 31(1)"


# --- reference number (ED 37(3)-(4)) -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "expected"),
    [(APPLICANT, "NL1000123"), (IRREGULAR, "NL2000123"), (STAYING, "NL3000123"), (SAR, "NL9000123")],
)
def test_reference_number_starts_with_ms_letters_then_category_code(category, expected):
    assert reference_number("NL", category, "000123") == expected


def test_reference_number_round_trip():
    value = reference_number(member_state_letters("nl"), SAR, "a1b2")
    assert value == "NL9A1B2"
    parsed = parse_reference_number(value)
    assert (parsed.letters, parsed.category, parsed.unique_part) == ("NL", SAR, "A1B2")


def test_member_state_letters_default_to_iso_alpha_2_and_are_configurable():
    assert member_state_letters("NL") == "NL"
    assert member_state_letters("DE") == "DE"
    assert member_state_letters("EL") == member_state_letters("GR") == "GR"
    assert len(DEFAULT_MEMBER_STATE_LETTERS) == 32  # EU-27 (+ EL alias) and CH, IS, LI, NO
    assert member_state_letters("NL", {"NL": "N"}) == "N"
    with pytest.raises(InvalidData):
        member_state_letters("US")


@pytest.mark.parametrize(("letters", "unique"), [("nl", "1"), ("NLDE", "1"), ("N1", "1"), ("NL", ""), ("NL", "12-3")])
def test_reference_number_rejects_bad_parts(letters, unique):
    with pytest.raises(InvalidData):
        reference_number(letters, IRREGULAR, unique)


@pytest.mark.parametrize("value", ["NL", "2000123", "NL8000123", "NL0000123", "nl2000123"])
def test_parse_rejects_non_screening_or_malformed_numbers(value):
    with pytest.raises(InvalidData):
        parse_reference_number(value)


# --- retention (ED 29) ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "years", "article"),
    [(APPLICANT, 10, "29(1)"), (IRREGULAR, 5, "29(6)"), (STAYING, 5, "29(7)"), (SAR, 5, "29(8)")],
)
def test_retention_periods(nl, category, years, article):
    spec = RETENTION[category]
    assert (spec.amount, spec.unit, spec.article, spec.rule) == (years, Unit.YEARS, article, Rule.EU_1182_71)
    assert retention_until(category, at(2026, 6, 18, 11, 0), nl) == date(2026 + years, 6, 18)


def test_s2_two_datasets_two_retention_clocks(nl):
    transmitted = at(2026, 6, 19, 9, 0)
    assert retention_until(IRREGULAR, transmitted, nl) == date(2031, 6, 19)
    assert retention_until(APPLICANT, transmitted, nl) == date(2036, 6, 19)


def test_retention_from_29_february(nl):
    transmitted = at(2028, 2, 29, 12, 0)
    assert retention_until(SAR, transmitted, nl) == date(2033, 2, 28)
    # 2038-02-28 is a Sunday: a storage period does not roll forward to Monday 1 March.
    assert retention_until(APPLICANT, transmitted, nl) == date(2038, 2, 28)
    d = retention(APPLICANT, transmitted, nl)
    assert d.legal_end == d.unrolled_end == d.operational_end == at(2038, 3, 1, 0, 0)


def test_retention_counts_from_the_local_transmission_date(nl):
    # 23:30 UTC on 18 June is 01:30 on 19 June in Amsterdam.
    transmitted = datetime(2026, 6, 18, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert retention_until(SAR, transmitted, nl) == date(2031, 6, 19)


# --- hits (ED 2(1)(j), 28(4), 38(4), 38(6)) ------------------------------------------------------------------------


def make_hit(**changes) -> Hit:
    base = Hit(
        hit_id="HIT-1",
        matched_category=APPLICANT,
        ms_of_origin="IT",
        date=date(2025, 11, 20),
        place="Lampedusa",
        ms_responsible="IT",
        matched_sex=Sex.MALE,
        matched_reference="IT1998877",
    )
    return replace(base, **changes)


def test_s9_expert_confirms_a_hit():
    checked_at = at(2026, 10, 5, 12, 0)
    hit = make_hit().confirm("expert-7", checked_at)
    assert (hit.status, hit.checked_by, hit.checked_at) == (HitStatus.CONFIRMED, "expert-7", checked_at)
    assert make_hit().status is HitStatus.UNCONFIRMED  # frozen: the original is unchanged


def test_a_hit_is_decided_only_once():
    confirmed = make_hit().confirm("expert-7", at(2026, 10, 5, 12, 0))
    rejected = make_hit().reject("expert-7", at(2026, 10, 5, 12, 0))
    for decided in (confirmed, rejected):
        with pytest.raises(TransitionNotAllowed) as error:
            decided.confirm("expert-8", at(2026, 10, 5, 13, 0))
        assert error.value.status == 409
        with pytest.raises(TransitionNotAllowed):
            decided.reject("expert-8", at(2026, 10, 5, 13, 0))


def test_decision_input_checks():
    with pytest.raises(InvalidData):
        make_hit().confirm("  ", at(2026, 10, 5, 12, 0))
    with pytest.raises(InvalidData):
        make_hit().reject("expert-7", datetime(2026, 10, 5, 12, 0))


def test_rejected_hit_reported_to_eu_lisa_within_3_working_days_over_a_weekend(nl):
    rejected = make_hit().reject("expert-7", at(2026, 6, 18, 15, 0))  # Thu
    d = eu_lisa_notification_due(rejected, nl)
    assert d.legal_last_day == date(2026, 6, 23)  # Fri 19, Mon 22, Tue 23
    assert d.legal_end == at(2026, 6, 24, 0, 0)
    assert d.legal_basis == "ED Art 38(6)"


def test_rejected_hit_due_skips_a_public_holiday(nl):
    rejected = make_hit().reject("expert-7", at(2026, 5, 22, 9, 0))  # Fri before Whit Monday
    assert eu_lisa_notification_due(rejected, nl).legal_last_day == date(2026, 5, 28)  # Tue 26, Wed 27, Thu 28


def test_only_a_rejected_hit_is_reported_to_eu_lisa(nl):
    with pytest.raises(InvalidData):
        eu_lisa_notification_due(make_hit(), nl)
    with pytest.raises(InvalidData):
        eu_lisa_notification_due(make_hit().confirm("expert-7", at(2026, 6, 18)), nl)


@pytest.mark.parametrize(
    ("person", "matched", "face_mismatch", "needed"),
    [
        (Sex.MALE, Sex.MALE, False, False),
        (Sex.MALE, Sex.FEMALE, False, True),
        (Sex.FEMALE, Sex.OTHER, False, True),
        (Sex.MALE, Sex.UNKNOWN, False, True),
        (Sex.UNKNOWN, Sex.MALE, False, True),
        (Sex.MALE, Sex.MALE, True, True),
    ],
)
def test_expert_check_when_the_matched_record_differs(person, matched, face_mismatch, needed):
    assert requires_expert_check(make_hit(matched_sex=matched), person, face_mismatch=face_mismatch) is needed


def test_downstream_facts_only_from_confirmed_hits():
    when = at(2026, 10, 5, 12, 0)
    application = make_hit(ms_of_relocation="PT").confirm("e", when)
    entry = make_hit(
        hit_id="HIT-2", matched_category=IRREGULAR, ms_of_origin="GR", date=date(2025, 9, 1), place="Evros"
    ).confirm("e", when)
    sar = make_hit(hit_id="HIT-3", matched_category=SAR, ms_of_origin="MT", date=date(2025, 8, 1)).confirm("e", when)
    stay = make_hit(hit_id="HIT-4", matched_category=STAYING, ms_of_origin="DE", date=date(2026, 1, 2)).confirm(
        "e", when
    )
    protected = make_hit(
        hit_id="HIT-5",
        ms_of_origin="FR",
        marks=(
            Mark(MarkKind.PROTECTION_GRANTED, "FR", date(2026, 2, 1)),
            Mark(MarkKind.RESIDENCE_DOCUMENT, "BE"),
        ),
    ).confirm("e", when)
    unconfirmed = make_hit(hit_id="HIT-6", ms_of_origin="ES", marks=(Mark(MarkKind.PROTECTION_GRANTED, "ES"),))
    rejected = make_hit(hit_id="HIT-7", ms_of_origin="AT").reject("e", when)

    facts = downstream_facts([protected, unconfirmed, stay, rejected, application, sar, entry])

    assert [(r.hit_id, r.member_state) for r in facts.earlier_applications] == [("HIT-1", "IT"), ("HIT-5", "FR")]
    first = facts.earlier_applications[0]
    assert (first.date, first.place, first.ms_responsible, first.ms_of_relocation) == (
        date(2025, 11, 20),
        "Lampedusa",
        "IT",
        "PT",
    )
    assert first.reference_number == "IT1998877"
    assert [(r.member_state, r.place) for r in facts.earlier_irregular_entries] == [("GR", "Evros")]
    assert facts.earlier_irregular_entries[0].ms_responsible is None  # applicant data only (ED 17(2)(a))
    assert [r.member_state for r in facts.earlier_sar_disembarkations] == ["MT"]
    assert [r.member_state for r in facts.earlier_illegal_stays] == ["DE"]
    assert facts.protected_in_ms == ("FR",)  # not ES: that hit is unconfirmed
    assert facts.residence_document_ms == ("BE",)
    payload = facts.to_dict()
    assert payload["protected_in_ms"] == ["FR"]
    assert payload["earlier_applications"][0]["date"] == "2025-11-20"


def test_no_confirmed_hits_no_downstream_facts():
    facts = downstream_facts([make_hit(), make_hit(hit_id="HIT-2").reject("e", at(2026, 10, 5))])
    assert facts == DownstreamFacts()
    assert facts.empty


def test_hit_payload_is_json_safe():
    payload = make_hit(marks=(Mark(MarkKind.PROTECTION_GRANTED, "FR", date(2026, 2, 1)),)).to_dict()
    assert payload["category"] == "APPLICANT"
    assert payload["marks"] == [{"kind": "PROTECTION_GRANTED", "member_state": "FR", "marked_on": "2026-02-01"}]
    assert payload["status"] == "UNCONFIRMED"


# --- security flag and erasure --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "grounds",
    [
        (True, False, False, False),
        (False, True, False, False),
        (False, False, True, False),
        (False, False, False, True),
    ],
)
def test_security_flag_on_any_ground(grounds):
    assert security_flag_due(*grounds) is True


def test_no_security_flag_without_a_ground():
    assert security_flag_due(False, False, False, False) is False


def test_erasure_reason_codes():
    assert {reason.value for reason in ErasureReason} == {"CITIZENSHIP_OF_ORIGIN_MS", "CITIZENSHIP_OF_OTHER_MS"}


# --- simulator ----------------------------------------------------------------------------------------------------


def dataset(**changes) -> EurodacDataset:
    base = EurodacDataset(
        category=IRREGULAR,
        template_ref="tpl-7f3a",
        family_name="Doe",
        given_names="John",
        ms_of_origin="NL",
        event_place="Schiphol",
        event_date=date(2026, 10, 5),
        sex=Sex.MALE,
        reference_number="NL2000001",
        biometrics_taken_on=date(2026, 10, 5),
        operator_user_id="op-12",
        nationalities=("SYR",),
        document=TravelDocument("P", "X123", "SYR", date(2030, 1, 1), scan_ref="scan-1", authentic=True),
    )
    return replace(base, **changes)


ITALIAN_APPLICATION = {
    "category": APPLICANT,
    "ms_of_origin": "IT",
    "event_place": "Lampedusa",
    "event_date": date(2025, 11, 20),
    "reference_number": "IT1998877",
    "ms_responsible": "IT",
    "biometrics_taken_on": date(2025, 11, 20),
}


@pytest.fixture
def eurodac() -> EurodacSimulator:
    return EurodacSimulator(FixedClock(at(2026, 10, 5, 11, 0)))


def test_simulator_is_a_gateway(eurodac):
    assert isinstance(eurodac, EurodacGateway)


async def test_s9_preloaded_dataset_of_another_ms_gives_a_hit(eurodac):
    protection = Mark(MarkKind.PROTECTION_GRANTED, "IT", date(2026, 3, 1))
    eurodac.preload("tpl-7f3a", dataset(template_ref="other", **ITALIAN_APPLICATION), marks=(protection,))

    receipt = await eurodac.transmit(dataset())

    assert isinstance(receipt, TransmissionReceipt)
    assert (receipt.reference_number, receipt.transmitted_at) == ("NL2000001", at(2026, 10, 5, 11, 0))
    [hit] = receipt.hits
    assert (hit.matched_category, hit.ms_of_origin, hit.date, hit.place) == (
        APPLICANT,
        "IT",
        date(2025, 11, 20),
        "Lampedusa",
    )
    assert (hit.ms_responsible, hit.marks, hit.status) == ("IT", (protection,), HitStatus.UNCONFIRMED)
    assert (hit.matched_sex, hit.matched_reference) == (Sex.MALE, "IT1998877")
    facts = downstream_facts([hit.confirm("expert-7", at(2026, 10, 5, 12, 0))])
    assert facts.protected_in_ms == ("IT",)


async def test_no_hit_for_another_template(eurodac):
    eurodac.preload("tpl-other", dataset(**ITALIAN_APPLICATION))
    assert (await eurodac.transmit(dataset())).hits == ()


async def test_own_data_are_compared_only_on_request(eurodac):
    await eurodac.transmit(dataset())
    applicant = dataset(category=APPLICANT, reference_number="NL1000001")
    assert (await eurodac.transmit(applicant)).hits == ()
    again = dataset(category=APPLICANT, reference_number="NL1000002")
    hits = (await eurodac.transmit(again, compare_own_data=True)).hits
    assert [hit.matched_reference for hit in hits] == ["NL2000001", "NL1000001"]


async def test_transmitted_data_hit_a_later_transmission_of_another_ms(eurodac):
    await eurodac.transmit(dataset())
    german = dataset(category=STAYING, ms_of_origin="DE", reference_number="DE3000009", event_place="Berlin")
    [hit] = (await eurodac.transmit(german)).hits
    assert (hit.matched_category, hit.ms_of_origin, hit.place) == (IRREGULAR, "NL", "Schiphol")
    assert [d.reference_number for d in eurodac.stored("tpl-7f3a")] == ["NL2000001", "DE3000009"]


async def test_fail_next_simulates_technical_problems(eurodac):
    eurodac.fail_next(2)
    for _ in range(2):
        with pytest.raises(EurodacUnavailable) as error:
            await eurodac.transmit(dataset())
        assert error.value.status == 503
    assert eurodac.stored("tpl-7f3a") == ()  # nothing recorded on failure
    receipt = await eurodac.transmit(dataset())
    assert receipt.reference_number == "NL2000001"


async def test_a_reference_number_is_transmitted_once(eurodac):
    await eurodac.transmit(dataset())
    with pytest.raises(InvalidData):
        await eurodac.transmit(dataset(template_ref="tpl-other"))


@pytest.mark.parametrize(
    "changes",
    [
        {"reference_number": "NL9000001"},  # SAR code on irregular-crosser data
        {"template_ref": ""},
        {"template_ref": "has spaces"},
        {"ms_of_origin": "NLD"},
        {"nationalities": ("SY",)},
        {"operator_user_id": " "},
        {"ms_responsible": "IT"},  # applicant data only
        {"biometrics_taken_on": date(2026, 10, 4)},  # before the apprehension
    ],
)
def test_dataset_validation(changes):
    with pytest.raises(InvalidData):
        dataset(**changes)


def test_document_needs_a_three_letter_issuing_country():
    with pytest.raises(InvalidData):
        TravelDocument("P", "X123", "SY")
