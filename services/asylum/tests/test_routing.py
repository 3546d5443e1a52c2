"""Procedure routing (asylum chapter §2.1-§2.6, §7, edge cases 2, 3, 6, 7, 8, 10, 18, scenarios 3, 5, 6, 14).

Pure tests: no service, no database.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keten_asylum.config import AsylumSettings, CrisisKind, CrisisRegime, Derogation
from keten_asylum.domain.grounds import ACCELERATED_GROUNDS, ADMISSIBILITY_ARTICLE, UAM_ARTICLE, RateFact
from keten_asylum.domain.routing import (
    BorderFacts,
    CapacityState,
    Routing,
    RoutingFacts,
    RoutingStepKind,
    route,
)
from keten_shared.errors import InvalidData
from keten_shared.events.catalog.asylum import AcceleratedGround, AdmissibilityGround, EntrySituation, RoutedProcedure

G = AcceleratedGround
A = AdmissibilityGround
P = RoutedProcedure
D = Derogation
K = RoutingStepKind

SETTINGS = AsylumSettings(recognition_rate_threshold=Decimal("0.20"))
NO_CAPACITY = CapacityState(
    load=0, capacity=0, capacity_notified=False, year_count=0, annual_maximum=0, annual_maximum_authorised=False
)
AT_BORDER = BorderFacts(EntrySituation.APPREHENDED)
LOW = {"XA": RateFact("XA", Decimal("0.12"), 2025, "2026-03")}  # scenario 3: 12 %


def rate(country: str, value: str) -> RateFact:
    return RateFact(country, Decimal(value), 2025, "2026-03")


def regime(*derogations: Derogation, kind: CrisisKind = CrisisKind.MASS_ARRIVAL) -> CrisisRegime:
    return CrisisRegime(
        decision_ref="Council Implementing Decision (EU) 2026/0001",
        kind=kind,
        derogations=frozenset(derogations),
        valid_from=date(2026, 10, 1),
        valid_to=date(2026, 12, 31),
    )


def capacity(**changes: Any) -> CapacityState:
    return replace(NO_CAPACITY, **changes)


def run(
    rates: dict[str, RateFact | None] | None = None,
    cap: CapacityState = NO_CAPACITY,
    crisis: CrisisRegime | None = None,
    settings: AsylumSettings = SETTINGS,
    **facts: Any,
) -> Routing:
    facts.setdefault("nationalities", ("XA",))
    return route(RoutingFacts(**facts), {} if rates is None else rates, cap, settings, crisis)


def codes(routing: Routing) -> list[str]:
    return [g.code for g in routing.grounds]


def articles(routing: Routing) -> list[str]:
    return [g.article for g in routing.grounds]


def explained(routing: Routing, kind: RoutingStepKind | None = None) -> str:
    return " | ".join(f"{s.article}: {s.finding}" for s in routing.steps if kind is None or s.step is kind)


# --- §2.1 step 1: subsequent applications (APR 55, 38(2), 42(1)(g)) ---------------------------------------


def test_subsequent_application_goes_to_the_preliminary_examination_first():
    r = run(LOW, subsequent=True, border=AT_BORDER, established_grounds=frozenset({G.SECURITY}))
    assert (r.procedure, r.mandatory, r.grounds) == (P.PRELIMINARY_EXAMINATION, False, ())
    assert [s.step for s in r.steps] == [K.SUBSEQUENT, K.DUBLIN, K.OUTCOME]
    assert r.steps[-1].article == "APR Art 55(3)"
    assert r.border_maximum_weeks is None and not r.counts_against_capacity


def test_subsequent_without_new_elements_is_mandatorily_inadmissible():
    r = run(LOW, subsequent=True, new_elements=False, border=AT_BORDER)
    assert (r.procedure, r.mandatory) == (P.ADMISSIBILITY, True)
    assert (codes(r), articles(r)) == (["SUBSEQUENT_NO_NEW_ELEMENTS"], ["APR Art 38(2)"])
    assert "without new elements" in explained(r, K.SUBSEQUENT)


def test_subsequent_with_new_elements_is_accelerated_on_42_1_g():
    r = run(subsequent=True, new_elements=True)
    assert (r.procedure, r.mandatory) == (P.ACCELERATED, True)
    assert (codes(r), articles(r)) == (["SUBSEQUENT"], ["APR Art 42(1)(g)"])


def test_subsequent_with_new_elements_may_still_be_mandatory_at_the_border():
    r = run(LOW, subsequent=True, new_elements=True, border=AT_BORDER)
    assert (r.procedure, r.mandatory) == (P.BORDER, True)
    assert codes(r) == ["SUBSEQUENT", "LOW_RECOGNITION"]


def test_subsequent_with_new_elements_at_the_border_without_a_mandatory_ground_stays_accelerated():
    r = run(subsequent=True, new_elements=True, border=AT_BORDER)
    assert r.procedure is P.ACCELERATED
    assert "optional and not applied" in explained(r, K.BORDER)


# --- §2.1 step 2: Dublin (APR 39(1)(a)) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "facts",
    [
        {},
        {"border": AT_BORDER},
        {"established_grounds": frozenset({G.INCONSISTENT})},
        {"subsequent": True},
        {"admissibility_grounds": frozenset({A.SAFE_THIRD_COUNTRY})},
    ],
)
def test_dublin_pending_routes_the_case_but_blocks_the_merits(facts):
    free, pending = run(LOW, **facts), run(LOW, dublin_pending=True, **facts)
    assert pending.procedure is free.procedure and pending.grounds == free.grounds
    assert (free.merits_blocked_by_dublin, pending.merits_blocked_by_dublin) == (False, True)
    assert "APR Art 39(1)(a)" in pending.steps[-1].finding


# --- APR 42(1)(j): the recognition-rate ground --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "applies"),
    [("0", True), ("0.12", True), ("0.1999", True), ("0.20", True), ("0.2001", False), ("0.85", False)],
)
def test_recognition_rate_at_or_below_20_percent(value, applies):
    r = run({"XA": rate("XA", value)})
    assert (G.LOW_RECOGNITION.value in codes(r)) is applies
    assert r.procedure is (P.ACCELERATED if applies else P.REGULAR)
    assert r.recognition == rate("XA", value)


def test_recognition_threshold_comes_from_the_settings():
    settings = AsylumSettings(recognition_rate_threshold=Decimal("0.25"))
    assert run({"XA": rate("XA", "0.22")}, settings=settings).procedure is P.ACCELERATED
    assert run({"XA": rate("XA", "0.22")}).procedure is P.REGULAR


def test_the_applied_ground_names_the_rate_and_its_reference_year():
    (ground,) = run(LOW).grounds
    assert (ground.code, ground.article) == ("LOW_RECOGNITION", "APR Art 42(1)(j)")
    assert "12 %" in ground.detail and "2025" in ground.detail and "XA" in ground.detail


@pytest.mark.parametrize("rates", [{}, {"XA": None}], ids=["not in dataset", "no rate"])
def test_missing_rate_is_a_data_gap_and_never_inferred(rates):
    # Edge case 6: nothing is inferred, the ground does not apply, not even at the border.
    r = run(rates, border=AT_BORDER)
    assert r.data_gaps == ("XA",) and r.recognition is None
    assert r.procedure is P.REGULAR and r.grounds == ()
    assert "data gap" in explained(r, K.RECOGNITION_RATE)


def test_stateless_applicant_is_assessed_on_the_former_habitual_residence():
    # Edge case 7: APR 42(1)(j), 61(5)(a).
    rates = {"XA": rate("XA", "0.90"), "XB": rate("XB", "0.10")}
    r = run(rates, nationalities=(), stateless=True, former_habitual_residence="XB")
    assert codes(r) == ["LOW_RECOGNITION"] and r.recognition == rates["XB"]
    assert "61(5)(a)" in explained(r, K.RECOGNITION_RATE)
    high = run(rates, nationalities=(), stateless=True, former_habitual_residence="XA")
    assert high.procedure is P.REGULAR


def test_stateless_applicant_without_former_habitual_residence_gets_no_rate_ground():
    r = run({"XA": rate("XA", "0.10")}, nationalities=(), stateless=True)
    assert r.procedure is P.REGULAR and r.recognition is None
    assert "no former habitual residence" in explained(r, K.RECOGNITION_RATE)


def test_dual_nationality_applies_only_when_every_known_rate_is_at_or_below_the_threshold():
    # Edge case 8 (interpretation): the highest known rate decides.
    both_low = run({"XA": rate("XA", "0.05"), "XB": rate("XB", "0.18")}, nationalities=("XA", "XB"))
    assert codes(both_low) == ["LOW_RECOGNITION"] and both_low.recognition == rate("XB", "0.18")
    one_high = run({"XA": rate("XA", "0.05"), "XB": rate("XB", "0.35")}, nationalities=("XA", "XB"))
    assert one_high.procedure is P.REGULAR and one_high.recognition == rate("XB", "0.35")


def test_dual_nationality_with_a_data_gap_rests_only_on_the_known_rate():
    r = run({"XA": rate("XA", "0.05"), "XB": None}, nationalities=("XA", "XB"))
    assert codes(r) == ["LOW_RECOGNITION"] and r.recognition == rate("XA", "0.05")
    assert r.data_gaps == ("XB",)


def test_repeated_nationality_is_counted_once():
    assert run({"XA": None}, nationalities=("XA", "XA")).data_gaps == ("XA",)


def test_recorded_exception_disables_the_rate_ground():
    exception = "significant change in the country since the Eurostat publication"
    r = run(LOW, border=AT_BORDER, recognition_rate_exception=exception)
    assert r.procedure is P.REGULAR and r.grounds == ()
    assert exception in explained(r, K.RECOGNITION_RATE)
    assert r.recognition == LOW["XA"]


# --- RoutingFacts: inconsistent facts are refused ------------------------------------------------------


@pytest.mark.parametrize(
    "facts",
    [
        {"established_grounds": frozenset({G.LOW_RECOGNITION})},
        {"stateless": True, "former_habitual_residence": "XB"},
        {"new_elements": True},
        {"admissibility_grounds": frozenset({A.SUBSEQUENT_NO_NEW_ELEMENTS})},
        {"subsequent": True, "admissibility_grounds": frozenset({A.SUBSEQUENT_NO_NEW_ELEMENTS})},
        {"established_grounds": frozenset({G.SUBSEQUENT})},
        {"subsequent": True, "new_elements": False, "established_grounds": frozenset({G.SUBSEQUENT})},
    ],
)
def test_inconsistent_facts_are_invalid(facts):
    with pytest.raises(InvalidData):
        RoutingFacts(nationalities=("XA",), **facts)


def test_consistent_subsequent_grounds_are_accepted():
    RoutingFacts(("XA",), subsequent=True, new_elements=True, established_grounds=frozenset({G.SUBSEQUENT}))
    RoutingFacts(
        ("XA",), subsequent=True, new_elements=False, admissibility_grounds=frozenset({A.SUBSEQUENT_NO_NEW_ELEMENTS})
    )


# --- APR 42: accelerated and regular ------------------------------------------------------------------------

ESTABLISHABLE = [g for g in G if g not in (G.LOW_RECOGNITION, G.SUBSEQUENT)]


@pytest.mark.parametrize("ground", ESTABLISHABLE)
def test_every_established_ground_accelerates(ground):
    r = run(established_grounds=frozenset({ground}))
    assert (r.procedure, r.mandatory) == (P.ACCELERATED, True)
    assert (codes(r), articles(r)) == ([ground.value], [ACCELERATED_GROUNDS[ground].article])
    assert r.border_excluded_reason == "APR Art 43(1)(a)-(d): not in one of the four external-border situations"


def test_no_ground_means_the_regular_procedure():
    r = run({"XA": rate("XA", "0.40")})
    assert (r.procedure, r.mandatory, r.grounds) == (P.REGULAR, False, ())
    assert r.steps[-1].article == "APR Art 35(4)"


# --- APR 43(1): may the border procedure apply at all --------------------------------------------------


@pytest.mark.parametrize(
    "border",
    [
        None,
        BorderFacts(None),
        BorderFacts(EntrySituation.APPREHENDED, screened=False),
        BorderFacts(EntrySituation.APPREHENDED, entry_authorised=True),
        BorderFacts(EntrySituation.APPREHENDED, entry_conditions_met=True),
    ],
    ids=["not at the border", "no entry situation", "not screened", "entry authorised", "entry conditions met"],
)
def test_border_procedure_needs_all_the_43_1_conditions(border):
    r = run(LOW, border=border, established_grounds=frozenset({G.SECURITY}))
    assert r.procedure is P.ACCELERATED
    assert r.border_excluded_reason is not None and r.border_excluded_reason.startswith("APR Art 43(1)")
    assert r.border_maximum_weeks is None and not r.counts_against_capacity


@pytest.mark.parametrize("situation", list(EntrySituation))
def test_each_entry_situation_admits_the_border_procedure(situation):
    r = run(LOW, border=BorderFacts(situation))
    assert (r.procedure, r.mandatory, r.counts_against_capacity) == (P.BORDER, True, True)
    assert r.border_excluded_reason is None


# --- APR 45(1): mandatory border procedure; APR 44(1): what the border procedure may decide ----------------


def test_scenario_3_low_recognition_at_the_border_is_mandatory():
    r = run(LOW, border=AT_BORDER)
    assert (r.procedure, r.mandatory, r.counts_against_capacity) == (P.BORDER, True, True)
    assert (codes(r), articles(r)) == (["LOW_RECOGNITION"], ["APR Art 42(1)(j)"])
    assert (r.recognition.rate, r.recognition.reference_year) == (Decimal("0.12"), 2025)
    assert r.border_maximum_weeks == 12
    assert "APR Art 45(1): mandatory on 42(1)(j)" in explained(r, K.BORDER)


@pytest.mark.parametrize("ground", [G.MISLEADING, G.SECURITY])
def test_misleading_and_security_make_the_border_procedure_mandatory(ground):
    r = run(border=AT_BORDER, established_grounds=frozenset({ground}))
    assert (r.procedure, r.mandatory, codes(r)) == (P.BORDER, True, [ground.value])


@pytest.mark.parametrize("ground", [G.IRRELEVANT, G.INCONSISTENT, G.DELAY_REMOVAL, G.SAFE_COUNTRY_ORIGIN])
def test_other_border_merits_grounds_leave_the_border_procedure_optional(ground):
    r = run(border=AT_BORDER, established_grounds=frozenset({ground}))
    assert (r.procedure, r.mandatory, codes(r)) == (P.ACCELERATED, True, [ground.value])
    assert r.border_excluded_reason is not None and r.border_excluded_reason.startswith("APR Art 45(1)")
    assert "optional and not applied" in explained(r, K.BORDER)


@pytest.mark.parametrize("ground", [G.LATE_IRREGULAR, G.LATE_LAWFUL])
def test_late_application_grounds_cannot_be_decided_at_the_border(ground):
    alone = run(border=AT_BORDER, established_grounds=frozenset({ground}))
    assert alone.procedure is P.ACCELERATED
    assert alone.border_excluded_reason is not None and alone.border_excluded_reason.startswith("APR Art 44(1)")
    assert "cannot be decided on the merits at the border" in explained(alone, K.BORDER)
    with_security = run(border=AT_BORDER, established_grounds=frozenset({ground, G.SECURITY}))
    assert (with_security.procedure, codes(with_security)) == (P.BORDER, ["SECURITY"])


# --- APR 42(3), 53(1): unaccompanied minors ----------------------------------------------------------------


def test_scenario_5_uam_with_low_recognition_is_accelerated_under_42_3_e_not_at_the_border():
    r = run(LOW, border=AT_BORDER, unaccompanied_minor=True)
    assert (r.procedure, r.mandatory) == (P.ACCELERATED, True)
    assert (codes(r), articles(r)) == (["LOW_RECOGNITION"], ["APR Art 42(3)(e)"])
    assert r.border_excluded_reason is not None and "APR Art 53(1)" in r.border_excluded_reason
    assert not r.counts_against_capacity


def test_uam_with_security_ground_is_in_the_border_procedure_on_42_3_b_only():
    r = run(LOW, border=AT_BORDER, unaccompanied_minor=True, established_grounds=frozenset({G.SECURITY}))
    assert (r.procedure, r.mandatory) == (P.BORDER, True)
    assert (codes(r), articles(r)) == (["SECURITY"], ["APR Art 42(3)(b)"])
    assert "42(3)(e) cannot be decided on the merits at the border" in explained(r, K.BORDER)


@pytest.mark.parametrize("ground", [G.SAFE_COUNTRY_ORIGIN, G.SECURITY, G.MISLEADING])
def test_uam_grounds_cite_the_42_3_letter(ground):
    r = run(unaccompanied_minor=True, established_grounds=frozenset({ground}))
    assert (r.procedure, articles(r)) == (P.ACCELERATED, [UAM_ARTICLE[ground]])
    assert r.steps[-1].article == "APR Art 42(3)"


def test_uam_subsequent_with_new_elements_cites_42_3_c():
    r = run(unaccompanied_minor=True, subsequent=True, new_elements=True)
    assert articles(r) == ["APR Art 42(3)(c)"]


@pytest.mark.parametrize("ground", [g for g in ESTABLISHABLE if not ACCELERATED_GROUNDS[g].uam_allowed])
def test_uam_is_not_accelerated_on_other_grounds(ground):
    r = run(unaccompanied_minor=True, established_grounds=frozenset({ground}))
    assert (r.procedure, r.grounds) == (P.REGULAR, ())
    assert f"{ACCELERATED_GROUNDS[ground].article.removeprefix('APR Art ')} not applied" in explained(r, K.MINOR)


def test_disputed_age_is_treated_as_a_minor_until_assessed():
    # Edge case 3; edge case 2: once an adult, routing re-run on the same facts treats the person as an adult.
    disputed = run(LOW, border=AT_BORDER, age_disputed=True)
    assert disputed.procedure is P.ACCELERATED and articles(disputed) == ["APR Art 42(3)(e)"]
    assert "age assessment" in explained(disputed, K.MINOR)
    assert run(LOW, border=AT_BORDER).procedure is P.BORDER


# --- APR 53(2): exit conditions; families with minors ------------------------------------------------------


@pytest.mark.parametrize(
    ("border", "article"),
    [
        (BorderFacts(EntrySituation.APPREHENDED, support_for_special_reception_needs=False), "APR Art 53(2)(b)"),
        (BorderFacts(EntrySituation.APPREHENDED, support_for_special_procedural_needs=False), "APR Art 53(2)(c)"),
        (BorderFacts(EntrySituation.APPREHENDED, medical_reasons=True), "APR Art 53(2)(d)"),
        (
            BorderFacts(EntrySituation.APPREHENDED, detention_needed=True, detention_guarantees_met=False),
            "APR Art 53(2)(e)",
        ),
    ],
)
def test_53_2_exit_conditions_exclude_the_border_procedure(border, article):
    # Edge case 18: found during the border procedure, re-routing takes the case out of it.
    r = run(LOW, border=border, established_grounds=frozenset({G.SECURITY}))
    assert (r.procedure, codes(r)) == (P.ACCELERATED, ["SECURITY", "LOW_RECOGNITION"])
    assert r.border_excluded_reason is not None and r.border_excluded_reason.startswith(article)
    assert not r.counts_against_capacity


@pytest.mark.parametrize(
    "border",
    [
        BorderFacts(EntrySituation.APPREHENDED, detention_needed=True, detention_guarantees_met=True),
        BorderFacts(EntrySituation.APPREHENDED, detention_needed=False, detention_guarantees_met=False),
    ],
)
def test_detention_guarantees_matter_only_when_detention_is_needed(border):
    assert run(LOW, border=border).procedure is P.BORDER


def test_scenario_6_security_ground_with_family_is_mandatory_at_the_border():
    r = run(border=AT_BORDER, established_grounds=frozenset({G.SECURITY}), family_with_minors=True)
    assert (r.procedure, r.mandatory, codes(r)) == (P.BORDER, True, ["SECURITY"])
    steps = explained(r, K.BORDER)
    assert "APR Art 45(2): security ground: the family is kept together" in steps
    assert "APR Art 53(2)(b), 54(2)" in steps


def test_scenario_6_no_support_for_the_children_means_no_border_procedure():
    border = BorderFacts(EntrySituation.APPREHENDED, support_for_special_reception_needs=False)
    r = run(border=border, established_grounds=frozenset({G.SECURITY}), family_with_minors=True)
    assert r.procedure is P.ACCELERATED
    assert r.border_excluded_reason is not None and r.border_excluded_reason.startswith("APR Art 53(2)(b)")


def test_family_with_minors_on_low_recognition_only_is_not_kept_together_under_45_2():
    r = run(LOW, border=AT_BORDER, family_with_minors=True)
    assert r.procedure is P.BORDER
    assert "APR Art 45(2)" not in explained(r, K.BORDER)


# --- APR 21(2): special procedural needs without support ----------------------------------------------------


def test_unsupported_special_procedural_needs_mean_neither_border_nor_accelerated():
    r = run(
        LOW, border=AT_BORDER, established_grounds=frozenset({G.SECURITY}), special_procedural_needs_unsupported=True
    )
    assert (r.procedure, r.mandatory, r.grounds) == (P.REGULAR, False, ())
    assert r.border_excluded_reason is not None and r.border_excluded_reason.startswith("APR Art 21(2)")
    assert explained(r, K.SPECIAL_NEEDS).startswith("APR Art 21(2)")


def test_unsupported_special_procedural_needs_also_stop_acceleration_away_from_the_border():
    assert run(LOW, special_procedural_needs_unsupported=True).procedure is P.REGULAR
    r = run(subsequent=True, new_elements=True, special_procedural_needs_unsupported=True)
    assert r.procedure is P.REGULAR


def test_unsupported_special_procedural_needs_leave_admissibility_alone():
    r = run(LOW, special_procedural_needs_unsupported=True, admissibility_grounds=frozenset({A.SAFE_THIRD_COUNTRY}))
    assert (r.procedure, codes(r)) == (P.ADMISSIBILITY, ["SAFE_THIRD_COUNTRY"])


# --- APR 38: admissibility ------------------------------------------------------------------------------------


@pytest.mark.parametrize("ground", [a for a in A if a is not A.SUBSEQUENT_NO_NEW_ELEMENTS])
def test_optional_admissibility_ground_goes_to_admissibility_first(ground):
    r = run(LOW, admissibility_grounds=frozenset({ground}))
    assert (r.procedure, r.mandatory) == (P.ADMISSIBILITY, False)
    assert (codes(r), articles(r)) == ([ground.value], [ADMISSIBILITY_ARTICLE[ground]])


def test_admissibility_at_the_border_without_a_mandatory_ground_is_not_examined_at_the_border():
    r = run(border=AT_BORDER, admissibility_grounds=frozenset({A.SAFE_THIRD_COUNTRY}))
    assert r.procedure is P.ADMISSIBILITY
    assert "the admissibility (APR Art 44(1)(a))" in explained(r, K.BORDER)


def test_admissibility_grounds_are_recorded_in_a_mandatory_border_procedure():
    r = run(
        border=AT_BORDER,
        established_grounds=frozenset({G.SECURITY, G.LATE_LAWFUL}),
        admissibility_grounds=frozenset({A.SAFE_THIRD_COUNTRY, A.FIRST_COUNTRY_OF_ASYLUM}),
    )
    assert r.procedure is P.BORDER
    assert codes(r) == ["SECURITY", "FIRST_COUNTRY_OF_ASYLUM", "SAFE_THIRD_COUNTRY"]
    assert "APR Art 44(1)(a)" in explained(r, K.ADMISSIBILITY)


# --- APR 47-50: adequate capacity and annual maximum ------------------------------------------------------

REACHED = capacity(load=10, capacity=10, capacity_notified=True)
MAXIMUM = capacity(year_count=500, annual_maximum=500, annual_maximum_authorised=True)


def test_capacity_reached_and_notified_relieves_low_recognition_cases():
    # Edge case 10: new 42(1)(j) cases are routed to the accelerated procedure instead.
    r = run(LOW, REACHED, border=AT_BORDER)
    assert (r.procedure, codes(r)) == (P.ACCELERATED, ["LOW_RECOGNITION"])
    assert r.capacity_relief is not None and r.capacity_relief.startswith("APR Art 48")
    assert r.border_excluded_reason is not None and r.border_excluded_reason.startswith("APR Art 48")
    assert not r.counts_against_capacity


@pytest.mark.parametrize(
    "cap",
    [
        capacity(load=10, capacity=10, capacity_notified=False),
        capacity(load=9, capacity=10, capacity_notified=True),
        capacity(load=10, capacity=0, capacity_notified=True),
    ],
    ids=["not notified", "below capacity", "capacity not configured"],
)
def test_no_capacity_relief_without_notified_reached_capacity(cap):
    r = run(LOW, cap, border=AT_BORDER)
    assert (r.procedure, r.capacity_relief) == (P.BORDER, None)


def test_reached_but_unnotified_capacity_is_explained():
    r = run(LOW, capacity(load=10, capacity=10), border=AT_BORDER)
    assert "not notified: no relief" in explained(r, K.BORDER)


def test_capacity_relief_does_not_touch_security_or_misleading():
    for ground in (G.SECURITY, G.MISLEADING):
        r = run(LOW, REACHED, border=AT_BORDER, established_grounds=frozenset({ground}))
        assert (r.procedure, r.capacity_relief) == (P.BORDER, None)
        assert codes(r) == [ground.value, "LOW_RECOGNITION"]


@pytest.mark.parametrize(
    ("rates", "ground", "relieved"),
    [(LOW, None, True), ({}, G.MISLEADING, True), ({}, G.SECURITY, False)],
    ids=["low recognition", "misleading", "security"],
)
def test_annual_maximum_reached_and_authorised_relieves_misleading_and_low_recognition(rates, ground, relieved):
    established = frozenset({ground}) if ground else frozenset()
    r = run(rates, MAXIMUM, border=AT_BORDER, established_grounds=established)
    assert r.procedure is (P.ACCELERATED if relieved else P.BORDER)
    assert (r.capacity_relief is not None and r.capacity_relief.startswith("APR Art 50")) is relieved


def test_annual_maximum_without_implementing_act_gives_no_relief():
    cap = capacity(year_count=500, annual_maximum=500, annual_maximum_authorised=False)
    r = run(LOW, cap, border=AT_BORDER)
    assert (r.procedure, r.capacity_relief) == (P.BORDER, None)
    assert "no implementing act authorises relief: no relief" in explained(r, K.BORDER)


def test_annual_maximum_below_the_count_gives_no_relief():
    cap = capacity(year_count=499, annual_maximum=500, annual_maximum_authorised=True)
    assert run(LOW, cap, border=AT_BORDER).procedure is P.BORDER


def test_relief_of_one_ground_keeps_the_border_mandatory_on_another():
    r = run(LOW, MAXIMUM, border=AT_BORDER, established_grounds=frozenset({G.MISLEADING, G.SECURITY}))
    assert (r.procedure, r.capacity_relief) == (P.BORDER, None)
    assert codes(r) == ["MISLEADING", "SECURITY", "LOW_RECOGNITION"]
    assert "APR Art 45(1): mandatory on 42(1)(f)" in explained(r, K.BORDER)


# --- CR Art 11: crisis derogations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "procedure"),
    [("0.04", P.BORDER), ("0.05", P.BORDER), ("0.0501", P.ACCELERATED), ("0.15", P.ACCELERATED)],
)
def test_scenario_14_crisis_threshold_of_5_percent_for_the_mandatory_border_procedure(value, procedure):
    r = run({"XA": rate("XA", value)}, crisis=regime(D.THRESHOLD_5_PERCENT), border=AT_BORDER)
    assert (r.procedure, codes(r)) == (procedure, ["LOW_RECOGNITION"])
    if procedure is P.ACCELERATED:
        # The 42(1)(j) accelerated ground keeps its 20 % threshold.
        assert r.border_excluded_reason is not None and r.border_excluded_reason.startswith("CR Art 11(3)")
        assert articles(r) == ["APR Art 42(1)(j)"]


def test_without_the_crisis_threshold_derogation_15_percent_is_mandatory_at_the_border():
    rates = {"XA": rate("XA", "0.15")}
    assert run(rates, border=AT_BORDER).procedure is P.BORDER
    assert run(rates, crisis=regime(D.BORDER_PLUS_6_WEEKS), border=AT_BORDER).procedure is P.BORDER


def test_scenario_14_crisis_with_capacity_reached_keeps_low_recognition_out_of_the_border():
    r = run({"XA": rate("XA", "0.04")}, REACHED, crisis=regime(D.THRESHOLD_5_PERCENT), border=AT_BORDER)
    assert r.procedure is P.ACCELERATED
    assert r.capacity_relief is not None and r.capacity_relief.startswith("APR Art 48")


def test_crisis_relief_for_low_recognition_cases():
    crisis = regime(D.BORDER_RELIEF_LOW_RECOGNITION)
    r = run(LOW, crisis=crisis, border=AT_BORDER)
    assert r.procedure is P.ACCELERATED
    assert r.capacity_relief is not None and r.capacity_relief.startswith("CR Art 11(2)")
    security = run(LOW, crisis=crisis, border=AT_BORDER, established_grounds=frozenset({G.SECURITY}))
    assert security.procedure is P.BORDER


@pytest.mark.parametrize(("value", "mentioned"), [("0.50", True), ("0.5001", False)])
def test_crisis_border_merits_up_to_50_percent_are_optional(value, mentioned):
    r = run({"XA": rate("XA", value)}, crisis=regime(D.BORDER_MERITS_50_PERCENT), border=AT_BORDER)
    assert r.procedure is P.REGULAR
    assert ("CR Art 11(4)" in explained(r, K.BORDER)) is mentioned


def test_border_merits_up_to_50_percent_only_with_the_derogation():
    r = run({"XA": rate("XA", "0.40")}, crisis=regime(D.THRESHOLD_5_PERCENT), border=AT_BORDER)
    assert "CR Art 11(4)" not in explained(r)


def test_instrumentalised_applicants_may_have_their_merits_decided_at_the_border():
    crisis = regime(D.INSTRUMENTALISED_ALL_MERITS, kind=CrisisKind.INSTRUMENTALISATION)
    r = run({"XA": rate("XA", "0.70")}, crisis=crisis, border=AT_BORDER, instrumentalised=True)
    assert r.procedure is P.REGULAR
    assert "CR Art 11(6)" in explained(r, K.BORDER)
    other = run({"XA": rate("XA", "0.70")}, crisis=crisis, border=AT_BORDER)
    assert "CR Art 11(6)" not in explained(other)


def test_instrumentalisation_derogation_excludes_children_under_12_and_their_families():
    crisis = regime(D.INSTRUMENTALISED_ALL_MERITS, kind=CrisisKind.INSTRUMENTALISATION)
    r = run({}, crisis=crisis, border=AT_BORDER, instrumentalised=True, minor_under_12_or_family=True)
    assert explained(r, K.BORDER).count("CR Art 11(7)") == 1
    assert "merits of an instrumentalised applicant" not in explained(r)
    # The mandatory APR border procedure itself is unaffected (CR 11(7) last sentence).
    mandatory = run(LOW, crisis=crisis, border=AT_BORDER, instrumentalised=True, minor_under_12_or_family=True)
    assert mandatory.procedure is P.BORDER


@pytest.mark.parametrize(
    ("facts", "stops"),
    [
        ({"border": BorderFacts(EntrySituation.APPREHENDED, medical_reasons=True)}, True),
        ({"border": BorderFacts(EntrySituation.APPREHENDED, support_for_special_reception_needs=False)}, True),
        ({"border": AT_BORDER, "special_procedural_needs_unsupported": True}, True),
        (
            {"border": BorderFacts(EntrySituation.APPREHENDED, detention_needed=True, detention_guarantees_met=False)},
            False,
        ),
    ],
)
def test_crisis_merits_derogations_stop_on_medical_or_unsupported_needs(facts, stops):
    crisis = regime(D.INSTRUMENTALISED_ALL_MERITS, D.BORDER_MERITS_50_PERCENT)
    r = run(LOW, crisis=crisis, instrumentalised=True, **facts)
    assert r.procedure is not P.BORDER
    assert ("CR Art 11(9)" in explained(r, K.BORDER)) is stops


# --- APR 51(2), CR 11(1): border maximum -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("situation", "relocated", "crisis", "weeks"),
    [
        (EntrySituation.APPREHENDED, False, None, 12),
        (EntrySituation.BORDER_CROSSING_POINT, True, None, 16),
        (EntrySituation.RELOCATED, False, None, 16),
        (EntrySituation.APPREHENDED, False, regime(D.BORDER_PLUS_6_WEEKS), 18),
        (EntrySituation.RELOCATED, True, regime(D.BORDER_PLUS_6_WEEKS), 18),
        (EntrySituation.APPREHENDED, False, regime(D.THRESHOLD_5_PERCENT), 12),
    ],
)
def test_border_maximum_weeks(situation, relocated, crisis, weeks):
    r = run({"XA": rate("XA", "0.01")}, crisis=crisis, border=BorderFacts(situation), relocated_67_11=relocated)
    assert (r.procedure, r.border_maximum_weeks) == (P.BORDER, weeks)


# --- the explanation ---------------------------------------------------------------------------------------------


def test_steps_follow_the_routing_order_and_end_with_the_outcome():
    r = run(
        LOW,
        border=BorderFacts(EntrySituation.DISEMBARKED),
        unaccompanied_minor=True,
        established_grounds=frozenset({G.SECURITY}),
        admissibility_grounds=frozenset({A.SAFE_THIRD_COUNTRY}),
    )
    kinds = [s.step for s in r.steps]
    assert kinds[:5] == [K.SUBSEQUENT, K.DUBLIN, K.RECOGNITION_RATE, K.MINOR, K.ACCELERATED_GROUNDS]
    assert kinds[-2:] == [K.ADMISSIBILITY, K.OUTCOME]
    assert set(kinds[5:-2]) == {K.BORDER}
    assert r.steps[-1].finding == "BORDER: mandatory border procedure"
    assert all(s.article.startswith(("APR Art", "CR Art")) for s in r.steps if s.step is not K.DUBLIN)


def test_the_routing_record_carries_the_capacity_count():
    assert asdict(run(LOW, border=AT_BORDER))["counts_against_capacity"] is True
    assert asdict(run(LOW))["counts_against_capacity"] is False


# --- properties ----------------------------------------------------------------------------------------------------

COUNTRIES = ("XA", "XB", "XC")
RATE_VALUES = ("0", "0.04", "0.05", "0.15", "0.20", "0.2001", "0.45", "0.60")


@st.composite
def routing_inputs(
    draw: st.DrawFn,
) -> tuple[RoutingFacts, dict[str, RateFact | None], CapacityState, CrisisRegime | None]:
    subsequent = draw(st.booleans())
    new_elements = draw(st.sampled_from([None, True, False])) if subsequent else None
    stateless = draw(st.booleans())
    border = draw(
        st.none()
        | st.builds(
            BorderFacts,
            entry_situation=st.none() | st.sampled_from(EntrySituation),
            screened=st.booleans(),
            entry_authorised=st.booleans(),
            entry_conditions_met=st.booleans(),
            support_for_special_reception_needs=st.booleans(),
            support_for_special_procedural_needs=st.booleans(),
            medical_reasons=st.booleans(),
            detention_guarantees_met=st.booleans(),
            detention_needed=st.booleans(),
        )
    )
    facts = RoutingFacts(
        nationalities=() if stateless else tuple(draw(st.lists(st.sampled_from(COUNTRIES), max_size=3))),
        stateless=stateless,
        former_habitual_residence=draw(st.none() | st.sampled_from(COUNTRIES)) if stateless else None,
        subsequent=subsequent,
        new_elements=new_elements,
        dublin_pending=draw(st.booleans()),
        established_grounds=draw(st.frozensets(st.sampled_from(ESTABLISHABLE))),
        admissibility_grounds=draw(
            st.frozensets(st.sampled_from([a for a in A if a is not A.SUBSEQUENT_NO_NEW_ELEMENTS]))
        ),
        recognition_rate_exception=draw(st.none() | st.just("not representative")),
        unaccompanied_minor=draw(st.booleans()),
        age_disputed=draw(st.booleans()),
        minor_under_12_or_family=draw(st.booleans()),
        family_with_minors=draw(st.booleans()),
        special_procedural_needs_unsupported=draw(st.booleans()),
        border=border,
        relocated_67_11=draw(st.booleans()),
        instrumentalised=draw(st.booleans()),
    )
    rates = {c: draw(st.none() | st.sampled_from(RATE_VALUES).map(lambda v, c=c: rate(c, v))) for c in COUNTRIES}
    cap = CapacityState(
        load=draw(st.integers(0, 3)),
        capacity=draw(st.integers(0, 3)),
        capacity_notified=draw(st.booleans()),
        year_count=draw(st.integers(0, 3)),
        annual_maximum=draw(st.integers(0, 3)),
        annual_maximum_authorised=draw(st.booleans()),
    )
    crisis = draw(st.none() | st.frozensets(st.sampled_from(Derogation)).map(lambda ds: regime(*ds)))
    return facts, rates, cap, crisis


@given(routing_inputs())
def test_routing_invariants(inputs):
    facts, rates, cap, crisis = inputs
    r = route(facts, rates, cap, SETTINGS, crisis)
    assert route(facts, rates, cap, SETTINGS, crisis) == r  # deterministic
    is_border = r.procedure is P.BORDER
    assert r.counts_against_capacity is is_border
    assert (r.border_maximum_weeks is not None) is is_border
    assert r.mandatory or r.procedure in (P.PRELIMINARY_EXAMINATION, P.ADMISSIBILITY, P.REGULAR)
    assert not (is_border and r.border_excluded_reason) and not (is_border and r.capacity_relief)
    assert r.merits_blocked_by_dublin is facts.dublin_pending
    assert r.steps[-1].step is K.OUTCOME
    order = list(RoutingStepKind)
    assert [order.index(s.step) for s in r.steps] == sorted(order.index(s.step) for s in r.steps)
    # APR 53(1): an unaccompanied minor (or disputed age) without the security ground is never at the border.
    if facts.treated_as_minor and G.SECURITY not in facts.established_grounds:
        assert not is_border
    # APR 21(2): no accelerated or border procedure without adequate support.
    if facts.special_procedural_needs_unsupported:
        assert r.procedure not in (P.BORDER, P.ACCELERATED)
    # APR 42(1)(j), edge case 6: the ground rests on a known rate at or below the threshold, never on a gap.
    if G.LOW_RECOGNITION.value in codes(r):
        assert r.recognition is not None and r.recognition.rate <= SETTINGS.recognition_rate_threshold
        assert r.recognition.country not in r.data_gaps
    # APR 44(1)(b): grounds (h) and (i) are never decided at the border.
    if is_border:
        assert not {"LATE_IRREGULAR", "LATE_LAWFUL"} & set(codes(r))
