"""The responsibility criteria of AMMR Part III Chapter II, each a small function of the recorded facts.

Every criterion reads the situation frozen at the first registration in any member state (AMMR Art 24(2)),
notes in the trail why it did or did not apply, and returns the member state it designates or None.
The order in which they are tried, and the rules that can displace their result, are in determination.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from keten_dublin.domain import deadlines
from keten_dublin.domain.explanation import Criterion, Finding, Flag, Outcome, Trail
from keten_dublin.domain.facts import (
    AgeAssessmentOutcome,
    Case,
    Diploma,
    Document,
    Entry,
    EntryKind,
    Evidence,
    FamilyMember,
    FamilyStatus,
    HitCategory,
    Relation,
)
from keten_shared.deadlines import DeadlineConfig, Unit, add_period

C = Criterion

# AMMR Art 2(10): a minor is a person below the age of 18.
AGE_OF_MAJORITY = 18
# AMMR Art 2(15): ISCED level 2 at least.
MINIMUM_ISCED_LEVEL = 2
# AMMR Art 26(1): the statuses that make a family member "legally resident" for this criterion.
RESIDENT_STATUSES = frozenset(
    {FamilyStatus.BENEFICIARY, FamilyStatus.LONG_TERM_RESIDENT, FamilyStatus.NATURALISED_FORMER_BENEFICIARY}
)
# AMMR Art 2(8)(c) and Art 25(2): whom an unaccompanied minor can be united with under Art 25(2).
UAM_FAMILY_RELATIONS = frozenset(
    {Relation.SPOUSE, Relation.PARTNER, Relation.CHILD, Relation.PARENT, Relation.RESPONSIBLE_ADULT, Relation.SIBLING}
)


def is_minor_on(case: Case, day: date, trail: Trail) -> bool:
    """AMMR Art 2(10): the age assessment as of the first registration decides; benefit of doubt is a minor."""
    by_birth = None
    if case.person.date_of_birth is not None:
        by_birth = day < add_period(case.person.date_of_birth, AGE_OF_MAJORITY, Unit.YEARS)
    assessment = case.person.age_assessment
    if assessment is None:
        return case.person.unaccompanied if by_birth is None else by_birth
    by_assessment = assessment is not AgeAssessmentOutcome.ADULT
    if by_birth is not None and by_birth != by_assessment:
        trail.flags.add(Flag.AGE_DISPUTE)
    return by_assessment


def adult_on(case: Case, day: date) -> bool:
    """Whether the date of birth shows the applicant is 18 on `day` (AMMR Art 2(10)); False when unknown."""
    born = case.person.date_of_birth
    return born is not None and day >= add_period(born, AGE_OF_MAJORITY, Unit.YEARS)


def is_family_member(member: FamilyMember, applicant_minor: bool, trail: Trail) -> bool:
    """AMMR Art 2(8): the family existed before arrival; a partner, child or parent only under its conditions."""
    if not member.formed_before_arrival:
        return False
    match member.relation:
        case Relation.SPOUSE:
            return True
        case Relation.PARTNER | Relation.CHILD:
            condition = member.partnership_recognised if member.relation is Relation.PARTNER else member.unmarried_minor
            if condition is None:
                trail.flags.add(Flag.FAMILY_STATUS_UNKNOWN)
            return bool(condition)
        case Relation.PARENT | Relation.RESPONSIBLE_ADULT:
            return applicant_minor  # Art 2(8)(c)
        case _:
            return False


def _frozen(members: Iterable[FamilyMember], case: Case, trail: Trail) -> list[FamilyMember]:
    """AMMR Art 24(2): a status that arose after the first registration is ignored and flagged."""
    kept = []
    for member in members:
        if member.status_since is not None and member.status_since > case.frozen_on:
            trail.flags.add(Flag.POST_FREEZE_FAMILY_CHANGE)
            trail.note(
                C.FAMILY_BENEFICIARY if member.status in RESIDENT_STATUSES else C.FAMILY_APPLICANT,
                Outcome.NOT_MET,
                f"{member.relation.value.lower()} {member.id}: status in {member.member_state} since "
                f"{member.status_since}, after the situation was frozen on {case.frozen_on} (Art 24(2))",
                member_state=member.member_state,
                evidence_ids=member.evidence_ids,
            )
            continue
        kept.append(member)
    return kept


def _unknown_status(members: Iterable[FamilyMember], criterion: Criterion, trail: Trail) -> None:
    for member in members:
        if member.status is FamilyStatus.UNKNOWN:
            trail.flags.add(Flag.FAMILY_STATUS_UNKNOWN)
            trail.note(
                criterion,
                Outcome.NOT_MET,
                f"{member.relation.value.lower()} {member.id} in {member.member_state}: status not established; "
                "no criterion can rest on it until the member state concerned confirms it (Art 40(1))",
                member_state=member.member_state,
                evidence_ids=member.evidence_ids,
            )


# --- C1: unaccompanied minors (AMMR Art 25) ----------------------------------------------------------


def unaccompanied_minor(case: Case, trail: Trail, *, relocated_here: bool) -> Finding | None:
    """AMMR Art 25(1): only the Art 25 criteria apply to an unaccompanied minor, in their order."""
    against = case.best_interests.against_ms if case.best_interests else frozenset()
    members = _frozen(case.family, case, trail)
    _unknown_status(members, C.UAM_FAMILY, trail)
    family = _legally_present(members, UAM_FAMILY_RELATIONS, C.UAM_FAMILY, against, trail)
    relatives = [
        m for m in _legally_present(members, {Relation.RELATIVE}, C.UAM_RELATIVE, against, trail) if m.can_care
    ]
    candidates = family or relatives
    criterion = C.UAM_FAMILY if family else C.UAM_RELATIVE
    if not family:
        trail.note(C.UAM_FAMILY, Outcome.NOT_MET, "no family member or sibling legally present (Art 25(2))")
    if candidates:
        return _choose_for_child(case, candidates, criterion, trail)
    trail.note(C.UAM_RELATIVE, Outcome.NOT_MET, "no relative legally present who can care for the child (Art 25(3))")
    if relocated_here:
        # AMMR Art 68(2): after a relocation Art 25(5) is not applied.
        trail.note(C.UAM_FIRST_APPLICATION, Outcome.NOT_APPLICABLE, "not applied after a relocation (Art 68(2))")
        return None
    if case.first_ms in against:
        trail.note(
            C.UAM_FIRST_APPLICATION,
            Outcome.NOT_MET,
            f"first registration in {case.first_ms} shown not to be in the child's best interests (Art 25(5))",
        )
        return None
    finding = Finding(case.first_ms, C.UAM_FIRST_APPLICATION, C.UAM_FIRST_APPLICATION.article)
    return trail.found(
        finding, f"no family, sibling or relative: the child's application was first registered in {case.first_ms}"
    )


def _legally_present(
    members: Sequence[FamilyMember],
    relations: Iterable[Relation],
    criterion: Criterion,
    against: frozenset[str],
    trail: Trail,
) -> list[FamilyMember]:
    found = []
    for member in members:
        if member.relation not in relations or not member.formed_before_arrival:
            continue
        if member.status is FamilyStatus.UNKNOWN:
            continue  # noted by _unknown_status: no criterion rests on it
        if member.legally_present is None:
            trail.flags.add(Flag.FAMILY_STATUS_UNKNOWN)
            trail.note(
                criterion,
                Outcome.NOT_MET,
                f"{member.id}: legal presence in {member.member_state} not established",
                member_state=member.member_state,
            )
        elif member.legally_present and member.member_state in against:
            trail.note(
                criterion,
                Outcome.NOT_MET,
                f"{member.id} in {member.member_state}: shown not to be in the child's best interests",
                member_state=member.member_state,
            )
        elif member.legally_present:
            found.append(member)
    return found


def _choose_for_child(
    case: Case, candidates: Sequence[FamilyMember], criterion: Criterion, trail: Trail
) -> Finding | None:
    states = sorted({m.member_state for m in candidates})
    evidence = tuple(e for m in candidates for e in m.evidence_ids)
    if len(states) == 1:
        relation = "family member or sibling" if criterion is C.UAM_FAMILY else "relative who can care for the child"
        return trail.found(
            Finding(states[0], criterion, criterion.article, evidence), f"{relation} legally present in {states[0]}"
        )
    # AMMR Art 25(4): family in more than one member state: the child's best interests decide.
    chosen = case.best_interests.preferred_ms if case.best_interests else None
    if chosen in states:
        return trail.found(
            Finding(chosen, criterion, "AMMR Art 25(4)", evidence),
            f"family in {', '.join(states)}: {chosen} chosen on the child's best interests",
        )
    trail.flags.add(Flag.BEST_INTERESTS_CHOICE_NEEDED)
    trail.note(
        criterion,
        Outcome.NOT_MET,
        f"family in {', '.join(states)}: a best-interests choice between them is needed",
        article="AMMR Art 25(4)",
    )
    return None


# --- C2, C3: family members (AMMR Arts 26, 27) -------------------------------------------------------


def family_beneficiary(case: Case, trail: Trail, applicant_minor: bool) -> Finding | None:
    """AMMR Art 26: a family member allowed to reside as a beneficiary, long-term resident or naturalised."""
    members = _frozen([m for m in case.family if m.status in RESIDENT_STATUSES | {FamilyStatus.UNKNOWN}], case, trail)
    _unknown_status(members, C.FAMILY_BENEFICIARY, trail)
    for member in members:
        if member.status is FamilyStatus.UNKNOWN or not is_family_member(member, applicant_minor, trail):
            continue
        if not member.written_consent:
            _family_not_met(trail, C.FAMILY_BENEFICIARY, member, "the wish was not expressed in writing (Art 26(1))")
            continue
        finding = Finding(member.member_state, C.FAMILY_BENEFICIARY, "AMMR Art 26(1)", member.evidence_ids)
        return trail.found(
            finding,
            f"{member.relation.value.lower()} {member.id} resident in {member.member_state} "
            f"as {member.status.value.lower().replace('_', ' ')}; both consented in writing",
        )
    trail.note(
        C.FAMILY_BENEFICIARY,
        Outcome.NOT_MET,
        "no family member resident as a beneficiary or long-term resident who consented in writing",
    )
    return None


def family_applicant(case: Case, trail: Trail, applicant_minor: bool) -> Finding | None:
    """AMMR Art 27: a family member whose application has had no first-instance decision on the merits."""
    members = _frozen([m for m in case.family if m.status is FamilyStatus.APPLICANT], case, trail)
    for member in members:
        if not is_family_member(member, applicant_minor, trail):
            continue
        decided = member.first_instance_decision_on
        if decided is not None and decided <= case.frozen_on:
            why = f"first-instance decision on {decided}, before {case.frozen_on}"
            _family_not_met(trail, C.FAMILY_APPLICANT, member, why)
            continue
        if not member.written_consent:
            _family_not_met(trail, C.FAMILY_APPLICANT, member, "the wish was not expressed in writing (Art 27)")
            continue
        finding = Finding(member.member_state, C.FAMILY_APPLICANT, C.FAMILY_APPLICANT.article, member.evidence_ids)
        return trail.found(
            finding,
            f"{member.relation.value.lower()} {member.id} is an applicant in "
            f"{member.member_state} without a first-instance decision; both consented in "
            "writing",
        )
    trail.note(
        C.FAMILY_APPLICANT,
        Outcome.NOT_MET,
        "no family member with an application awaiting a first-instance decision who consented in writing",
    )
    return None


def _family_not_met(trail: Trail, criterion: Criterion, member: FamilyMember, why: str) -> None:
    """A family link that does not meet the criterion: chapter §7 keeps it as an Art 35(2) candidate."""
    trail.note(
        criterion, Outcome.NOT_MET, f"{member.id} in {member.member_state}: {why}", member_state=member.member_state
    )
    trail.flags.add(Flag.HUMANITARIAN_CANDIDATE)


# --- C4: residence documents and visas (AMMR Art 29) -------------------------------------------------


def documents(case: Case, trail: Trail, config: DeadlineConfig) -> Finding | None:
    """AMMR Art 29: valid documents first; expired ones only inside the Art 29(4) windows."""
    usable = []
    for document in case.documents:
        if document.valid_from > case.frozen_on:
            trail.note(
                C.DOCUMENTS,
                Outcome.NOT_MET,
                f"{_name(document)} issued after the situation was frozen on {case.frozen_on} (Art 24(2))",
                member_state=document.issuing_ms,
            )
        elif document.obtained_by_fraud and document.fraud_after_issue_shown:
            trail.note(
                C.DOCUMENTS,
                Outcome.NOT_MET,
                f"{_name(document)}: {document.issuing_ms} showed the fraud was committed after issue",
                article="AMMR Art 29(5)",
                member_state=document.issuing_ms,
            )
        else:
            if document.obtained_by_fraud:
                trail.flags.add(Flag.FRAUDULENT_DOCUMENT)
            usable.append(document)
    valid = [d for d in usable if d.valid_on(case.frozen_on)]
    if valid:
        return _rank_documents(valid, trail, "valid on " + case.frozen_on.isoformat())
    in_window = [d for d in usable if _expired_document_counts(d, case.frozen_on, config, trail)]
    if in_window:
        return _rank_documents(
            in_window, trail, "expired, annulled or withdrawn inside the Art 29(4) window", article="AMMR Art 29(4)"
        )
    if not usable:
        trail.note(C.DOCUMENTS, Outcome.NOT_APPLICABLE, "no residence document or visa recorded")
    return None


def _expired_document_counts(document: Document, frozen_on: date, config: DeadlineConfig, trail: Trail) -> bool:
    if document.type.is_visa:
        window = deadlines.expired_visa_window(document.ends_on, config)  # Art 29(4): less than 18 months
    else:
        window = deadlines.expired_residence_document_window(document.ends_on, config)  # less than 3 years
    if window.contains(frozen_on):
        return True
    trail.note(
        C.DOCUMENTS,
        Outcome.NOT_MET,
        f"{_name(document)} ended on {document.ends_on}; it counted until {window.last_day}, registration on "
        f"{frozen_on} is outside the window",
        article="AMMR Art 29(4)",
        member_state=document.issuing_ms,
        evidence_ids=document.evidence_ids,
    )
    return False


def _rank_documents(candidates: list[Document], trail: Trail, state: str, article: str = "") -> Finding:
    """AMMR Art 29(3): residence documents before visas; then the longest right, or the latest expiry."""
    residence = [d for d in candidates if not d.type.is_visa]
    if residence:
        chosen = max(residence, key=lambda d: (d.right_of_residence_days or d.validity_days, d.valid_until))
        rule = "AMMR Art 29(3)(a)" if len(candidates) > 1 else "AMMR Art 29(1)"
    elif len({d.type for d in candidates}) == 1:
        chosen = max(candidates, key=lambda d: d.valid_until)
        rule = "AMMR Art 29(3)(b)" if len(candidates) > 1 else "AMMR Art 29(1)"
    else:
        chosen = max(candidates, key=lambda d: (d.validity_days, d.valid_until))
        rule = "AMMR Art 29(3)(c)"
    member_state = chosen.represented_ms or chosen.issuing_ms
    detail = f"{_name(chosen)} {state}"
    if chosen.represented_ms:
        rule, detail = "AMMR Art 29(2)", f"{detail}, issued by {chosen.issuing_ms} representing {member_state}"
    if len(candidates) > 1:
        others = ", ".join(_name(d) for d in candidates if d is not chosen)
        detail = f"{detail}; preferred over {others} ({rule})"
    for other in candidates:
        if other is not chosen:
            trail.note(
                C.DOCUMENTS,
                Outcome.DISPLACED,
                f"{_name(other)}: ranked after {_name(chosen)}",
                article=rule,
                member_state=other.represented_ms or other.issuing_ms,
                evidence_ids=other.evidence_ids,
            )
    return trail.found(Finding(member_state, C.DOCUMENTS, article or rule, chosen.evidence_ids), detail)


def _name(document: Document) -> str:
    return f"{document.type.value.lower().replace('_', ' ')} {document.id} ({document.issuing_ms})"


# --- C5: diplomas (AMMR Art 30) ----------------------------------------------------------------------


def diploma(case: Case, trail: Trail, config: DeadlineConfig) -> Finding | None:
    """AMMR Art 30: a qualifying diploma issued less than 6 years before registration."""
    counted: list[Diploma] = []
    for item in case.diplomas:
        problem = _diploma_problem(item, case.frozen_on, config)
        if problem:
            trail.note(
                C.DIPLOMA,
                Outcome.NOT_MET,
                f"diploma {item.id} ({item.issuing_ms}): {problem}",
                member_state=item.issuing_ms,
                evidence_ids=item.evidence_ids,
            )
        else:
            counted.append(item)
    if not counted:
        if not case.diplomas:
            trail.note(C.DIPLOMA, Outcome.NOT_APPLICABLE, "no diploma or qualification recorded")
        return None
    # AMMR Art 30(2): the longest period of study; a tie goes to the most recent diploma.
    chosen = max(counted, key=lambda d: (d.study_days, d.issued_on))
    article = "AMMR Art 30(2)" if len({d.issuing_ms for d in counted}) > 1 else "AMMR Art 30(1)"
    return trail.found(
        Finding(chosen.issuing_ms, C.DIPLOMA, article, chosen.evidence_ids),
        f"diploma {chosen.id} issued in {chosen.issuing_ms} on {chosen.issued_on}, less than 6 years before "
        f"{case.frozen_on}",
    )


def _diploma_problem(item: Diploma, frozen_on: date, config: DeadlineConfig) -> str | None:
    # AMMR Art 2(15)-(16): one academic year on the territory, ISCED 2 or higher, recognised, not distance learning.
    if item.issued_on > frozen_on:
        return f"issued after the situation was frozen on {frozen_on} (Art 24(2))"
    if item.distance_learning:
        return "distance learning does not count (Art 2(15))"
    if not item.at_least_one_academic_year:
        return "less than one academic year of study on the territory (Art 2(15))"
    if item.isced_level < MINIMUM_ISCED_LEVEL:
        return f"ISCED level {item.isced_level} is below level {MINIMUM_ISCED_LEVEL} (Art 2(15))"
    if not item.establishment_recognised:
        return "the establishment is not recognised by that member state (Art 2(16))"
    window = deadlines.diploma_window(item.issued_on, config)
    if not window.contains(frozen_on):
        return f"counted until {window.last_day}; registration on {frozen_on} is 6 years or more after issue"
    return None


# --- C6, C7: visa-waived entry and airport transit (AMMR Arts 31, 32) ----------------------------------


def visa_waived_entry(case: Case, trail: Trail) -> Finding | None:
    """AMMR Art 31: entry where no visa was needed, unless registered where no visa is needed either."""
    entries = sorted(
        (e for e in case.entries if e.kind is EntryKind.VISA_WAIVED and e.on <= case.frozen_on), key=lambda e: e.on
    )
    if not entries:
        trail.note(C.VISA_WAIVED_ENTRY, Outcome.NOT_APPLICABLE, "no visa-waived entry recorded")
        return None
    entry = entries[0]
    if case.visa_exempt_in_determining_ms and entry.member_state != case.determining_ms:
        return trail.found(
            Finding(case.determining_ms, C.VISA_WAIVED_ENTRY, "AMMR Art 31(2)", entry.evidence_ids),
            f"entered visa-free through {entry.member_state} on {entry.on}, but registered in {case.determining_ms} "
            "where no visa is needed either",
        )
    return trail.found(
        Finding(entry.member_state, C.VISA_WAIVED_ENTRY, "AMMR Art 31(1)", entry.evidence_ids),
        f"entered {entry.member_state} on {entry.on} where no visa was needed",
    )


def airport_transit(case: Case, trail: Trail) -> Finding | None:
    """AMMR Art 32: an application made in the international transit area of an airport."""
    if case.airport_transit_ms is None:
        trail.note(C.AIRPORT_TRANSIT, Outcome.NOT_APPLICABLE, "not made in an airport's international transit area")
        return None
    return trail.found(
        Finding(case.airport_transit_ms, C.AIRPORT_TRANSIT, C.AIRPORT_TRANSIT.article),
        f"application made in the international transit area of an airport of {case.airport_transit_ms}",
    )


# --- C8: irregular entry and search and rescue (AMMR Art 33) ------------------------------------------


def crossings(case: Case) -> list[Entry]:
    """Entries into the member states from a third country: recorded ones and those Eurodac shows (Art 33(1))."""
    recorded = [
        e
        for e in case.entries
        if e.kind is not EntryKind.VISA_WAIVED and e.from_third_country and e.on <= case.frozen_on
    ]
    kinds = {HitCategory.IRREGULAR_CROSSER: EntryKind.IRREGULAR_CROSSING, HitCategory.SAR: EntryKind.SAR_DISEMBARKATION}
    from_eurodac = [
        Entry(
            id=hit.id,
            kind=kinds[hit.category],
            member_state=hit.member_state,
            on=hit.recorded_on,
            evidence=Evidence.PROOF,
            evidence_ids=hit.evidence_ids or (hit.id,),
        )
        for hit in case.eurodac_hits
        if hit.category in kinds and hit.recorded_on <= case.frozen_on
    ]
    return recorded + from_eurodac


def irregular_entry(case: Case, trail: Trail, config: DeadlineConfig) -> Finding | None:
    """AMMR Art 33: the first member state entered irregularly, or of disembarkation after search and rescue."""
    candidates = crossings(case)
    if not candidates:
        trail.note(C.IRREGULAR_ENTRY, Outcome.NOT_APPLICABLE, "no irregular entry or disembarkation recorded")
        return None
    # Chapter §7: formal proof outranks circumstantial evidence; of the strongest, the earliest entry counts.
    proven = [e for e in candidates if e.evidence is Evidence.PROOF] or candidates
    first_day = min(e.on for e in proven)
    first = [e for e in proven if e.on == first_day]
    # AMMR Art 33(2): for the same event a disembarkation takes precedence over the irregular crossing.
    entry = next((e for e in first if e.kind is EntryKind.SAR_DISEMBARKATION), first[0])
    if len({e.member_state for e in candidates}) > 1:
        trail.flags.add(Flag.EVIDENCE_CONFLICT)
        others = sorted({f"{e.member_state} on {e.on}" for e in candidates if e.member_state != entry.member_state})
        trail.note(
            C.IRREGULAR_ENTRY,
            Outcome.DISPLACED,
            f"entries also shown into {', '.join(others)}: decided on "
            f"the {entry.evidence.value.lower()} of the earliest entry",
            article="AMMR Art 33(1), 40(3)",
        )
    relocated = [r for r in case.relocations if r.on >= entry.on]
    if relocated:
        relocation = relocated[0]
        # AMMR Art 33(3): after a relocation under Art 67 the member state of relocation is responsible.
        return trail.found(
            Finding(relocation.to_ms, C.IRREGULAR_ENTRY, "AMMR Art 33(3)", relocation.evidence_ids),
            f"entered {entry.member_state} on {entry.on} but relocated to {relocation.to_ms} on {relocation.on}",
        )
    sar = entry.kind is EntryKind.SAR_DISEMBARKATION
    window = (deadlines.search_and_rescue_window if sar else deadlines.irregular_entry_window)(entry.on, config)
    article = "AMMR Art 33(2)" if sar else "AMMR Art 33(1)"
    what = "disembarked after a search and rescue operation in" if sar else "entered irregularly into"
    limit = "12" if sar else "20"
    if not window.contains(case.frozen_on):
        trail.note(
            C.IRREGULAR_ENTRY,
            Outcome.NOT_MET,
            f"{what} {entry.member_state} on {entry.on}: responsibility "
            f"ceased after {window.last_day}, registration on {case.frozen_on} is more than {limit} months "
            "later",
            article=article,
            member_state=entry.member_state,
            evidence_ids=entry.evidence_ids,
        )
        return None
    return trail.found(
        Finding(entry.member_state, C.IRREGULAR_ENTRY, article, entry.evidence_ids),
        f"{what} {entry.member_state} on {entry.on}; registered on {case.frozen_on}, within {limit} months "
        f"(until {window.last_day})",
    )
