"""REST API of the examination: routing to a procedure, extension, postponement, and the what-if evaluation
(APR Art 35, 38, 42-45, 55)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from keten_asylum.domain.routing import RoutingFacts
from keten_asylum.entrypoints.application_access import (
    CONFLICTS,
    UoW,
    applications_router,
    load,
    read,
    saved,
    write,
)
from keten_asylum.entrypoints.schemas import (
    ApplicationOut,
    EvaluationInput,
    NewExtension,
    NewPostponement,
    PostponementReview,
    RoutingInput,
    RoutingOut,
)
from keten_asylum.service_layer import postponement, routing
from keten_shared.errors import InvalidData
from keten_shared.http.versioning import set_etag

router = applications_router()
procedure_router = APIRouter(prefix="/v1/procedure", tags=["procedure routing"])


@router.post(
    "/{application_id}/routing",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Route to the procedure the APR prescribes (APR 35, 38, 42-45, 55); again on new facts",
)
async def route(application_id: str, body: RoutingInput, uow: UoW, request: Request, response: Response) -> RoutingOut:
    application = await load(uow, application_id, request)
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
    application = await load(uow, application_id, request)
    await routing.extend_examination(uow, application, body.ground)
    return await saved(uow, application, response)


@router.post(
    "/{application_id}/postponement",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Postpone the regular examination for a temporary uncertain situation (APR Art 35(7))",
)
async def postpone(
    application_id: str, body: NewPostponement, uow: UoW, request: Request, response: Response
) -> ApplicationOut:
    application = await load(uow, application_id, request)
    await postponement.postpone(uow, application, country=body.country, reasons=body.reasons)
    return await saved(uow, application, response)


@router.post(
    "/{application_id}/postponement/review",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record the review of the situation, at least every 4 months (APR Art 35(7))",
)
async def review_postponement(
    application_id: str, body: PostponementReview, uow: UoW, request: Request, response: Response
) -> ApplicationOut:
    application = await load(uow, application_id, request)
    await postponement.review(uow, application, reasons=body.reasons)
    return await saved(uow, application, response)


@router.post(
    "/{application_id}/postponement/end",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Resume the examination; the 21-month limit of APR Art 35(7) stays",
)
async def end_postponement(application_id: str, uow: UoW, request: Request, response: Response) -> ApplicationOut:
    application = await load(uow, application_id, request)
    await postponement.end(uow, application)
    return await saved(uow, application, response)


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
