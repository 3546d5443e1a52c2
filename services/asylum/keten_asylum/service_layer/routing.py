"""Routing an application to its procedure, and what the examination time limits trigger (APR 35, 38-55)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from pydantic_core import to_jsonable_python

from keten_asylum.adapters.repository import ApplicationRepository, RecognitionRateRepository
from keten_asylum.config import AsylumSettings, asylum_settings
from keten_asylum.domain import deadlines
from keten_asylum.domain.grounds import RateFact
from keten_asylum.domain.model import Application, ApplicationStatus
from keten_asylum.domain.routing import BorderFacts, CapacityState, Routing, RoutingFacts, route
from keten_shared.deadlines import Deadline
from keten_shared.errors import InvalidData
from keten_shared.events.catalog.asylum import (
    AdmissibilityGround,
    AppliedGround,
    BorderProcedureTerminated,
    EntrySituation,
    ExaminationExtended,
    RecognitionRateUsed,
    RoutedProcedure,
    RoutingDataGap,
    RoutingDecided,
)
from keten_shared.scheduler import DueDeadline
from keten_shared.uow import UnitOfWork

EXAMINATION_LIMIT = "asylum.examination_limit"
BORDER_MAXIMUM = "asylum.border_maximum"
EXAMINATION_LIMITS = (EXAMINATION_LIMIT, BORDER_MAXIMUM)

# Screening reports how the person arrived in the words of APR Art 43(1)(a)-(d).
ENTRY_SITUATION = {
    "BORDER_CROSSING_POINT": EntrySituation.BORDER_CROSSING_POINT,
    "IRREGULAR_CROSSING": EntrySituation.APPREHENDED,
    "SEARCH_AND_RESCUE": EntrySituation.DISEMBARKED,
    "RELOCATION": EntrySituation.RELOCATED,
}


@dataclass(frozen=True)
class Evaluation:
    """A routing with the examination time limit it leads to."""

    routing: Routing
    examination_deadline: Deadline
    border_deadline: Deadline | None
    release: str | None


def border_facts_from_screening(application: Application) -> BorderFacts | None:
    """APR Art 43(1): the four entry situations, as screening recorded them (SR 17, 18)."""
    facts = (application.screening_referral or {}).get("asylum_routing") or {}
    situation = ENTRY_SITUATION.get(facts.get("arrival_mode") or "")
    if situation is None:
        return None
    return BorderFacts(entry_situation=situation, entry_authorised=bool(facts.get("entry_authorised")))


def facts_from(application: Application, overrides: dict[str, Any]) -> RoutingFacts:
    """What the file says, with what the caseworker established (grounds, support at the border, ...)."""
    registration = application.registration or {}
    screening = (application.screening_referral or {}).get("asylum_routing") or {}
    border = border_facts_from_screening(application)
    border_overrides = overrides.pop("border", None) or {}
    if border is not None or border_overrides:
        border = replace(border or BorderFacts(entry_situation=None), **border_overrides)
    base = RoutingFacts(
        nationalities=tuple(application.person.get("nationalities", [])),
        stateless=bool(registration.get("stateless") or screening.get("stateless")),
        subsequent=application.previous_application_ref is not None,
        unaccompanied_minor=application.unaccompanied_minor,
        age_disputed=bool(screening.get("age_doubt")),
        border=border,
        relocated_67_11=border is not None and border.entry_situation is EntrySituation.RELOCATED,
        dublin_pending=application.dublin_status.value in ("PENDING", "OTHER_MS_RESPONSIBLE"),
    )
    return replace(base, **overrides)


async def evaluate(
    uow: UnitOfWork, facts: RoutingFacts, *, made_on: date, registered_at: datetime, lodged_at: datetime
) -> Evaluation:
    """Route `facts` as the service would today, without storing anything (the what-if of APR 42-45)."""
    settings = asylum_settings(uow)
    rates_repo = RecognitionRateRepository(uow.session)
    release = await rates_repo.latest_release()
    countries = _rate_countries(facts)
    rates: dict[str, RateFact | None] = (
        await rates_repo.rates(release, countries) if release else dict.fromkeys(countries)
    )
    crisis = settings.crisis_regime_on(made_on)
    routing = route(facts, rates, await capacity_state(uow, settings), settings, crisis)
    spec = deadlines.examination_spec(routing.procedure, _admissibility_ground(facts, routing))
    border_deadline = None
    if routing.procedure is RoutedProcedure.BORDER:
        # APR Art 51(2): all stages of the border procedure within the maximum, from registration.
        border_deadline = uow.deadline(deadlines.border_maximum_spec(routing.border_maximum_weeks or 12), registered_at)
        examination = border_deadline
    else:
        examination = uow.deadline(spec, lodged_at)
    return Evaluation(routing, examination, border_deadline, release)


def _rate_countries(facts: RoutingFacts) -> list[str]:
    # APR Art 42(1)(j): stateless persons are assessed on their country of former habitual residence.
    if facts.stateless:
        return [facts.former_habitual_residence] if facts.former_habitual_residence else []
    return list(facts.nationalities)


def _admissibility_ground(facts: RoutingFacts, routing: Routing) -> AdmissibilityGround | None:
    if routing.procedure is not RoutedProcedure.ADMISSIBILITY:
        return None
    codes = {g.code for g in routing.grounds}
    return next((g for g in sorted(facts.admissibility_grounds) if g.value in codes), None)


async def capacity_state(uow: UnitOfWork, settings: AsylumSettings) -> CapacityState:
    """APR Art 47-50: the border-procedure load, this year's count and the relief recorded for them."""
    repo = ApplicationRepository(uow.session)
    today = uow.local_date(uow.now())
    year_start = datetime(today.year, 1, 1, tzinfo=uow.zone).astimezone(UTC)
    next_year = datetime(today.year + 1, 1, 1, tzinfo=uow.zone).astimezone(UTC)
    notified = settings.border_capacity_notified_on
    authorised = settings.border_annual_maximum_authorised_on
    return CapacityState(
        load=await repo.in_border_procedure(),
        capacity=settings.border_capacity,
        # APR Art 48(3): relief from the day after notification for the rest of that calendar year.
        capacity_notified=notified is not None and notified < today and notified.year == today.year,
        year_count=await repo.border_started_between(year_start, next_year),
        annual_maximum=settings.border_annual_maximum,
        annual_maximum_authorised=authorised is not None and authorised <= today and authorised.year == today.year,
    )


async def border_procedure_expected(uow: UnitOfWork, application: Application, *, stateless: bool) -> bool:
    """APR Art 51(1): whether the file leads to the border procedure, so that its 5-day lodging limit applies."""
    if border_facts_from_screening(application) is None:
        return False  # not apprehended, disembarked or presented at the border (APR Art 43(1))
    now = uow.now()
    overrides: dict[str, Any] = {"stateless": True} if stateless else {}
    result = await evaluate(
        uow,
        facts_from(application, overrides),
        made_on=uow.local_date(application.made_at),
        registered_at=now,
        lodged_at=now,
    )
    return result.routing.procedure is RoutedProcedure.BORDER


async def route_application(uow: UnitOfWork, application: Application, overrides: dict[str, Any]) -> Evaluation:
    """Send a lodged application to its procedure (APR 35, 38, 42-45, 55) and track its time limit."""
    if application.lodged_at is None or application.registered_at is None:
        raise InvalidData("only a lodged application can be routed")
    facts = facts_from(application, dict(overrides))
    result = await evaluate(
        uow,
        facts,
        made_on=uow.local_date(application.made_at),
        registered_at=application.registered_at,
        lodged_at=application.lodged_at,
    )
    routing = result.routing
    previous = application.procedure
    before = application.route(
        routing.procedure,
        routing_record(result),
        examination_deadline=result.examination_deadline.legal_last_day,
        border_deadline=result.border_deadline.unrolled_last_day if result.border_deadline else None,
        now=uow.now(),
    )
    await uow.cancel_deadlines(application.id, EXAMINATION_LIMITS)
    if result.border_deadline is not None:
        await uow.schedule(case_id=application.id, kind=BORDER_MAXIMUM, deadline=result.border_deadline)
    else:
        await uow.schedule(case_id=application.id, kind=EXAMINATION_LIMIT, deadline=result.examination_deadline)
    uow.audit(
        "application.routed",
        entity_type="application",
        entity_id=application.id,
        legal_basis="; ".join(g.article for g in routing.grounds) or "APR Art 35(4)",
        before=before.value,
        after=application.status.value,
        details={"procedure": routing.procedure.value, "mandatory": routing.mandatory},
    )
    if previous is RoutedProcedure.BORDER and routing.procedure is not RoutedProcedure.BORDER:
        _border_terminated(uow, application, routing.border_excluded_reason or "APR Art 53(2)")
    _publish_routing(uow, application, result, previous)
    return result


def routing_record(result: Evaluation) -> dict[str, Any]:
    """The routing as stored on the application and shown to caseworkers."""
    record = asdict(result.routing)
    record["release"] = result.release
    return to_jsonable_python(record)  # enums by value, dates in ISO 8601, Decimals as exact strings


def _publish_routing(
    uow: UnitOfWork, application: Application, result: Evaluation, previous: RoutedProcedure | None
) -> None:
    routing = result.routing
    rate = routing.recognition
    uow.publish(
        RoutingDecided(
            case_id=application.id,
            person_id=application.person_id,
            member_state=application.member_state,
            procedure=routing.procedure,
            previous_procedure=previous,
            mandatory=routing.mandatory,
            grounds=[AppliedGround(code=g.code, article=g.article, detail=g.detail) for g in routing.grounds],
            recognition_rate=RecognitionRateUsed(
                country=rate.country, rate=float(rate.rate), reference_year=rate.reference_year, release=rate.release
            )
            if rate
            else None,
            capacity_relief=routing.capacity_relief,
            examination_deadline=result.examination_deadline.legal_last_day,
            border_deadline=application.border_deadline,
            merits_blocked_by_dublin=routing.merits_blocked_by_dublin,
        ),
        subject=application.id,
    )
    if routing.data_gaps:
        # Asylum chapter §9(6): no rate for a nationality: APR 42(1)(j) not applied, never inferred.
        uow.publish(
            RoutingDataGap(
                case_id=application.id,
                member_state=application.member_state,
                countries=list(routing.data_gaps),
                release=result.release,
            ),
            subject=application.id,
        )


def _border_terminated(
    uow: UnitOfWork, application: Application, reason: str, *, decided: bool = False, entry: bool = True
) -> None:
    # APR Art 53(2), 51(2): the applicant is authorised to enter and the examination (or appeal) continues;
    # APR Art 43(3): not so for a person without a right to remain.
    uow.audit(
        "border_procedure.terminated",
        entity_type="application",
        entity_id=application.id,
        legal_basis=reason if entry else f"{reason}; APR Art 43(3)",
        after=application.status.value,
        details={"entry_authorised": entry, "appeal_continues": decided},
    )
    uow.publish(
        BorderProcedureTerminated(
            case_id=application.id,
            person_id=application.person_id,
            member_state=application.member_state,
            reason=reason,
            entry_authorised_at=uow.now() if entry else None,
            continues_in=None if decided else application.procedure or RoutedProcedure.REGULAR,
            return_border_procedure=not entry,
        ),
        subject=application.id,
    )


async def extend_examination(uow: UnitOfWork, application: Application, ground: str) -> Deadline:
    """APR Art 35(2), (5): extend the admissibility or regular limit once, counted from lodging."""
    if application.procedure is None or application.lodged_at is None:
        raise InvalidData("only a routed application has an examination time limit")
    current = deadlines.examination_spec(application.procedure, _routed_admissibility_ground(application))
    extended = deadlines.extended_spec(current)
    if extended is None:
        raise InvalidData(f"{current.legal_basis} cannot be extended (APR Art 35 extends only 35(1) and 35(4))")
    deadline = uow.deadline(extended, application.lodged_at)
    application.extend_examination(ground, deadline.legal_last_day)
    await uow.cancel_deadlines(application.id, [EXAMINATION_LIMIT])
    await uow.schedule(case_id=application.id, kind=EXAMINATION_LIMIT, deadline=deadline)
    uow.audit(
        "examination.extended",
        entity_type="application",
        entity_id=application.id,
        legal_basis=extended.legal_basis,
        details={"ground": ground, "new_deadline": deadline.legal_last_day.isoformat()},
    )
    uow.publish(
        ExaminationExtended(
            case_id=application.id,
            member_state=application.member_state,
            ground=ground,
            legal_basis=extended.legal_basis,
            new_deadline=deadline.legal_last_day,
        ),
        subject=application.id,
    )
    return deadline


def _routed_admissibility_ground(application: Application) -> AdmissibilityGround | None:
    return next((g for g in AdmissibilityGround if g.value in application.routed_ground_codes), None)


async def on_examination_limit(due: DueDeadline, uow: UnitOfWork) -> None:
    """APR Art 35: the limit passed without a decision; no legal consequence, the case shows as overdue."""
    application = await ApplicationRepository(uow.session).get(due.case_id)
    if application.decision is not None or application.examination_overdue_since is not None:
        return
    application.examination_overdue_since = uow.now()
    uow.audit(
        "examination.overdue",
        entity_type="application",
        entity_id=application.id,
        legal_basis=due.legal_basis,
        after=application.status.value,
    )


async def on_border_maximum(due: DueDeadline, uow: UnitOfWork) -> None:
    """APR Art 51(2): at the border maximum without a final decision the applicant is authorised to enter."""
    application = await ApplicationRepository(uow.session).get(due.case_id)
    if application.status in (ApplicationStatus.APPEAL_WINDOW, ApplicationStatus.APPEAL_PENDING):
        # APR Art 51(2): the maximum covers the appeal too. At its end the applicant enters and the appeal
        # continues, unless APR Art 43(3) applies: no right to remain and none requested or granted.
        _border_terminated(uow, application, "MAX_DURATION", decided=True, entry=application.right_to_remain)
        return
    if application.status is not ApplicationStatus.EXAM_BORDER:
        return  # final in time, or already out of the border procedure
    # APR Art 53(2) second subparagraph: continue in the appropriate Chapter III procedure.
    procedure = RoutedProcedure.ACCELERATED if application.routed_ground_codes else RoutedProcedure.REGULAR
    assert application.lodged_at is not None
    spec = deadlines.examination_spec(procedure, None)
    deadline = uow.deadline(spec, application.lodged_at)
    record = dict(application.routing or {}, procedure=procedure.value, border_terminated="MAX_DURATION")
    application.route(
        procedure, record, examination_deadline=deadline.legal_last_day, border_deadline=None, now=uow.now()
    )
    if deadline.is_expired(uow.now()):
        application.examination_overdue_since = uow.now()  # scenario 4: the accelerated limit is already past
    else:
        await uow.schedule(case_id=application.id, kind=EXAMINATION_LIMIT, deadline=deadline)
    _border_terminated(uow, application, "MAX_DURATION")


DEADLINE_HANDLERS = {EXAMINATION_LIMIT: on_examination_limit, BORDER_MAXIMUM: on_border_maximum}
