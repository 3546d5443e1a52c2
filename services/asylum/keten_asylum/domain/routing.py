"""Procedure routing of an application for international protection (asylum chapter §2.1-§2.6, §7).

`route` evaluates the steps of §2.1 in their order (subsequent application, Dublin, border procedure,
admissibility, accelerated, regular) on the facts the service has gathered and returns the procedure, the
grounds it rests on and an explanation of every step for the caseworker. It is a pure function: the service
re-runs it whenever a fact changes (an age assessment, special needs found at the border: edge cases 2, 18).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from keten_asylum.config import AsylumSettings, CrisisRegime, Derogation
from keten_asylum.domain.grounds import ACCELERATED_GROUNDS, ADMISSIBILITY_ARTICLE, UAM_ARTICLE, RateFact
from keten_shared.errors import InvalidData
from keten_shared.events.catalog.asylum import AcceleratedGround, AdmissibilityGround, EntrySituation, RoutedProcedure

G = AcceleratedGround
A = AdmissibilityGround
P = RoutedProcedure

# CR Art 11(3): in a crisis the 42(1)(j) threshold for the mandatory border procedure may be lowered to 5 %.
CRISIS_MANDATORY_BORDER_THRESHOLD = Decimal("0.05")
# CR Art 11(4): in a crisis the border procedure may also decide the merits at rates up to 50 %.
CRISIS_BORDER_MERITS_THRESHOLD = Decimal("0.50")
# APR Art 51(2): the border procedure ends within 12 weeks of registration, 16 after an AMMR 67(11) relocation.
BORDER_WEEKS = 12
BORDER_WEEKS_RELOCATED = 16
# CR Art 11(1): a crisis adds up to 6 weeks, not cumulative with the 16-week relocation maximum.
CRISIS_EXTRA_BORDER_WEEKS = 6

_ADMISSIBILITY_DETAIL: dict[AdmissibilityGround, str] = {
    A.FIRST_COUNTRY_OF_ASYLUM: "first country of asylum (APR Art 58)",
    A.SAFE_THIRD_COUNTRY: "safe third country (APR Art 59)",
    A.PROTECTION_IN_OTHER_MS: "another member state granted international protection",
    A.INTERNATIONAL_COURT_RELOCATION: "safe relocation by an international criminal court or tribunal",
    A.LATE_AFTER_RETURN_DECISION: "made more than 7 working days after receiving a return decision",
    A.SUBSEQUENT_NO_NEW_ELEMENTS: "subsequent application without new elements (APR Art 55(3))",
}

_ENTRY_SITUATION: dict[EntrySituation, str] = {
    EntrySituation.BORDER_CROSSING_POINT: "applied at a border crossing point or transit zone (43(1)(a))",
    EntrySituation.APPREHENDED: "apprehended crossing the external border without authorisation (43(1)(b))",
    EntrySituation.DISEMBARKED: "disembarked after a search and rescue operation (43(1)(c))",
    EntrySituation.RELOCATED: "relocated under AMMR Art 67(11) (43(1)(d))",
}


@dataclass(frozen=True)
class BorderFacts:
    """Whether the border procedure may apply at all (APR Art 43(1)) and the exit conditions (APR Art 53(2))."""

    entry_situation: EntrySituation | None  # None: not one of the four situations (e.g. screened inside the territory)
    screened: bool = True  # screening ended
    entry_authorised: bool = False
    entry_conditions_met: bool = False  # Schengen Borders Code Art 6
    support_for_special_reception_needs: bool = True  # 53(2)(b) incl. minors
    support_for_special_procedural_needs: bool = True  # 53(2)(c)
    medical_reasons: bool = False  # 53(2)(d)
    detention_guarantees_met: bool = True  # 53(2)(e) (only matters if detention needed)
    detention_needed: bool = False


@dataclass(frozen=True)
class CapacityState:
    """The member state's border-procedure counters (APR Art 47-50) as the service counts them."""

    load: int  # persons currently in the border procedure
    capacity: int  # adequate capacity; 0 = not configured (then never reached)
    capacity_notified: bool  # APR 48: the Commission was notified that capacity is reached
    year_count: int  # border examinations started this calendar year
    annual_maximum: int  # 0 = not configured
    annual_maximum_authorised: bool  # APR 50: an implementing act authorises the relief


@dataclass(frozen=True)
class RoutingFacts:
    """What routing needs to know about the applicant and the application."""

    nationalities: tuple[str, ...]  # ISO alpha-2
    stateless: bool = False
    former_habitual_residence: str | None = None  # stateless persons (42(1)(j), 61(5)(a))
    subsequent: bool = False  # a final decision exists on an earlier application (APR 55)
    new_elements: bool | None = None  # outcome of the preliminary examination; None = not yet examined
    dublin_pending: bool = False  # AMMR determination running or another MS responsible (39(1)(a))
    established_grounds: frozenset[AcceleratedGround] = frozenset()  # all but LOW_RECOGNITION, which is computed
    admissibility_grounds: frozenset[AdmissibilityGround] = frozenset()
    recognition_rate_exception: str | None = None  # recorded 42(1)(j) exception
    unaccompanied_minor: bool = False
    age_disputed: bool = False  # treated as a minor until the age assessment (edge case 3)
    minor_under_12_or_family: bool = False  # CR 11(7) exclusion under instrumentalisation
    family_with_minors: bool = False
    special_procedural_needs_unsupported: bool = False  # APR 21(2)
    border: BorderFacts | None = None  # None = not at the border
    relocated_67_11: bool = False  # 16-week border maximum (51(2) third subparagraph)
    instrumentalised: bool = False  # belongs to the instrumentalised group (CR 11(6))

    def __post_init__(self) -> None:
        # APR Art 42(1)(j): the recognition-rate ground follows from the EU-wide rate, never from an entry.
        if G.LOW_RECOGNITION in self.established_grounds:
            raise InvalidData("APR Art 42(1)(j) is computed from the recognition rate, not established")
        # APR Art 27(1)(a): nationalities or statelessness.
        if self.stateless and self.nationalities:
            raise InvalidData("a stateless applicant has no nationality; record the former habitual residence")
        # APR Art 55(3): only a subsequent application has a preliminary examination of new elements.
        if self.new_elements is not None and not self.subsequent:
            raise InvalidData("APR Art 55(3): new elements are examined only for a subsequent application")
        # APR Art 38(2): inadmissible only after the preliminary examination found no new elements.
        if A.SUBSEQUENT_NO_NEW_ELEMENTS in self.admissibility_grounds and self.new_elements is not False:
            raise InvalidData("APR Art 38(2) requires a subsequent application without new elements")
        # APR Art 42(1)(g): a subsequent application that is not inadmissible.
        if G.SUBSEQUENT in self.established_grounds and self.new_elements is not True:
            raise InvalidData("APR Art 42(1)(g) requires a subsequent application with new elements")

    @property
    def treated_as_minor(self) -> bool:
        # APR Art 25, 53(1): a disputed age is treated as a minor's until the age assessment (edge case 3).
        return self.unaccompanied_minor or self.age_disputed


class RoutingStepKind(StrEnum):
    """The questions routing answers, in the order the caseworker reads them (asylum chapter §2.1)."""

    SUBSEQUENT = "SUBSEQUENT"
    DUBLIN = "DUBLIN"
    RECOGNITION_RATE = "RECOGNITION_RATE"
    MINOR = "MINOR"
    SPECIAL_NEEDS = "SPECIAL_NEEDS"
    ACCELERATED_GROUNDS = "ACCELERATED_GROUNDS"
    BORDER = "BORDER"
    ADMISSIBILITY = "ADMISSIBILITY"
    OUTCOME = "OUTCOME"


@dataclass(frozen=True)
class RoutingStep:
    step: RoutingStepKind
    article: str
    finding: str


@dataclass(frozen=True)
class AppliedGround:
    code: str  # AcceleratedGround or AdmissibilityGround value
    article: str
    detail: str


@dataclass(frozen=True)
class Routing:
    procedure: RoutedProcedure
    mandatory: bool  # mandatory border (45(1)), mandatory admissibility (38(2)) or mandatory acceleration (42(1))
    grounds: tuple[AppliedGround, ...]  # the grounds the procedure rests on
    steps: tuple[RoutingStep, ...]
    recognition: RateFact | None = None  # the rate that decided 42(1)(j): the highest known for the applicant
    data_gaps: tuple[str, ...] = ()  # countries at issue without a rate
    border_excluded_reason: str | None = None  # None when routed to the border or the border was not reached
    capacity_relief: str | None = None  # the APR 48 / APR 50 / CR 11(2) relief that kept the case from the border
    merits_blocked_by_dublin: bool = False
    border_maximum_weeks: int | None = None
    counts_against_capacity: bool = field(init=False)

    def __post_init__(self) -> None:
        # APR Art 47-48: every application in the border procedure counts against the adequate capacity.
        object.__setattr__(self, "counts_against_capacity", self.procedure is P.BORDER)


def route(
    facts: RoutingFacts,
    rates: Mapping[str, RateFact | None],
    capacity: CapacityState,
    settings: AsylumSettings,
    crisis: CrisisRegime | None,
) -> Routing:
    """Route an application in the order of asylum chapter §2.1 and explain each step."""
    steps = [_subsequent_step(facts), _dublin_step(facts)]
    blocked = facts.dublin_pending
    if facts.subsequent and facts.new_elements is None:
        # APR Art 55(3): a subsequent application first goes through the preliminary examination.
        steps.append(_outcome_step(P.PRELIMINARY_EXAMINATION, "APR Art 55(3)", "preliminary examination", blocked))
        return Routing(P.PRELIMINARY_EXAMINATION, False, (), tuple(steps), merits_blocked_by_dublin=blocked)
    if facts.subsequent and facts.new_elements is False:
        # APR Art 38(2): a subsequent application without new elements must be declared inadmissible.
        ground = _admissibility_ground(A.SUBSEQUENT_NO_NEW_ELEMENTS)
        steps.append(RoutingStep(RoutingStepKind.ADMISSIBILITY, ground.article, "mandatory: " + ground.detail))
        steps.append(_outcome_step(P.ADMISSIBILITY, ground.article, "mandatory inadmissibility", blocked))
        return Routing(P.ADMISSIBILITY, True, (ground,), tuple(steps), merits_blocked_by_dublin=blocked)

    recognition = _recognition(facts, rates, settings.recognition_rate_threshold)
    steps.append(recognition.step)
    found = _accelerated_grounds(facts, recognition)
    minor = facts.treated_as_minor
    grounds = _uam_grounds(found) if minor else found
    if minor:
        steps.append(_minor_step(facts, found, grounds))
    if facts.special_procedural_needs_unsupported:
        steps.append(_special_needs_step())
    steps.append(_accelerated_step(grounds, minor))
    border = _border(facts, grounds, recognition, capacity, settings.recognition_rate_threshold, crisis)
    steps.extend(border.steps)

    admissibility = tuple(_admissibility_ground(g) for g in A if g in facts.admissibility_grounds)
    if border.applies:
        merits = tuple(_applied(g, recognition, minor) for g in G if g in border.merits_grounds)
        steps.append(_admissibility_step(admissibility, at_border=True))
        steps.append(_outcome_step(P.BORDER, "APR Art 45(1)", "mandatory border procedure", blocked))
        return Routing(
            P.BORDER,
            True,
            merits + admissibility,
            tuple(steps),
            recognition.decisive,
            recognition.gaps,
            merits_blocked_by_dublin=blocked,
            border_maximum_weeks=_border_maximum_weeks(facts, crisis),
        )
    steps.append(_admissibility_step(admissibility, at_border=False))
    if admissibility:
        # APR Art 38(1): the optional inadmissibility grounds are examined before the merits.
        procedure, mandatory, applied, article = P.ADMISSIBILITY, False, admissibility, "APR Art 38(1)"
    elif grounds and not facts.special_procedural_needs_unsupported:
        # APR Art 42(1), 42(3): the examination shall be accelerated where a ground applies.
        applied = tuple(_applied(g, recognition, minor) for g in G if g in grounds)
        procedure, mandatory, article = P.ACCELERATED, True, "APR Art 42(3)" if minor else "APR Art 42(1)"
    else:
        # APR Art 35(4): otherwise the regular procedure.
        procedure, mandatory, applied, article = P.REGULAR, False, (), "APR Art 35(4)"
    summary = ("mandatory " if mandatory else "") + _PROCEDURE_NAME[procedure]
    steps.append(_outcome_step(procedure, article, summary, blocked))
    return Routing(
        procedure,
        mandatory,
        applied,
        tuple(steps),
        recognition.decisive,
        recognition.gaps,
        border.excluded_reason,
        border.relief,
        blocked,
    )


_PROCEDURE_NAME: dict[RoutedProcedure, str] = {
    P.PRELIMINARY_EXAMINATION: "preliminary examination",
    P.BORDER: "border procedure",
    P.ADMISSIBILITY: "admissibility examination",
    P.ACCELERATED: "accelerated examination",
    P.REGULAR: "regular procedure",
}


# --- subsequent application and Dublin (§2.1 steps 1-2) -------------------------------------------------


def _subsequent_step(facts: RoutingFacts) -> RoutingStep:
    # APR Art 55(1), 55(3): a final decision on an earlier application makes this a subsequent application.
    if not facts.subsequent:
        finding = "no final decision on an earlier application: not a subsequent application"
    elif facts.new_elements is None:
        finding = "subsequent application: the preliminary examination of new elements comes first"
    elif facts.new_elements:
        finding = "subsequent application with new elements: the merits are accelerated (APR Art 42(1)(g))"
    else:
        finding = "subsequent application without new elements: inadmissible (APR Art 38(2))"
    return RoutingStep(RoutingStepKind.SUBSEQUENT, "APR Art 55", finding)


def _dublin_step(facts: RoutingFacts) -> RoutingStep:
    # APR Art 39(1)(a): no merits decision while another member state is or may be responsible.
    if facts.dublin_pending:
        finding = (
            "responsibility determination running or another member state responsible: the case is routed, "
            "but no merits decision may be issued"
        )
    else:
        finding = "no responsibility determination pending: the merits may be decided here"
    return RoutingStep(RoutingStepKind.DUBLIN, "APR Art 39(1)(a); AMMR Art 38(1)", finding)


# --- recognition rate (APR Art 42(1)(j)) ----------------------------------------------------------------


@dataclass(frozen=True)
class _Recognition:
    applies: bool  # the 42(1)(j) ground applies
    decisive: RateFact | None  # the highest known rate among the countries at issue
    gaps: tuple[str, ...]
    threshold: Decimal
    step: RoutingStep

    def at_most(self, limit: Decimal) -> bool:
        return self.decisive is not None and self.decisive.rate <= limit


def _countries_at_issue(facts: RoutingFacts) -> tuple[str, ...]:
    # APR Art 42(1)(j), 61(5)(a): a stateless person is assessed on the country of former habitual residence.
    if facts.stateless:
        return (facts.former_habitual_residence,) if facts.former_habitual_residence else ()
    return tuple(dict.fromkeys(facts.nationalities))


def _recognition(facts: RoutingFacts, rates: Mapping[str, RateFact | None], threshold: Decimal) -> _Recognition:
    countries = _countries_at_issue(facts)
    known = [fact for country in countries if (fact := rates.get(country)) is not None]
    # Edge case 6: a missing rate is a data gap; no rate is ever inferred for it.
    gaps = tuple(country for country in countries if rates.get(country) is None)
    # Edge case 8: the ground rests on the nationality whose protection is at issue; read here as every known
    # nationality being at or below the threshold, so the highest known rate decides. UNVERIFIED: legal review.
    decisive = max(known, key=lambda fact: fact.rate, default=None)
    below = decisive is not None and decisive.rate <= threshold
    # APR Art 42(1)(j) second part: a recorded significant change or non-representative category disables it.
    applies = below and facts.recognition_rate_exception is None
    parts = ["stateless: former habitual residence used (APR Art 61(5)(a))"] if facts.stateless else []
    parts += [_rate_text(fact) for fact in known]
    parts += [f"{country}: no EU-wide rate (data gap, no rate inferred)" for country in gaps]
    if not countries:
        parts.append("no former habitual residence recorded" if facts.stateless else "no nationality recorded")
    if decisive is None:
        conclusion = "no known rate: the ground does not apply"
    elif not below:
        conclusion = f"{_percent(decisive.rate)} for {decisive.country} is above the threshold of {_percent(threshold)}"
    elif not applies:
        conclusion = f"exception recorded ({facts.recognition_rate_exception}): the ground does not apply"
    else:
        conclusion = f"at or below the threshold of {_percent(threshold)}: the ground applies"
    finding = "; ".join([*parts, conclusion])
    step = RoutingStep(RoutingStepKind.RECOGNITION_RATE, "APR Art 42(1)(j)", finding)
    return _Recognition(applies, decisive, gaps, threshold, step)


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f} %"


def _rate_text(fact: RateFact) -> str:
    return f"{fact.country}: {_percent(fact.rate)} (Eurostat {fact.reference_year}, release {fact.release})"


# --- accelerated grounds (APR Art 42) ----------------------------------------------------------------------


def _accelerated_grounds(facts: RoutingFacts, recognition: _Recognition) -> frozenset[AcceleratedGround]:
    grounds = set(facts.established_grounds)
    # APR Art 42(1)(j): the recognition-rate ground is computed.
    if recognition.applies:
        grounds.add(G.LOW_RECOGNITION)
    # APR Art 42(1)(g): a subsequent application with new elements is not inadmissible.
    if facts.subsequent:
        grounds.add(G.SUBSEQUENT)
    return frozenset(grounds)


def _uam_grounds(grounds: frozenset[AcceleratedGround]) -> frozenset[AcceleratedGround]:
    # APR Art 42(3): an unaccompanied minor's examination is accelerated only on the 42(3) grounds.
    return frozenset(g for g in grounds if ACCELERATED_GROUNDS[g].uam_allowed)


def _letters(grounds: AbstractSet[AcceleratedGround], minor: bool) -> str:
    return ", ".join(_article(g, minor).removeprefix("APR Art ") for g in G if g in grounds)


def _article(ground: AcceleratedGround, minor: bool) -> str:
    # APR Art 42(3): for an unaccompanied minor the ground is cited by its 42(3) letter.
    return UAM_ARTICLE[ground] if minor else ACCELERATED_GROUNDS[ground].article


def _applied(ground: AcceleratedGround, recognition: _Recognition, minor: bool) -> AppliedGround:
    detail = ACCELERATED_GROUNDS[ground].description
    if ground is G.LOW_RECOGNITION and recognition.decisive is not None:
        decisive = recognition.decisive
        detail = (
            f"EU-wide recognition rate {_percent(decisive.rate)} for {decisive.country} "
            f"(Eurostat {decisive.reference_year}) at or below {_percent(recognition.threshold)}"
        )
    return AppliedGround(ground.value, _article(ground, minor), detail)


def _admissibility_ground(ground: AdmissibilityGround) -> AppliedGround:
    return AppliedGround(ground.value, ADMISSIBILITY_ARTICLE[ground], _ADMISSIBILITY_DETAIL[ground])


def _minor_step(
    facts: RoutingFacts, found: frozenset[AcceleratedGround], kept: frozenset[AcceleratedGround]
) -> RoutingStep:
    who = (
        "age disputed: treated as an unaccompanied minor until the age assessment (APR Art 25)"
        if facts.age_disputed and not facts.unaccompanied_minor
        else "unaccompanied minor"
    )
    dropped = found - kept
    finding = f"{who}; accelerated only on the 42(3) grounds"
    if dropped:
        finding += f"; {_letters(dropped, minor=False)} not applied"
    return RoutingStep(RoutingStepKind.MINOR, "APR Art 42(3), 53(1)", finding)


def _special_needs_step() -> RoutingStep:
    # APR Art 21(2): neither the accelerated nor the border procedure where adequate support cannot be provided.
    finding = "adequate support for special procedural needs cannot be provided: no accelerated or border procedure"
    return RoutingStep(RoutingStepKind.SPECIAL_NEEDS, "APR Art 21(2)", finding)


def _accelerated_step(grounds: frozenset[AcceleratedGround], minor: bool) -> RoutingStep:
    article = "APR Art 42(3)" if minor else "APR Art 42(1)"
    finding = f"grounds found: {_letters(grounds, minor)}" if grounds else "no ground applies"
    return RoutingStep(RoutingStepKind.ACCELERATED_GROUNDS, article, finding)


def _admissibility_step(grounds: tuple[AppliedGround, ...], at_border: bool) -> RoutingStep:
    if not grounds:
        return RoutingStep(RoutingStepKind.ADMISSIBILITY, "APR Art 38(1)", "no inadmissibility ground")
    letters = ", ".join(g.article.removeprefix("APR Art ") for g in grounds)
    where = "decided in the border procedure (APR Art 44(1)(a))" if at_border else "examined before the merits"
    return RoutingStep(RoutingStepKind.ADMISSIBILITY, "APR Art 38(1)", f"optional grounds {letters}: {where}")


def _outcome_step(procedure: RoutedProcedure, article: str, summary: str, blocked: bool) -> RoutingStep:
    finding = f"{procedure.value}: {summary}"
    if blocked:
        finding += "; no merits decision until the Dublin determination ends (APR Art 39(1)(a))"
    return RoutingStep(RoutingStepKind.OUTCOME, article, finding)


# --- border procedure (APR Art 43-54, CR Art 11) -------------------------------------------------------------


@dataclass(frozen=True)
class _Border:
    applies: bool
    merits_grounds: frozenset[AcceleratedGround]
    steps: tuple[RoutingStep, ...]
    excluded_reason: str | None = None
    relief: str | None = None


@dataclass(frozen=True)
class _Relief:
    article: str
    grounds: frozenset[AcceleratedGround]
    granted: bool
    situation: str
    missing: str  # what is lacking when reached but not granted


def _holds(crisis: CrisisRegime | None, derogation: Derogation) -> bool:
    # CR Art 4(3)-(5): a derogation applies only when the Council decision for the day of making authorises it.
    return crisis is not None and derogation in crisis.derogations


def _border_step(article: str, finding: str) -> RoutingStep:
    return RoutingStep(RoutingStepKind.BORDER, article, finding)


def _not_eligible(border: BorderFacts) -> list[tuple[str, str]]:
    # APR Art 43(1): after screening, entry not authorised, entry conditions not met.
    checks = [
        (not border.screened, "screening has not ended"),
        (border.entry_authorised, "entry was authorised"),
        (border.entry_conditions_met, "the entry conditions are met (Schengen Borders Code Art 6)"),
    ]
    return [("APR Art 43(1)", text) for failed, text in checks if failed]


def _ineligible(failed: list[tuple[str, str]]) -> _Border:
    steps = tuple(_border_step(article, f"may not apply: {text}") for article, text in failed)
    return _Border(False, frozenset(), steps, "; ".join(f"{article}: {text}" for article, text in failed))


def _exclusions(
    facts: RoutingFacts, border: BorderFacts, grounds: frozenset[AcceleratedGround]
) -> list[tuple[str, str]]:
    checks = [
        # APR Art 21(2): no border procedure where adequate support cannot be provided.
        (facts.special_procedural_needs_unsupported, "APR Art 21(2)", "special procedural needs cannot be supported"),
        # APR Art 53(1): an unaccompanied minor only on the security ground (42(3)(b)).
        (
            facts.treated_as_minor and G.SECURITY not in grounds,
            "APR Art 53(1)",
            "an unaccompanied minor is examined at the border only on the security ground (42(3)(b))",
        ),
        # APR Art 53(2)(b): no support for special reception needs, including those of minors.
        (
            not border.support_for_special_reception_needs,
            "APR Art 53(2)(b)",
            "support for special reception needs, including those of minors, cannot be provided at the location",
        ),
        # APR Art 53(2)(c): no support for special procedural guarantees.
        (
            not border.support_for_special_procedural_needs,
            "APR Art 53(2)(c)",
            "support for special procedural guarantees cannot be provided at the location",
        ),
        # APR Art 53(2)(d): relevant medical reasons, including mental health.
        (border.medical_reasons, "APR Art 53(2)(d)", "relevant medical reasons"),
        # APR Art 53(2)(e): detention needed but its guarantees (Dir 2024/1346 Art 10-13) cannot be met.
        (
            border.detention_needed and not border.detention_guarantees_met,
            "APR Art 53(2)(e)",
            "the procedure needs detention and the detention guarantees are not met",
        ),
    ]
    return [(article, text) for failed, article, text in checks if failed]


def _stops_crisis_derogations(facts: RoutingFacts, border: BorderFacts) -> bool:
    # CR Art 11(9): special reception or procedural needs without support, or medical reasons.
    return (
        facts.special_procedural_needs_unsupported
        or not border.support_for_special_reception_needs
        or not border.support_for_special_procedural_needs
        or border.medical_reasons
    )


def _merits_at_border(grounds: frozenset[AcceleratedGround], minor: bool) -> frozenset[AcceleratedGround]:
    # APR Art 44(1)(b): merits only on 42(1)(a)-(g), (j) or, for an unaccompanied minor, 42(3)(b).
    if minor:
        return grounds & {G.SECURITY}
    return frozenset(g for g in grounds if ACCELERATED_GROUNDS[g].border_merits_allowed)


def _reliefs(capacity: CapacityState, crisis: CrisisRegime | None) -> list[_Relief]:
    """The reliefs from the mandatory border procedure whose situation has arisen."""
    reliefs = []
    # APR Art 48(1)-(4): at or above adequate capacity and notified, 42(1)(j) cases need not go to the border.
    if capacity.capacity > 0 and capacity.load >= capacity.capacity:
        situation = f"adequate capacity reached ({capacity.load} of {capacity.capacity})"
        low = frozenset({G.LOW_RECOGNITION})
        reliefs.append(_Relief("APR Art 48", low, capacity.capacity_notified, situation, "not notified"))
    # APR Art 50: annual maximum reached and relief authorised: 42(1)(c) and (j) need not go to the border.
    if capacity.annual_maximum > 0 and capacity.year_count >= capacity.annual_maximum:
        situation = f"annual maximum reached ({capacity.year_count} of {capacity.annual_maximum})"
        grounds = frozenset({G.MISLEADING, G.LOW_RECOGNITION})
        granted = capacity.annual_maximum_authorised
        reliefs.append(_Relief("APR Art 50", grounds, granted, situation, "no implementing act authorises relief"))
    # CR Art 11(2): in a crisis 42(1)(j) cases need not go to the border.
    if crisis is not None and Derogation.BORDER_RELIEF_LOW_RECOGNITION in crisis.derogations:
        situation = f"crisis derogation authorised by {crisis.decision_ref}"
        reliefs.append(_Relief("CR Art 11(2)", frozenset({G.LOW_RECOGNITION}), True, situation, ""))
    return reliefs


def _optional_border(
    facts: RoutingFacts, merits: frozenset[AcceleratedGround], recognition: _Recognition, crisis: CrisisRegime | None
) -> tuple[list[str], list[RoutingStep]]:
    """What would allow the optional border procedure, and the crisis notes about it."""
    reasons = []
    if merits:
        reasons.append(f"the merits on {_letters(merits, facts.treated_as_minor)} (APR Art 44(1)(b))")
    if facts.admissibility_grounds:
        reasons.append("the admissibility (APR Art 44(1)(a))")
    notes = []
    # CR Art 11(4): merits at the border also at recognition rates up to 50 %.
    if _holds(crisis, Derogation.BORDER_MERITS_50_PERCENT) and recognition.at_most(CRISIS_BORDER_MERITS_THRESHOLD):
        reasons.append("the merits at a recognition rate up to 50 % (CR Art 11(4))")
    if _holds(crisis, Derogation.INSTRUMENTALISED_ALL_MERITS) and facts.instrumentalised:
        # CR Art 11(7): minors under 12 and their family members are excluded from the 11(6) derogation.
        if facts.minor_under_12_or_family:
            notes.append(_border_step("CR Art 11(7)", "minor under 12 or family member: CR Art 11(6) not applied"))
        else:
            # CR Art 11(6): merits at the border for every instrumentalised applicant.
            reasons.append("the merits of an instrumentalised applicant (CR Art 11(6))")
    return reasons, notes


def _border(
    facts: RoutingFacts,
    grounds: frozenset[AcceleratedGround],
    recognition: _Recognition,
    capacity: CapacityState,
    threshold: Decimal,
    crisis: CrisisRegime | None,
) -> _Border:
    border = facts.border
    # APR Art 43(1)(a)-(d): only in one of the four situations at the external border.
    if border is None or border.entry_situation is None:
        return _ineligible([("APR Art 43(1)(a)-(d)", "not in one of the four external-border situations")])
    failed = _not_eligible(border)
    if failed:
        return _ineligible(failed)
    situation = _ENTRY_SITUATION[border.entry_situation]
    steps = [
        _border_step(
            "APR Art 43(1)", f"may apply: screened, entry not authorised, entry conditions not met, {situation}"
        )
    ]
    excluded = _exclusions(facts, border, grounds)
    if excluded:
        steps += [_border_step(article, f"not applied: {text}") for article, text in excluded]
        crisis_merits = {Derogation.BORDER_MERITS_50_PERCENT, Derogation.INSTRUMENTALISED_ALL_MERITS}
        if crisis is not None and crisis.derogations & crisis_merits and _stops_crisis_derogations(facts, border):
            steps.append(_border_step("CR Art 11(9)", "the crisis derogations of CR Art 11(4) and 11(6) do not apply"))
        return _Border(False, frozenset(), tuple(steps), "; ".join(f"{a}: {t}" for a, t in excluded))

    minor = facts.treated_as_minor
    merits = _merits_at_border(grounds, minor)
    if grounds - merits:
        late = _letters(grounds - merits, minor)
        steps.append(_border_step("APR Art 44(1)(b)", f"{late} cannot be decided on the merits at the border"))
    mandatory = _mandatory(merits, recognition, capacity, threshold, crisis, minor)
    steps += mandatory.steps
    if mandatory.grounds:
        steps.append(_border_step("APR Art 45(1)", f"mandatory on {_letters(mandatory.grounds, minor)}"))
        steps += _family_steps(facts, mandatory.grounds)
        return _Border(True, merits, tuple(steps))

    reasons, notes = _optional_border(facts, merits, recognition, crisis)
    steps += notes
    if reasons:
        text = f"optional and not applied; it could decide {' and '.join(reasons)}"
        steps.append(_border_step("APR Art 43(1)", text))
        reason = "APR Art 45(1): no ground makes the border procedure mandatory; the optional one is not applied"
    else:
        steps.append(_border_step("APR Art 44(1)", "no ground on which the border procedure could decide"))
        reason = "APR Art 44(1): no admissibility ground and no ground the border procedure may decide on"
    return _Border(False, merits, tuple(steps), "; ".join([*mandatory.lifted, reason]), mandatory.relief)


def _family_steps(facts: RoutingFacts, mandatory: frozenset[AcceleratedGround]) -> list[RoutingStep]:
    if not facts.family_with_minors:
        return []
    # APR Art 53(2)(b), 54(2): no exemption for families as such; facilities suited to the children's needs.
    text = (
        "family with minors: no exemption as such, support for the children is available at the location; "
        "accommodation suited to their needs after a best-interests assessment"
    )
    steps = [_border_step("APR Art 53(2)(b), 54(2)", text)]
    # APR Art 45(2): on the security ground the family is kept together as far as possible.
    if G.SECURITY in mandatory:
        steps.append(_border_step("APR Art 45(2)", "security ground: the family is kept together as far as possible"))
    return steps


@dataclass(frozen=True)
class _Mandatory:
    grounds: frozenset[AcceleratedGround]  # the grounds that make the border procedure mandatory
    steps: tuple[RoutingStep, ...]
    lifted: tuple[str, ...]  # why a 45(1) ground does not make it mandatory here, with the article
    relief: str | None  # the capacity or crisis reliefs among them


def _mandatory(
    merits: frozenset[AcceleratedGround],
    recognition: _Recognition,
    capacity: CapacityState,
    threshold: Decimal,
    crisis: CrisisRegime | None,
    minor: bool,
) -> _Mandatory:
    # APR Art 45(1): mandatory on 42(1)(c), (f) or (j).
    grounds = {g for g in merits if ACCELERATED_GROUNDS[g].mandatory_border}
    steps: list[RoutingStep] = []
    lifted: list[str] = []
    relieved: list[str] = []
    # CR Art 11(3): in a crisis the 42(1)(j) threshold for the mandatory border procedure is lowered to 5 %.
    crisis_threshold = min(threshold, CRISIS_MANDATORY_BORDER_THRESHOLD)
    if (
        G.LOW_RECOGNITION in grounds
        and _holds(crisis, Derogation.THRESHOLD_5_PERCENT)
        and not recognition.at_most(crisis_threshold)
    ):
        grounds.discard(G.LOW_RECOGNITION)
        text = f"the rate is above the crisis threshold of {_percent(crisis_threshold)}: 42(1)(j) not mandatory"
        steps.append(_border_step("CR Art 11(3)", text))
        lifted.append(f"CR Art 11(3): {text}")
    for relief in _reliefs(capacity, crisis):
        hit = grounds & relief.grounds
        if not hit:
            continue
        if not relief.granted:
            steps.append(_border_step(relief.article, f"{relief.situation} but {relief.missing}: no relief"))
            continue
        grounds -= hit
        text = f"{relief.situation}: {_letters(hit, minor)} not required in the border procedure"
        steps.append(_border_step(relief.article, text))
        relieved.append(f"{relief.article}: {text}")
    return _Mandatory(frozenset(grounds), tuple(steps), (*lifted, *relieved), "; ".join(relieved) or None)


def _border_maximum_weeks(facts: RoutingFacts, crisis: CrisisRegime | None) -> int:
    # CR Art 11(1): up to 6 more weeks in a crisis, not cumulative with the 16 weeks after relocation.
    if _holds(crisis, Derogation.BORDER_PLUS_6_WEEKS):
        return BORDER_WEEKS + CRISIS_EXTRA_BORDER_WEEKS
    # APR Art 51(2) third subparagraph: 16 weeks after an AMMR Art 67(11) relocation.
    border = facts.border
    relocated = facts.relocated_67_11 or (border is not None and border.entry_situation is EntrySituation.RELOCATED)
    return BORDER_WEEKS_RELOCATED if relocated else BORDER_WEEKS
