"""REST API of the asylum service (thin: translate, authorise, delegate)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import select

from keten_asylum.adapters.orm import applications
from keten_asylum.adapters.repository import ApplicationRepository
from keten_asylum.domain import withdrawal
from keten_asylum.domain.model import EXAMINATION, Application, ApplicationStatus
from keten_asylum.domain.routing import RoutingFacts
from keten_asylum.entrypoints.schemas import (
    AppealOut,
    AppealOutcome,
    ApplicationOut,
    DecisionOut,
    EvaluationInput,
    MissingReturnDecision,
    NewAppeal,
    NewApplication,
    NewDecision,
    NewExtension,
    NewLodging,
    NewPostponement,
    NewRegistration,
    NewRemainRequest,
    NewWithdrawal,
    PostponementReview,
    RemainRuling,
    RoutingInput,
    RoutingOut,
)
from keten_asylum.service_layer import decisions, intake, postponement, return_link, routing, withdrawals
from keten_shared.errors import InvalidData, NotFound
from keten_shared.http.auth import AUDITOR, SUPERVISOR, require_roles
from keten_shared.http.pagination import Page
from keten_shared.http.resources import read_one, read_page
from keten_shared.http.versioning import check_if_match, set_etag
from keten_shared.service import unit_of_work
from keten_shared.uow import UnitOfWork

CASEWORKER = "asylum-caseworker"
ROLES = (CASEWORKER, SUPERVISOR, AUDITOR)

router = APIRouter(prefix="/v1/applications", tags=["applications"])
procedure_router = APIRouter(prefix="/v1/procedure", tags=["procedure routing"])
worklist_router = APIRouter(prefix="/v1/work-lists", tags=["work lists"])
write = Depends(require_roles(CASEWORKER, SUPERVISOR))
read = Depends(require_roles(CASEWORKER, SUPERVISOR, AUDITOR))
supervise = Depends(require_roles(SUPERVISOR))
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]
CONFLICTS = {409: {"description": "not allowed in the application's state"}, 412: {"description": "stale If-Match"}}


async def _load(uow: UnitOfWork, application_id: str, request: Request) -> Application:
    application = await ApplicationRepository(uow.session).get(application_id)
    check_if_match(request, application.version)
    return application


async def _saved(uow: UnitOfWork, application: Application, response: Response) -> ApplicationOut:
    await uow.commit()
    set_etag(response, application.version)
    return ApplicationOut.of(application)


@router.post("", status_code=201, dependencies=[write], summary="Record an application made to a caseworker (APR 26)")
async def create_application(body: NewApplication, uow: UoW, response: Response) -> ApplicationOut:
    application = await intake.make_application(
        uow,
        person=body.person,
        made_at=body.made_at,
        person_id=body.person_id,
        authority=body.authority,
        place=body.place,
        unaccompanied_minor=body.unaccompanied_minor,
        previous_application_ref=body.previous_application_ref,
    )
    response.headers["Location"] = f"/v1/applications/{application.id}"
    return await _saved(uow, application, response)


@router.get("", dependencies=[read], summary="Applications, filtered by person, status or screening case")
async def list_applications(
    uow: UoW,
    person_id: str | None = None,
    status: ApplicationStatus | None = None,
    screening_case_id: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ApplicationOut]:
    return await read_page(
        uow,
        ApplicationRepository(uow.session),
        ApplicationOut.of,
        person_id=person_id,
        status=status,
        screening_case_id=screening_case_id,
        cursor=cursor,
        limit=limit,
    )


@router.get("/{application_id}", dependencies=[read], summary="One application")
async def get_application(application_id: str, uow: UoW, response: Response) -> ApplicationOut:
    return ApplicationOut.of(await read_one(uow, ApplicationRepository(uow.session), application_id, response))


@router.post(
    "/{application_id}/registration", dependencies=[write], responses=CONFLICTS, summary="Register (APR Art 27)"
)
async def register(
    application_id: str, body: NewRegistration, uow: UoW, request: Request, response: Response
) -> ApplicationOut:
    application = await _load(uow, application_id, request)
    registration = intake.Registration(
        stateless=body.stateless,
        place_of_birth=body.place_of_birth,
        family_members=tuple(body.family_members),
        documents=tuple(body.documents),
        address=body.address,
        phone=body.phone,
        email=body.email,
        information_confirmed=body.information_confirmed,
    )
    await intake.register(uow, application, registration)
    return await _saved(uow, application, response)


@router.post("/{application_id}/lodging", dependencies=[write], responses=CONFLICTS, summary="Lodge (APR Art 28)")
async def lodge(
    application_id: str, body: NewLodging, uow: UoW, request: Request, response: Response
) -> ApplicationOut:
    application = await _load(uow, application_id, request)
    await intake.lodge(uow, application, lodged_at=body.lodged_at, mode=body.mode)
    return await _saved(uow, application, response)


@router.post(
    "/{application_id}/routing",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Route to the procedure the APR prescribes (APR 35, 38, 42-45, 55); again on new facts",
)
async def route(application_id: str, body: RoutingInput, uow: UoW, request: Request, response: Response) -> RoutingOut:
    application = await _load(uow, application_id, request)
    result = await routing.route_application(uow, application, body.overrides())
    await uow.commit()
    set_etag(response, application.version)
    return _routing_out(result)


@router.post(
    "/{application_id}/examination-extension",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Extend the admissibility or regular time limit once (APR Art 35(2), (5))",
)
async def extend(
    application_id: str, body: NewExtension, uow: UoW, request: Request, response: Response
) -> ApplicationOut:
    application = await _load(uow, application_id, request)
    await routing.extend_examination(uow, application, body.ground)
    return await _saved(uow, application, response)


@router.post(
    "/{application_id}/postponement",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Postpone the regular examination for a temporary uncertain situation (APR Art 35(7))",
)
async def postpone(
    application_id: str, body: NewPostponement, uow: UoW, request: Request, response: Response
) -> ApplicationOut:
    application = await _load(uow, application_id, request)
    await postponement.postpone(uow, application, country=body.country, reasons=body.reasons)
    return await _saved(uow, application, response)


@router.post(
    "/{application_id}/postponement/review",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record the review of the situation, at least every 4 months (APR Art 35(7))",
)
async def review_postponement(
    application_id: str, body: PostponementReview, uow: UoW, request: Request, response: Response
) -> ApplicationOut:
    application = await _load(uow, application_id, request)
    await postponement.review(uow, application, reasons=body.reasons)
    return await _saved(uow, application, response)


@router.post(
    "/{application_id}/postponement/end",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Resume the examination; the 21-month limit of APR Art 35(7) stays",
)
async def end_postponement(application_id: str, uow: UoW, request: Request, response: Response) -> ApplicationOut:
    application = await _load(uow, application_id, request)
    await postponement.end(uow, application)
    return await _saved(uow, application, response)


@router.post(
    "/{application_id}/decision",
    status_code=201,
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record the first-instance decision (APR Art 36); a negative one leads to a return decision (APR Art 37)",
)
async def decide(application_id: str, body: NewDecision, uow: UoW, request: Request, response: Response) -> DecisionOut:
    if body.outcome in withdrawal.OUTCOME.values():
        raise InvalidData(f"record {body.outcome} with POST .../withdrawal and its ground (APR Art 40, 41)")
    application = await _load(uow, application_id, request)
    decision = await decisions.decide(
        uow,
        application,
        outcome=body.outcome,
        notified_at=body.notified_at,
        return_decision_mode=body.return_decision_mode,
        accelerated_grounds=frozenset(body.accelerated_grounds) if body.accelerated_grounds is not None else None,
        admissibility_ground=body.admissibility_ground,
        reasons=body.reasons,
        notified_to=body.notified_to,
        language=body.language,
    )
    await uow.commit()
    set_etag(response, application.version)
    response.headers["Location"] = f"/v1/applications/{application.id}/decision"
    return DecisionOut.of(decision)


@router.post(
    "/{application_id}/withdrawal",
    status_code=201,
    dependencies=[write],
    responses=CONFLICTS,
    summary="Declare the application explicitly (APR Art 40) or implicitly (APR Art 41) withdrawn",
)
async def withdraw(
    application_id: str, body: NewWithdrawal, uow: UoW, request: Request, response: Response
) -> DecisionOut:
    application = await _load(uow, application_id, request)
    decision = await withdrawals.withdraw(
        uow,
        application,
        kind=body.type,
        ground=body.ground,
        withdrawn_at=body.withdrawn_at,
        notified_at=body.notified_at,
        return_decision_mode=body.return_decision_mode,
        reasons=body.reasons,
        language=body.language,
    )
    await uow.commit()
    set_etag(response, application.version)
    response.headers["Location"] = f"/v1/applications/{application.id}/decision"
    return DecisionOut.of(decision)


@router.get("/{application_id}/decision", dependencies=[read], summary="The decision in force on an application")
async def get_decision(application_id: str, uow: UoW) -> DecisionOut:
    application = await ApplicationRepository(uow.session).get(application_id)
    if application.decision is None:
        raise NotFound(f"application {application_id} has no decision in force")
    return DecisionOut.of(application.decision)


@router.post(
    "/{application_id}/appeals",
    status_code=201,
    dependencies=[write],
    responses={**CONFLICTS, 422: {"description": "lodged after the appeal period: recorded as late"}},
    summary="Record an appeal (APR Art 67); one lodged after the period is recorded as late and refused",
)
async def lodge_appeal(
    application_id: str, body: NewAppeal, uow: UoW, request: Request, response: Response
) -> AppealOut:
    application = await _load(uow, application_id, request)
    appeal = await decisions.lodge_appeal(
        uow, application, lodged_at=body.lodged_at, court_reference=body.court_reference
    )
    await uow.commit()
    set_etag(response, application.version)
    if not appeal.in_time:
        decision = application.decisions[-1]
        raise InvalidData(
            f"the appeal period ended on {decision.appeal_deadline} ({decision.appeal_rule}); "
            f"the appeal is recorded as late ({appeal.id}) and does not suspend removal",
            appeal_id=appeal.id,
            appeal_deadline=str(decision.appeal_deadline),
        )
    return AppealOut.of(appeal)


@router.post(
    "/{application_id}/appeal/outcome",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record the court's decision on the appeal",
)
async def appeal_outcome(
    application_id: str, body: AppealOutcome, uow: UoW, request: Request, response: Response
) -> ApplicationOut:
    application = await _load(uow, application_id, request)
    await decisions.decide_appeal(uow, application, body.result)
    return await _saved(uow, application, response)


@router.post(
    "/{application_id}/remain-request",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record a request to a court to remain pending the appeal (APR Art 68(4)-(5))",
)
async def remain_request(
    application_id: str, body: NewRemainRequest, uow: UoW, request: Request, response: Response
) -> ApplicationOut:
    application = await _load(uow, application_id, request)
    await decisions.lodge_remain_request(uow, application, lodged_at=body.lodged_at)
    return await _saved(uow, application, response)


@router.post(
    "/{application_id}/remain-ruling",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record the court's ruling on remaining pending the appeal (APR Art 68(4))",
)
async def remain_ruling(
    application_id: str, body: RemainRuling, uow: UoW, request: Request, response: Response
) -> ApplicationOut:
    application = await _load(uow, application_id, request)
    await decisions.rule_on_remaining(uow, application, body.ruling)
    return await _saved(uow, application, response)


@procedure_router.post(
    "/evaluate",
    dependencies=[read],
    summary="What-if: the procedure the facts lead to, whether it is mandatory, its grounds and deadline",
)
async def evaluate(body: EvaluationInput, uow: UoW) -> RoutingOut:
    overrides = body.overrides()
    border = overrides.pop("border", None)
    facts = RoutingFacts(
        nationalities=tuple(body.nationalities),
        stateless=body.stateless,
        subsequent=body.subsequent,
        unaccompanied_minor=body.unaccompanied_minor,
        age_disputed=body.age_disputed,
        dublin_pending=body.dublin_pending,
        relocated_67_11=body.relocated_67_11,
        border=routing.BorderFacts(**{"entry_situation": None, **border}) if border is not None else None,
        **overrides,
    )
    registered_at = body.registered_at or body.made_at
    lodged_at = body.lodged_at or registered_at
    if not body.made_at <= registered_at <= lodged_at:
        raise InvalidData("made_at, registered_at and lodged_at must follow each other")
    result = await routing.evaluate(
        uow, facts, made_on=uow.local_date(body.made_at), registered_at=registered_at, lodged_at=lodged_at
    )
    return _routing_out(result)


def _routing_out(result: routing.Evaluation) -> RoutingOut:
    r = result.routing
    rate = r.recognition
    return RoutingOut(
        procedure=r.procedure,
        mandatory=r.mandatory,
        grounds=[{"code": g.code, "article": g.article, "detail": g.detail} for g in r.grounds],
        steps=[{"step": s.step.value, "article": s.article, "finding": s.finding} for s in r.steps],
        recognition_rate={
            "country": rate.country,
            "rate": float(rate.rate),
            "reference_year": rate.reference_year,
            "release": rate.release,
        }
        if rate
        else None,
        data_gaps=list(r.data_gaps),
        border_excluded_reason=r.border_excluded_reason,
        capacity_relief=r.capacity_relief,
        merits_blocked_by_dublin=r.merits_blocked_by_dublin,
        border_maximum_weeks=r.border_maximum_weeks,
        examination_deadline=result.examination_deadline.legal_last_day
        if result.border_deadline is None
        else result.border_deadline.unrolled_last_day,
        examination_deadline_basis=result.examination_deadline.legal_basis,
        release=result.release,
    )


@worklist_router.get(
    "/examinations",
    dependencies=[supervise],
    summary="Examinations overdue (APR Art 35 limit passed) or due within `within_days`, earliest first",
)
async def examinations(
    uow: UoW,
    within_days: Annotated[int, Query(ge=0, le=365)] = 14,
    overdue_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ApplicationOut]:
    today = uow.local_date(uow.now())
    horizon = today if overdue_only else today + timedelta(days=within_days)
    query = (
        select(Application)
        .where(
            applications.c.status.in_([s.value for s in EXAMINATION]),
            applications.c.examination_deadline < today
            if overdue_only
            else applications.c.examination_deadline <= horizon,
        )
        .order_by(applications.c.examination_deadline, applications.c.id)
        .limit(limit)
    )
    found = list((await uow.session.execute(query)).scalars())
    for application in found:
        uow.audit("application.read", entity_type="application", entity_id=application.id)
    await uow.commit()
    return [ApplicationOut.of(a) for a in found]


@worklist_router.get(
    "/return-decisions-missing",
    dependencies=[supervise],
    summary="Negative decisions still without their return decision after `older_than_hours` (APR Art 37)",
)
async def return_decisions_missing(
    uow: UoW,
    older_than_hours: Annotated[int, Query(ge=0, le=24 * 365)] = 24,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[MissingReturnDecision]:
    # APR Art 37: at the same time or without undue delay; how long is undue is the supervisor's call.
    found = await return_link.missing(uow, decided_before=uow.now() - timedelta(hours=older_than_hours), limit=limit)
    return [
        MissingReturnDecision(
            application_id=d.application_id,
            decision_id=d.id,
            outcome=d.outcome,
            notified_at=d.notified_at,
            decided_at=d.decided_at,
        )
        for d in found
    ]
