"""The AMMR responsibility criteria, end to end through `determine` (dublin.md §1.2-§1.7, §2, §3.4, §7, §8).

Pure: no database. This member state is "NL" unless a test says otherwise; windows use DEFAULT_CONFIG
(INCLUSIVE, time.md §3.6) unless a test checks STRICT_ANNIVERSARY.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import count

import pytest

from keten_dublin.domain import criteria
from keten_dublin.domain.determination import (
    Basis,
    Determination,
    NextAction,
    RegimeNotSupported,
    apply_request_limit,
    determine,
)
from keten_dublin.domain.explanation import Criterion, Flag, Outcome, Reason, Trail
from keten_dublin.domain.facts import (
    Absence,
    AgeAssessmentOutcome,
    BestInterests,
    Case,
    Dependency,
    DependencyGround,
    Diploma,
    Discretion,
    Document,
    DocumentType,
    Entry,
    EntryKind,
    EurodacHit,
    Evidence,
    FamilyMember,
    FamilyStatus,
    GroupMember,
    HitCategory,
    Person,
    Relation,
    Relocation,
)
from keten_shared.deadlines import DEFAULT_CONFIG, DeadlineConfig, WindowBoundary

C = Criterion
SELF, TAKE_CHARGE, TAKE_BACK = NextAction.SELF, NextAction.TAKE_CHARGE, NextAction.TAKE_BACK
STRICT = DeadlineConfig(window_boundary=WindowBoundary.STRICT_ANNIVERSARY)
HIT_AT = datetime.fromisoformat("2026-07-02T10:00:00+02:00")
# AMMR Part III Chapter II, the criteria proper (Arts 25-33).
CHAPTER_II = {
    C.UAM_FAMILY,
    C.UAM_RELATIVE,
    C.UAM_FIRST_APPLICATION,
    C.FAMILY_BENEFICIARY,
    C.FAMILY_APPLICANT,
    C.DOCUMENTS,
    C.DIPLOMA,
    C.VISA_WAIVED_ENTRY,
    C.AIRPORT_TRANSIT,
    C.IRREGULAR_ENTRY,
}
_ids = count(1)


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- builders ---------------------------------------------------------------------------------------

_TUPLES = ("family", "documents", "diplomas", "entries", "eurodac_hits", "absences", "relocations", "family_group")


def make_case(registered: str = "2026-07-15", **facts: object) -> Case:
    """A case registered in NL; the security check was done and found nothing unless a test says otherwise."""
    facts.setdefault("determining_ms", "NL")
    facts.setdefault("security_threat", False)
    for key in _TUPLES:
        if key in facts:
            facts[key] = tuple(facts[key])  # type: ignore[arg-type]
    if isinstance(facts.get("first_registration_on"), str):
        facts["first_registration_on"] = d(facts["first_registration_on"])  # type: ignore[arg-type]
    return Case(registered_on=d(registered), **facts)  # type: ignore[arg-type]


def run(case: Case, *, today: str | None = None, config: DeadlineConfig = DEFAULT_CONFIG) -> Determination:
    return determine(case, today=d(today) if today else case.registered_on, config=config)


def member(relation: Relation, ms: str, status: FamilyStatus, **kw: object) -> FamilyMember:
    kw.setdefault("written_consent", True)
    kw.setdefault("legally_present", True)
    if isinstance(kw.get("status_since"), str):
        kw["status_since"] = d(kw["status_since"])  # type: ignore[arg-type]
    if isinstance(kw.get("first_instance_decision_on"), str):
        kw["first_instance_decision_on"] = d(kw["first_instance_decision_on"])  # type: ignore[arg-type]
    return FamilyMember(
        id=f"{relation.value.lower()}-{next(_ids)}", relation=relation, member_state=ms, status=status, **kw
    )  # type: ignore[arg-type]


def document(
    ms: str, valid_from: str, valid_until: str, type: DocumentType = DocumentType.VISA_SHORT_STAY, **kw: object
) -> Document:
    if isinstance(kw.get("withdrawn_on"), str):
        kw["withdrawn_on"] = d(kw["withdrawn_on"])  # type: ignore[arg-type]
    return Document(
        id=f"{type.value.lower()}-{ms}-{next(_ids)}",
        type=type,
        issuing_ms=ms,
        valid_from=d(valid_from),
        valid_until=d(valid_until),
        **kw,  # type: ignore[arg-type]
    )


def residence(ms: str, valid_from: str, valid_until: str, **kw: object) -> Document:
    return document(ms, valid_from, valid_until, DocumentType.RESIDENCE_DOCUMENT, **kw)


def diploma(ms: str, issued: str, **kw: object) -> Diploma:
    kw.setdefault("study_days", 730)
    kw.setdefault("at_least_one_academic_year", True)
    kw.setdefault("isced_level", 6)
    return Diploma(id=f"diploma-{ms}-{next(_ids)}", issuing_ms=ms, issued_on=d(issued), **kw)  # type: ignore[arg-type]


def entry(ms: str, on: str, kind: EntryKind = EntryKind.IRREGULAR_CROSSING, **kw: object) -> Entry:
    return Entry(id=f"entry-{ms}-{next(_ids)}", kind=kind, member_state=ms, on=d(on), **kw)  # type: ignore[arg-type]


def hit(category: HitCategory, ms: str, recorded: str, received: datetime = HIT_AT, **kw: object) -> EurodacHit:
    if isinstance(kw.get("border_rejection_final_on"), str):
        kw["border_rejection_final_on"] = d(kw["border_rejection_final_on"])  # type: ignore[arg-type]
    return EurodacHit(
        id=f"hit-{category.value.lower()}-{ms}-{next(_ids)}",
        category=category,
        member_state=ms,
        recorded_on=d(recorded),
        received_at=received,
        **kw,  # type: ignore[arg-type]
    )


def uam(dob: str = "2010-03-01", **kw: object) -> Person:
    return Person(date_of_birth=d(dob), unaccompanied=True, **kw)  # type: ignore[arg-type]


# --- assertions -------------------------------------------------------------------------------------


def reasons(det: Determination, criterion: Criterion, outcome: Outcome | None = None) -> list[Reason]:
    return [r for r in det.reasons if r.criterion is criterion and (outcome is None or r.outcome is outcome)]


def applied(det: Determination) -> Reason:
    """The reason that designated the responsible member state: the last APPLIES of the deciding criterion."""
    found = reasons(det, det.criterion, Outcome.APPLIES)  # type: ignore[arg-type]
    assert found, f"no APPLIES reason for {det.criterion} in {det.reasons}"
    assert found[-1].member_state == det.responsible_ms
    return found[-1]


def details(det: Determination, criterion: Criterion, outcome: Outcome | None = None) -> str:
    return " | ".join(r.detail for r in reasons(det, criterion, outcome))


def assert_result(det: Determination, ms: str | None, article: str, action: NextAction) -> None:
    assert (det.responsible_ms, det.article, det.next_action) == (ms, article, action), det.reasons


def assert_default(det: Determination, ms: str = "NL") -> None:
    """AMMR Art 16(2): no criterion applies; the first member state of registration is responsible."""
    assert_result(det, ms, "AMMR Art 16(2)", SELF if ms == det.determining_ms else TAKE_CHARGE)
    assert det.basis is Basis.DEFAULT_16_2
    assert not [r for r in det.reasons if r.criterion in CHAPTER_II and r.outcome is Outcome.APPLIES]
    assert "no criterion applies" in applied(det).detail


# === 1. Boundary days of the eligibility windows (time.md §3.6, dublin.md §7 "Boundary days") ===========


def test_art_33_1_twenty_months_clipped_to_30_september_is_inside():
    # Scenario 2: 2025-01-31 + 20 months = 2026-09-31 -> 2026-09-30.
    det = run(make_case("2026-09-30", entries=[entry("IT", "2025-01-31")]))
    assert_result(det, "IT", "AMMR Art 33(1)", TAKE_CHARGE)
    assert "2026-09-30" in applied(det).detail


def test_art_33_1_lapsed_the_day_after_twenty_months():
    det = run(make_case("2026-10-01", entries=[entry("IT", "2025-01-31")]))
    assert_default(det)
    assert "more than 20 months" in details(det, C.IRREGULAR_ENTRY, Outcome.NOT_MET)


def test_art_33_1_strict_anniversary_does_not_shorten_a_more_than_window():
    # time.md §3.6: STRICT_ANNIVERSARY only affects "less than X" windows.
    det = run(make_case("2026-09-30", entries=[entry("IT", "2025-01-31")]), config=STRICT)
    assert_result(det, "IT", "AMMR Art 33(1)", TAKE_CHARGE)


def test_art_33_2_sar_twelve_months_last_day_inside():
    # Scenario 3.
    det = run(make_case("2026-07-15", entries=[entry("MT", "2025-07-15", EntryKind.SAR_DISEMBARKATION)]))
    assert_result(det, "MT", "AMMR Art 33(2)", TAKE_CHARGE)
    assert "search and rescue" in applied(det).detail


def test_art_33_2_sar_lapsed_the_day_after_twelve_months():
    det = run(make_case("2026-07-16", entries=[entry("MT", "2025-07-15", EntryKind.SAR_DISEMBARKATION)]))
    assert_default(det)
    assert "more than 12 months" in details(det, C.IRREGULAR_ENTRY, Outcome.NOT_MET)


def test_art_29_4_expired_visa_eighteen_months_clipped_is_inside():
    # Scenario 4 / time.md W10: 2025-03-31 + 18 months = 2026-09-30.
    det = run(make_case("2026-09-30", documents=[document("FR", "2025-03-01", "2025-03-31")]))
    assert_result(det, "FR", "AMMR Art 29(4)", TAKE_CHARGE)
    assert "Art 29(4) window" in applied(det).detail


def test_art_29_4_expired_visa_ignored_the_day_after():
    det = run(make_case("2026-10-01", documents=[document("FR", "2025-03-01", "2025-03-31")]))
    assert_default(det)
    assert "2026-09-30" in details(det, C.DOCUMENTS, Outcome.NOT_MET)


def test_art_29_4_expired_visa_strict_anniversary_already_ignored_on_30_september():
    det = run(make_case("2026-09-30", documents=[document("FR", "2025-03-01", "2025-03-31")]), config=STRICT)
    assert_default(det)
    assert "2026-09-29" in details(det, C.DOCUMENTS, Outcome.NOT_MET)


def test_art_29_4_expired_residence_document_three_years_last_day_inside():
    # Scenario 6.
    det = run(make_case("2026-07-20", documents=[residence("BE", "2021-07-21", "2023-07-20")]))
    assert_result(det, "BE", "AMMR Art 29(4)", TAKE_CHARGE)


def test_art_29_4_expired_residence_document_ignored_the_day_after():
    det = run(make_case("2026-07-21", documents=[residence("BE", "2021-07-21", "2023-07-20")]))
    assert_default(det)
    assert "outside the window" in details(det, C.DOCUMENTS, Outcome.NOT_MET)


def test_art_29_4_expired_residence_document_strict_anniversary_ignored_on_the_anniversary():
    det = run(make_case("2026-07-20", documents=[residence("BE", "2021-07-21", "2023-07-20")]), config=STRICT)
    assert_default(det)


@pytest.mark.parametrize(("registered", "counts"), [("2026-07-20", True), ("2026-07-21", False)])
def test_art_29_4_withdrawn_document_counts_from_its_withdrawal_date(registered, counts):
    # dublin.md §7: the revocation/annulment date starts the window, not the printed expiry.
    permit = residence("BE", "2022-01-01", "2030-12-31", withdrawn_on="2023-07-20")
    det = run(make_case(registered, documents=[permit]))
    if counts:
        assert_result(det, "BE", "AMMR Art 29(4)", TAKE_CHARGE)
    else:
        assert_default(det)
        assert "ended on 2023-07-20" in details(det, C.DOCUMENTS, Outcome.NOT_MET)


def test_art_30_diploma_six_years_last_day_outranks_irregular_entry():
    # Scenario 7: 2020-07-15 + 6 years = 2026-07-15, inside; Art 30 comes before Art 33.
    det = run(make_case("2026-07-15", diplomas=[diploma("NL", "2020-07-15")], entries=[entry("GR", "2026-05-01")]))
    assert_result(det, "NL", "AMMR Art 30(1)", SELF)
    assert reasons(det, C.IRREGULAR_ENTRY)[-1].outcome is Outcome.NOT_REACHED


def test_art_30_diploma_ignored_the_day_after_six_years_so_greece_by_irregular_entry():
    det = run(make_case("2026-07-16", diplomas=[diploma("NL", "2020-07-15")], entries=[entry("GR", "2026-05-01")]))
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)
    assert "6 years or more" in details(det, C.DIPLOMA, Outcome.NOT_MET)


def test_art_30_diploma_strict_anniversary_ignored_on_the_anniversary():
    det = run(
        make_case("2026-07-15", diplomas=[diploma("NL", "2020-07-15")], entries=[entry("GR", "2026-05-01")]),
        config=STRICT,
    )
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)


# === 2. Hierarchy (Art 24(1)) and freezing (Art 24(2)) ==================================================

# Each level adds one fact that designates a different member state; removing the higher levels
# one by one shows the order of the articles.
_LEVELS = [
    (
        C.FAMILY_BENEFICIARY,
        "DE",
        "AMMR Art 26(1)",
        {"family": (member(Relation.SPOUSE, "DE", FamilyStatus.BENEFICIARY),)},
    ),
    (
        C.FAMILY_APPLICANT,
        "BE",
        "AMMR Art 27",
        {"family": (member(Relation.CHILD, "BE", FamilyStatus.APPLICANT, unmarried_minor=True),)},
    ),
    (C.DOCUMENTS, "FR", "AMMR Art 29(1)", {"documents": (document("FR", "2026-06-01", "2026-08-31"),)}),
    (C.DIPLOMA, "AT", "AMMR Art 30(1)", {"diplomas": (diploma("AT", "2024-06-30"),)}),
    (C.VISA_WAIVED_ENTRY, "PT", "AMMR Art 31(1)", {"entries": (entry("PT", "2026-06-15", EntryKind.VISA_WAIVED),)}),
    (C.AIRPORT_TRANSIT, "ES", "AMMR Art 32", {"airport_transit_ms": "ES"}),
    (C.IRREGULAR_ENTRY, "GR", "AMMR Art 33(1)", {"entries": (entry("GR", "2026-05-01"),)}),
]


def _hierarchy_case(from_level: int) -> Case:
    facts: dict[str, object] = {}
    for _, _, _, level_facts in _LEVELS[from_level:]:
        for key, value in level_facts.items():
            facts[key] = facts[key] + value if isinstance(value, tuple) and key in facts else value  # type: ignore[operator]
    return make_case("2026-07-15", first_registration_ms="IT", first_registration_on="2026-07-10", **facts)


@pytest.mark.parametrize("level", range(len(_LEVELS)), ids=[c.value for c, *_ in _LEVELS])
def test_art_24_1_the_first_criterion_in_article_order_wins(level):
    criterion, ms, article, _ = _LEVELS[level]
    det = run(_hierarchy_case(level))
    assert_result(det, ms, article, TAKE_CHARGE)
    assert det.criterion is criterion
    assert det.basis is Basis.CRITERION
    for later, *_ in _LEVELS[level + 1 :]:
        assert [r.outcome for r in reasons(det, later)] == [Outcome.NOT_REACHED], later
        assert "applied first (Art 24(1))" in details(det, later)


def test_art_16_2_default_is_the_member_state_of_first_registration():
    det = run(_hierarchy_case(len(_LEVELS)))
    assert_default(det, "IT")
    assert "IT" in applied(det).detail


def test_art_24_2_family_status_granted_after_first_registration_is_ignored_and_flagged():
    spouse = member(Relation.SPOUSE, "DE", FamilyStatus.BENEFICIARY, status_since="2026-07-05")
    det = run(make_case("2026-07-15", first_registration_ms="IT", first_registration_on="2026-07-01", family=[spouse]))
    assert_default(det, "IT")
    assert Flag.POST_FREEZE_FAMILY_CHANGE in det.flags
    assert "Art 24(2)" in details(det, C.FAMILY_BENEFICIARY, Outcome.NOT_MET)
    assert det.frozen_on == d("2026-07-01")


def test_art_24_2_family_status_granted_before_first_registration_counts():
    spouse = member(Relation.SPOUSE, "DE", FamilyStatus.BENEFICIARY, status_since="2026-06-30")
    det = run(make_case("2026-07-15", first_registration_ms="IT", first_registration_on="2026-07-01", family=[spouse]))
    assert_result(det, "DE", "AMMR Art 26(1)", TAKE_CHARGE)
    assert Flag.POST_FREEZE_FAMILY_CHANGE not in det.flags


def test_art_24_2_visa_issued_after_the_freeze_date_is_ignored():
    visa = document("FR", "2026-07-05", "2026-09-30")
    det = run(make_case("2026-07-15", first_registration_ms="IT", first_registration_on="2026-07-01", documents=[visa]))
    assert_default(det, "IT")
    assert "issued after the situation was frozen on 2026-07-01" in details(det, C.DOCUMENTS, Outcome.NOT_MET)


# === 3. Art 29: several documents, representation, fraud ================================================


def test_art_29_3_b_two_visas_of_the_same_type_latest_expiry_wins():
    # Scenario 5.
    it_visa = document("IT", "2026-06-01", "2026-07-30")
    es_visa = document("ES", "2026-06-15", "2026-08-15")
    det = run(make_case("2026-07-10", documents=[it_visa, es_visa]))
    assert_result(det, "ES", "AMMR Art 29(3)(b)", TAKE_CHARGE)
    assert it_visa.id in applied(det).detail
    assert [r.member_state for r in reasons(det, C.DOCUMENTS, Outcome.DISPLACED)] == ["IT"]
    assert it_visa.id in details(det, C.DOCUMENTS, Outcome.DISPLACED)


def test_art_29_3_c_visas_of_different_types_longest_validity_wins():
    # Scenario 5 variant: PL long-stay (365 days) vs DE short-stay (90 days) that expires later.
    pl_visa = document("PL", "2025-09-01", "2026-08-31", DocumentType.VISA_LONG_STAY)
    de_visa = document("DE", "2026-06-15", "2026-09-12")
    det = run(make_case("2026-07-10", documents=[de_visa, pl_visa]))
    assert_result(det, "PL", "AMMR Art 29(3)(c)", TAKE_CHARGE)
    assert de_visa.id in details(det, C.DOCUMENTS, Outcome.DISPLACED)


def test_art_29_3_a_residence_document_before_visas():
    permit = residence("SE", "2025-01-01", "2026-08-01")
    visas = [document("FR", "2026-06-01", "2026-12-31"), document("DE", "2026-05-01", "2027-04-30")]
    det = run(make_case("2026-07-10", documents=[*visas, permit]))
    assert_result(det, "SE", "AMMR Art 29(3)(a)", TAKE_CHARGE)
    assert {r.member_state for r in reasons(det, C.DOCUMENTS, Outcome.DISPLACED)} == {"FR", "DE"}
    assert all(v.id in applied(det).detail for v in visas)


def test_art_29_2_visa_issued_under_representation_designates_the_represented_state():
    visa = document("BE", "2026-06-01", "2026-08-31", represented_ms="LU")
    det = run(make_case("2026-07-10", documents=[visa]))
    assert_result(det, "LU", "AMMR Art 29(2)", TAKE_CHARGE)
    assert "issued by BE representing LU" in applied(det).detail


def test_art_29_5_fraudulent_visa_still_allocates_to_the_issuer():
    visa = document("FR", "2026-06-01", "2026-08-31", obtained_by_fraud=True)
    det = run(make_case("2026-07-10", documents=[visa]))
    assert_result(det, "FR", "AMMR Art 29(1)", TAKE_CHARGE)
    assert Flag.FRAUDULENT_DOCUMENT in det.flags


def test_art_29_5_fraud_shown_to_be_after_issue_does_not_allocate():
    visa = document("FR", "2026-06-01", "2026-08-31", obtained_by_fraud=True, fraud_after_issue_shown=True)
    det = run(make_case("2026-07-10", documents=[visa]))
    assert_default(det)
    fraud = reasons(det, C.DOCUMENTS, Outcome.NOT_MET)
    assert [r.article for r in fraud] == ["AMMR Art 29(5)"]
    assert "after issue" in fraud[0].detail


# === 4. Family members (Arts 2(8), 26, 27) ================================================================


def test_art_26_family_member_beneficiary_with_written_consent():
    det = run(make_case(family=[member(Relation.SPOUSE, "DE", FamilyStatus.BENEFICIARY)]))
    assert_result(det, "DE", "AMMR Art 26(1)", TAKE_CHARGE)
    assert "consented in writing" in applied(det).detail


def test_art_26_long_term_resident_and_naturalised_former_beneficiary_count():
    for status in (FamilyStatus.LONG_TERM_RESIDENT, FamilyStatus.NATURALISED_FORMER_BENEFICIARY):
        det = run(make_case(family=[member(Relation.SPOUSE, "DE", status)]))
        assert_result(det, "DE", "AMMR Art 26(1)", TAKE_CHARGE)


def test_art_26_without_written_consent_does_not_apply():
    spouse = member(Relation.SPOUSE, "DE", FamilyStatus.BENEFICIARY, written_consent=False)
    det = run(make_case(family=[spouse]))
    assert_default(det)
    assert "in writing" in details(det, C.FAMILY_BENEFICIARY, Outcome.NOT_MET)
    assert Flag.HUMANITARIAN_CANDIDATE in det.flags


def test_art_27_spouse_applicant_without_first_instance_decision():
    # Scenario 9.
    spouse = member(Relation.SPOUSE, "BE", FamilyStatus.APPLICANT, status_since="2026-05-04")
    det = run(make_case("2026-08-03", family=[spouse]))
    assert_result(det, "BE", "AMMR Art 27", TAKE_CHARGE)
    assert "without a first-instance decision" in applied(det).detail


def test_art_27_not_met_when_the_spouse_had_a_first_instance_decision_before_registration():
    # Scenario 9 variant: decision on 2026-07-30, registration on 2026-08-03 -> next criterion; consider Art 35(2).
    spouse = member(
        Relation.SPOUSE,
        "BE",
        FamilyStatus.APPLICANT,
        status_since="2026-05-04",
        first_instance_decision_on="2026-07-30",
    )
    det = run(make_case("2026-08-03", family=[spouse], entries=[entry("GR", "2026-06-01")]))
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)
    assert "first-instance decision on 2026-07-30" in details(det, C.FAMILY_APPLICANT, Outcome.NOT_MET)
    assert Flag.HUMANITARIAN_CANDIDATE in det.flags


def test_art_27_without_written_consent_does_not_apply():
    spouse = member(Relation.SPOUSE, "BE", FamilyStatus.APPLICANT, written_consent=False)
    det = run(make_case("2026-08-03", family=[spouse]))
    assert_default(det)
    assert "in writing" in details(det, C.FAMILY_APPLICANT, Outcome.NOT_MET)


def test_family_member_with_unknown_status_never_designates_and_is_explained():
    spouse = member(Relation.SPOUSE, "DE", FamilyStatus.UNKNOWN)
    det = run(make_case(family=[spouse]))
    assert_default(det)
    assert Flag.FAMILY_STATUS_UNKNOWN in det.flags
    explained = reasons(det, C.FAMILY_BENEFICIARY, Outcome.NOT_MET)
    assert any(spouse.id in r.detail and "not established" in r.detail for r in explained)


@pytest.mark.parametrize(
    ("recognised", "expected"), [(True, "DE"), (False, "NL"), (None, "NL")], ids=["recognised", "not", "unknown"]
)
def test_art_2_8_a_partner_counts_only_where_the_partnership_is_recognised(recognised, expected):
    partner = member(Relation.PARTNER, "DE", FamilyStatus.BENEFICIARY, partnership_recognised=recognised)
    det = run(make_case(family=[partner]))
    if expected == "DE":
        assert_result(det, "DE", "AMMR Art 26(1)", TAKE_CHARGE)
    else:
        assert_default(det)
    assert (Flag.FAMILY_STATUS_UNKNOWN in det.flags) is (recognised is None)


def test_art_2_8_c_parent_is_no_family_member_of_an_adult_applicant():
    parent = member(Relation.PARENT, "DE", FamilyStatus.BENEFICIARY)
    det = run(make_case(person=Person(date_of_birth=d("1990-01-01")), family=[parent]))
    assert_default(det)


def test_art_2_8_c_parent_is_a_family_member_of_a_minor_applicant():
    parent = member(Relation.PARENT, "DE", FamilyStatus.BENEFICIARY)
    det = run(make_case(person=Person(date_of_birth=d("2012-01-01")), family=[parent]))
    assert_result(det, "DE", "AMMR Art 26(1)", TAKE_CHARGE)


def test_art_2_8_family_formed_after_arrival_does_not_count():
    spouse = member(Relation.SPOUSE, "DE", FamilyStatus.BENEFICIARY, formed_before_arrival=False)
    assert_default(run(make_case(family=[spouse])))


# === 5. Unaccompanied minors (Art 25) ======================================================================


def _sibling(ms: str = "SE", **kw: object) -> FamilyMember:
    return member(Relation.SIBLING, ms, FamilyStatus.OTHER_LEGAL_RESIDENT, **kw)


def _scenario_8(**person: object) -> Case:
    # Turns 18 on 2026-10-01; registered 2026-07-01; best-interests assessment positive.
    return make_case(
        "2026-07-01",
        person=uam("2008-10-01", **person),
        family=[_sibling()],
        best_interests=BestInterests(assessed_on=d("2026-07-10")),
    )


def test_art_25_2_sibling_legally_present_scenario_8():
    det = run(_scenario_8(), today="2026-09-30")
    assert_result(det, "SE", "AMMR Art 25(2)", TAKE_CHARGE)
    assert det.criterion is C.UAM_FAMILY
    assert "legally present in SE" in applied(det).detail
    assert Flag.UAM_NOW_ADULT not in det.flags
    assert [r.outcome for r in reasons(det, C.FAMILY_BENEFICIARY)] == []  # Art 25(1): only Art 25 applies


def test_art_25_2_criteria_stay_frozen_after_the_eighteenth_birthday_and_flag_it():
    # dublin.md §7: the UAM criteria still apply; the Art 39(1) exception after majority is for review.
    det = run(_scenario_8(), today="2026-10-01")
    assert_result(det, "SE", "AMMR Art 25(2)", TAKE_CHARGE)
    assert Flag.UAM_NOW_ADULT in det.flags


def test_art_25_uam_now_adult_flagged_also_when_an_age_assessment_confirmed_minority():
    # The assessment is the result as of the first registration (facts.Person); today's age follows from the
    # date of birth, so a minor assessed as such who has since turned 18 must still be flagged (§7).
    det = run(_scenario_8(age_assessment=AgeAssessmentOutcome.MINOR), today="2026-10-02")
    assert_result(det, "SE", "AMMR Art 25(2)", TAKE_CHARGE)
    assert Flag.AGE_DISPUTE not in det.flags
    assert Flag.UAM_NOW_ADULT in det.flags


def test_art_25_3_relative_who_can_care():
    aunt = member(Relation.RELATIVE, "DE", FamilyStatus.OTHER_LEGAL_RESIDENT, can_care=True)
    det = run(make_case(person=uam(), family=[aunt], best_interests=BestInterests(assessed_on=d("2026-07-15"))))
    assert_result(det, "DE", "AMMR Art 25(3)", TAKE_CHARGE)
    assert det.criterion is C.UAM_RELATIVE
    assert "no family member or sibling" in details(det, C.UAM_FAMILY, Outcome.NOT_MET)


def test_art_25_3_relative_who_cannot_care_does_not_designate():
    aunt = member(Relation.RELATIVE, "DE", FamilyStatus.OTHER_LEGAL_RESIDENT, can_care=False)
    det = run(make_case(person=uam(), family=[aunt], best_interests=BestInterests(assessed_on=d("2026-07-15"))))
    assert_result(det, "NL", "AMMR Art 25(5)", SELF)


def test_art_25_4_family_in_two_member_states_best_interests_choice_decides():
    parent = member(Relation.PARENT, "DE", FamilyStatus.OTHER_LEGAL_RESIDENT)
    interests = BestInterests(assessed_on=d("2026-07-15"), preferred_ms="DE")
    det = run(make_case(person=uam(), family=[_sibling(), parent], best_interests=interests))
    assert_result(det, "DE", "AMMR Art 25(4)", TAKE_CHARGE)
    assert "DE chosen on the child's best interests" in applied(det).detail


def test_art_25_4_family_in_two_member_states_without_a_choice_needs_an_assessment():
    parent = member(Relation.PARENT, "DE", FamilyStatus.OTHER_LEGAL_RESIDENT)
    det = run(make_case(person=uam(), family=[_sibling(), parent]))
    assert_result(det, None, "AMMR Art 25", NextAction.ASSESSMENT_NEEDED)
    assert Flag.BEST_INTERESTS_CHOICE_NEEDED in det.flags
    assert "DE, SE" in details(det, C.UAM_FAMILY, Outcome.NOT_MET)


def test_art_25_5_no_family_first_registration_member_state():
    det = run(
        make_case(
            person=uam(),
            first_registration_ms="IT",
            first_registration_on="2026-07-01",
            best_interests=BestInterests(assessed_on=d("2026-07-15")),
        )
    )
    assert_result(det, "IT", "AMMR Art 25(5)", TAKE_CHARGE)
    assert det.criterion is C.UAM_FIRST_APPLICATION
    assert "first registered in IT" in applied(det).detail


def test_art_25_2_best_interests_against_a_member_state_skips_it():
    interests = BestInterests(assessed_on=d("2026-07-15"), against_ms=frozenset({"SE"}))
    det = run(make_case(person=uam(), family=[_sibling()], best_interests=interests))
    assert_result(det, "NL", "AMMR Art 25(5)", SELF)
    assert "best interests" in details(det, C.UAM_FAMILY, Outcome.NOT_MET)


def test_art_25_family_member_with_unknown_status_never_designates():
    sibling = member(Relation.SIBLING, "SE", FamilyStatus.UNKNOWN)
    det = run(make_case(person=uam(), family=[sibling], best_interests=BestInterests(assessed_on=d("2026-07-15"))))
    assert Flag.FAMILY_STATUS_UNKNOWN in det.flags
    assert "not established" in details(det, C.UAM_FAMILY, Outcome.NOT_MET)
    assert_result(det, "NL", "AMMR Art 25(5)", SELF)


def test_age_dispute_assessment_adult_decides_against_a_minor_date_of_birth():
    # dublin.md §7: the age assessment as of first registration decides; both branches are flagged.
    person = uam("2010-03-01", age_assessment=AgeAssessmentOutcome.ADULT)
    det = run(make_case(person=person, family=[_sibling()]))
    assert_default(det)  # a sibling is no Art 26 family member of an adult
    assert Flag.AGE_DISPUTE in det.flags
    assert [r.outcome for r in reasons(det, C.UAM_FAMILY)] == [Outcome.NOT_APPLICABLE]


def test_age_dispute_assessment_minor_decides_against_an_adult_date_of_birth():
    person = uam("2000-03-01", age_assessment=AgeAssessmentOutcome.MINOR)
    det = run(make_case(person=person, family=[_sibling()]))
    assert_result(det, "SE", "AMMR Art 25(2)", TAKE_CHARGE)
    assert Flag.AGE_DISPUTE in det.flags


# === 6. Art 33 details and the hit that starts the request limit (Art 39(1)) ==============================


def test_art_33_1_eurodac_irregular_crosser_hit_counts_scenario_1():
    crossing = hit(HitCategory.IRREGULAR_CROSSER, "GR", "2026-03-01")
    det = run(make_case("2026-07-01", eurodac_hits=[crossing]))
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)
    assert crossing.id in det.evidence_ids
    assert det.hit_received_at == HIT_AT


def test_art_33_2_eurodac_sar_hit_counts_and_starts_the_request_limit():
    det = run(make_case("2026-07-01", eurodac_hits=[hit(HitCategory.SAR, "MT", "2026-04-01")]))
    assert_result(det, "MT", "AMMR Art 33(2)", TAKE_CHARGE)
    assert det.hit_received_at == HIT_AT


def test_illegally_staying_hit_is_no_crossing():
    det = run(make_case("2026-07-01", eurodac_hits=[hit(HitCategory.ILLEGALLY_STAYING, "DE", "2026-05-01")]))
    assert_default(det)
    assert [r.outcome for r in reasons(det, C.IRREGULAR_ENTRY)] == [Outcome.NOT_APPLICABLE]


def test_illegally_staying_hit_does_not_start_the_shorter_request_limit():
    # AMMR 39(1): only Eurodac Art 22 and 24 data (and VIS) shorten the limit; the crossing is shown by tickets.
    tickets = entry("GR", "2026-06-01", evidence=Evidence.CIRCUMSTANTIAL)
    staying = hit(HitCategory.ILLEGALLY_STAYING, "DE", "2026-06-20")
    det = run(make_case("2026-07-01", entries=[tickets], eurodac_hits=[staying]))
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)
    assert det.hit_received_at is None


def test_vis_hit_starts_the_shorter_request_limit():
    received = datetime.fromisoformat("2026-07-03T09:00:00+02:00")
    visa = document("FR", "2026-06-01", "2026-08-31", vis_hit_received_at=received)
    det = run(make_case("2026-07-01", documents=[visa]))
    assert_result(det, "FR", "AMMR Art 29(1)", TAKE_CHARGE)
    assert det.hit_received_at == received


def test_art_33_two_eurodac_crossings_earliest_wins_and_conflict_is_flagged():
    gr = hit(HitCategory.IRREGULAR_CROSSER, "GR", "2026-03-01")
    hu = hit(HitCategory.IRREGULAR_CROSSER, "HU", "2026-04-10")
    det = run(make_case("2026-07-01", eurodac_hits=[hu, gr]))
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)
    assert Flag.EVIDENCE_CONFLICT in det.flags
    assert "HU on 2026-04-10" in details(det, C.IRREGULAR_ENTRY, Outcome.DISPLACED)


def test_art_40_3_proof_outranks_an_earlier_circumstantial_statement():
    statement = entry("BG", "2026-02-01", evidence=Evidence.CIRCUMSTANTIAL)
    eurodac = hit(HitCategory.IRREGULAR_CROSSER, "GR", "2026-03-01")
    det = run(make_case("2026-07-01", entries=[statement], eurodac_hits=[eurodac]))
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)
    assert Flag.EVIDENCE_CONFLICT in det.flags
    assert "proof" in details(det, C.IRREGULAR_ENTRY, Outcome.DISPLACED)


def test_art_33_2_sar_takes_precedence_over_the_crossing_of_the_same_event():
    crossing = hit(HitCategory.IRREGULAR_CROSSER, "IT", "2026-05-01")
    sar = hit(HitCategory.SAR, "IT", "2026-05-01")
    det = run(make_case("2026-07-01", eurodac_hits=[crossing, sar]))
    assert_result(det, "IT", "AMMR Art 33(2)", TAKE_CHARGE)
    assert Flag.EVIDENCE_CONFLICT not in det.flags


def test_art_33_1_crossing_between_member_states_is_irrelevant():
    inner = entry("DE", "2026-06-01", from_third_country=False)
    det = run(make_case("2026-07-01", entries=[entry("GR", "2026-05-01"), inner]))
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)


def test_art_33_3_relocation_after_the_crossing_designates_the_member_state_of_relocation():
    crossing = entry("IT", "2026-07-01")
    moved = Relocation(from_ms="IT", to_ms="DE", on=d("2026-09-15"))
    det = run(make_case("2026-10-01", entries=[crossing], relocations=[moved]))
    assert (det.responsible_ms, det.next_action) == ("DE", TAKE_BACK)
    assert "relocated from IT to DE" in applied(det).detail
    # The criterion itself, seen on its own: Art 33(3) instead of Art 33(1).
    trail = Trail()
    finding = criteria.irregular_entry(
        make_case("2026-10-01", entries=[crossing], relocations=[moved]), trail, DEFAULT_CONFIG
    )
    assert finding is not None
    assert (finding.member_state, finding.article) == ("DE", "AMMR Art 33(3)")


def test_art_84_1_pre_ammr_crossing_is_a_valid_input():
    det = run(make_case("2026-07-01", entries=[entry("GR", "2025-03-01")]))
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)


# === 7. Take back and cessation (Arts 36-38, 41; Eurodac Art 16(1)) ======================================


def test_take_back_to_the_member_state_marked_responsible():
    earlier = hit(HitCategory.APPLICANT, "IT", "2026-05-01", responsible_ms="AT")
    det = run(make_case("2026-09-07", eurodac_hits=[earlier, hit(HitCategory.IRREGULAR_CROSSER, "GR", "2026-04-01")]))
    assert_result(det, "AT", "AMMR Art 36(1)(b), 41", TAKE_BACK)
    assert "Eurodac marks AT responsible" in applied(det).detail
    assert det.hit_received_at == HIT_AT
    assert not [r for r in det.reasons if r.criterion in CHAPTER_II]  # take back is not a criterion


def test_art_38_4_take_back_to_the_member_state_of_the_earlier_application_without_a_mark():
    det = run(make_case("2026-09-07", eurodac_hits=[hit(HitCategory.APPLICANT, "IT", "2026-08-01")]))
    assert_result(det, "IT", "AMMR Art 38(4)", TAKE_BACK)
    assert "Art 38(4)" in applied(det).detail


def _border_rejection() -> EurodacHit:
    return hit(HitCategory.APPLICANT, "IT", "2026-07-15", responsible_ms="IT", border_rejection_final_on="2026-09-30")


def test_art_37_2_take_back_on_the_last_day_of_the_fifteen_months():
    # Scenario 16B: final 2026-09-30 + 15 months = 2027-12-30.
    det = run(make_case("2027-12-30", eurodac_hits=[_border_rejection()]))
    assert_result(det, "IT", "AMMR Art 36(1)(b), 41", TAKE_BACK)


def test_art_37_2_new_determination_the_day_after_the_fifteen_months():
    det = run(make_case("2027-12-31", eurodac_hits=[_border_rejection()]))
    assert_default(det)
    assert "Art 37(2)" in details(det, C.TAKE_BACK, Outcome.NOT_MET)


@pytest.mark.parametrize(
    ("returned", "ceased"), [("2027-05-02", True), ("2027-04-30", False)], ids=["over-9-months", "under-9-months"]
)
def test_art_37_4_absence_of_at_least_nine_months_ends_the_take_back(returned, ceased):
    earlier = hit(HitCategory.APPLICANT, "IT", "2026-07-05", responsible_ms="IT")
    away = Absence(left_on=d("2026-08-01"), returned_on=d(returned))
    det = run(make_case("2027-06-10", eurodac_hits=[earlier], absences=[away]))
    if ceased:
        assert_default(det)
        assert "Art 37(4)" in details(det, C.TAKE_BACK, Outcome.NOT_MET)
    else:
        assert_result(det, "IT", "AMMR Art 36(1)(b), 41", TAKE_BACK)


def test_art_37_4_absence_does_not_end_the_take_back_with_a_residence_document_of_that_state():
    earlier = hit(HitCategory.APPLICANT, "IT", "2026-07-05", responsible_ms="IT")
    away = Absence(left_on=d("2026-08-01"), returned_on=d("2027-06-01"), residence_document_of_responsible_ms=True)
    det = run(make_case("2027-06-10", eurodac_hits=[earlier], absences=[away]))
    assert_result(det, "IT", "AMMR Art 36(1)(b), 41", TAKE_BACK)


def test_art_37_5_left_under_a_return_decision_ends_the_take_back():
    earlier = hit(HitCategory.APPLICANT, "IT", "2026-07-05", responsible_ms="IT", left_under_return_decision=True)
    det = run(make_case("2027-01-10", eurodac_hits=[earlier]))
    assert_default(det)
    assert "Art 37(5)" in details(det, C.TAKE_BACK, Outcome.NOT_MET)


def test_art_36_1_c_resettlement_hit_leads_to_take_back():
    det = run(make_case("2026-09-07", eurodac_hits=[hit(HitCategory.RESETTLEMENT, "SE", "2026-03-01")]))
    assert_result(det, "SE", "AMMR Art 36(1)(c)", TAKE_BACK)
    assert "resettlement" in applied(det).detail


def test_beneficiary_hit_is_flagged_and_the_criteria_still_run():
    # dublin.md §7: not a Dublin criterion; the asylum service may use APR 38(1)(c).
    det = run(
        make_case(
            "2026-07-01",
            eurodac_hits=[hit(HitCategory.BENEFICIARY, "IT", "2025-01-10")],
            entries=[entry("GR", "2026-05-01")],
        )
    )
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)
    assert Flag.PROTECTION_IN_OTHER_MS in det.flags
    assert "APR Art 38(1)(c)" in details(det, C.TAKE_BACK, Outcome.NOT_APPLICABLE)


def test_scenario_15_relocated_person_applying_elsewhere_is_taken_back_by_the_member_state_of_relocation():
    case = make_case(
        "2026-10-01",
        determining_ms="FR",
        entries=[entry("IT", "2026-07-01")],
        relocations=[Relocation(from_ms="IT", to_ms="NL", on=d("2026-09-15"))],
    )
    det = run(case)
    assert (det.responsible_ms, det.next_action, det.criterion) == ("NL", TAKE_BACK, C.RELOCATION)
    assert "68" in det.article
    assert reasons(det, C.IRREGULAR_ENTRY) == []  # FR must not use Art 33(1) against IT (Art 33(3))


def test_art_68_2_relocated_here_arts_29_30_33_are_not_applied_and_this_state_is_responsible():
    case = make_case(
        "2026-10-01",
        first_registration_ms="IT",
        first_registration_on="2026-07-02",
        entries=[entry("IT", "2026-07-01")],
        documents=[document("FR", "2026-06-01", "2026-12-31")],
        diplomas=[diploma("BE", "2024-06-30")],
        relocations=[Relocation(from_ms="IT", to_ms="NL", on=d("2026-09-15"))],
    )
    det = run(case)
    assert_result(det, "NL", "AMMR Art 68(2)", SELF)
    for criterion in (C.DOCUMENTS, C.DIPLOMA, C.IRREGULAR_ENTRY):
        assert [r.outcome for r in reasons(det, criterion)] == [Outcome.NOT_APPLICABLE]
        assert "Art 68(2)" in details(det, criterion)
    assert reasons(det, C.DEFAULT) == []  # Art 68(2) also excludes Art 16(2)


def test_art_68_2_relocated_here_family_criteria_still_apply():
    case = make_case(
        "2026-10-01",
        family=[member(Relation.SPOUSE, "DE", FamilyStatus.BENEFICIARY)],
        relocations=[Relocation(from_ms="IT", to_ms="NL", on=d("2026-09-15"))],
    )
    assert_result(run(case), "DE", "AMMR Art 26(1)", TAKE_CHARGE)


# === 8. Security (Art 16(4), 67(2)) =======================================================================


def test_art_16_4_security_threat_makes_this_state_responsible_without_trying_the_criteria():
    # Scenario 16A.
    case = make_case(
        "2026-07-15", security_threat=True, family=[member(Relation.SPOUSE, "DE", FamilyStatus.BENEFICIARY)]
    )
    det = run(case)
    assert_result(det, "NL", "AMMR Art 16(4)", SELF)
    assert det.basis is Basis.SECURITY_16_4
    assert det.relocation_excluded is True
    assert Flag.RELOCATION_EXCLUDED in det.flags
    assert not [r for r in det.reasons if r.criterion in CHAPTER_II]
    assert "threat to internal security" in applied(det).detail


def test_art_16_4_no_security_check_recorded_is_flagged_and_the_criteria_run():
    det = run(make_case("2026-07-15", security_threat=None, entries=[entry("GR", "2026-05-01")]))
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)
    assert Flag.SECURITY_CHECK_MISSING in det.flags


def test_art_16_4_check_belongs_to_the_member_state_of_first_registration():
    case = make_case("2026-07-15", security_threat=True, first_registration_ms="IT", first_registration_on="2026-07-01")
    det = run(case)
    assert_default(det, "IT")
    assert not det.relocation_excluded
    assert Flag.SECURITY_CHECK_MISSING not in det.flags
    assert [r.outcome for r in reasons(det, C.SECURITY)] == [Outcome.NOT_APPLICABLE]


# === 9. Overlays: Arts 28, 34, 35, 16(3) =================================================================


def _group(*members: tuple[str, str]) -> list[GroupMember]:
    return [
        GroupMember(reference=f"g{i}", date_of_birth=d(dob), responsible_ms=ms) for i, (ms, dob) in enumerate(members)
    ]


def test_art_28_a_family_procedure_member_state_responsible_for_the_largest_number():
    case = make_case(
        person=Person(date_of_birth=d("1985-01-01")),
        entries=[entry("IT", "2026-05-01")],
        family_group=_group(("DE", "1990-01-01"), ("DE", "2015-01-01")),
    )
    det = run(case)
    assert_result(det, "DE", "AMMR Art 28(a)", TAKE_CHARGE)
    assert "largest number" in applied(det).detail
    assert "kept together in DE" in details(det, C.IRREGULAR_ENTRY, Outcome.DISPLACED)


def test_art_28_b_family_procedure_tie_goes_to_the_member_state_of_the_oldest():
    case = make_case(
        person=Person(date_of_birth=d("1990-01-01")),
        entries=[entry("IT", "2026-05-01")],
        family_group=_group(("DE", "1970-01-01")),
    )
    det = run(case)
    assert_result(det, "DE", "AMMR Art 28(b)", TAKE_CHARGE)
    assert "oldest" in applied(det).detail


def _dependency(**kw: object) -> Dependency:
    values: dict[str, object] = {
        "relation": Relation.PARENT,
        "member_state": "BE",
        "ground": DependencyGround.OLD_AGE,
        "ties_before_arrival": True,
        "carer_able": True,
        "written_consent": True,
    }
    return Dependency(**(values | kw))  # type: ignore[arg-type]


def test_art_34_1_dependency_with_all_conditions_designates_the_carer_member_state():
    det = run(make_case(entries=[entry("GR", "2026-05-01")], dependency=_dependency()))
    assert_result(det, "BE", "AMMR Art 34(1)", TAKE_CHARGE)
    assert "old age" in applied(det).detail
    assert [r.outcome for r in reasons(det, C.IRREGULAR_ENTRY)][-1] is Outcome.DISPLACED


def test_art_34_2_applicant_unfit_to_travel_stays_in_the_determining_member_state():
    det = run(make_case(entries=[entry("GR", "2026-05-01")], dependency=_dependency(applicant_unfit_to_travel=True)))
    assert_result(det, "NL", "AMMR Art 34(2)", SELF)
    assert "prevents travel" in applied(det).detail


def test_art_34_without_written_consent_is_not_applied_but_a_humanitarian_candidate():
    det = run(make_case(entries=[entry("GR", "2026-05-01")], dependency=_dependency(written_consent=False)))
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)
    assert Flag.HUMANITARIAN_CANDIDATE in det.flags
    assert "in writing" in details(det, C.DEPENDENCY, Outcome.NOT_MET)


def test_art_34_carer_not_yet_checked_needs_the_check_first():
    det = run(make_case(entries=[entry("GR", "2026-05-01")], dependency=_dependency(carer_able=None)))
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)
    assert Flag.CARER_CHECK_NEEDED in det.flags
    assert "not yet checked" in details(det, C.DEPENDENCY, Outcome.NOT_MET)


def test_art_35_1_sovereignty_clause_makes_this_state_responsible():
    det = run(make_case(entries=[entry("GR", "2026-05-01")], discretion=Discretion(sovereignty=True)))
    assert_result(det, "NL", "AMMR Art 35(1)", SELF)
    assert det.basis is Basis.DISCRETION_35
    assert "Art 35(1)" in details(det, C.IRREGULAR_ENTRY, Outcome.DISPLACED)


def _humanitarian(consent: bool = True) -> Discretion:
    return Discretion(humanitarian_request_to="SE", humanitarian_consent_in_writing=consent)


def test_art_35_2_humanitarian_request_to_the_requested_member_state():
    det = run(make_case(entries=[entry("GR", "2026-05-01")], discretion=_humanitarian()))
    assert_result(det, "SE", "AMMR Art 35(2)", TAKE_CHARGE)
    assert det.basis is Basis.DISCRETION_35


def test_art_35_2_not_after_a_first_instance_merits_decision():
    case = make_case(
        entries=[entry("GR", "2026-05-01")],
        discretion=_humanitarian(),
        first_instance_merits_decision_on=d("2026-09-01"),
    )
    det = run(case, today="2026-09-10")
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)
    assert "2026-09-01" in details(det, C.HUMANITARIAN, Outcome.NOT_MET)


def test_art_35_2_not_without_written_consent():
    det = run(make_case(entries=[entry("GR", "2026-05-01")], discretion=_humanitarian(consent=False)))
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)
    assert "in writing" in details(det, C.HUMANITARIAN, Outcome.NOT_MET)


def test_art_16_3_systemic_risk_in_the_designated_state_moves_on_to_the_next_criterion():
    case = make_case(
        documents=[document("HU", "2026-06-01", "2026-08-31")],
        entries=[entry("GR", "2026-05-01")],
        systemic_risk_ms=frozenset({"HU"}),
    )
    det = run(case)
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)
    displaced = reasons(det, C.DOCUMENTS, Outcome.DISPLACED)
    assert [r.member_state for r in displaced] == ["HU"]
    assert "Art 16(3)" in displaced[0].detail


def test_art_16_3_all_criteria_exhausted_makes_the_determining_state_responsible():
    case = make_case(
        entries=[entry("GR", "2026-05-01")],
        first_registration_ms="GR",
        first_registration_on="2026-07-01",
        systemic_risk_ms=frozenset({"GR"}),
    )
    det = run(case)
    assert_result(det, "NL", "AMMR Art 16(3)", SELF)
    assert det.basis is Basis.SYSTEMIC_16_3
    assert {r.criterion for r in det.reasons if r.outcome is Outcome.DISPLACED} == {C.IRREGULAR_ENTRY, C.DEFAULT}


# === 10. Late take-charge request (Art 39(1)) =============================================================


def _scenario_11() -> Determination:
    # Registration Tue 2026-08-04; entry into GR shown by tickets only; T01 rolls to Mon 2026-10-05.
    tickets = entry("GR", "2026-06-20", evidence=Evidence.CIRCUMSTANTIAL)
    return run(make_case("2026-08-04", entries=[tickets]))


def test_art_39_1_request_on_the_last_day_leaves_the_take_charge_unchanged():
    det = _scenario_11()
    assert_result(det, "GR", "AMMR Art 33(1)", TAKE_CHARGE)
    same = apply_request_limit(det, request_last_day=d("2026-10-05"), today=d("2026-10-05"), uam_exception=False)
    assert same == det


def test_art_39_1_request_limit_lapsed_makes_the_registration_state_responsible():
    late = apply_request_limit(
        _scenario_11(), request_last_day=d("2026-10-05"), today=d("2026-10-06"), uam_exception=False
    )
    assert_result(late, "NL", "AMMR Art 39(1)", SELF)
    assert late.basis is Basis.LATE_REQUEST
    assert late.reasons[-1].criterion is C.REQUEST_LIMIT and late.reasons[-1].outcome is Outcome.APPLIES
    assert "2026-10-05" in late.reasons[-1].detail
    assert [r.member_state for r in reasons(late, C.IRREGULAR_ENTRY, Outcome.DISPLACED)] == ["GR"]


def test_art_39_1_uam_exception_keeps_the_take_charge_and_flags_it():
    det = run(make_case(person=uam(), family=[_sibling()], best_interests=BestInterests(assessed_on=d("2026-07-15"))))
    late = apply_request_limit(det, request_last_day=d("2026-09-15"), today=d("2026-10-01"), uam_exception=True)
    assert_result(late, "SE", "AMMR Art 25(2)", TAKE_CHARGE)
    assert Flag.UAM_LATE_REQUEST_EXCEPTION in late.flags
    assert late.reasons[-1].criterion is C.REQUEST_LIMIT


def test_art_39_1_self_and_take_back_are_never_changed_by_the_request_limit():
    own = run(make_case())
    back = run(
        make_case("2026-09-07", eurodac_hits=[hit(HitCategory.APPLICANT, "AT", "2026-05-01", responsible_ms="AT")])
    )
    assert (own.next_action, back.next_action) == (SELF, TAKE_BACK)
    for det in (own, back):
        assert (
            apply_request_limit(det, request_last_day=d("2026-08-01"), today=d("2026-12-01"), uam_exception=False)
            == det
        )


# === 11. Dublin III applications (AMMR Art 84) ============================================================


def test_art_84_2_registration_before_1_july_2026_is_refused():
    case = make_case("2026-06-30", entries=[entry("IT", "2024-10-31")])
    with pytest.raises(RegimeNotSupported):
        run(case)


def test_art_84_1_registration_on_1_july_2026_uses_pre_ammr_facts():
    det = run(make_case("2026-07-01", entries=[entry("IT", "2025-01-31")]))
    assert_result(det, "IT", "AMMR Art 33(1)", TAKE_CHARGE)


# === 12. Bad input ========================================================================================


def test_document_valid_until_before_valid_from_is_rejected():
    with pytest.raises(ValueError, match="valid_until"):
        document("FR", "2026-08-01", "2026-07-31")


def test_eurodac_hit_with_a_naive_received_at_is_rejected():
    with pytest.raises(ValueError, match="received_at"):
        hit(HitCategory.IRREGULAR_CROSSER, "GR", "2026-03-01", received=datetime(2026, 7, 2, 10, 0))


def test_case_with_first_registration_after_this_registration_is_rejected():
    with pytest.raises(ValueError, match="first_registration_on"):
        make_case("2026-07-15", first_registration_ms="IT", first_registration_on="2026-07-16")
