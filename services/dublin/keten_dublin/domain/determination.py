"""Determining the member state responsible (dublin chapter §2, evaluation order), explained step by step.

`determine` tries, in this order: a take back where another member state is already responsible (AMMR
Art 36(1), 41) or the person was relocated (Art 68); the security check (Art 16(4)); the criteria of
Chapter II in the order of their articles (Art 24(1)), only Art 25 for an unaccompanied minor (Art 25(1));
the default (Art 16(2)); then the rules that can displace the result: the family procedure (Art 28),
dependent persons (Art 34), the discretionary clauses (Art 35) and the systemic-risk rule (Art 16(3)).
`apply_request_limit` then makes the determining member state responsible when the take charge request
can no longer be sent in time (Art 39(1)).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from keten_dublin.domain import criteria, deadlines
from keten_dublin.domain.explanation import Criterion, Finding, Flag, Outcome, Reason, Trail
from keten_dublin.domain.facts import Case, EurodacHit, HitCategory
from keten_dublin.domain.model import Regime, regime_for
from keten_shared.deadlines import DeadlineConfig
from keten_shared.errors import InvalidData

C = Criterion

# AMMR Art 39(1) 2nd subpara: only hits on Eurodac Art 22 and 24 data (and VIS hits) shorten the request limit.
HIT_BASED_CATEGORIES = frozenset({HitCategory.IRREGULAR_CROSSER, HitCategory.SAR})


class NextAction(StrEnum):
    SELF = "SELF"  # this member state examines the application
    TAKE_CHARGE = "TAKE_CHARGE"  # request another member state to take charge (Art 39)
    TAKE_BACK = "TAKE_BACK"  # notify another member state to take back (Art 41)
    ASSESSMENT_NEEDED = "ASSESSMENT_NEEDED"  # a caseworker's assessment must come first (Art 25(4), 25(5))


class Basis(StrEnum):
    """Why the member state is responsible, as the dublin.responsibility.determined event names it."""

    CRITERION = "CRITERION"
    DEFAULT_16_2 = "DEFAULT_16_2"
    SYSTEMIC_16_3 = "SYSTEMIC_16_3"
    SECURITY_16_4 = "SECURITY_16_4"
    LATE_REQUEST = "LATE_REQUEST"
    ALREADY_RESPONSIBLE = "ALREADY_RESPONSIBLE"
    DISCRETION_35 = "DISCRETION_35"


class RegimeNotSupported(InvalidData):
    """AMMR Art 84(2): applications registered before 1 July 2026 are allocated under Dublin III."""


@dataclass(frozen=True)
class Determination:
    determining_ms: str
    responsible_ms: str | None
    criterion: Criterion | None
    article: str
    basis: Basis | None
    next_action: NextAction
    frozen_on: date
    reasons: tuple[Reason, ...]
    flags: frozenset[Flag]
    evidence_ids: tuple[str, ...] = ()
    hit_received_at: datetime | None = None  # starts the shorter request limit (AMMR 39(1), 41(1))
    relocation_excluded: bool = False  # AMMR 67(2)


def determine(case: Case, *, today: date, config: DeadlineConfig) -> Determination:
    """The member state responsible for `case` and the chain of reasons, as of `today`."""
    if regime_for(case.registered_on) is Regime.DUBLIN_III:
        raise RegimeNotSupported(
            f"registered on {case.registered_on}: applications registered before 1 July 2026 are allocated under "
            "the Dublin III criteria (AMMR Art 84(2)); this engine applies the AMMR only"
        )
    trail = Trail()
    _note_protection_elsewhere(case, trail)
    finding = _take_back(case, trail, config)
    if finding is not None:
        return _result(case, trail, finding, Basis.CRITERION, today=today)
    if _security_threat(case, trail):
        finding = Finding(case.determining_ms, C.SECURITY, C.SECURITY.article)
        trail.found(
            finding,
            "reasonable grounds to regard the applicant as a threat to internal security: this "
            "member state is responsible and makes no take charge request",
        )
        trail.flags.add(Flag.RELOCATION_EXCLUDED)
        return _result(case, trail, finding, Basis.SECURITY_16_4, today=today, relocation_excluded=True)

    relocated_here = any(r.to_ms == case.determining_ms for r in case.relocations)
    minor = criteria.is_minor_on(case, case.frozen_on, trail)
    finding, basis = _criteria_in_order(case, trail, config, minor=minor, relocated_here=relocated_here)
    finding, basis = _overlays(case, trail, finding, basis)
    if finding is None:
        return _undetermined(case, trail)
    if minor and case.person.unaccompanied:
        _note_majority(case, today, trail)
    return _result(case, trail, finding, basis, today=today)


def apply_request_limit(
    determination: Determination, *, request_last_day: date, today: date, uam_exception: bool
) -> Determination:
    """AMMR Art 39(1): past the request limit the member state of registration is responsible.

    `uam_exception`: the child's best interests allow a later request before the first-instance merits decision.
    """
    if determination.next_action is not NextAction.TAKE_CHARGE or determination.criterion is C.HUMANITARIAN:
        return determination
    if today <= request_last_day:
        return determination
    if uam_exception:
        reason = Reason(
            C.REQUEST_LIMIT,
            Outcome.NOT_MET,
            f"the request limit ended on {request_last_day}; for an "
            "unaccompanied minor a later request is allowed before the first-instance merits decision "
            "if in the child's best interests",
        )
        return replace(
            determination,
            reasons=(*determination.reasons, reason),
            flags=determination.flags | {Flag.UAM_LATE_REQUEST_EXCEPTION},
        )
    reason = Reason(
        C.REQUEST_LIMIT,
        Outcome.APPLIES,
        f"the take charge request was due by {request_last_day} and "
        f"can no longer be sent on {today}: the member state of registration is responsible",
        member_state=determination.determining_ms,
    )
    displaced = Reason(
        determination.criterion or C.DEFAULT,
        Outcome.DISPLACED,
        "the request limit lapsed",
        member_state=determination.responsible_ms,
        article=determination.article,
    )
    return replace(
        determination,
        responsible_ms=determination.determining_ms,
        criterion=C.REQUEST_LIMIT,
        article=C.REQUEST_LIMIT.article,
        basis=Basis.LATE_REQUEST,
        next_action=NextAction.SELF,
        reasons=(*determination.reasons, displaced, reason),
    )


def _note_protection_elsewhere(case: Case, trail: Trail) -> None:
    for hit in case.eurodac_hits:
        if hit.category is HitCategory.BENEFICIARY:
            trail.flags.add(Flag.PROTECTION_IN_OTHER_MS)
            trail.note(
                C.TAKE_BACK,
                Outcome.NOT_APPLICABLE,
                f"{hit.member_state} granted international protection: "
                "no Dublin criterion; the application may be inadmissible (APR Art 38(1)(c))",
                member_state=hit.member_state,
                evidence_ids=(hit.id,),
            )


def _take_back(case: Case, trail: Trail, config: DeadlineConfig) -> Finding | None:
    """AMMR Art 36(1)(b)-(c), 38(4), 41, 68(3): another member state already determining or responsible."""
    for relocation in case.relocations:
        if relocation.to_ms != case.determining_ms:
            # AMMR Art 68(3), 33(3): responsibility passed to the member state of relocation.
            return trail.found(
                Finding(relocation.to_ms, C.RELOCATION, "AMMR Art 68(3)", relocation.evidence_ids),
                f"relocated from {relocation.from_ms} to {relocation.to_ms} on {relocation.on}: take back by the "
                "member state of relocation",
            )
    for hit in sorted(case.eurodac_hits, key=lambda h: h.recorded_on):
        if hit.category is HitCategory.RESETTLEMENT and hit.member_state != case.determining_ms:
            return trail.found(
                Finding(hit.member_state, C.TAKE_BACK, "AMMR Art 36(1)(c)", (hit.id, *hit.evidence_ids)),
                f"admitted by {hit.member_state} under a resettlement or humanitarian admission scheme",
            )
        if hit.category is HitCategory.APPLICANT:
            finding = _earlier_application(case, hit, trail, config)
            if finding is not None:
                return finding
    if not any(r.criterion is C.TAKE_BACK for r in trail.reasons):
        detail = "no earlier application, resettlement or relocation in another member state"
        trail.note(C.TAKE_BACK, Outcome.NOT_APPLICABLE, detail)
    return None


def _earlier_application(case: Case, hit: EurodacHit, trail: Trail, config: DeadlineConfig) -> Finding | None:
    responsible = hit.relocation_ms or hit.responsible_ms or hit.member_state
    ceased = _ceased(case, hit, trail, config)
    if ceased:
        trail.note(C.TAKE_BACK, Outcome.NOT_MET, ceased, member_state=responsible, evidence_ids=(hit.id,))
        return None
    if hit.relocation_ms:
        why = f"relocated to {responsible}, the member state of relocation takes back (Art 38(5), 68(3))"
    elif hit.responsible_ms:
        why = f"Eurodac marks {responsible} responsible (Eurodac Art 16(1))"
    else:
        why = f"{responsible} is determining the member state responsible and takes back (Art 38(4))"
    article = "AMMR Art 36(1)(b), 41" if hit.responsible_ms or hit.relocation_ms else "AMMR Art 38(4)"
    return trail.found(
        Finding(responsible, C.TAKE_BACK, article, (hit.id, *hit.evidence_ids)),
        f"earlier application registered in {hit.member_state} on {hit.recorded_on}: {why}",
    )


def _ceased(case: Case, hit: EurodacHit, trail: Trail, config: DeadlineConfig) -> str | None:
    """AMMR Art 37(2), (4), (5): the obligations of Art 36(1) ended; a later application is a new one."""
    if hit.border_rejection_final_on is not None:
        window = deadlines.border_procedure_cessation_window(hit.border_rejection_final_on, config)
        if case.registered_on > window.last_day:
            return (
                f"the border-procedure rejection became final on {hit.border_rejection_final_on}; the obligations "
                f"ended after {window.last_day} (Art 37(2)): a new determination"
            )
    for absence in case.absences:
        if absence.left_on >= hit.recorded_on and not absence.residence_document_of_responsible_ms:
            window = deadlines.absence_window(absence.left_on, config)
            if absence.returned_on > window.last_day:
                return (
                    f"left the territory of the member states from {absence.left_on} to {absence.returned_on}, "
                    "at least 9 months (Art 37(4)): a new determination"
                )
    if hit.left_under_return_decision:
        return "left the territory under a return decision after the application was rejected (Art 37(5))"
    return None


def _security_threat(case: Case, trail: Trail) -> bool:
    """AMMR Art 16(4): checked by the member state of first registration before the criteria are applied."""
    if case.first_ms != case.determining_ms:
        trail.note(
            C.SECURITY,
            Outcome.NOT_APPLICABLE,
            f"the check belongs to {case.first_ms}, the member state of first registration",
        )
        return False
    if case.security_threat is None:
        trail.flags.add(Flag.SECURITY_CHECK_MISSING)
        trail.note(
            C.SECURITY,
            Outcome.NOT_MET,
            "no security check recorded: examine the threat before the criteria are applied (Art 16(4))",
        )
        return False
    if not case.security_threat:
        trail.note(C.SECURITY, Outcome.NOT_MET, "no reasonable grounds to regard the applicant as a threat")
    return case.security_threat


Step = Callable[[], Finding | None]


def _criteria_in_order(
    case: Case, trail: Trail, config: DeadlineConfig, *, minor: bool, relocated_here: bool
) -> tuple[Finding | None, Basis | None]:
    """AMMR Art 24(1): the criteria in the order of their articles; the first that designates a member state wins."""
    if minor and case.person.unaccompanied:
        steps: list[tuple[Criterion, Step]] = [
            (C.UAM_FAMILY, lambda: criteria.unaccompanied_minor(case, trail, relocated_here=relocated_here))
        ]
    else:
        trail.note(
            C.UAM_FAMILY,
            Outcome.NOT_APPLICABLE,
            "the applicant was not an unaccompanied minor at the first registration",
        )
        steps = [
            (C.FAMILY_BENEFICIARY, lambda: criteria.family_beneficiary(case, trail, minor)),
            (C.FAMILY_APPLICANT, lambda: criteria.family_applicant(case, trail, minor)),
            (C.DOCUMENTS, lambda: criteria.documents(case, trail, config)),
            (C.DIPLOMA, lambda: criteria.diploma(case, trail, config)),
            (C.VISA_WAIVED_ENTRY, lambda: criteria.visa_waived_entry(case, trail)),
            (C.AIRPORT_TRANSIT, lambda: criteria.airport_transit(case, trail)),
            (C.IRREGULAR_ENTRY, lambda: criteria.irregular_entry(case, trail, config)),
        ]
    # AMMR Art 68(2): after a relocation Arts 29, 30 and 33(1)-(2) are not applied by the member state of relocation.
    excluded = {C.DOCUMENTS, C.DIPLOMA, C.IRREGULAR_ENTRY} if relocated_here else set()
    remaining = [criterion for criterion, _ in steps]
    for criterion, step in steps:
        remaining.remove(criterion)
        if criterion in excluded:
            trail.note(criterion, Outcome.NOT_APPLICABLE, "not applied by the member state of relocation (Art 68(2))")
            continue
        finding = step()
        if finding is None:
            continue
        if finding.member_state in case.systemic_risk_ms and finding.member_state != case.determining_ms:
            _displace_for_systemic_risk(finding, trail)
            continue
        for later in remaining:
            trail.note(later, Outcome.NOT_REACHED, f"{finding.criterion.article} applied first (Art 24(1))")
        return finding, Basis.CRITERION
    if minor and case.person.unaccompanied:
        return None, None  # Art 25(1): only the Art 25 criteria; what is left needs an assessment
    return _default(case, trail, relocated_here)


def _default(case: Case, trail: Trail, relocated_here: bool) -> tuple[Finding | None, Basis | None]:
    if relocated_here:
        # AMMR Art 68(2): no criterion after a relocation: the member state of relocation is responsible.
        finding = Finding(case.determining_ms, C.RELOCATION, "AMMR Art 68(2)")
        return trail.found(finding, "relocated here and no criterion applies"), Basis.CRITERION
    finding = Finding(case.first_ms, C.DEFAULT, C.DEFAULT.article)
    if finding.member_state in case.systemic_risk_ms and finding.member_state != case.determining_ms:
        _displace_for_systemic_risk(finding, trail)
        return None, None
    detail = f"no criterion applies: {case.first_ms}, where the application was first registered"
    return trail.found(finding, detail), Basis.DEFAULT_16_2


def _displace_for_systemic_risk(finding: Finding, trail: Trail) -> None:
    trail.transfer_impossible = True
    trail.note(
        finding.criterion,
        Outcome.DISPLACED,
        f"{finding.member_state}: a transfer there is impossible "
        "(real risk of inhuman or degrading treatment, Charter Art 4); the criteria continue (Art 16(3))",
        member_state=finding.member_state,
        article=finding.article,
        evidence_ids=finding.evidence_ids,
    )


def _overlays(
    case: Case, trail: Trail, finding: Finding | None, basis: Basis | None
) -> tuple[Finding | None, Basis | None]:
    """Arts 28, 34, 35 and 16(3): the rules that can displace the member state the criteria designate."""
    if finding is not None and case.family_group:
        finding = _family_procedure(case, trail, finding)
    dependency = _dependency(case, trail)
    if dependency is not None:
        if finding is not None:
            _displaced(trail, finding, "dependent persons are kept or brought together (Art 34)")
        finding, basis = dependency, Basis.CRITERION
    discretion = case.discretion
    if discretion.sovereignty:
        if finding is not None:
            _displaced(trail, finding, "this member state applies the sovereignty clause (Art 35(1))")
        finding = trail.found(
            Finding(case.determining_ms, C.SOVEREIGNTY, C.SOVEREIGNTY.article),
            "the caseworker decided to examine the application although another member state may be responsible",
        )
        return finding, Basis.DISCRETION_35
    if discretion.humanitarian_request_to:
        humanitarian = _humanitarian(case, trail)
        if humanitarian is not None:
            if finding is not None:
                _displaced(trail, finding, "a humanitarian request is made instead (Art 35(2))")
            return humanitarian, Basis.DISCRETION_35
    if finding is None and trail.transfer_impossible:
        finding = trail.found(
            Finding(case.determining_ms, C.SYSTEMIC_RISK, C.SYSTEMIC_RISK.article),
            "no member state can be designated or reached: the determining member state is responsible",
        )
        basis = Basis.SYSTEMIC_16_3
    return finding, basis


def _displaced(trail: Trail, finding: Finding, why: str) -> None:
    trail.note(finding.criterion, Outcome.DISPLACED, why, member_state=finding.member_state, article=finding.article)


def _family_procedure(case: Case, trail: Trail, finding: Finding) -> Finding:
    """AMMR Art 28: family members registered together are not separated by the criteria."""
    own_dob = case.person.date_of_birth
    members = [(m.responsible_ms, m.date_of_birth) for m in case.family_group]
    results = [*members, (finding.member_state, own_dob)]
    if len({ms for ms, _ in results}) == 1:
        trail.note(C.FAMILY_PROCEDURE, Outcome.NOT_MET, "the family is not separated by the criteria")
        return finding
    counts = Counter(ms for ms, _ in results).most_common()
    if len(counts) == 1 or counts[0][1] > counts[1][1]:
        chosen, article, why = counts[0][0], "AMMR Art 28(a)", "responsible for the largest number of them"
    else:
        known = [(dob, ms) for ms, dob in results if dob is not None]
        chosen, article, why = min(known)[1], "AMMR Art 28(b)", "responsible for the oldest of them"
    if chosen == finding.member_state:
        trail.note(C.FAMILY_PROCEDURE, Outcome.NOT_MET, f"the family stays together in {chosen} ({why})")
        return finding
    _displaced(trail, finding, f"the family is kept together in {chosen} (Art 28)")
    return trail.found(Finding(chosen, C.FAMILY_PROCEDURE, article), f"family registered together: {chosen} is {why}")


def _dependency(case: Case, trail: Trail) -> Finding | None:
    """AMMR Art 34: dependent persons kept or brought together, where all its conditions hold."""
    dependency = case.dependency
    if dependency is None:
        return None
    problems = []
    if not dependency.ties_before_arrival:
        problems.append("the family ties did not exist before arrival")
    if dependency.carer_able is None:
        trail.flags.add(Flag.CARER_CHECK_NEEDED)
        problems.append("the carer's ability to care is not yet checked")
    elif not dependency.carer_able:
        problems.append("the carer is not able to take care of the dependant")
    if not dependency.written_consent:
        trail.flags.add(Flag.HUMANITARIAN_CANDIDATE)
        problems.append("the wish was not expressed in writing (consider Art 35(2))")
    if problems:
        trail.note(C.DEPENDENCY, Outcome.NOT_MET, "; ".join(problems), member_state=dependency.member_state)
        return None
    if dependency.applicant_unfit_to_travel and dependency.member_state != case.determining_ms:
        # AMMR Art 34(2): the applicant cannot travel for a significant period: where he or she is present.
        return trail.found(
            Finding(case.determining_ms, C.DEPENDENCY, "AMMR Art 34(2)", dependency.evidence_ids),
            f"dependency on a {dependency.relation.value.lower()} in {dependency.member_state}, but "
            "the applicant's health prevents travel",
        )
    return trail.found(
        Finding(dependency.member_state, C.DEPENDENCY, "AMMR Art 34(1)", dependency.evidence_ids),
        f"dependency ({dependency.ground.value.lower().replace('_', ' ')}) on a "
        f"{dependency.relation.value.lower()} legally resident in {dependency.member_state}",
    )


def _humanitarian(case: Case, trail: Trail) -> Finding | None:
    """AMMR Art 35(2): before a first-instance merits decision, with the written consent of those concerned."""
    requested = case.discretion.humanitarian_request_to
    assert requested is not None
    if case.first_instance_merits_decision_on is not None:
        trail.note(
            C.HUMANITARIAN,
            Outcome.NOT_MET,
            f"a first-instance decision on the merits was taken on {case.first_instance_merits_decision_on}",
            member_state=requested,
        )
        return None
    if not case.discretion.humanitarian_consent_in_writing:
        trail.note(
            C.HUMANITARIAN,
            Outcome.NOT_MET,
            "the persons concerned have not consented in writing",
            member_state=requested,
        )
        return None
    return trail.found(
        Finding(requested, C.HUMANITARIAN, C.HUMANITARIAN.article),
        f"ask {requested} to take charge to unite family relations on humanitarian grounds",
    )


def _note_majority(case: Case, today: date, trail: Trail) -> None:
    """Chapter §7: the criteria stay frozen; whether the Art 39(1) exception survives majority needs review."""
    if criteria.adult_on(case, today):
        trail.flags.add(Flag.UAM_NOW_ADULT)


def _hit_received(case: Case) -> datetime | None:
    received = [h.received_at for h in case.eurodac_hits if h.category in HIT_BASED_CATEGORIES]
    received += [d.vis_hit_received_at for d in case.documents if d.vis_hit_received_at is not None]
    return min(received, default=None)


def _take_back_hit(case: Case, finding: Finding) -> datetime | None:
    hits = [h.received_at for h in case.eurodac_hits if h.id in finding.evidence_ids]
    return min(hits, default=None)


def _result(
    case: Case,
    trail: Trail,
    finding: Finding,
    basis: Basis | None,
    *,
    today: date,
    relocation_excluded: bool = False,
) -> Determination:
    if finding.criterion in (C.TAKE_BACK, C.RELOCATION) and finding.member_state != case.determining_ms:
        action, hit_received = NextAction.TAKE_BACK, _take_back_hit(case, finding)
    elif finding.member_state == case.determining_ms:
        action, hit_received = NextAction.SELF, None
        if finding.criterion is C.TAKE_BACK:
            basis = Basis.ALREADY_RESPONSIBLE
    else:
        action, hit_received = NextAction.TAKE_CHARGE, _hit_received(case)
    return Determination(
        determining_ms=case.determining_ms,
        responsible_ms=finding.member_state,
        criterion=finding.criterion,
        article=finding.article,
        basis=basis,
        next_action=action,
        frozen_on=case.frozen_on,
        reasons=tuple(trail.reasons),
        flags=frozenset(trail.flags),
        evidence_ids=finding.evidence_ids,
        hit_received_at=hit_received,
        relocation_excluded=relocation_excluded,
    )


def _undetermined(case: Case, trail: Trail) -> Determination:
    return Determination(
        determining_ms=case.determining_ms,
        responsible_ms=None,
        criterion=None,
        article="AMMR Art 25",
        basis=None,
        next_action=NextAction.ASSESSMENT_NEEDED,
        frozen_on=case.frozen_on,
        reasons=tuple(trail.reasons),
        flags=frozenset(trail.flags),
    )
