"""The application aggregate and its decision (asylum chapter §8): pure domain, no database, broker or service.

Every step of the state machine is taken in each state that allows it and refused (TransitionNotAllowed, HTTP 409)
in every other state; dates that break a rule are refused with InvalidData (HTTP 422). The appeal terms come from
the real APR Art 67-68 rules (appeal_terms) with the NL holiday calendar, as the service layer builds them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from keten_asylum.config import AppealPeriod, AsylumSettings
from keten_asylum.domain import deadlines
from keten_asylum.domain.appeals import AppealTerms, DecisionContext, appeal_terms
from keten_asylum.domain.decision import (
    EXAMINATION_OUTCOMES,
    MERITS_OUTCOMES,
    OUTCOME_LEGAL_BASIS,
    PROCEDURE_TYPE,
    RETURN_DECISION_OUTCOMES,
    Appeal,
    AppealResult,
    CourtRuling,
    Decision,
    NotifiedTo,
    RemainRequest,
    requires_return_decision,
)
from keten_asylum.domain.model import (
    STATUS_OF_PROCEDURE,
    Application,
    ApplicationStatus,
    DublinStatus,
    registration_clock_start,
)
from keten_shared.deadlines import HolidayCalendar, Unit
from keten_shared.errors import InvalidData, TransitionNotAllowed
from keten_shared.events.catalog.asylum import (
    AdmissibilityGround,
    DecisionOutcome,
    ProcedureType,
    ReturnDecisionMode,
    RoutedProcedure,
)
from keten_shared.events.catalog.screening import ScreeningReason

AMS = ZoneInfo("Europe/Amsterdam")
NL = HolidayCalendar("NL", [2026, 2027])
# The national choices pinned, so that no environment variable can move a date.
SETTINGS = AsylumSettings(
    appeal_period_short=AppealPeriod(amount=7, unit=Unit.DAYS),  # APR Art 67(7)(a): 5-10 days
    appeal_period_long=AppealPeriod(amount=1, unit=Unit.MONTHS),  # APR Art 67(7)(b): 2 weeks - 1 month
    remain_request_days=5,  # APR Art 68(5)(a): at least 5 days
    no_auto_suspense_inadmissibility_grounds=["38(1)(a)", "38(1)(d)", "38(1)(e)", "38(2)"],
)

S = ApplicationStatus
D = DecisionOutcome
P = RoutedProcedure
M = ReturnDecisionMode


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=AMS)


def local_day(instant: datetime) -> date:
    """The member state's calendar day of an instant, as the service layer passes it (time.md §3.8)."""
    return instant.astimezone(AMS).date()


US = timedelta(microseconds=1)

# The life of one application: made Mon 2026-07-06 inland, decided Thu 2026-12-10 (asylum scenarios 1-2).
MADE_AT = at(2026, 7, 6, 9)
REGISTRATION_DUE = date(2026, 7, 13)  # APR Art 27(1): 5 days = Sat 07-11 -> Mon 07-13 (APR Art 73(c))
REFERRED_AT = at(2026, 7, 7, 8)  # Tue: the end of screening (SR Art 18) for SR 5(1) persons
REGISTERED_AT = at(2026, 7, 7)  # Tue
LODGING_DUE = date(2026, 7, 28)  # APR Art 28(1): 21 days from registration
LODGED_AT = at(2026, 7, 10)  # Fri
ROUTED_AT = at(2026, 7, 13)  # Mon
NOTIFIED_AT = at(2026, 12, 10)  # Thu
DECIDED_AT = at(2026, 12, 10, 12)
# Auto-suspensive decision (REGULAR, T14 = 1 month): Sun 2027-01-10 rolls to Mon 2027-01-11 (APR Art 73(c)).
APPEAL_DUE_LONG = date(2027, 1, 11)
# Non-suspensive decision (ACCELERATED, T13 = 7 days): Thu 2026-12-17; remain request (5 days): Tue 2026-12-15.
APPEAL_DUE_SHORT = date(2026, 12, 17)
REMAIN_DUE = date(2026, 12, 15)
REGISTRATION_DATA: dict[str, Any] = {
    "stateless": False,
    "place_of_birth": "Herat",
    "family_members": [],
    "documents": [],
    "address": "COA Ter Apel",
    "phone": None,
    "email": None,
    "information_confirmed": True,
}


# --- builders -------------------------------------------------------------------------------------------------


def made(**overrides: Any) -> Application:
    values: dict[str, Any] = {
        "id": "a-1",
        "person_id": "p-1",
        "member_state": "NL",
        "person": {"family_name": "Ahmadi", "given_names": "Sara", "nationalities": ["AFG"]},
        "made_at": MADE_AT,
        "created_at": MADE_AT,
        "made_to_authority": "IND",
    }
    app = Application(**(values | overrides))
    # As intake.make_application: the registration clock starts at the making; SR 5(1) persons wait (APR 27(7)).
    start = registration_clock_start(app.made_at, None, app.screening_reason)
    if start is not None:
        app.start_registration_clock(start, REGISTRATION_DUE)
    return app


def registered(**overrides: Any) -> Application:
    app = made(**overrides)
    app.register(REGISTRATION_DATA, registered_at=REGISTERED_AT, lodging_deadline=LODGING_DUE)
    return app


def lodged(**overrides: Any) -> Application:
    app = registered(**overrides)
    app.lodge(lodged_at=LODGED_AT, mode="IN_PERSON", now=LODGED_AT + timedelta(minutes=5))
    return app


def limits(procedure: RoutedProcedure) -> dict[str, date | None]:
    """The examination limit the service layer computes for a procedure (APR Art 35, 51(2))."""
    if procedure is P.BORDER:
        border = deadlines.border_maximum_spec(12).compute(REGISTERED_AT, NL, tz=AMS)
        return {"examination_deadline": border.legal_last_day, "border_deadline": border.unrolled_last_day}
    spec = deadlines.examination_spec(procedure, None)
    return {"examination_deadline": spec.compute(LODGED_AT, NL, tz=AMS).legal_last_day, "border_deadline": None}


def route(app: Application, procedure: RoutedProcedure, now: datetime = ROUTED_AT) -> ApplicationStatus:
    record = {"procedure": procedure.value, "mandatory": False, "grounds": []}
    return app.route(procedure, record, now=now, **limits(procedure))


def routed(procedure: RoutedProcedure = P.REGULAR, **overrides: Any) -> Application:
    app = lodged(**overrides)
    route(app, procedure)
    return app


def terms_for(
    app: Application,
    outcome: DecisionOutcome,
    notified_at: datetime = NOTIFIED_AT,
    ground: AdmissibilityGround | None = None,
) -> AppealTerms:
    """The remedy as service_layer.decisions.decide computes it (APR Art 67-68)."""
    if outcome is D.INADMISSIBLE and ground is None:
        ground = AdmissibilityGround.PROTECTION_IN_OTHER_MS  # 38(1)(c): automatic suspensive effect by default
    context = DecisionContext(
        outcome=outcome,
        procedure=app.procedure or P.REGULAR,
        admissibility_ground=ground,
        unaccompanied_minor=app.unaccompanied_minor,
        subsequent=app.previous_application_ref is not None,
    )
    return appeal_terms(context, notified_at, SETTINGS, NL, AMS)


def decide(
    app: Application,
    outcome: DecisionOutcome = D.REJECTED_UNFOUNDED,
    *,
    mode: ReturnDecisionMode | None = None,
    notified_at: datetime = NOTIFIED_AT,
    now: datetime = DECIDED_AT,
    ground: AdmissibilityGround | None = None,
) -> Decision:
    return app.decide(
        outcome=outcome,
        notified_at=notified_at,
        return_decision_mode=mode,
        grounds_applied=[ground.value] if ground else [],
        reasons="Statements inconsistent with country information.",
        notified_to=NotifiedTo.APPLICANT,
        language="fa",
        terms=terms_for(app, outcome, notified_at, ground),
        now=now,
    )


def lodge_appeal(app: Application, lodged_at: datetime, now: datetime | None = None) -> Appeal:
    return app.lodge_appeal(
        lodged_at=lodged_at, local_day=local_day(lodged_at), court_reference="AWB 26/1234", now=now or lodged_at
    )


def lodge_remain_request(app: Application, lodged_at: datetime, now: datetime | None = None) -> RemainRequest:
    return app.lodge_remain_request(lodged_at=lodged_at, local_day=local_day(lodged_at), now=now or lodged_at)


def in_appeal_window(*, suspensive: bool) -> Application:
    """A rejection notified Thu 2026-12-10: in the regular procedure (APR 68(2)) or accelerated (68(3)(a)(i))."""
    app = routed(P.REGULAR if suspensive else P.ACCELERATED)
    decide(app, D.REJECTED_UNFOUNDED)
    return app


def appeal_pending(*, suspensive: bool) -> Application:
    app = in_appeal_window(suspensive=suspensive)
    lodge_appeal(app, at(2026, 12, 11))
    return app


LAPSED_AT = at(2026, 12, 18, 0, 0)  # the morning after the 7-day period of the non-suspensive decision


def in_state(status: ApplicationStatus) -> Application:
    """An application brought into `status` through the aggregate's own steps (a non-suspensive decision after)."""
    match status:
        case S.MADE:
            return made()
        case S.REGISTERED:
            return registered()
        case S.LODGED:
            return lodged()
        case S.EXAM_POSTPONED | S.CLOSED_TRANSFERRED:
            # No aggregate step leads into these states yet (APR 35(7) postponement, AMMR transfer): set as loaded.
            app = routed(P.REGULAR)
            if status is S.CLOSED_TRANSFERRED:
                app.set_dublin_status(DublinStatus.OTHER_MS_RESPONSIBLE)
            app.status = status
            return app
        case S.APPEAL_WINDOW:
            return in_appeal_window(suspensive=False)
        case S.APPEAL_PENDING:
            return appeal_pending(suspensive=False)
        case S.FINAL:
            app = in_appeal_window(suspensive=False)
            app.window_lapsed(LAPSED_AT)
            return app
    procedure = next(p for p, s in STATUS_OF_PROCEDURE.items() if s is status)
    return routed(procedure)


@pytest.mark.parametrize("status", list(S))
def test_the_builder_reaches_every_state(status):
    assert in_state(status).status is status


# --- the state machine (asylum chapter §8): each step in its states, refused (409) in all others ----------------

EXAM = frozenset({S.PRELIM_EXAM, S.ADMISSIBILITY, S.EXAM_BORDER, S.EXAM_ACCELERATED, S.EXAM_REGULAR})
PRE_DECISION = frozenset({S.MADE, S.REGISTERED, S.LODGED, *EXAM, S.EXAM_POSTPONED})
STEP_AT = at(2026, 12, 14)  # Mon: inside the appeal (12-17) and remain-request (12-15) periods


def _decide(outcome: DecisionOutcome) -> Callable[[Application], object]:
    return lambda app: decide(app, outcome)


# step -> (action, {allowed state: state after the step})
STEPS: dict[str, tuple[Callable[[Application], object], dict[ApplicationStatus, ApplicationStatus]]] = {
    # APR Art 27(1)
    "register": (
        lambda app: app.register(REGISTRATION_DATA, registered_at=REGISTERED_AT, lodging_deadline=LODGING_DUE),
        {S.MADE: S.REGISTERED},
    ),
    # APR Art 28(1)
    "lodge": (
        lambda app: app.lodge(lodged_at=LODGED_AT, mode="IN_PERSON", now=LODGED_AT),
        {S.REGISTERED: S.LODGED},
    ),
    # APR Art 35, 38, 42-45, 55; re-routing under APR 42(2), 53(2)
    "route": (lambda app: route(app, P.REGULAR), dict.fromkeys({S.LODGED, *EXAM}, S.EXAM_REGULAR)),
    # APR Art 35(2), (5)
    "extend_examination": (
        lambda app: app.extend_examination("APR Art 35(5)(b)", date(2027, 7, 12)),
        {s: s for s in EXAM},
    ),
    # APR Art 36, 39: merits decisions need a procedure that is not postponed
    "decide GRANTED_REFUGEE": (_decide(D.GRANTED_REFUGEE), dict.fromkeys(EXAM, S.FINAL)),
    "decide GRANTED_SUBSIDIARY": (_decide(D.GRANTED_SUBSIDIARY), dict.fromkeys(EXAM, S.APPEAL_WINDOW)),
    "decide REJECTED_UNFOUNDED": (_decide(D.REJECTED_UNFOUNDED), dict.fromkeys(EXAM, S.APPEAL_WINDOW)),
    "decide REJECTED_MANIFESTLY_UNFOUNDED": (
        _decide(D.REJECTED_MANIFESTLY_UNFOUNDED),
        dict.fromkeys(EXAM, S.APPEAL_WINDOW),
    ),
    # APR Art 38: also while the examination is postponed
    "decide INADMISSIBLE": (_decide(D.INADMISSIBLE), dict.fromkeys({*EXAM, S.EXAM_POSTPONED}, S.APPEAL_WINDOW)),
    # APR Art 40, 41, 39(1)(a), 66(6): at any time before a decision
    "decide IMPLICITLY_WITHDRAWN": (_decide(D.IMPLICITLY_WITHDRAWN), dict.fromkeys(PRE_DECISION, S.APPEAL_WINDOW)),
    "decide EXPLICITLY_WITHDRAWN": (_decide(D.EXPLICITLY_WITHDRAWN), dict.fromkeys(PRE_DECISION, S.FINAL)),
    "decide CLOSED_OTHER_MS_RESPONSIBLE": (
        _decide(D.CLOSED_OTHER_MS_RESPONSIBLE),
        dict.fromkeys(PRE_DECISION, S.FINAL),
    ),
    "decide DISCONTINUED": (_decide(D.DISCONTINUED), dict.fromkeys(PRE_DECISION, S.FINAL)),
    # APR Art 67: in the window it opens the appeal; after finality it is recorded as late
    "lodge_appeal": (lambda app: lodge_appeal(app, STEP_AT), {S.APPEAL_WINDOW: S.APPEAL_PENDING, S.FINAL: S.FINAL}),
    # APR Art 68(4)-(5)
    "lodge_remain_request": (
        lambda app: lodge_remain_request(app, STEP_AT),
        {S.APPEAL_WINDOW: S.APPEAL_WINDOW, S.APPEAL_PENDING: S.APPEAL_PENDING},
    ),
    "rule_on_remaining": (
        lambda app: app.rule_on_remaining(CourtRuling.REFUSED, now=STEP_AT),
        {S.APPEAL_WINDOW: S.APPEAL_WINDOW, S.APPEAL_PENDING: S.APPEAL_PENDING},
    ),
    # APR Art 67(7), 3(8)
    "window_lapsed": (lambda app: app.window_lapsed(LAPSED_AT), {S.APPEAL_WINDOW: S.FINAL}),
    "decide_appeal": (lambda app: app.decide_appeal(AppealResult.DISMISSED, now=STEP_AT), {S.APPEAL_PENDING: S.FINAL}),
}

ALLOWED = [pytest.param(step, s, id=f"{step}-{s}") for step, (_, after) in STEPS.items() for s in after]
REFUSED = [pytest.param(step, s, id=f"{step}-{s}") for step, (_, after) in STEPS.items() for s in S if s not in after]


@pytest.mark.parametrize(("step", "status"), ALLOWED)
def test_step_allowed(step, status):
    action, after = STEPS[step]
    app = in_state(status)
    action(app)
    assert app.status is after[status]


@pytest.mark.parametrize(("step", "status"), REFUSED)
def test_step_refused_in_every_other_state(step, status):
    action, _ = STEPS[step]
    app = in_state(status)
    before = copy.deepcopy(app)
    with pytest.raises(TransitionNotAllowed) as refused:
        action(app)
    assert refused.value.status == 409
    assert refused.value.extra == {"current_status": status.value}
    assert app == before  # a refused step changes nothing


# --- APR Art 27(1), 28(1): registration and lodging ------------------------------------------------------------


def test_register_records_the_apr_27_data_and_starts_the_lodging_period():
    app = made()
    app.register(REGISTRATION_DATA, registered_at=REGISTERED_AT, lodging_deadline=LODGING_DUE)
    assert (app.status, app.registered_at, app.lodging_deadline) == (S.REGISTERED, REGISTERED_AT, LODGING_DUE)
    assert app.registration == REGISTRATION_DATA


@pytest.mark.parametrize("reason", [ScreeningReason.BORDER_IRREGULAR, ScreeningReason.BORDER_SAR])
def test_sr_5_1_person_is_registered_only_once_screening_has_ended(reason):
    # APR Art 27(7): Art 27(1)-(6) apply to an SR 5(1) person once screening has ended.
    app = made(screening_reason=reason, screening_case_id="s-1")
    before = copy.deepcopy(app)
    with pytest.raises(TransitionNotAllowed, match=r"APR Art 27\(7\)") as refused:
        app.register(REGISTRATION_DATA, registered_at=REGISTERED_AT, lodging_deadline=LODGING_DUE)
    assert refused.value.extra == {"current_status": "MADE"}
    assert app == before
    app.start_registration_clock(REFERRED_AT, date(2026, 7, 13))
    app.register(REGISTRATION_DATA, registered_at=REGISTERED_AT, lodging_deadline=LODGING_DUE)
    assert app.status is S.REGISTERED


def test_registration_at_the_making_is_accepted_and_before_it_refused():
    app = made()
    with pytest.raises(InvalidData, match="before the application was made"):
        app.register(REGISTRATION_DATA, registered_at=MADE_AT - US, lodging_deadline=LODGING_DUE)
    assert (app.status, app.registered_at, app.registration) == (S.MADE, None, None)
    app.register(REGISTRATION_DATA, registered_at=MADE_AT, lodging_deadline=LODGING_DUE)
    assert app.registered_at == MADE_AT


def test_lodge_records_the_instant_and_the_mode():
    app = registered()
    app.lodge(lodged_at=LODGED_AT, mode="BY_FORM", now=at(2026, 7, 10, 11))
    assert (app.status, app.lodged_at, app.lodging_mode) == (S.LODGED, LODGED_AT, "BY_FORM")


def test_lodging_before_the_registration_is_refused_and_at_it_accepted():
    app = registered()
    with pytest.raises(InvalidData, match="before the registration"):
        app.lodge(lodged_at=REGISTERED_AT - US, mode="IN_PERSON", now=LODGED_AT)
    assert (app.status, app.lodged_at) == (S.REGISTERED, None)
    app.lodge(lodged_at=REGISTERED_AT, mode="IN_PERSON", now=LODGED_AT)
    assert app.lodged_at == REGISTERED_AT


def test_lodging_in_the_future_is_refused_and_now_accepted():
    app = registered()
    with pytest.raises(InvalidData, match="future"):
        app.lodge(lodged_at=LODGED_AT + US, mode="IN_PERSON", now=LODGED_AT)
    assert (app.status, app.lodged_at) == (S.REGISTERED, None)
    app.lodge(lodged_at=LODGED_AT, mode="IN_PERSON", now=LODGED_AT)
    assert app.status is S.LODGED


# --- APR Art 27(7): when the registration period starts --------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "start"),
    [
        (ScreeningReason.BORDER_IRREGULAR, REFERRED_AT),  # SR 5(1)(a): from the end of screening
        (ScreeningReason.BORDER_SAR, REFERRED_AT),  # SR 5(1)(b)
        (ScreeningReason.BORDER_BCP_APPLICANT, MADE_AT),  # SR 5(2): not covered by APR 27(7)
        (ScreeningReason.TERRITORY, MADE_AT),  # SR 7
        (None, MADE_AT),  # no screening
    ],
)
def test_registration_clock_start(reason, start):
    assert registration_clock_start(MADE_AT, REFERRED_AT, reason) == start


@pytest.mark.parametrize(
    ("reason", "start"),
    [
        (ScreeningReason.BORDER_IRREGULAR, None),
        (ScreeningReason.BORDER_SAR, None),
        (ScreeningReason.BORDER_BCP_APPLICANT, MADE_AT),
        (ScreeningReason.TERRITORY, MADE_AT),
        (None, MADE_AT),
    ],
)
def test_sr_5_1_persons_wait_for_the_referral(reason, start):
    # APR Art 27(7): while an SR 5(1) screening runs, no registration period runs yet.
    assert registration_clock_start(MADE_AT, None, reason) == start


def test_every_screening_reason_is_covered():
    assert set(ScreeningReason) == {
        ScreeningReason.BORDER_IRREGULAR,
        ScreeningReason.BORDER_SAR,
        ScreeningReason.BORDER_BCP_APPLICANT,
        ScreeningReason.TERRITORY,
    }


def test_the_registration_deadline_is_set_when_the_clock_starts():
    app = made(screening_reason=ScreeningReason.BORDER_IRREGULAR)
    assert app.registration_deadline is None
    app.start_registration_clock(REFERRED_AT, date(2026, 7, 13))  # Tue 07-07 + 5 = Sun 07-12 -> Mon 07-13
    assert app.registration_deadline == date(2026, 7, 13)
    assert app.status is S.MADE


# --- routing: APR Art 35, 38, 42-45, 55; re-routing under APR 42(2), 53(2) -------------------------------------


def test_status_of_each_procedure():
    assert STATUS_OF_PROCEDURE == {
        P.PRELIMINARY_EXAMINATION: S.PRELIM_EXAM,
        P.ADMISSIBILITY: S.ADMISSIBILITY,
        P.BORDER: S.EXAM_BORDER,
        P.ACCELERATED: S.EXAM_ACCELERATED,
        P.REGULAR: S.EXAM_REGULAR,
    }


@pytest.mark.parametrize("procedure", list(P))
def test_route_sends_the_lodged_application_to_its_procedure(procedure):
    app = lodged()
    record = {"procedure": procedure.value, "grounds": [{"code": "LOW_RECOGNITION", "article": "APR Art 42(1)(j)"}]}
    before = app.route(procedure, record, now=ROUTED_AT, **limits(procedure))
    assert before is S.LODGED
    assert app.status is STATUS_OF_PROCEDURE[procedure]
    assert (app.procedure, app.routing) == (procedure, record)
    assert app.examination_deadline == limits(procedure)["examination_deadline"]
    assert app.border_deadline == limits(procedure)["border_deadline"]


def test_route_stores_the_examination_limits():
    regular, border = routed(P.REGULAR), routed(P.BORDER)
    # APR Art 35(4): lodged Fri 2026-07-10 + 6 months = Sun 2027-01-10 -> Mon 2027-01-11.
    assert (regular.examination_deadline, regular.border_deadline) == (date(2027, 1, 11), None)
    # APR Art 51(2): registered Tue 2026-07-07 + 12 weeks = Tue 2026-09-29.
    assert (border.examination_deadline, border.border_deadline) == (date(2026, 9, 29), date(2026, 9, 29))


@pytest.mark.parametrize("procedure", [p for p in P if p is not P.BORDER])
def test_only_the_border_procedure_counts_against_the_border_capacity(procedure):
    assert routed(procedure).border_started_at is None


def test_border_started_at_is_set_on_the_first_border_routing_only():
    # APR Art 47-50: a case counts once against the capacity and the annual maximum.
    app = routed(P.BORDER)
    assert app.border_started_at == ROUTED_AT
    route(app, P.BORDER, now=at(2026, 7, 20))  # re-evaluated, still in the border procedure
    assert app.border_started_at == ROUTED_AT
    route(app, P.ACCELERATED, now=at(2026, 8, 3))  # APR Art 53(2): border procedure ends
    assert (app.status, app.border_deadline, app.border_started_at) == (S.EXAM_ACCELERATED, None, ROUTED_AT)
    route(app, P.BORDER, now=at(2026, 8, 10))
    assert app.border_started_at == ROUTED_AT


@pytest.mark.parametrize("target", list(P))
@pytest.mark.parametrize("source", list(P))
def test_rerouting_from_an_examination_state(source, target):
    app = routed(source)
    app.extend_examination("APR Art 35(5)(b)", date(2027, 7, 12))
    app.examination_overdue_since = at(2026, 9, 1)
    before = route(app, target, now=at(2026, 9, 2))
    assert before is STATUS_OF_PROCEDURE[source]
    assert (app.status, app.procedure) == (STATUS_OF_PROCEDURE[target], target)
    # The new procedure brings its own limit: the old extension and overdue flag no longer apply.
    assert app.examination_deadline == limits(target)["examination_deadline"]
    assert (app.examination_extended, app.examination_overdue_since) == (None, None)


def test_extension_only_once():
    # APR Art 35(5): 12 months from lodging Fri 2026-07-10 = Sat 2027-07-10 -> Mon 2027-07-12.
    app = routed(P.REGULAR)
    extended = deadlines.extended_spec(deadlines.REGULAR)
    assert extended is not None
    new_deadline = extended.compute(LODGED_AT, NL, tz=AMS).legal_last_day
    assert new_deadline == date(2027, 7, 12)
    app.extend_examination("APR Art 35(5)(b)", new_deadline)
    assert (app.status, app.examination_extended, app.examination_deadline) == (
        S.EXAM_REGULAR,
        "APR Art 35(5)(b)",
        new_deadline,
    )
    with pytest.raises(TransitionNotAllowed, match="already extended") as refused:
        app.extend_examination("APR Art 35(5)(a)", date(2027, 12, 31))
    assert refused.value.extra == {"current_status": "EXAM_REGULAR"}
    assert (app.examination_extended, app.examination_deadline) == ("APR Art 35(5)(b)", new_deadline)


# --- decide(): APR Art 36-39, the remedy of APR Art 67-68 ------------------------------------------------------


def test_the_outcome_sets():
    rejected = {D.REJECTED_UNFOUNDED, D.REJECTED_MANIFESTLY_UNFOUNDED}
    assert MERITS_OUTCOMES == {D.GRANTED_REFUGEE, D.GRANTED_SUBSIDIARY, *rejected}
    assert EXAMINATION_OUTCOMES == MERITS_OUTCOMES | {D.INADMISSIBLE}
    # APR Art 37: the outcomes that oblige a return decision.
    assert RETURN_DECISION_OUTCOMES == {*rejected, D.INADMISSIBLE, D.IMPLICITLY_WITHDRAWN, D.EXPLICITLY_WITHDRAWN}


@pytest.mark.parametrize(
    ("outcome", "basis"),
    [
        (D.GRANTED_REFUGEE, ("QR Art 13", "APR Art 39(2)")),
        (D.GRANTED_SUBSIDIARY, ("QR Art 18", "APR Art 39(2)")),
        (D.REJECTED_UNFOUNDED, ("APR Art 39(3)",)),
        (D.REJECTED_MANIFESTLY_UNFOUNDED, ("APR Art 39(4)",)),
        (D.INADMISSIBLE, ("APR Art 38",)),
        (D.IMPLICITLY_WITHDRAWN, ("APR Art 41",)),
        (D.EXPLICITLY_WITHDRAWN, ("APR Art 40",)),
        (D.CLOSED_OTHER_MS_RESPONSIBLE, ("APR Art 39(1)(a)",)),
        (D.DISCONTINUED, ("APR Art 66(6)",)),
    ],
)
def test_each_outcome_rests_on_its_article(outcome, basis):
    assert OUTCOME_LEGAL_BASIS[outcome] == basis


@pytest.mark.parametrize(
    ("procedure", "reported"),
    [
        (P.BORDER, ProcedureType.BORDER),
        (P.ACCELERATED, ProcedureType.ACCELERATED),
        (P.PRELIMINARY_EXAMINATION, ProcedureType.ACCELERATED),  # APR 55, then 42(1)(g)
        (P.ADMISSIBILITY, ProcedureType.REGULAR),
        (P.REGULAR, ProcedureType.REGULAR),
    ],
)
def test_the_decision_reports_the_procedure_it_was_taken_in(procedure, reported):
    assert PROCEDURE_TYPE[procedure] is reported
    decision = decide(routed(procedure), D.REJECTED_UNFOUNDED)
    assert (decision.procedure, decision.procedure_type) == (procedure, reported)


def test_a_decision_before_routing_reports_the_regular_procedure():
    decision = decide(registered(), D.IMPLICITLY_WITHDRAWN)  # APR Art 41(1)(a): not lodged in time
    assert (decision.procedure, decision.procedure_type) == (P.REGULAR, ProcedureType.REGULAR)


@pytest.mark.parametrize("outcome", sorted(RETURN_DECISION_OUTCOMES))
@pytest.mark.parametrize("mode", [None, M.INTEGRATED, M.SEPARATE_ACT])
def test_apr_37_outcomes_require_a_return_decision(outcome, mode):
    assert requires_return_decision(outcome, mode) is True
    decision = decide(routed(), outcome, mode=mode)
    assert decision.return_decision_required is True
    assert decision.return_decision_mode is (mode or M.SEPARATE_ACT)  # a separate act unless stated otherwise
    assert decision.legal_basis == [*OUTCOME_LEGAL_BASIS[outcome], "APR Art 37"]


@pytest.mark.parametrize("outcome", sorted(RETURN_DECISION_OUTCOMES))
def test_no_return_decision_when_one_existed_before_the_application(outcome):
    # APR Art 37: a return decision issued before the application was made needs no new one.
    assert requires_return_decision(outcome, M.PRE_EXISTING) is False
    decision = decide(routed(), outcome, mode=M.PRE_EXISTING)
    assert (decision.return_decision_required, decision.return_decision_mode) == (False, M.PRE_EXISTING)
    assert decision.legal_basis == list(OUTCOME_LEGAL_BASIS[outcome])
    assert "APR Art 37" not in decision.legal_basis


@pytest.mark.parametrize("outcome", sorted(set(D) - RETURN_DECISION_OUTCOMES))
def test_no_return_decision_after_protection_or_closure(outcome):
    for mode in [None, *M]:
        assert requires_return_decision(outcome, mode) is False
    decision = decide(routed(), outcome)
    assert (decision.return_decision_required, decision.return_decision_mode) == (False, None)
    assert decision.legal_basis == list(OUTCOME_LEGAL_BASIS[outcome])


def test_decide_records_the_decision():
    app = routed(P.REGULAR)
    terms = terms_for(app, D.REJECTED_UNFOUNDED)
    decision = app.decide(
        outcome=D.REJECTED_UNFOUNDED,
        notified_at=NOTIFIED_AT,
        return_decision_mode=M.INTEGRATED,
        grounds_applied=["INCONSISTENT"],
        reasons="reasons in fact and law",
        notified_to=NotifiedTo.LEGAL_REPRESENTATIVE,
        language="fa",
        terms=terms,
        now=DECIDED_AT,
    )
    assert app.decisions == [decision]
    assert app.decision is decision
    assert (decision.application_id, decision.outcome, decision.notified_at, decision.decided_at) == (
        "a-1",
        D.REJECTED_UNFOUNDED,
        NOTIFIED_AT,
        DECIDED_AT,
    )
    assert (decision.grounds_applied, decision.reasons, decision.notified_to, decision.language) == (
        ["INCONSISTENT"],
        "reasons in fact and law",
        NotifiedTo.LEGAL_REPRESENTATIVE,
        "fa",
    )
    # The remedy is copied from the terms: APR 67(7)(b) (T14), automatic suspensive effect (68(2)).
    assert terms.deadline is not None
    assert (decision.appealable, decision.appeal_rule, decision.appeal_deadline) == (True, "T14", APPEAL_DUE_LONG)
    assert decision.appeal_deadline == terms.deadline.legal_last_day
    assert (decision.automatic_suspensive_effect, decision.remain_request_deadline) == (True, None)
    assert decision.annulled_at is None


@pytest.mark.parametrize(
    "outcome", [D.GRANTED_REFUGEE, D.EXPLICITLY_WITHDRAWN, D.CLOSED_OTHER_MS_RESPONSIBLE, D.DISCONTINUED]
)
def test_a_decision_without_appeal_is_final_at_notification(outcome):
    # APR Art 3(8), 40(3), 67(1): nothing left to appeal.
    app = routed()
    decision = decide(app, outcome)
    assert (decision.appealable, decision.appeal_rule, decision.appeal_deadline) == (False, None, None)
    assert (app.status, app.final_at) == (S.FINAL, NOTIFIED_AT)
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (False, None, None)


@pytest.mark.parametrize(
    ("procedure", "outcome", "ground"),
    [
        (P.REGULAR, D.REJECTED_UNFOUNDED, None),
        (P.REGULAR, D.GRANTED_SUBSIDIARY, None),  # APR 67(2): refugee status refused
        (P.ADMISSIBILITY, D.INADMISSIBLE, AdmissibilityGround.PROTECTION_IN_OTHER_MS),  # 38(1)(c), scenario 7
    ],
)
def test_automatic_suspensive_effect_keeps_the_right_to_remain_until_the_appeal_deadline(procedure, outcome, ground):
    # APR Art 68(2).
    app = routed(procedure)
    decision = decide(app, outcome, ground=ground)
    assert decision.automatic_suspensive_effect is True
    assert decision.remain_request_deadline is None
    assert app.status is S.APPEAL_WINDOW
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (
        True,
        decision.appeal_deadline,
        "APR Art 68(2)",
    )
    assert app.final_at is None


def test_scenario_2_appeal_deadline_and_right_to_remain():
    app = in_appeal_window(suspensive=True)
    assert app.right_to_remain_until == APPEAL_DUE_LONG == date(2027, 1, 11)


@pytest.mark.parametrize(
    ("procedure", "outcome", "ground"),
    [
        (P.ACCELERATED, D.REJECTED_UNFOUNDED, None),  # 68(3)(a)(i)
        (P.BORDER, D.REJECTED_MANIFESTLY_UNFOUNDED, None),  # 68(3)(a)(ii)
        (P.PRELIMINARY_EXAMINATION, D.INADMISSIBLE, AdmissibilityGround.SUBSEQUENT_NO_NEW_ELEMENTS),  # 68(3)(b)
        (P.REGULAR, D.IMPLICITLY_WITHDRAWN, None),  # 68(3)(c)
    ],
)
def test_without_suspensive_effect_the_right_to_remain_runs_until_the_remain_request_deadline(
    procedure, outcome, ground
):
    # APR Art 68(5)(a), (d): no removal before the period to ask a court to remain has ended.
    app = routed(procedure)
    decision = decide(app, outcome, ground=ground)
    assert decision.automatic_suspensive_effect is False
    assert (decision.appeal_rule, decision.appeal_deadline) == ("T13", APPEAL_DUE_SHORT)
    assert decision.remain_request_deadline == REMAIN_DUE
    assert app.status is S.APPEAL_WINDOW
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (
        True,
        REMAIN_DUE,
        "APR Art 68(5)(d)",
    )


@pytest.mark.parametrize("outcome", sorted(MERITS_OUTCOMES))
@pytest.mark.parametrize("dublin", [DublinStatus.PENDING, DublinStatus.OTHER_MS_RESPONSIBLE])
def test_no_merits_decision_while_another_member_state_may_be_responsible(outcome, dublin):
    # APR Art 39(1)(a).
    app = routed()
    app.set_dublin_status(dublin)
    before = copy.deepcopy(app)
    with pytest.raises(TransitionNotAllowed, match=r"APR Art 39\(1\)\(a\)") as refused:
        decide(app, outcome)
    assert refused.value.extra == {"current_status": "EXAM_REGULAR"}
    assert app == before


@pytest.mark.parametrize("outcome", sorted(MERITS_OUTCOMES))
@pytest.mark.parametrize("dublin", [DublinStatus.NONE, DublinStatus.THIS_MS_RESPONSIBLE])
def test_merits_decision_once_this_member_state_examines(outcome, dublin):
    app = routed()
    app.set_dublin_status(dublin)
    assert decide(app, outcome).outcome is outcome


@pytest.mark.parametrize("outcome", sorted(set(D) - MERITS_OUTCOMES))
@pytest.mark.parametrize("dublin", [DublinStatus.PENDING, DublinStatus.OTHER_MS_RESPONSIBLE])
def test_inadmissibility_and_closures_are_not_blocked_by_dublin(outcome, dublin):
    app = routed(P.ADMISSIBILITY)
    app.set_dublin_status(dublin)
    assert decide(app, outcome).outcome is outcome


def test_notification_before_the_making_is_refused_and_at_the_making_accepted():
    app = lodged()
    with pytest.raises(InvalidData, match="before the application was made"):
        decide(app, D.IMPLICITLY_WITHDRAWN, notified_at=MADE_AT - US)
    assert (app.status, app.decisions) == (S.LODGED, [])
    assert decide(app, D.IMPLICITLY_WITHDRAWN, notified_at=MADE_AT).notified_at == MADE_AT


def test_notification_in_the_future_is_refused_and_now_accepted():
    # APR Art 36(1): a notification still to come is no fact yet.
    app = routed()
    with pytest.raises(InvalidData, match="future"):
        decide(app, notified_at=DECIDED_AT + US, now=DECIDED_AT)
    assert (app.status, app.decisions) == (S.EXAM_REGULAR, [])
    assert decide(app, notified_at=DECIDED_AT, now=DECIDED_AT).notified_at == DECIDED_AT


@pytest.mark.parametrize("outcome", sorted(set(D) - RETURN_DECISION_OUTCOMES))
@pytest.mark.parametrize("mode", list(M))
def test_a_return_decision_mode_only_fits_the_apr_37_outcomes(outcome, mode):
    app = routed()
    before = copy.deepcopy(app)
    with pytest.raises(InvalidData, match="return decision mode"):
        decide(app, outcome, mode=mode)
    assert app == before


# --- lodge_appeal(): APR Art 67, 68(2) ------------------------------------------------------------------------

LAST_MOMENT = at(2027, 1, 11, 23, 59, 59)  # Mon: the last day of the appeal period (APPEAL_DUE_LONG)
DAY_AFTER = at(2027, 1, 12, 0, 0)


def test_appeal_on_the_last_day_is_in_time_and_suspends_removal():
    app = in_appeal_window(suspensive=True)
    appeal = lodge_appeal(app, LAST_MOMENT, now=LAST_MOMENT + timedelta(minutes=1))
    assert local_day(LAST_MOMENT) == APPEAL_DUE_LONG
    assert (appeal.in_time, appeal.suspensive) == (True, True)
    assert (appeal.lodged_at, appeal.recorded_at, appeal.court_reference) == (
        LAST_MOMENT,
        LAST_MOMENT + timedelta(minutes=1),
        "AWB 26/1234",
    )
    assert appeal.decision_id == app.decisions[0].id
    assert app.status is S.APPEAL_PENDING
    assert app.appeal is appeal
    # APR Art 68(2): the right to remain lasts until the appeal is decided.
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (True, None, "APR Art 68(2)")


def test_appeal_the_day_after_the_period_is_late_and_recorded():
    app = in_appeal_window(suspensive=True)
    appeal = lodge_appeal(app, DAY_AFTER)
    assert local_day(DAY_AFTER) == APPEAL_DUE_LONG + timedelta(days=1)
    assert (appeal.in_time, appeal.suspensive) == (False, False)
    assert app.appeals == [appeal]
    assert app.appeal is None  # a late appeal does not open the appeal
    assert app.status is S.APPEAL_WINDOW
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (
        True,
        APPEAL_DUE_LONG,
        "APR Art 68(2)",
    )


def test_the_member_states_day_decides_not_the_utc_day():
    # The service layer passes UTC instants: Tue 2027-01-12 00:30 in Amsterdam is still Mon 2027-01-11 in UTC.
    app = in_appeal_window(suspensive=True)
    late = at(2027, 1, 12, 0, 30).astimezone(UTC)
    assert late.date() == APPEAL_DUE_LONG
    appeal = app.lodge_appeal(lodged_at=late, local_day=local_day(late), court_reference=None, now=late)
    assert (appeal.in_time, app.status) == (False, S.APPEAL_WINDOW)


def test_appeal_without_suspensive_effect_opens_the_appeal_but_keeps_the_remain_period():
    app = in_appeal_window(suspensive=False)
    appeal = lodge_appeal(app, at(2026, 12, 17, 23, 59))  # the last day of the 7-day period
    assert (appeal.in_time, appeal.suspensive) == (True, False)
    assert app.status is S.APPEAL_PENDING
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (
        True,
        REMAIN_DUE,
        "APR Art 68(5)(d)",
    )


def test_appeal_without_suspensive_effect_the_day_after_is_late():
    app = in_appeal_window(suspensive=False)
    appeal = lodge_appeal(app, at(2026, 12, 18, 0, 0))
    assert (appeal.in_time, appeal.suspensive, app.status) == (False, False, S.APPEAL_WINDOW)


def test_appeal_after_the_window_lapsed_is_recorded_as_late():
    app = in_appeal_window(suspensive=False)
    app.window_lapsed(LAPSED_AT)
    appeal = lodge_appeal(app, at(2026, 12, 21))
    assert (appeal.in_time, appeal.suspensive) == (False, False)
    assert app.appeals == [appeal]
    assert (app.status, app.final_at) == (S.FINAL, LAPSED_AT)
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (False, None, None)


def test_appeal_on_a_final_decision_is_late_even_inside_the_period():
    # APR Art 3(8): once final (here: a first appeal dismissed), a day inside the period no longer opens an appeal.
    app = appeal_pending(suspensive=True)
    app.decide_appeal(AppealResult.DISMISSED, now=at(2026, 12, 20))
    second = lodge_appeal(app, at(2026, 12, 21))
    assert local_day(second.lodged_at) <= APPEAL_DUE_LONG
    assert (second.in_time, second.suspensive) == (False, False)
    assert app.appeals[1] is second
    assert (app.status, app.final_at) == (S.FINAL, at(2026, 12, 20))
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (False, None, None)


def test_appeal_before_the_notification_is_refused_and_at_it_accepted():
    app = in_appeal_window(suspensive=True)
    before = copy.deepcopy(app)
    with pytest.raises(InvalidData, match="before the decision was notified"):
        lodge_appeal(app, NOTIFIED_AT - US, now=DECIDED_AT)
    assert app == before
    assert lodge_appeal(app, NOTIFIED_AT, now=DECIDED_AT).in_time is True


def test_appeal_in_the_future_is_refused_and_now_accepted():
    app = in_appeal_window(suspensive=True)
    now = at(2026, 12, 14)
    before = copy.deepcopy(app)
    with pytest.raises(InvalidData, match="future"):
        lodge_appeal(app, now + US, now=now)
    assert app == before
    assert lodge_appeal(app, now, now=now).in_time is True


@pytest.mark.parametrize(
    "outcome", [D.GRANTED_REFUGEE, D.EXPLICITLY_WITHDRAWN, D.CLOSED_OTHER_MS_RESPONSIBLE, D.DISCONTINUED]
)
def test_no_appeal_against_a_decision_without_remedy(outcome):
    # APR Art 67(1), 40(3), 39(1)(a), 66(6): the decision is final at once, nothing to appeal here.
    app = routed()
    decide(app, outcome)
    before = copy.deepcopy(app)
    with pytest.raises(TransitionNotAllowed, match="no appealable decision") as refused:
        lodge_appeal(app, at(2026, 12, 11))
    assert refused.value.extra == {"current_status": "FINAL"}
    assert app == before


def test_a_second_appeal_is_refused_while_the_first_is_pending():
    app = appeal_pending(suspensive=True)
    before = copy.deepcopy(app)
    with pytest.raises(TransitionNotAllowed) as refused:
        lodge_appeal(app, at(2026, 12, 14))
    assert refused.value.extra == {"current_status": "APPEAL_PENDING"}
    assert app == before


# --- the remain request and the court's ruling: APR Art 68(4)-(5) ---------------------------------------------


@pytest.mark.parametrize("pending", [False, True])
def test_no_remain_request_against_an_automatically_suspensive_decision(pending):
    # APR Art 68(2): the right to remain needs no request.
    app = appeal_pending(suspensive=True) if pending else in_appeal_window(suspensive=True)
    before = copy.deepcopy(app)
    with pytest.raises(TransitionNotAllowed, match="automatic suspensive effect") as refused:
        lodge_remain_request(app, at(2026, 12, 14))
    assert refused.value.extra == {"current_status": app.status.value}
    assert app == before


@pytest.mark.parametrize("first", [at(2026, 12, 14), at(2026, 12, 16)], ids=["in-time", "late"])
def test_a_second_remain_request_is_refused(first):
    app = in_appeal_window(suspensive=False)
    request = lodge_remain_request(app, first)
    before = copy.deepcopy(app)
    with pytest.raises(TransitionNotAllowed, match="exists already") as refused:
        lodge_remain_request(app, at(2026, 12, 16, 12))
    assert refused.value.extra == {"current_status": "APPEAL_WINDOW"}
    assert app == before
    assert app.remain_requests == [request]


@pytest.mark.parametrize("pending", [False, True])
def test_no_ruling_on_remaining_where_removal_is_suspended_automatically(pending):
    # APR Art 68(2): nothing for a court to allow or refuse.
    app = appeal_pending(suspensive=True) if pending else in_appeal_window(suspensive=True)
    before = copy.deepcopy(app)
    with pytest.raises(TransitionNotAllowed, match=r"APR Art 68\(2\)") as refused:
        app.rule_on_remaining(CourtRuling.REFUSED, now=at(2026, 12, 22))
    assert refused.value.extra == {"current_status": app.status.value}
    assert app == before


def test_remain_request_on_the_last_day_is_in_time():
    app = in_appeal_window(suspensive=False)
    lodged_at = at(2026, 12, 15, 23, 59, 59)
    request = lodge_remain_request(app, lodged_at)
    assert local_day(lodged_at) == REMAIN_DUE
    assert (request.in_time, request.lodged_at, request.decision_id) == (True, lodged_at, app.decisions[0].id)
    assert (request.ruling, request.ruled_at) == (None, None)
    assert app.remain_requests == [request]
    assert app.remain_request is request
    assert app.status is S.APPEAL_WINDOW
    # APR Art 68(5)(d): no removal until the court has decided on a request made in time.
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (
        True,
        None,
        "APR Art 68(5)(d)",
    )


def test_remain_request_the_day_after_is_late_and_changes_nothing_else():
    app = in_appeal_window(suspensive=False)
    request = lodge_remain_request(app, at(2026, 12, 16, 0, 0))
    assert request.in_time is False
    assert app.remain_requests == [request]
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (
        True,
        REMAIN_DUE,
        "APR Art 68(5)(d)",
    )


def test_remain_request_after_the_appeal_was_lodged():
    app = appeal_pending(suspensive=False)
    request = lodge_remain_request(app, at(2026, 12, 14))
    assert (request.in_time, app.status) == (True, S.APPEAL_PENDING)


@pytest.mark.parametrize("lodged_at", [NOTIFIED_AT - US, at(2026, 12, 14) + US])
def test_remain_request_outside_notification_and_now_is_refused(lodged_at):
    app = in_appeal_window(suspensive=False)
    before = copy.deepcopy(app)
    with pytest.raises(InvalidData, match="between the notification and now"):
        lodge_remain_request(app, lodged_at, now=at(2026, 12, 14))
    assert app == before


@pytest.mark.parametrize("pending", [False, True])
def test_the_court_allows_remaining(pending):
    app = appeal_pending(suspensive=False) if pending else in_appeal_window(suspensive=False)
    request = lodge_remain_request(app, at(2026, 12, 14))
    app.rule_on_remaining(CourtRuling.ALLOWED, now=at(2026, 12, 22))
    assert (request.ruling, request.ruled_at) == (CourtRuling.ALLOWED, at(2026, 12, 22))
    if pending:
        assert app.appeal is not None
        assert app.appeal.suspension_ruling is CourtRuling.ALLOWED
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (True, None, "APR Art 68(4)")
    assert app.status is (S.APPEAL_PENDING if pending else S.APPEAL_WINDOW)


@pytest.mark.parametrize("pending", [False, True])
def test_the_court_refuses_remaining(pending):
    app = appeal_pending(suspensive=False) if pending else in_appeal_window(suspensive=False)
    request = lodge_remain_request(app, at(2026, 12, 14))
    app.rule_on_remaining(CourtRuling.REFUSED, now=at(2026, 12, 22))
    assert (request.ruling, request.ruled_at) == (CourtRuling.REFUSED, at(2026, 12, 22))
    if pending:
        assert app.appeal is not None
        assert app.appeal.suspension_ruling is CourtRuling.REFUSED
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (False, None, None)
    assert app.status is (S.APPEAL_PENDING if pending else S.APPEAL_WINDOW)


# --- the end of the appeal: APR Art 67(7), 3(8), 10(1) ---------------------------------------------------------


@pytest.mark.parametrize("suspensive", [True, False])
def test_the_window_lapses_without_appeal(suspensive):
    app = in_appeal_window(suspensive=suspensive)
    app.window_lapsed(LAPSED_AT)
    assert (app.status, app.final_at) == (S.FINAL, LAPSED_AT)
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (False, None, None)
    assert app.decision is app.decisions[0]


@pytest.mark.parametrize("suspensive", [True, False])
def test_a_dismissed_appeal_makes_the_decision_final(suspensive):
    app = appeal_pending(suspensive=suspensive)
    appeal = app.appeal
    assert appeal is not None
    app.decide_appeal(AppealResult.DISMISSED, now=at(2027, 3, 1))
    assert (appeal.result, appeal.decided_at) == (AppealResult.DISMISSED, at(2027, 3, 1))
    assert (app.status, app.final_at) == (S.FINAL, at(2027, 3, 1))
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (False, None, None)
    assert app.decision is app.decisions[0]
    assert app.decision.annulled_at is None


@pytest.mark.parametrize("procedure", list(P))
def test_an_annulled_decision_stays_on_file_and_the_examination_resumes(procedure):
    app = routed(procedure)
    decision = decide(app, D.REJECTED_UNFOUNDED)
    appeal = lodge_appeal(app, at(2026, 12, 11))
    app.decide_appeal(AppealResult.ANNULLED, now=at(2027, 3, 1))
    assert app.decisions == [decision]
    assert decision.annulled_at == at(2027, 3, 1)
    assert app.decision is None
    assert app.appeal is None  # no decision in force, so no appeal against it
    assert (appeal.result, appeal.decided_at) == (AppealResult.ANNULLED, at(2027, 3, 1))
    assert app.status is STATUS_OF_PROCEDURE[procedure]
    assert app.final_at is None
    # APR Art 10(1): the applicant may remain during the administrative procedure again.
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (True, None, "APR Art 10(1)")


@pytest.mark.parametrize(("build", "stage"), [(registered, S.REGISTERED), (lodged, S.LODGED)])
def test_an_annulled_withdrawal_before_routing_returns_to_its_intake_step(build, stage):
    app = build()
    decide(app, D.IMPLICITLY_WITHDRAWN)
    lodge_appeal(app, at(2026, 12, 11))
    app.decide_appeal(AppealResult.ANNULLED, now=at(2027, 3, 1))
    assert (app.status, app.procedure) == (stage, None)


def test_after_annulment_a_new_decision_is_taken():
    app = appeal_pending(suspensive=True)
    first = app.decisions[0]
    app.decide_appeal(AppealResult.ANNULLED, now=at(2027, 3, 1))
    second = decide(app, D.GRANTED_SUBSIDIARY, notified_at=at(2027, 4, 1), now=at(2027, 4, 1, 12))
    assert app.decisions == [first, second]
    assert app.decision is second
    assert app.status is S.APPEAL_WINDOW
    # The appeal against the first decision does not count against the second.
    assert app.appeals[0].decision_id == first.id
    assert app.appeal is None


def test_an_annulled_decision_can_no_longer_be_appealed():
    app = appeal_pending(suspensive=False)
    app.decide_appeal(AppealResult.ANNULLED, now=at(2027, 3, 1))
    before = copy.deepcopy(app)
    for step in (
        lambda: lodge_appeal(app, at(2027, 3, 2)),
        lambda: lodge_remain_request(app, at(2027, 3, 2)),
        lambda: app.rule_on_remaining(CourtRuling.ALLOWED, now=at(2027, 3, 2)),
        lambda: app.window_lapsed(at(2027, 3, 2)),
        lambda: app.decide_appeal(AppealResult.DISMISSED, now=at(2027, 3, 2)),
    ):
        with pytest.raises(TransitionNotAllowed) as refused:
            step()
        assert refused.value.extra == {"current_status": "EXAM_ACCELERATED"}
    assert app == before


# --- the dataclasses ----------------------------------------------------------------------------------------------


def test_defaults_of_a_new_application():
    app = made()
    assert (app.status, app.dublin_status, app.version) == (S.MADE, DublinStatus.NONE, 1)
    # APR Art 10(1): the right to remain from the making, during the administrative procedure.
    assert (app.right_to_remain, app.right_to_remain_until, app.right_to_remain_basis) == (True, None, "APR Art 10(1)")
    assert (app.decision, app.appeal, app.remain_request) == (None, None, None)
    assert (app.decisions, app.appeals, app.remain_requests) == ([], [], [])
    assert (app.border_started_at, app.procedure, app.final_at) == (None, None, None)


def test_defaults_of_a_decision_appeal_and_remain_request():
    decision = Decision(
        id="d-1",
        application_id="a-1",
        outcome=D.GRANTED_REFUGEE,
        procedure_type=ProcedureType.REGULAR,
        legal_basis=list(OUTCOME_LEGAL_BASIS[D.GRANTED_REFUGEE]),
        notified_at=NOTIFIED_AT,
        return_decision_required=False,
        return_decision_mode=None,
        decided_at=DECIDED_AT,
    )
    assert (decision.appealable, decision.automatic_suspensive_effect, decision.notified_to) == (
        False,
        False,
        NotifiedTo.APPLICANT,
    )
    assert (decision.appeal_deadline, decision.remain_request_deadline, decision.annulled_at) == (None, None, None)
    appeal = Appeal("ap-1", "a-1", "d-1", NOTIFIED_AT, DECIDED_AT, in_time=True, suspensive=True)
    assert (appeal.suspension_ruling, appeal.result, appeal.decided_at) == (None, None, None)
    request = RemainRequest("r-1", "a-1", "d-1", NOTIFIED_AT, in_time=True)
    assert (request.ruling, request.ruled_at) == (None, None)


# --- postponement: APR Art 35(7) ---------------------------------------------------------------------------------


def postponed() -> Application:
    app = routed(P.REGULAR)
    app.postpone(
        country="SYR",
        reasons="uncertain",
        at=at(2027, 1, 11),
        review_due=date(2027, 5, 11),
        hard_deadline=date(2028, 4, 10),
    )
    return app


def test_a_postponed_examination_keeps_its_21_month_limit_when_routed_again():
    app = postponed()
    app.end_postponement()
    route(app, P.ACCELERATED)  # e.g. a ground of APR Art 42 found after the postponement
    assert (app.status, app.examination_deadline) == (S.EXAM_ACCELERATED, date(2028, 4, 10))


def test_a_postponed_examination_cannot_be_extended_under_35_5():
    app = postponed()
    app.end_postponement()
    with pytest.raises(TransitionNotAllowed):
        app.extend_examination("COMPLEXITY", date(2028, 7, 10))
    assert app.examination_deadline == date(2028, 4, 10)


def test_only_a_regular_examination_is_postponed_and_only_a_postponed_one_reviewed():
    accelerated = routed(P.ACCELERATED)
    with pytest.raises(TransitionNotAllowed):
        accelerated.postpone(
            country="SYR",
            reasons="x",
            at=at(2027, 1, 11),
            review_due=date(2027, 5, 11),
            hard_deadline=date(2028, 4, 10),
        )
    with pytest.raises(TransitionNotAllowed):
        routed(P.REGULAR).review_postponement(reasons="x", next_review_due=date(2027, 5, 11))
    app = postponed()
    app.review_postponement(reasons="still uncertain", next_review_due=date(2027, 9, 13))
    assert (app.status, app.postponement_review_due) == (S.EXAM_POSTPONED, date(2027, 9, 13))
