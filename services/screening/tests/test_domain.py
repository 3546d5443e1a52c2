"""Pure screening rules (no database, no network), each with its article.

Sources: screening chapter (/work/shared/domain/screening.md) §1 scope, §3 time limits, §4 referral, §7 state
machine, §8 edge cases, §9 scenarios S1-S12; time.md §4 (W8). Dates are Dutch (Europe/Amsterdam) with the real NL
holiday calendar; the chapter's scenarios assume only weekends as non-working days, which holds for all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from keten_screening.domain.case import ScreeningCase, ScreeningStatus, Track, TrackState, open_screening
from keten_screening.domain.deadlines import (
    AFTER_HOLDING_AT_BORDER,
    BORDER_COMPLETION,
    TERRITORY_COMPLETION,
    completion_limit,
    held_more_than_72_hours,
)
from keten_screening.domain.form import asylum_routing_facts, screening_form, sr_category
from keten_screening.domain.identity import IdentityStatus
from keten_screening.domain.records import (
    Biometrics,
    BiometricsOutcome,
    Channel,
    CheckOutcome,
    Compliance,
    Cooperation,
    DocumentRecord,
    FamilyMember,
    FormDetails,
    FormReview,
    HealthCheck,
    Identification,
    InformationProvided,
    MinorStatus,
    NotTakenReason,
    Restriction,
    RestrictionMeasure,
    Route,
    SecurityCheck,
    SecuritySystem,
    Vulnerability,
    VulnerabilityCheck,
)
from keten_screening.domain.referral import ARRIVAL_MODE, ArrivalMode, Referral, referral_for
from keten_screening.domain.scope import BORDER, SR_5_1, SR_ARTICLE, IntakeFacts, OutOfScope, out_of_scope
from keten_shared.deadlines import Deadline, DeadlineConfig, DeadlineSpec, HolidayCalendar, LibertyCapPolicy, Purpose
from keten_shared.deadlines import Rule as PeriodRule
from keten_shared.deadlines import Unit as PeriodUnit
from keten_shared.errors import InvalidData, TransitionNotAllowed
from keten_shared.events.catalog.screening import Completion, ReferralOutcome, ReferralTarget, ScreeningReason

AMS = ZoneInfo("Europe/Amsterdam")
NL = HolidayCalendar("NL")
R = ScreeningReason
ALL_REASONS = list(ScreeningReason)
BORDER_REASONS = [R.BORDER_IRREGULAR, R.BORDER_SAR, R.BORDER_BCP_APPLICANT]


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0, ss: int = 0) -> datetime:
    """A Dutch wall-clock instant."""
    return datetime(y, m, d, hh, mm, ss, tzinfo=AMS)


def end_of(day: date) -> datetime:
    """24:00 Dutch time of ``day``: the instant the period has expired."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=AMS)


# =================================================================================================
# Builders
# =================================================================================================


def computer(**config: Any) -> Callable[[DeadlineSpec, datetime], Deadline]:
    """The ``compute`` callable completion_limit takes: the NL calendar, Dutch days, time.md §5 config."""
    return lambda spec, start: spec.compute(start, NL, tz=AMS, config=DeadlineConfig(**config))


class SpyCompute:
    """A ``compute`` that records which specs were computed from which start (T2 is "considered" when called)."""

    def __init__(self, **config: Any) -> None:
        self.inner = computer(**config)
        self.calls: list[tuple[DeadlineSpec, datetime]] = []

    def __call__(self, spec: DeadlineSpec, start: datetime) -> Deadline:
        self.calls.append((spec, start))
        return self.inner(spec, start)

    @property
    def specs(self) -> list[str]:
        return [spec.id for spec, _ in self.calls]


def limit(reason: ScreeningReason, trigger: datetime, **config: Any) -> Deadline:
    return completion_limit(reason, trigger, computer(**config))


TRIGGER = at(2026, 7, 1, 10)  # Wed
STARTED = at(2026, 7, 1, 11)
STEP_AT = at(2026, 7, 2, 9)
NOW = at(2026, 7, 3, 12)
PERSON = {
    "family_name": "Haddad",
    "given_names": "Amal",
    "date_of_birth": "2001-03-04",
    "sex": "F",
    "nationalities": ["SYR"],
}


def new_case(
    reason: ScreeningReason = R.BORDER_IRREGULAR,
    *,
    trigger: datetime = TRIGGER,
    application_made_at: datetime | str | None = "default",
    out_of_scope_reason: OutOfScope | None = None,
    now: datetime = NOW,
    member_state: str = "NL",
    case_id: str = "c-1",
) -> ScreeningCase:
    """open_screening with the SR 8 limit computed from the trigger; BCP applicants apply at presentation."""
    if application_made_at == "default":
        application_made_at = trigger if reason is R.BORDER_BCP_APPLICANT else None
    d = limit(reason, trigger)
    return open_screening(
        case_id=case_id,
        person_id="p-1",
        member_state=member_state,
        reason=reason,
        trigger_event_ts=trigger,
        location="Ter Apel",
        person=dict(PERSON),
        limit_strict=d.unrolled_last_day,
        limit_ptl=d.legal_last_day,
        limit_due_at=d.operational_end,
        out_of_scope_reason=out_of_scope_reason,
        application_made_at=application_made_at,  # type: ignore[arg-type]
        now=now,
    )


def started(reason: ScreeningReason = R.BORDER_IRREGULAR, **kwargs: Any) -> ScreeningCase:
    c = new_case(reason, **kwargs)
    c.start(STARTED, held_at_external_border=False, now=NOW)
    return c


RECORD_DEFAULTS: dict[type, dict[str, Any]] = {
    InformationProvided: {"provided_at": STEP_AT, "language": "ar", "channel": Channel.ORAL},
    HealthCheck: {"medical_staff": "dr. Visser"},
    VulnerabilityCheck: {},
    MinorStatus: {"minor": True},
    Identification: {
        "nationalities": ["ERI"],
        "identity_status": IdentityStatus.VERIFIED_DOCUMENT,
        "identity_confirmed_by_authorities": True,
    },
    SecurityCheck: {"systems_consulted": [SecuritySystem.SIS, SecuritySystem.VIS]},
    # Trained official and representative present: the ED 14(1) minor safeguards hold unless a test drops them.
    Biometrics: {
        "outcome": BiometricsOutcome.CAPTURED,
        "template_ref": "tpl-1",
        "trained_official": True,
        "representative_present": True,
    },
    Cooperation: {},
    FormDetails: {},
    FormReview: {"reviewed_with_person_at": STEP_AT},
    Restriction: {"measure": RestrictionMeasure.NONE},
}


def rec(cls: type, **overrides: Any) -> Any:
    """A valid step record of ``cls``; ``overrides`` replace the defaults."""
    return cls(**({"recorded_by": "officer-7", "recorded_at": STEP_AT} | RECORD_DEFAULTS[cls] | overrides))


# The screening steps guarded by the state machine and the SR 13(3) invariant: name -> (method, record class).
STEPS: dict[str, tuple[str, type]] = {
    "information": ("record_information", InformationProvided),  # SR 11
    "health": ("record_health_check", HealthCheck),  # SR 12(1)-(2)
    "vulnerability": ("record_vulnerability_check", VulnerabilityCheck),  # SR 12(3)
    "identification": ("record_identification", Identification),  # SR 14
    "security": ("record_security_check", SecurityCheck),  # SR 15-16
    "biometrics": ("record_biometrics", Biometrics),  # SR 8(5)(d), ED 13
    "cooperation": ("record_cooperation", Cooperation),  # SR 9
    "form details": ("record_form_details", FormDetails),  # SR 17(1)-(2)
    "form review": ("record_form_review", FormReview),  # SR 17(3)
}
MINOR_STEP = ("record_minor_status", MinorStatus)


def do(c: ScreeningCase, step: str, *, age: int | None = None, **overrides: Any) -> None:
    """Record ``step``; ``age`` (completed years, None = not in doubt) goes with biometrics (ED 14(1), 15(1))."""
    method, cls = MINOR_STEP if step == "minor" else STEPS[step]
    if method == "record_biometrics":
        c.record_biometrics(rec(cls, **overrides), age=age)
    else:
        getattr(c, method)(rec(cls, **overrides))


def all_checks_done(c: ScreeningCase) -> ScreeningCase:
    """Every track of chapter §7 DONE."""
    c.record_health_check(rec(HealthCheck))
    c.record_vulnerability_check(rec(VulnerabilityCheck))
    c.record_identification(rec(Identification))
    c.record_security_check(rec(SecurityCheck))
    c.record_biometrics(rec(Biometrics), age=None)
    c.record_form_review(rec(FormReview))
    return c


ALL_TRACKS = ["health", "vulnerability", "identity", "security", "biometrics", "form"]


def refused(call: Callable[[], Any], status: ScreeningStatus | str) -> TransitionNotAllowed:
    """``call`` is refused by the state machine (409) naming the current status."""
    with pytest.raises(TransitionNotAllowed) as info:
        call()
    assert info.value.status == 409
    assert info.value.extra["current_status"] == ScreeningStatus(status).value
    return info.value


# =================================================================================================
# 1. Scope (SR 1, 5, 7; chapter §1)
# =================================================================================================


def test_sr_articles_and_groups_of_the_four_categories():
    assert SR_ARTICLE == {
        R.BORDER_IRREGULAR: "SR Art 5(1)(a)",
        R.BORDER_SAR: "SR Art 5(1)(b)",
        R.BORDER_BCP_APPLICANT: "SR Art 5(2)",
        R.TERRITORY: "SR Art 7(1)",
    }
    assert frozenset({R.BORDER_IRREGULAR, R.BORDER_SAR}) == SR_5_1
    assert frozenset(BORDER_REASONS) == BORDER


@pytest.mark.parametrize("reason", ALL_REASONS)
def test_sr_5_7_ordinary_intake_is_in_scope(reason):
    assert out_of_scope(IntakeFacts(reason)) is None


@pytest.mark.parametrize("reason", ALL_REASONS)
def test_sr_1_2_union_citizens_are_not_screened(reason):
    facts = IntakeFacts(reason, union_citizen_or_beneficiary_of_free_movement=True)
    assert out_of_scope(facts) is OutOfScope.NOT_A_THIRD_COUNTRY_NATIONAL


def test_sr_5_1_a_turned_back_irregular_crosser_has_no_biometric_duty():
    # SR 5(1)(a) with ED 22(1), (4): turned back or held throughout until removal: no screening.
    facts = IntakeFacts(R.BORDER_IRREGULAR, turned_back_or_held_until_removal=True)
    assert out_of_scope(facts) is OutOfScope.NO_BIOMETRIC_DUTY


def test_sr_5_1_b_the_biometric_duty_exception_is_not_one_for_sar_disembarkation():
    facts = IntakeFacts(R.BORDER_SAR, turned_back_or_held_until_removal=True)
    assert out_of_scope(facts) is None


@pytest.mark.parametrize("reason", [R.BORDER_BCP_APPLICANT, R.TERRITORY])
def test_sr_5_1_a_biometric_duty_exception_does_not_apply_outside_sr_5_1(reason):
    assert out_of_scope(IntakeFacts(reason, turned_back_or_held_until_removal=True)) is None


@pytest.mark.parametrize("reason", ALL_REASONS)
def test_sr_5_3_entry_authorised_under_sbc_6_5_is_not_screened(reason):
    assert out_of_scope(IntakeFacts(reason, entry_authorised_under_sbc_6_5=True)) is OutOfScope.ENTRY_AUTHORISED


@pytest.mark.parametrize("reason", ALL_REASONS)
def test_sr_5_3_exception_sbc_6_5_c_humanitarian_entry_with_application_is_screened(reason):
    facts = IntakeFacts(reason, entry_authorised_under_sbc_6_5=True, humanitarian_entry_with_application=True)
    assert out_of_scope(facts) is None


def test_sr_7_1_territory_already_screened_in_a_member_state_is_not_screened_again():
    facts = IntakeFacts(R.TERRITORY, already_screened_in_a_member_state=True)
    assert out_of_scope(facts) is OutOfScope.ALREADY_SCREENED


def test_sr_7_2_territory_bilateral_handover_is_screened_by_the_receiving_state():
    facts = IntakeFacts(R.TERRITORY, handed_over_under_bilateral_agreement=True)
    assert out_of_scope(facts) is OutOfScope.BILATERAL_TRANSFER


@pytest.mark.parametrize("reason", BORDER_REASONS)
@pytest.mark.parametrize("flag", ["already_screened_in_a_member_state", "handed_over_under_bilateral_agreement"])
def test_sr_7_territory_only_reasons_do_not_apply_to_border_categories(reason, flag):
    assert out_of_scope(IntakeFacts(reason, **{flag: True})) is None


def test_scope_union_citizenship_is_checked_first():
    facts = IntakeFacts(
        R.TERRITORY,
        union_citizen_or_beneficiary_of_free_movement=True,
        entry_authorised_under_sbc_6_5=True,
        already_screened_in_a_member_state=True,
    )
    assert out_of_scope(facts) is OutOfScope.NOT_A_THIRD_COUNTRY_NATIONAL


# =================================================================================================
# 2. Time limits (SR 8(3), 8(4); 1182/71; chapter §3, §9; time.md W8)
# =================================================================================================


@pytest.mark.parametrize("reason", BORDER_REASONS)
def test_sr_8_3_border_categories_have_seven_days(reason):
    spy = SpyCompute()
    d = completion_limit(reason, at(2026, 9, 1), spy)
    assert spy.calls == [(BORDER_COMPLETION, at(2026, 9, 1))]
    spec = BORDER_COMPLETION
    assert (spec.amount, spec.unit, spec.rule, spec.purpose) == (
        7,
        PeriodUnit.DAYS,
        PeriodRule.EU_1182_71,
        Purpose.LIBERTY_CAP,
    )
    assert d.legal_basis == "SR Art 8(3)"
    assert d.unrolled_last_day == date(2026, 9, 8)


def test_sr_8_4_territory_has_three_days():
    spy = SpyCompute()
    d = completion_limit(R.TERRITORY, at(2026, 9, 1), spy, held_at_external_border=True, started_at=at(2026, 9, 5))
    assert spy.calls == [(TERRITORY_COMPLETION, at(2026, 9, 1))]
    spec = TERRITORY_COMPLETION
    assert (spec.amount, spec.unit, spec.rule, spec.purpose) == (
        3,
        PeriodUnit.DAYS,
        PeriodRule.EU_1182_71,
        Purpose.LIBERTY_CAP,
    )
    assert d.legal_basis == "SR Art 8(4)"
    assert d.unrolled_last_day == date(2026, 9, 4)
    assert d.trace[0].value == "SR.8.4"


@pytest.mark.parametrize(
    ("scenario", "reason", "trigger", "strict", "ptl"),
    [
        ("S1 SAR", R.BORDER_SAR, at(2026, 6, 15, 14, 30), date(2026, 6, 22), date(2026, 6, 22)),
        ("S2 land", R.BORDER_IRREGULAR, at(2026, 6, 18, 22, 10), date(2026, 6, 25), date(2026, 6, 25)),
        ("S3 BCP", R.BORDER_BCP_APPLICANT, at(2026, 7, 3, 8), date(2026, 7, 10), date(2026, 7, 10)),
        ("S4 territory, W8", R.TERRITORY, at(2026, 7, 8), date(2026, 7, 11), date(2026, 7, 13)),
        ("S5 UAM SAR", R.BORDER_SAR, at(2026, 8, 1, 6), date(2026, 8, 8), date(2026, 8, 10)),
        ("S6 land", R.BORDER_IRREGULAR, at(2026, 9, 1), date(2026, 9, 8), date(2026, 9, 8)),
        ("S7 refusal", R.BORDER_IRREGULAR, at(2026, 9, 7, 10), date(2026, 9, 14), date(2026, 9, 14)),
        ("S8 absconds", R.BORDER_SAR, at(2026, 6, 20), date(2026, 6, 27), date(2026, 6, 29)),
        ("S9 hit", R.BORDER_IRREGULAR, at(2026, 10, 5, 7, 40), date(2026, 10, 12), date(2026, 10, 12)),
        ("S11 relocation", R.BORDER_SAR, at(2026, 6, 15), date(2026, 6, 22), date(2026, 6, 22)),
    ],
)
def test_chapter_scenarios_strict_is_unrolled_ptl_is_legal_and_referral_forced_at_strict_end(
    scenario, reason, trigger, strict, ptl
):
    d = limit(reason, trigger)
    assert (d.unrolled_last_day, d.legal_last_day) == (strict, ptl), scenario
    assert d.legal_end == end_of(ptl)
    # Liberty cap (time.md §3.10): the referral is forced at the end of the strict day.
    assert d.operational_end == end_of(strict)
    # Boundary: the last instant of the strict day is inside, 24:00 is outside.
    assert not d.is_expired(end_of(strict) - timedelta(microseconds=1))
    assert d.is_expired(end_of(strict))


def test_w8_s4_territory_wednesday_strict_saturday_ptl_monday():
    # SR 8(4), 1182/71 3(4): +3 days = Sat 07-11 (unrolled); roll-forward to Mon 07-13 (legal); 3(5) adds nothing.
    d = limit(R.TERRITORY, at(2026, 7, 8))
    assert (d.unrolled_last_day, d.legal_last_day) == (date(2026, 7, 11), date(2026, 7, 13))
    assert d.operational_end == end_of(date(2026, 7, 11))
    minimum = next(step for step in d.trace if step.step == "3(5) minimum")
    assert "nothing to add" in minimum.detail


@pytest.mark.parametrize(
    ("reason", "trigger", "legal_day"),
    [
        (R.TERRITORY, at(2026, 7, 8), date(2026, 7, 13)),  # W8 / S4
        (R.BORDER_SAR, at(2026, 8, 1, 6), date(2026, 8, 10)),  # S5
        (R.BORDER_SAR, at(2026, 6, 20), date(2026, 6, 29)),  # S8
    ],
)
def test_liberty_cap_policy_legal_moves_the_operational_end_to_the_legal_end(reason, trigger, legal_day):
    unrolled = limit(reason, trigger)
    legal = limit(reason, trigger, liberty_cap_policy=LibertyCapPolicy.LEGAL)
    assert legal.operational_end == legal.legal_end == end_of(legal_day)
    assert legal.operational_end > unrolled.operational_end
    assert legal.unrolled_last_day == unrolled.unrolled_last_day


@pytest.mark.parametrize("hh_mm", [(0, 0), (0, 1), (12, 0), (23, 59)])
def test_1182_71_3_1_the_event_day_is_not_counted_whatever_the_hour(hh_mm):
    d = limit(R.BORDER_SAR, at(2026, 9, 1, *hh_mm))
    assert d.unrolled_last_day == date(2026, 9, 8)


def test_days_are_counted_in_the_dutch_zone_2330_utc_is_the_next_dutch_day():
    # time.md §3.8: 23:30 UTC on Thu 18 June is 01:30 on Fri 19 June in the Netherlands.
    d = limit(R.BORDER_IRREGULAR, datetime(2026, 6, 18, 23, 30, tzinfo=UTC))
    assert d.unrolled_last_day == date(2026, 6, 26)
    assert d.operational_end == datetime(2026, 6, 26, 22, 0, tzinfo=UTC)


def test_days_are_counted_in_the_dutch_zone_2130_utc_is_still_the_same_dutch_day():
    d = limit(R.BORDER_IRREGULAR, datetime(2026, 6, 18, 21, 30, tzinfo=UTC))  # 23:30 in Amsterdam
    assert d.unrolled_last_day == date(2026, 6, 25)


@pytest.mark.parametrize(
    ("case", "reason", "trigger", "strict", "ptl"),
    [
        # Thu 24 Dec + 3 = Sun 27; roll to Mon 28; 25-27 Dec hold no working day, so 1182/71 3(5) extends to Tue 29.
        ("territory Christmas Eve", R.TERRITORY, at(2026, 12, 24), date(2026, 12, 27), date(2026, 12, 29)),
        # Wed 23 Dec + 3 = Sat 26 (Boxing Day); roll to Mon 28; Thu 24 and Mon 28 are working days: 3(5) adds nothing.
        ("territory 23 Dec", R.TERRITORY, at(2026, 12, 23), date(2026, 12, 26), date(2026, 12, 28)),
        # Tue 29 Dec + 3 = Fri 1 Jan (New Year); roll over the weekend to Mon 4 Jan.
        ("territory New Year", R.TERRITORY, at(2026, 12, 29), date(2027, 1, 1), date(2027, 1, 4)),
        # Fri 18 Dec + 7 = Fri 25 Dec (Christmas); roll over Boxing Day and Sunday to Mon 28.
        ("border to Christmas Day", R.BORDER_SAR, at(2026, 12, 18), date(2026, 12, 25), date(2026, 12, 28)),
        ("border from Christmas Eve", R.BORDER_IRREGULAR, at(2026, 12, 24), date(2026, 12, 31), date(2026, 12, 31)),
    ],
)
def test_christmas_holidays_roll_the_legal_end_but_not_the_strict_end(case, reason, trigger, strict, ptl):
    d = limit(reason, trigger)
    assert (d.unrolled_last_day, d.legal_last_day) == (strict, ptl), case
    assert d.operational_end == end_of(strict), case


def test_1182_71_3_5_two_working_day_minimum_is_traced_and_configurable():
    d = limit(R.TERRITORY, at(2026, 12, 24))
    minimum = next(step for step in d.trace if step.step == "3(5) minimum")
    assert minimum.value == "Tue 2026-12-29"
    without = limit(R.TERRITORY, at(2026, 12, 24), two_working_day_minimum=False)
    assert (without.unrolled_last_day, without.legal_last_day) == (date(2026, 12, 27), date(2026, 12, 28))


# --- T2: SR 8(3) second sentence, "more than 72 hours" at the external border, then 4 days -------


def test_t2_s10_held_96_hours_strict_end_is_min_of_seven_days_and_start_plus_four():
    # S10: apprehended Tue 16 June 09:00, held at the border post, screening starts Sat 20 June 09:00.
    spy = SpyCompute()
    d = completion_limit(
        R.BORDER_IRREGULAR, at(2026, 6, 16, 9), spy, held_at_external_border=True, started_at=at(2026, 6, 20, 9)
    )
    assert spy.calls == [(BORDER_COMPLETION, at(2026, 6, 16, 9)), (AFTER_HOLDING_AT_BORDER, at(2026, 6, 20, 9))]
    reduced = computer()(AFTER_HOLDING_AT_BORDER, at(2026, 6, 20, 9))
    assert reduced.unrolled_last_day == date(2026, 6, 24)  # Wed
    assert (d.unrolled_last_day, d.legal_last_day) == (date(2026, 6, 23), date(2026, 6, 23))  # Tue: min
    assert d.operational_end == end_of(date(2026, 6, 23))
    assert AFTER_HOLDING_AT_BORDER.amount == 4


def test_t2_exactly_72_hours_is_not_more_than_72_hours_only_t1():
    spy = SpyCompute()
    d = completion_limit(
        R.BORDER_IRREGULAR, at(2026, 6, 16, 9), spy, held_at_external_border=True, started_at=at(2026, 6, 19, 9)
    )
    assert spy.specs == ["SR.8.3"]
    assert d.unrolled_last_day == date(2026, 6, 23)
    assert not held_more_than_72_hours(at(2026, 6, 16, 9), at(2026, 6, 19, 9))


def test_t2_72_hours_and_one_second_considers_the_four_days_and_both_terms_coincide():
    spy = SpyCompute()
    start = at(2026, 6, 19, 9, 0, 1)
    d = completion_limit(R.BORDER_IRREGULAR, at(2026, 6, 16, 9), spy, held_at_external_border=True, started_at=start)
    assert spy.calls[1] == (AFTER_HOLDING_AT_BORDER, start)  # max(apprehension + 72 h, start) = start
    assert held_more_than_72_hours(at(2026, 6, 16, 9), start)
    # Chapter §3: with screening starting at the 72 h mark both terms coincide (Fri 19 + 4 = Tue 16 + 7).
    assert d.unrolled_last_day == date(2026, 6, 23)


@pytest.mark.parametrize("reason", [R.BORDER_SAR, R.BORDER_BCP_APPLICANT, R.TERRITORY])
def test_t2_applies_only_to_irregular_crossers(reason):
    spy = SpyCompute()
    completion_limit(reason, at(2026, 6, 16, 9), spy, held_at_external_border=True, started_at=at(2026, 6, 20, 9))
    assert "SR.8.3.held" not in spy.specs


def test_t2_applies_only_when_held_at_the_external_border():
    spy = SpyCompute()
    d = completion_limit(
        R.BORDER_IRREGULAR, at(2026, 6, 16, 9), spy, held_at_external_border=False, started_at=at(2026, 6, 20, 9)
    )
    assert spy.specs == ["SR.8.3"]
    assert d.unrolled_last_day == date(2026, 6, 23)


def test_t2_needs_the_start_of_screening():
    spy = SpyCompute()
    completion_limit(R.BORDER_IRREGULAR, at(2026, 6, 16, 9), spy, held_at_external_border=True)
    assert spy.specs == ["SR.8.3"]


@pytest.mark.parametrize(
    "start",
    [
        at(2026, 6, 20, 0, 0),  # 72.5 h after Tue 23:30: Sat + 4 = Wed 24
        at(2026, 6, 21, 12, 0),  # Sun + 4 = Thu 25
    ],
)
def test_t2_never_extends_the_seven_day_limit(start):
    # Chapter §3 (design, conservative): min(7 days, max(apprehension + 72 h, start) + 4 days).
    trigger = at(2026, 6, 16, 23, 30)
    d = completion_limit(R.BORDER_IRREGULAR, trigger, computer(), held_at_external_border=True, started_at=start)
    assert computer()(AFTER_HOLDING_AT_BORDER, start).unrolled_last_day > date(2026, 6, 23)
    assert (d.unrolled_last_day, d.legal_last_day) == (date(2026, 6, 23), date(2026, 6, 23))


def test_t2_the_four_days_bind_across_the_end_of_summer_time_utc_input():
    # Fri 23 Oct 00:30 CEST = Thu 22:30 UTC; 72 h + 1 s of elapsed time later is Sun 25 Oct 23:30:01 CET (the
    # clocks went back one hour), so Sun + 4 = Thu 29 Oct is earlier than Fri 23 + 7 = Fri 30 Oct.
    trigger = datetime(2026, 10, 22, 22, 30, tzinfo=UTC)
    start = trigger + timedelta(hours=72, seconds=1)
    d = completion_limit(R.BORDER_IRREGULAR, trigger, computer(), held_at_external_border=True, started_at=start)
    assert d.unrolled_last_day == date(2026, 10, 29)


def test_t2_more_than_72_hours_is_elapsed_time_also_for_dutch_zone_input():
    trigger = datetime(2026, 10, 22, 22, 30, tzinfo=UTC).astimezone(AMS)  # Fri 23 Oct 00:30 CEST
    start = (trigger.astimezone(UTC) + timedelta(hours=72, seconds=1)).astimezone(AMS)  # Sun 25 Oct 23:30:01 CET
    assert held_more_than_72_hours(trigger, start)
    d = completion_limit(R.BORDER_IRREGULAR, trigger, computer(), held_at_external_border=True, started_at=start)
    assert d.unrolled_last_day == date(2026, 10, 29)


# =================================================================================================
# 3. Referral (SR 18)
# =================================================================================================


@pytest.mark.parametrize("reason", ALL_REASONS)
@pytest.mark.parametrize("application_made", [False, True])
def test_sr_18_3_relocation_beats_everything(reason, application_made):
    assert referral_for(reason, application_made=application_made, to_be_relocated=True) == Referral(
        ReferralTarget.RELOCATION, ReferralOutcome.REFERRED_RELOCATION, "SR Art 18(3)"
    )


@pytest.mark.parametrize("reason", ALL_REASONS)
def test_sr_18_2_any_category_with_an_application_goes_to_registration(reason):
    assert referral_for(reason, application_made=True, to_be_relocated=False) == Referral(
        ReferralTarget.ASYLUM, ReferralOutcome.REFERRED_ASYLUM, "SR Art 18(2)"
    )


def test_sr_18_4_territory_without_application_continues_return():
    assert referral_for(R.TERRITORY, application_made=False, to_be_relocated=False) == Referral(
        ReferralTarget.RETURN, ReferralOutcome.CONTINUE_RETURN, "SR Art 18(4)"
    )


@pytest.mark.parametrize("reason", BORDER_REASONS)
def test_sr_18_1_border_without_application_goes_to_return(reason):
    assert referral_for(reason, application_made=False, to_be_relocated=False) == Referral(
        ReferralTarget.RETURN, ReferralOutcome.REFERRED_RETURN, "SR Art 18(1)"
    )


def test_apr_43_1_arrival_modes_of_the_border_categories():
    assert ARRIVAL_MODE == {
        R.BORDER_BCP_APPLICANT: ArrivalMode.BORDER_CROSSING_POINT,
        R.BORDER_IRREGULAR: ArrivalMode.IRREGULAR_CROSSING,
        R.BORDER_SAR: ArrivalMode.SEARCH_AND_RESCUE,
    }


# =================================================================================================
# 4. The case (chapter §7, §8)
# =================================================================================================

# --- open_screening -----------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ALL_REASONS)
def test_open_screening_starts_initiated_with_limits_from_the_trigger(reason):
    c = new_case(reason, trigger=at(2026, 7, 1, 10))
    d = limit(reason, at(2026, 7, 1, 10))
    assert c.status is ScreeningStatus.INITIATED and c.active
    assert (c.deadline_strict, c.deadline_ptl, c.deadline_due_at) == (
        d.unrolled_last_day,
        d.legal_last_day,
        d.operational_end,
    )
    assert (c.created_at, c.started_at, c.version, c.out_of_scope_reason) == (NOW, None, 1, None)
    assert c.tracks() == dict.fromkeys(Track, TrackState.PENDING)


def test_chapter_8_15_trigger_at_now_is_accepted_one_microsecond_later_refused():
    assert new_case(trigger=NOW, now=NOW).trigger_event_ts == NOW
    with pytest.raises(InvalidData, match="future") as info:
        new_case(trigger=NOW + timedelta(microseconds=1), now=NOW)
    assert info.value.status == 422


def test_open_screening_future_application_refused():
    assert new_case(application_made_at=NOW).application_made_at == NOW
    with pytest.raises(InvalidData, match="future"):
        new_case(application_made_at=NOW + timedelta(microseconds=1))


def test_sr_5_2_bcp_applicant_needs_the_application():
    with pytest.raises(InvalidData, match=r"5\(2\)"):
        new_case(R.BORDER_BCP_APPLICANT, application_made_at=None)


@pytest.mark.parametrize("why", list(OutOfScope))
def test_chapter_1_2_out_of_scope_intake_is_recorded_as_rejected(why):
    c = new_case(R.TERRITORY, out_of_scope_reason=why)
    assert c.status is ScreeningStatus.REJECTED_OUT_OF_SCOPE and not c.active
    assert (c.out_of_scope_reason, c.closed_at, c.closure_note) == (why, NOW, f"out of scope: {why.value}")
    assert c.referral_target is None
    refused(lambda: c.start(STARTED, held_at_external_border=False, now=NOW), "REJECTED_OUT_OF_SCOPE")


# --- start --------------------------------------------------------------------------------------


def test_start_moves_initiated_to_in_progress():
    c = new_case()
    c.start(STARTED, held_at_external_border=True, now=NOW)
    assert (c.status, c.started_at, c.held_at_external_border) == (ScreeningStatus.IN_PROGRESS, STARTED, True)


def test_start_at_the_trigger_instant_and_at_now_are_the_boundaries():
    c = new_case()
    c.start(TRIGGER, held_at_external_border=False, now=NOW)
    assert c.started_at == TRIGGER
    c = new_case()
    c.start(NOW, held_at_external_border=False, now=NOW)
    assert c.started_at == NOW


def test_chapter_8_15_start_before_the_trigger_refused():
    c = new_case()
    with pytest.raises(InvalidData, match="before its trigger"):
        c.start(TRIGGER - timedelta(microseconds=1), held_at_external_border=False, now=NOW)
    assert c.status is ScreeningStatus.INITIATED


def test_start_in_the_future_refused():
    c = new_case()
    with pytest.raises(InvalidData, match="future"):
        c.start(NOW + timedelta(microseconds=1), held_at_external_border=False, now=NOW)
    assert c.status is ScreeningStatus.INITIATED


def test_a_second_start_is_refused():
    c = started()
    refused(lambda: c.start(STARTED, held_at_external_border=False, now=NOW), "IN_PROGRESS")


# --- state guards: before the start and after the end --------------------------------------------

STEP_NAMES = [*STEPS, "minor"]


@pytest.mark.parametrize("step", STEP_NAMES)
def test_chapter_7_every_step_is_refused_before_the_start(step):
    c = new_case()
    refused(lambda: do(c, step), "INITIATED")


@pytest.mark.parametrize(
    "operation",
    [
        lambda c: c.complete(NOW),
        lambda c: c.abscond(NOW, now=NOW),
        lambda c: c.locate(),
    ],
    ids=["complete", "abscond", "locate"],
)
def test_chapter_7_completing_absconding_locating_need_a_started_screening(operation):
    c = new_case()
    refused(lambda: operation(c), "INITIATED")


def _complete(c: ScreeningCase) -> None:
    all_checks_done(c).complete(NOW)


ENDINGS: dict[str, Callable[[ScreeningCase], Any]] = {
    "completed": _complete,
    "forced referral": lambda c: c.force_referral(NOW),
    "discontinued SR 18(6)": lambda c: c.discontinue_for_criminal_proceedings(NOW, "extradition"),
    "entry conditions met": lambda c: c.close_entry_conditions_met(NOW),
    "departed": lambda c: c.close_departed(NOW),
    "merged": lambda c: c.merge_into("c-2", NOW),
}

OPERATIONS: dict[str, Callable[[ScreeningCase], Any]] = {
    **{step: (lambda c, s=step: do(c, s)) for step in STEP_NAMES},
    "start": lambda c: c.start(STARTED, held_at_external_border=False, now=NOW),
    "restriction": lambda c: c.record_restriction(rec(Restriction)),
    "application": lambda c: c.record_application(NOW, now=NOW),
    "relocation": lambda c: c.mark_for_relocation("DE"),
    "abscond": lambda c: c.abscond(NOW, now=NOW),
    "locate": lambda c: c.locate(),
    "complete": lambda c: c.complete(NOW),
    "force referral": lambda c: c.force_referral(NOW),
    "discontinue": lambda c: c.discontinue_for_criminal_proceedings(NOW, "note"),
    "close entry conditions met": lambda c: c.close_entry_conditions_met(NOW),
    "close departed": lambda c: c.close_departed(NOW),
    "merge": lambda c: c.merge_into("c-3", NOW),
}


@pytest.mark.parametrize("ending", list(ENDINGS))
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_chapter_7_a_step_on_a_completed_screening_is_refused(ending, operation):
    # SR 18(5): screening ends on referral; closures and merges are final too.
    c = started()
    ENDINGS[ending](c)
    final = c.status
    assert not c.active
    refused(lambda: OPERATIONS[operation](c), final)
    assert c.status is final


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_chapter_1_2_nothing_happens_on_an_out_of_scope_rejection(operation):
    c = new_case(out_of_scope_reason=OutOfScope.NO_BIOMETRIC_DUTY)
    refused(lambda: OPERATIONS[operation](c), "REJECTED_OUT_OF_SCOPE")


# --- SR 13(3): unaccompanied minors --------------------------------------------------------------


def uam_case(**minor: Any) -> ScreeningCase:
    """S5: a 15-year-old alone, disembarked after SAR."""
    c = started(R.BORDER_SAR)
    do(c, "minor", unaccompanied=True, claimed_age=15, **minor)
    return c


@pytest.mark.parametrize("step", list(STEPS))
def test_sr_13_3_uam_without_representative_or_trained_person_blocks_every_step(step):
    c = uam_case()
    error = refused(lambda: do(c, step), "IN_PROGRESS")
    assert "13(3)" in error.detail


def test_sr_13_3_emergency_health_care_is_allowed_before_the_safeguard():
    c = uam_case()
    c.record_health_check(rec(HealthCheck, emergency_care_only=True))
    assert c.health is not None and c.health.emergency_care_only


def test_sr_13_3_recording_the_representative_unblocks_the_steps():
    c = uam_case()
    do(c, "minor", unaccompanied=True, claimed_age=15, representative_id="rep-1")  # the minor record itself
    for step in STEPS:
        do(c, step)
    assert c.missing() == []


@pytest.mark.parametrize("safeguard", ["representative_id", "trained_person_id"])
@pytest.mark.parametrize("step", list(STEPS))
def test_sr_13_3_a_representative_or_a_trained_person_suffices(safeguard, step):
    c = uam_case(**{safeguard: "person-9"})
    do(c, step)


@pytest.mark.parametrize("step", list(STEPS))
def test_sr_13_2_an_accompanied_minor_is_not_blocked(step):
    c = started()
    do(c, "minor", claimed_age=12, accompanying_adult_case_id="c-mother")
    do(c, step)


def test_sr_13_only_a_minor_can_be_unaccompanied_and_claimed_age_is_a_minors():
    with pytest.raises(ValidationError, match="only a minor"):
        rec(MinorStatus, minor=False, unaccompanied=True)
    with pytest.raises(ValidationError, match="claimed_age"):
        rec(MinorStatus, minor=False, claimed_age=16)
    with pytest.raises(ValidationError):
        rec(MinorStatus, claimed_age=18)  # SR 2(9): a minor is under 18
    assert rec(MinorStatus, claimed_age=17).claimed_age == 17


@pytest.mark.parametrize(
    "previous",
    [{"minor": True, "claimed_age": 16}, {"minor": False, "age_doubt": True}],
    ids=["claimed minor", "age doubt"],
)
def test_chapter_8_1_no_downgrade_to_adult_without_an_age_assessment(previous):
    c = started()
    do(c, "minor", **previous)
    with pytest.raises(InvalidData, match="age_assessment_ref"):
        do(c, "minor", minor=False)
    assert c.minor is not None and (c.minor.minor or c.minor.age_doubt)
    do(c, "minor", minor=False, age_assessment_ref="AA-2026-17")
    assert c.minor is not None and not c.minor.minor


def test_chapter_8_1_an_adult_record_without_prior_minority_needs_no_assessment():
    c = started()
    do(c, "minor", minor=False)
    do(c, "minor", minor=False)
    assert c.minor is not None and not c.minor.minor


@pytest.mark.parametrize(("trained_official", "representative_present"), [(False, True), (True, False), (False, False)])
def test_ed_14_1_a_minors_biometrics_need_a_trained_official_and_the_representative(
    trained_official, representative_present
):
    c = started()
    do(c, "minor", claimed_age=14, representative_id="rep-1")
    with pytest.raises(InvalidData, match=r"14\(1\)"):
        do(c, "biometrics", age=14, trained_official=trained_official, representative_present=representative_present)
    assert c.biometrics is None


def test_ed_14_1_a_minors_biometrics_with_both_safeguards_are_recorded():
    c = started()
    do(c, "minor", claimed_age=14, representative_id="rep-1")
    do(c, "biometrics", age=14)
    assert c.tracks()[Track.BIOMETRICS] is TrackState.DONE


@pytest.mark.parametrize(
    "record",
    [
        {"outcome": BiometricsOutcome.NOT_TAKEN, "not_taken_reason": NotTakenReason.UNDER_6},  # S6
        {"outcome": BiometricsOutcome.REFUSED},
    ],
    ids=["not taken under 6", "refused"],
)
def test_ed_14_1_safeguard_is_about_capture_only(record):
    c = started()
    do(c, "minor", claimed_age=5, age_doubt_around_six=True, accompanying_adult_case_id="c-mother")
    do(c, "biometrics", template_ref=None, trained_official=False, representative_present=False, **record)


def test_ed_14_1_an_adults_biometrics_need_no_minor_safeguards():
    c = started()
    do(c, "biometrics", trained_official=False, representative_present=False)
    assert c.tracks()[Track.BIOMETRICS] is TrackState.DONE


def test_ed_15_1_22_1_no_capture_under_six_the_sixth_birthday_is_the_boundary():
    c = started()
    do(c, "minor", claimed_age=5, accompanying_adult_case_id="c-mother")
    with pytest.raises(InvalidData, match="under 6"):
        do(c, "biometrics", age=5)
    assert c.biometrics is None
    do(c, "biometrics", age=6)
    assert c.tracks()[Track.BIOMETRICS] is TrackState.DONE


def test_ed_14_1_s6_child_maybe_under_six_no_capture_but_not_taken_is_ready():
    c = started()
    do(c, "minor", claimed_age=6, age_doubt_around_six=True, accompanying_adult_case_id="c-mother")
    with pytest.raises(InvalidData, match=r"14\(1\)"):
        do(c, "biometrics", age=6)
    do(c, "biometrics", outcome="NOT_TAKEN", not_taken_reason="UNDER_6", template_ref=None)
    assert c.tracks()[Track.BIOMETRICS] is TrackState.NOT_POSSIBLE


def test_ed_14_1_minor_safeguards_apply_while_the_age_doubt_lasts():
    c = started()
    do(c, "minor", minor=False, age_doubt=True)
    with pytest.raises(InvalidData, match=r"14\(1\)"):
        do(c, "biometrics", age=None, trained_official=False, representative_present=False)


# --- tracks, missing checks, completion ----------------------------------------------------------


def test_chapter_7_a_started_case_misses_every_track_in_order():
    c = started()
    assert c.missing() == ALL_TRACKS
    assert not c.ready_for_referral


def test_chapter_7_information_cooperation_and_form_details_are_no_tracks():
    c = started()
    do(c, "information")
    do(c, "cooperation")
    do(c, "form details")
    assert c.missing() == ALL_TRACKS  # the form track waits for the SR 17(3) review


@pytest.mark.parametrize(
    ("step", "track", "overrides", "state"),
    [
        ("health", Track.HEALTH, {}, TrackState.DONE),
        (
            "health",
            Track.HEALTH,
            {"outcome": "NOT_POSSIBLE", "not_possible_reason": "isolated"},
            TrackState.NOT_POSSIBLE,
        ),
        ("vulnerability", Track.VULNERABILITY, {}, TrackState.DONE),
        (
            "identification",
            Track.IDENTITY,
            {"outcome": "NOT_POSSIBLE", "not_possible_reason": "none"},
            TrackState.NOT_POSSIBLE,
        ),
        ("security", Track.SECURITY, {}, TrackState.DONE),
        ("biometrics", Track.BIOMETRICS, {}, TrackState.DONE),
        (
            "biometrics",
            Track.BIOMETRICS,
            {"outcome": "NOT_TAKEN", "not_taken_reason": "FINGERTIPS", "template_ref": None},
            TrackState.NOT_POSSIBLE,
        ),
        ("biometrics", Track.BIOMETRICS, {"outcome": "REFUSED", "template_ref": None}, TrackState.REFUSED),
        ("form review", Track.FORM, {}, TrackState.DONE),
    ],
)
def test_chapter_7_track_states(step, track, overrides, state):
    c = started()
    do(c, step, **overrides)
    assert c.tracks()[track] is state
    assert (track.value in c.missing()) is (state not in {TrackState.DONE, TrackState.NOT_POSSIBLE})


def test_chapter_7_refused_biometrics_are_not_ready_for_referral():
    # Chapter §8.3: a refusal is an SR 9 breach, not an impossibility; complete() waits, the limit forces.
    c = all_checks_done(started())
    do(c, "biometrics", outcome=BiometricsOutcome.REFUSED, template_ref=None)
    assert c.missing() == ["biometrics"]
    assert not c.ready_for_referral


@pytest.mark.parametrize("cls", [HealthCheck, VulnerabilityCheck, Identification, SecurityCheck])
def test_chapter_7_not_possible_needs_a_reason(cls):
    with pytest.raises(ValidationError, match="not_possible_reason"):
        rec(cls, outcome=CheckOutcome.NOT_POSSIBLE)
    with pytest.raises(ValidationError, match="not_possible_reason"):
        rec(cls, outcome=CheckOutcome.NOT_POSSIBLE, not_possible_reason="")
    assert rec(cls, outcome=CheckOutcome.NOT_POSSIBLE, not_possible_reason="x").outcome is CheckOutcome.NOT_POSSIBLE


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"outcome": "CAPTURED", "template_ref": None}, "template_ref"),
        ({"outcome": "NOT_TAKEN", "template_ref": None}, "not_taken_reason"),
        ({"outcome": "REFUSED", "template_ref": "tpl-1"}, "template_ref"),
        ({"outcome": "NOT_TAKEN", "not_taken_reason": "HEALTH", "template_ref": "tpl-1"}, "template_ref"),
    ],
)
def test_ed_13_biometrics_record_consistency(fields, message):
    with pytest.raises(ValidationError, match=message):
        rec(Biometrics, **fields)


@pytest.mark.parametrize("record", [InformationProvided, HealthCheck, FormDetails])
def test_records_are_frozen_and_reject_unknown_fields(record):
    with pytest.raises(ValidationError):
        rec(record, unexpected="x")
    with pytest.raises(ValidationError):
        rec(record).recorded_by = "someone else"


def test_records_need_aware_timestamps():
    with pytest.raises(ValidationError):
        rec(HealthCheck, recorded_at=datetime(2026, 7, 2, 9))


def test_chapter_7_complete_refused_while_checks_are_missing_lists_them():
    c = started()
    do(c, "health")
    error = refused(lambda: c.complete(NOW), "IN_PROGRESS")
    assert error.extra["missing_checks"] == ["vulnerability", "identity", "security", "biometrics", "form"]
    assert c.status is ScreeningStatus.IN_PROGRESS and c.completion is None


def test_chapter_7_complete_refused_for_refused_biometrics_only():
    c = all_checks_done(started())
    do(c, "biometrics", outcome=BiometricsOutcome.REFUSED, template_ref=None)
    assert refused(lambda: c.complete(NOW), "IN_PROGRESS").extra["missing_checks"] == ["biometrics"]


@pytest.mark.parametrize(
    ("reason", "outcome", "target", "basis"),
    [
        (R.BORDER_IRREGULAR, ReferralOutcome.REFERRED_RETURN, ReferralTarget.RETURN, "SR Art 18(1)"),
        (R.BORDER_SAR, ReferralOutcome.REFERRED_RETURN, ReferralTarget.RETURN, "SR Art 18(1)"),  # S1
        (R.BORDER_BCP_APPLICANT, ReferralOutcome.REFERRED_ASYLUM, ReferralTarget.ASYLUM, "SR Art 18(2)"),  # S3
        (R.TERRITORY, ReferralOutcome.CONTINUE_RETURN, ReferralTarget.RETURN, "SR Art 18(4)"),  # S4
    ],
)
def test_sr_18_complete_refers_with_completion_complete(reason, outcome, target, basis):
    c = all_checks_done(started(reason))
    assert c.ready_for_referral
    referral = c.complete(NOW)
    assert referral == Referral(target, outcome, basis)
    assert (c.status.value, c.referral_target, c.referral_basis) == (outcome.value, target, basis)
    assert (c.completion, c.missing_checks, c.referred_at) == (Completion.COMPLETE, [], NOW)
    assert not c.active


def test_chapter_7_not_possible_checks_with_reason_allow_completion():
    c = started()
    do(c, "health", outcome="NOT_POSSIBLE", not_possible_reason="hospitalised")
    do(c, "vulnerability", outcome="NOT_POSSIBLE", not_possible_reason="hospitalised")
    do(c, "identification", outcome="NOT_POSSIBLE", not_possible_reason="no documents, no CIR match")
    do(c, "security", outcome="NOT_POSSIBLE", not_possible_reason="systems down")
    do(c, "biometrics", outcome="NOT_TAKEN", not_taken_reason="HEALTH", template_ref=None)
    do(c, "form review")
    assert c.complete(NOW).outcome is ReferralOutcome.REFERRED_RETURN
    assert c.completion is Completion.COMPLETE


# --- SR 18(5): forced referral at the limit ------------------------------------------------------


def test_sr_18_5_forced_referral_from_initiated_misses_everything():
    c = new_case()
    referral = c.force_referral(NOW)
    assert referral.outcome is ReferralOutcome.REFERRED_RETURN
    assert (c.completion, c.missing_checks) == (Completion.INCOMPLETE, ALL_TRACKS)


def test_sr_18_5_forced_referral_from_in_progress_lists_what_is_missing():
    c = started(R.TERRITORY)
    do(c, "health")
    do(c, "biometrics", outcome="REFUSED", template_ref=None)  # S7: refusal does not move the limit
    referral = c.force_referral(NOW)
    assert referral == Referral(ReferralTarget.RETURN, ReferralOutcome.CONTINUE_RETURN, "SR Art 18(4)")
    assert (c.status, c.completion) == (ScreeningStatus.CONTINUE_RETURN, Completion.INCOMPLETE)
    assert c.missing_checks == ["vulnerability", "identity", "security", "biometrics", "form"]


def test_sr_18_5_forced_referral_with_every_check_ready_is_complete():
    c = all_checks_done(started())
    c.force_referral(NOW)
    assert (c.completion, c.missing_checks) == (Completion.COMPLETE, [])


def test_s8_absconded_sar_forced_to_return_incomplete_with_absconded_flag():
    limit_s8 = limit(R.BORDER_SAR, at(2026, 6, 20, 8))
    c = new_case(R.BORDER_SAR, trigger=at(2026, 6, 20, 8), now=at(2026, 6, 20, 9))
    c.start(at(2026, 6, 20, 9), held_at_external_border=False, now=at(2026, 6, 20, 9))
    do(c, "health")
    c.abscond(at(2026, 6, 22, 15), now=at(2026, 6, 22, 15))
    assert (c.status, c.absconded, c.absconded_at) == (ScreeningStatus.ABSCONDED, True, at(2026, 6, 22, 15))
    assert c.deadline_due_at == limit_s8.operational_end == end_of(date(2026, 6, 27))  # clock unchanged
    referral = c.force_referral(c.deadline_due_at)
    assert referral == Referral(ReferralTarget.RETURN, ReferralOutcome.REFERRED_RETURN, "SR Art 18(1)")
    assert (c.status, c.completion, c.absconded) == (ScreeningStatus.REFERRED_RETURN, Completion.INCOMPLETE, True)
    assert c.missing_checks == ["vulnerability", "identity", "security", "biometrics", "form"]
    assert c.referred_at == end_of(date(2026, 6, 27)) - timedelta(microseconds=1)  # dated when screening ended


# --- chapter §8.6: absconding and locating ----------------------------------------------------------


def test_chapter_8_6_absconded_person_steps_are_refused_until_located():
    c = started()
    c.abscond(NOW, now=NOW)
    for step in STEP_NAMES:
        refused(lambda s=step: do(c, s), "ABSCONDED")
    refused(lambda: c.complete(NOW), "ABSCONDED")
    refused(lambda: c.abscond(NOW, now=NOW), "ABSCONDED")
    assert c.active
    c.locate()
    assert c.status is ScreeningStatus.IN_PROGRESS and c.absconded_at == NOW
    do(c, "identification")


def test_chapter_8_6_locate_only_an_absconded_person():
    c = started()
    refused(c.locate, "IN_PROGRESS")


# --- SR 18(2): application during screening ------------------------------------------------------


@pytest.mark.parametrize("state", ["INITIATED", "IN_PROGRESS", "ABSCONDED"])
def test_sr_18_2_application_in_any_active_state_turns_the_referral_to_asylum(state):
    c = new_case(R.BORDER_SAR)
    if state != "INITIATED":
        c.start(STARTED, held_at_external_border=False, now=NOW)
    if state == "ABSCONDED":
        c.abscond(NOW, now=NOW)
    c.record_application(at(2026, 7, 2, 16), now=NOW)
    assert (c.status.value, c.application_made_at) == (state, at(2026, 7, 2, 16))
    assert c.deadline_strict == date(2026, 7, 8)  # the clock does not stop (chapter §7)
    assert c.force_referral(NOW) == Referral(ReferralTarget.ASYLUM, ReferralOutcome.REFERRED_ASYLUM, "SR Art 18(2)")


def test_s2_application_next_day_then_complete_refers_to_asylum():
    c = new_case(R.BORDER_IRREGULAR, trigger=at(2026, 6, 18, 22, 10), now=at(2026, 6, 19, 9))
    assert c.deadline_strict == date(2026, 6, 25)
    c.start(at(2026, 6, 19, 8), held_at_external_border=False, now=at(2026, 6, 19, 9))
    c.record_application(at(2026, 6, 19, 8, 30), now=at(2026, 6, 19, 9))
    all_checks_done(c)
    assert c.complete(at(2026, 6, 20)).outcome is ReferralOutcome.REFERRED_ASYLUM


def test_application_at_now_accepted_one_microsecond_later_refused():
    c = started()
    with pytest.raises(InvalidData, match="future"):
        c.record_application(NOW + timedelta(microseconds=1), now=NOW)
    assert c.application_made_at is None
    c.record_application(NOW, now=NOW)
    assert c.application_made_at == NOW


def test_a_second_application_is_refused():
    c = started()
    c.record_application(at(2026, 7, 2), now=NOW)
    refused(lambda: c.record_application(at(2026, 7, 2, 12), now=NOW), "IN_PROGRESS")
    assert c.application_made_at == at(2026, 7, 2)


def test_sr_5_2_bcp_applicant_already_carries_its_application():
    c = started(R.BORDER_BCP_APPLICANT)
    refused(lambda: c.record_application(at(2026, 7, 2), now=NOW), "IN_PROGRESS")


def test_chapter_8_16_no_application_after_the_referral():
    c = started()
    c.force_referral(NOW)
    refused(lambda: c.record_application(NOW, now=NOW), "REFERRED_RETURN")


# --- SR 18(3): relocation ----------------------------------------------------------------------------


def test_sr_18_3_relocation_goes_to_another_member_state():
    c = started(member_state="NL")
    with pytest.raises(InvalidData, match="another member state"):
        c.mark_for_relocation("NL")
    assert c.relocation_member_state is None


@pytest.mark.parametrize("application", [True, False])
def test_s11_relocation_referral(application):
    c = started(R.BORDER_SAR)
    if application:
        c.record_application(at(2026, 7, 2), now=NOW)
    c.mark_for_relocation("DE")
    referral = all_checks_done(c).complete(NOW)
    assert referral == Referral(ReferralTarget.RELOCATION, ReferralOutcome.REFERRED_RELOCATION, "SR Art 18(3)")
    assert (c.status, c.relocation_member_state) == (ScreeningStatus.REFERRED_RELOCATION, "DE")


def test_relocation_can_be_marked_before_the_start():
    c = new_case()
    c.mark_for_relocation("PT")
    assert c.force_referral(NOW).target is ReferralTarget.RELOCATION


# --- SR 18(6): discontinued for national criminal proceedings ----------------------------------------


@pytest.mark.parametrize(
    ("reason", "application", "target", "outcome"),
    [
        (R.BORDER_IRREGULAR, False, ReferralTarget.RETURN, ReferralOutcome.REFERRED_RETURN),
        (R.TERRITORY, False, ReferralTarget.RETURN, ReferralOutcome.CONTINUE_RETURN),
        (R.BORDER_SAR, True, ReferralTarget.ASYLUM, ReferralOutcome.REFERRED_ASYLUM),
    ],
)
def test_sr_18_6_discontinued_screening_goes_to_return_or_registration_with_a_note(
    reason, application, target, outcome
):
    c = started(reason)
    if application:
        c.record_application(at(2026, 7, 2), now=NOW)
    c.mark_for_relocation("DE")  # SR 18(6) names only the return and registration authorities
    do(c, "health")
    referral = c.discontinue_for_criminal_proceedings(NOW, "European arrest warrant executed")
    assert referral == Referral(target, outcome, "SR Art 18(6)")
    assert (c.status.value, c.referral_basis, c.referral_target) == (outcome.value, "SR Art 18(6)", target)
    assert (c.completion, c.closure_note, c.relocation_member_state) == (
        Completion.INCOMPLETE,
        "European arrest warrant executed",
        None,
    )
    assert c.missing_checks == ["vulnerability", "identity", "security", "biometrics", "form"]


@pytest.mark.parametrize("state", ["INITIATED", "IN_PROGRESS", "ABSCONDED"])
def test_sr_18_6_discontinue_from_any_active_state(state):
    c = new_case()
    if state != "INITIATED":
        c.start(STARTED, held_at_external_border=False, now=NOW)
    if state == "ABSCONDED":
        c.abscond(NOW, now=NOW)
    c.discontinue_for_criminal_proceedings(NOW, "criminal proceedings")
    assert (c.status, c.referral_basis) == (ScreeningStatus.REFERRED_RETURN, "SR Art 18(6)")


# --- closures and merging ------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["INITIATED", "IN_PROGRESS"])
def test_sr_5_3_entry_conditions_met_closes_without_referral(state):
    # S12: BCP presentation, documents valid, no application: screening ends (SR 5(3) second subparagraph).
    c = new_case(R.BORDER_BCP_APPLICANT) if state == "INITIATED" else started(R.BORDER_BCP_APPLICANT)
    c.close_entry_conditions_met(NOW, "valid passport and visa")
    assert (c.status, c.closed_at, c.closure_note) == (
        ScreeningStatus.CLOSED_ENTRY_CONDITIONS_MET,
        NOW,
        "valid passport and visa",
    )
    assert (c.referral_target, c.referred_at, c.completion) == (None, None, None)
    assert not c.active


def test_sr_5_3_entry_conditions_cannot_be_found_met_while_absconded():
    c = started()
    c.abscond(NOW, now=NOW)
    refused(lambda: c.close_entry_conditions_met(NOW), "ABSCONDED")


@pytest.mark.parametrize("state", ["INITIATED", "IN_PROGRESS", "ABSCONDED"])
def test_sr_5_3_third_subparagraph_7_3_departed_from_any_active_state(state):
    c = new_case(R.TERRITORY)
    if state != "INITIATED":
        c.start(STARTED, held_at_external_border=False, now=NOW)
    if state == "ABSCONDED":
        c.abscond(NOW, now=NOW)
    c.close_departed(NOW, "returned to country of origin")
    assert (c.status, c.closed_at, c.referral_target) == (ScreeningStatus.CLOSED_DEPARTED, NOW, None)
    assert not c.active


@pytest.mark.parametrize("state", ["INITIATED", "IN_PROGRESS", "ABSCONDED"])
def test_chapter_8_10_duplicate_is_merged_into_the_other_case(state):
    c = new_case()
    if state != "INITIATED":
        c.start(STARTED, held_at_external_border=False, now=NOW)
    if state == "ABSCONDED":
        c.abscond(NOW, now=NOW)
    c.merge_into("c-2", NOW)
    assert (c.status, c.merged_into, c.closure_note) == (ScreeningStatus.MERGED_DUPLICATE, "c-2", "merged into c-2")
    assert not c.active


def test_chapter_8_10_a_case_is_not_merged_into_itself():
    c = started()
    with pytest.raises(InvalidData, match="itself"):
        c.merge_into(c.id, NOW)
    assert c.status is ScreeningStatus.IN_PROGRESS


# --- SR 6, 7(1), recital 11: restriction measure ------------------------------------------------------


@pytest.mark.parametrize("measure", [RestrictionMeasure.ALTERNATIVE, RestrictionMeasure.DETENTION])
def test_recital_11_a_restriction_measure_needs_its_legal_basis(measure):
    with pytest.raises(ValidationError, match="legal basis"):
        rec(Restriction, measure=measure)
    basis = "Vreemdelingenwet art 6"
    assert rec(Restriction, measure=measure, legal_basis=basis).legal_basis == basis


def test_recital_11_no_restriction_needs_no_basis():
    assert rec(Restriction, measure=RestrictionMeasure.NONE).legal_basis == ""


@pytest.mark.parametrize("state", ["INITIATED", "IN_PROGRESS", "ABSCONDED"])
def test_sr_6_restriction_recorded_in_any_active_state(state):
    c = new_case()
    if state != "INITIATED":
        c.start(STARTED, held_at_external_border=False, now=NOW)
    if state == "ABSCONDED":
        c.abscond(NOW, now=NOW)
    record = rec(
        Restriction, measure=RestrictionMeasure.DETENTION, legal_basis="Vw art 6", review_date=date(2026, 7, 5)
    )
    c.record_restriction(record)
    assert c.restriction == record


def test_sr_6_restriction_is_not_a_step_blocked_for_an_unsafeguarded_uam():
    c = uam_case()
    c.record_restriction(rec(Restriction, measure=RestrictionMeasure.ALTERNATIVE, legal_basis="Vw art 56"))
    c.record_application(NOW, now=NOW)  # the right to apply is never blocked either
    assert c.application_made_at == NOW


# =================================================================================================
# 5. The screening form (SR 17) and the routing facts (chapter §4)
# =================================================================================================


def full_case(reason: ScreeningReason = R.BORDER_IRREGULAR) -> ScreeningCase:
    c = started(reason)
    do(c, "health", needs=["insulin"], isolation_required=True, usable_as_apr_24_examination=True)
    do(
        c,
        "vulnerability",
        vulnerabilities=[Vulnerability.TORTURE_OR_INHUMAN_TREATMENT],
        special_reception_needs=["ground floor"],
        special_procedural_needs=["female interviewer"],
    )
    do(
        c,
        "identification",
        nationalities=["ERI"],
        documents=[
            DocumentRecord(
                type="PASSPORT", number="P123", issuing_country="ERI", expiry=date(2030, 1, 1), authentic=True
            )
        ],
    )
    do(c, "security", hit=True, restricted_ref="sec-1")
    do(c, "biometrics")
    do(c, "cooperation")
    do(
        c,
        "form details",
        place_of_birth="Asmara",
        languages=["ti", "ar"],
        prior_residence_countries=["SDN", "LBY"],
        family_in_member_states=[FamilyMember(member_state="DE", relation="brother", name="Yonas")],
        reasons_for_arrival="persecution",
        route=Route(point_of_departure="Tripoli", transit_countries=["SDN", "LBY"], intended_destination="DE"),
        remarks="arrived by boat",
        suspected_smuggling=True,
    )
    do(c, "form review", corrections_pointed_out=["date of birth is 2001-04-03"])
    return c


def test_sr_17_1_form_before_any_step_shows_the_declared_data():
    form = screening_form(started())
    assert (form.family_name, form.given_names, form.date_of_birth, form.sex) == (
        "Haddad",
        "Amal",
        date(2001, 3, 4),
        "F",
    )  # (a)
    assert (form.nationalities, form.stateless, form.identity_confirmed_by_authorities) == (
        ["SYR"],
        False,
        False,
    )  # (b)
    assert form.screening_reason is R.BORDER_IRREGULAR  # (c)
    assert not form.health_check.done and form.health_check.at is None  # (d)
    assert not form.vulnerability_check.done  # (e)
    assert (form.application_made, form.application_made_at) == (False, None)  # (f)
    assert form.family_in_member_states == []  # (g)
    assert form.security_db_hit is None  # (h): not yet consulted
    assert form.cooperation_complied is None  # (i): not yet assessed
    assert (form.reviewed_with_person_at, form.corrections_pointed_out) == (None, [])


def test_sr_17_1_form_items_a_to_i_from_the_records():
    c = full_case()
    c.record_application(at(2026, 7, 2, 14), now=NOW)
    form = screening_form(c)
    # (a), (b): established identity after identification, confirmed by the authorities (SR 17(3)).
    assert (form.family_name, form.place_of_birth, form.nationalities) == ("Haddad", "Asmara", ["ERI"])
    assert form.identity_confirmed_by_authorities
    assert (form.languages, form.prior_residence_countries) == (["ti", "ar"], ["SDN", "LBY"])
    assert form.screening_reason is R.BORDER_IRREGULAR  # (c)
    assert form.health_check.model_dump() == {  # (d)
        "done": True,
        "at": STEP_AT,
        "needs": ["insulin"],
        "isolation_required": True,
        "no_further_check_necessary": False,
        "not_possible_reason": None,
    }
    assert form.vulnerability_check.done  # (e)
    assert form.vulnerability_check.vulnerabilities == ["TORTURE_OR_INHUMAN_TREATMENT"]
    assert form.vulnerability_check.special_reception_needs == ["ground floor"]
    assert form.vulnerability_check.special_procedural_needs == ["female interviewer"]
    assert (form.application_made, form.application_made_at) == (True, at(2026, 7, 2, 14))  # (f)
    assert [(f.member_state, f.relation, f.name) for f in form.family_in_member_states] == [("DE", "brother", "Yonas")]
    assert form.security_db_hit is True  # (h)
    assert form.cooperation_complied is True  # (i)


def test_sr_17_1_d_no_further_check_necessary_and_not_possible_are_shown():
    c = started()
    do(c, "health", no_further_check_necessary=True)
    do(c, "vulnerability", outcome="NOT_POSSIBLE", not_possible_reason="person unconscious")
    form = screening_form(c)
    assert form.health_check.done and form.health_check.no_further_check_necessary
    assert not form.vulnerability_check.done
    assert form.vulnerability_check.not_possible_reason == "person unconscious"


def test_sr_17_1_b_nationalities_as_declared_then_as_established():
    c = started()
    assert c.nationalities == screening_form(c).nationalities == asylum_routing_facts(c).nationalities == ["SYR"]
    do(c, "identification", nationalities=["ERI"])
    assert c.nationalities == screening_form(c).nationalities == asylum_routing_facts(c).nationalities == ["ERI"]


def test_sr_17_3_identity_only_declared_is_marked_as_such():
    c = started()
    do(
        c,
        "identification",
        identity_status=IdentityStatus.DECLARED_ONLY,
        identity_confirmed_by_authorities=False,
    )
    assert not screening_form(c).identity_confirmed_by_authorities


def test_chapter_8_9_stateless_and_unknown_nationality_on_the_form():
    c = started()
    do(c, "identification", nationalities=[], stateless=True)
    form = screening_form(c)
    assert (form.nationalities, form.stateless, form.nationality_unknown) == ([], True, False)
    do(c, "identification", nationalities=[], nationality_unknown=True)
    form = screening_form(c)
    assert (form.nationalities, form.stateless, form.nationality_unknown) == ([], False, True)


@pytest.mark.parametrize("hit", [True, False])
def test_sr_17_3_the_persons_copy_leaves_out_item_h(hit):
    c = started()
    do(c, "security", hit=hit)
    assert screening_form(c).security_db_hit is hit  # the authorities' copy: the boolean of SR 17(1)(h)
    person_copy = screening_form(c, for_the_person=True)
    assert person_copy.security_db_hit is None
    assert person_copy.model_dump(exclude={"security_db_hit"}) == screening_form(c).model_dump(
        exclude={"security_db_hit"}
    )


def test_sr_17_1_h_only_whether_a_hit_occurred_never_its_content():
    dumped = screening_form(full_case()).model_dump_json()
    assert "sec-1" not in dumped and "SIS" not in dumped


@pytest.mark.parametrize(
    ("cooperation", "complied"),
    [
        ({}, True),
        ({"biometrics": Compliance.REFUSED}, False),  # S7
        ({"identity_data": Compliance.PARTIAL}, False),
        ({"availability": Compliance.REFUSED}, False),
    ],
)
def test_sr_17_1_i_cooperation_per_sr_9(cooperation, complied):
    c = started()
    do(c, "cooperation", **cooperation)
    assert screening_form(c).cooperation_complied is complied
    assert asylum_routing_facts(c).cooperation_complied is complied


def test_sr_17_3_corrections_pointed_out_by_the_person_are_recorded():
    form = screening_form(full_case())
    assert form.reviewed_with_person_at == STEP_AT
    assert form.corrections_pointed_out == ["date of birth is 2001-04-03"]


def test_sr_17_2_optional_items():
    form = screening_form(full_case())
    assert [(d.type, d.number, d.issuing_country, d.expiry, d.authentic) for d in form.documents] == [
        ("PASSPORT", "P123", "ERI", date(2030, 1, 1), True)
    ]
    assert form.reasons_for_arrival == "persecution"
    assert (form.route.point_of_departure, form.route.transit_countries, form.route.intended_destination) == (
        "Tripoli",
        ["SDN", "LBY"],
        "DE",
    )
    assert (form.remarks, form.suspected_smuggling, form.suspected_trafficking) == ("arrived by boat", True, False)


@pytest.mark.parametrize(
    ("reason", "category"),
    [
        (R.BORDER_IRREGULAR, "5(1)"),
        (R.BORDER_SAR, "5(1)"),
        (R.BORDER_BCP_APPLICANT, "5(2)"),
        (R.TERRITORY, "7"),
    ],
)
def test_apr_27_7_sr_category_decides_the_registration_clock(reason, category):
    assert sr_category(reason) == category
    assert asylum_routing_facts(started(reason)).sr_category == category


@pytest.mark.parametrize(
    ("reason", "mode"),
    [
        (R.BORDER_BCP_APPLICANT, "BORDER_CROSSING_POINT"),  # APR 43(1)(a)
        (R.BORDER_IRREGULAR, "IRREGULAR_CROSSING"),  # APR 43(1)(b)
        (R.BORDER_SAR, "SEARCH_AND_RESCUE"),  # APR 43(1)(c)
        (R.TERRITORY, None),  # not an APR 43(1) situation
    ],
)
def test_apr_43_1_arrival_mode_and_entry_not_authorised(reason, mode):
    facts = asylum_routing_facts(started(reason))
    assert facts.arrival_mode == mode
    assert facts.entry_authorised is False  # SR 6


@pytest.mark.parametrize("reason", ALL_REASONS)
def test_apr_43_1_d_relocation_arrival_mode(reason):
    c = started(reason)
    c.mark_for_relocation("DE")
    assert asylum_routing_facts(c).arrival_mode == ArrivalMode.RELOCATION.value


def test_routing_facts_before_any_step():
    facts = asylum_routing_facts(started())
    assert (facts.nationalities, facts.identity_status, facts.stateless) == (["SYR"], "UNKNOWN", False)
    assert (facts.security_db_hit, facts.security_flag, facts.cooperation_complied) == (False, False, None)
    assert (facts.minor, facts.unaccompanied_minor, facts.age_doubt, facts.representative_id) == (
        False,
        False,
        False,
        None,
    )
    assert not facts.misleading_identity_or_destroyed_documents


def test_routing_facts_from_the_records():
    c = full_case()
    do(
        c,
        "identification",
        nationalities=["ERI"],
        identity_status=IdentityStatus.DECLARED_ONLY,
        misleading_identity_or_destroyed_documents=True,  # APR 42(1)(c)
    )
    do(c, "security", hit=True, security_flag=True, flag_reason="armed")  # APR 42(1)(f)
    facts = asylum_routing_facts(c)
    assert (facts.nationalities, facts.identity_status) == (["ERI"], "DECLARED_ONLY")  # APR 42(1)(j)
    assert facts.misleading_identity_or_destroyed_documents
    assert (facts.security_db_hit, facts.security_flag) == (True, True)
    assert facts.vulnerabilities == ["TORTURE_OR_INHUMAN_TREATMENT"]
    assert facts.special_reception_needs == ["ground floor"]
    assert facts.special_procedural_needs == ["female interviewer"]
    assert facts.health_check_usable_as_apr_24_examination  # SR 12(2)


@pytest.mark.parametrize(
    ("minor", "expected"),
    [
        (
            {"minor": True, "unaccompanied": True, "claimed_age": 15, "representative_id": "rep-1"},
            (True, True, "rep-1"),
        ),
        ({"minor": True, "unaccompanied": True, "trained_person_id": "tp-1"}, (True, True, "tp-1")),
        ({"minor": True, "accompanying_adult_case_id": "c-mother"}, (True, False, None)),
        ({"minor": False, "age_doubt": True}, (True, False, None)),  # minor safeguards while the doubt lasts
        ({"minor": False}, (False, False, None)),
    ],
    ids=["S5 UAM with representative", "UAM with trained person", "accompanied", "age doubt", "adult"],
)
def test_sr_13_minor_uam_and_representative_in_the_routing_facts(minor, expected):
    c = started(R.BORDER_SAR)
    do(c, "minor", **minor)
    facts = asylum_routing_facts(c)
    assert (facts.minor, facts.unaccompanied_minor, facts.representative_id) == expected
    assert facts.age_doubt is minor.get("age_doubt", False)
    # SR 13(2): a child screened with an adult family member is referred with that adult's screening.
    assert facts.accompanying_adult_case_id == minor.get("accompanying_adult_case_id")
