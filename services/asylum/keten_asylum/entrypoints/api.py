"""REST API of the asylum service (thin: translate, authorise, delegate)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from keten_asylum.adapters.repository import ApplicationRepository
from keten_asylum.domain.model import ApplicationStatus
from keten_asylum.entrypoints.schemas import ApplicationOut, DecisionOut, NewApplication, NewDecision
from keten_asylum.service_layer import handlers
from keten_shared.errors import NotFound
from keten_shared.http.auth import AUDITOR, SUPERVISOR, require_roles
from keten_shared.http.pagination import Page
from keten_shared.http.resources import read_one, read_page
from keten_shared.http.versioning import check_if_match, set_etag
from keten_shared.service import unit_of_work
from keten_shared.uow import UnitOfWork

CASEWORKER = "asylum-caseworker"
ROLES = (CASEWORKER, SUPERVISOR, AUDITOR)

router = APIRouter(prefix="/v1/applications", tags=["applications"])
write = Depends(require_roles(CASEWORKER, SUPERVISOR))
read = Depends(require_roles(CASEWORKER, SUPERVISOR, AUDITOR))
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]


@router.post("", status_code=201, dependencies=[write], summary="Register an application made to a caseworker")
async def create_application(body: NewApplication, uow: UoW, response: Response) -> ApplicationOut:
    application = await handlers.register_application(
        uow,
        person=body.person,
        made_at=body.made_at,
        person_id=body.person_id,
        unaccompanied_minor=body.unaccompanied_minor,
    )
    await uow.commit()
    response.headers["Location"] = f"/v1/applications/{application.id}"
    set_etag(response, application.version)
    return ApplicationOut.of(application)


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
    "/{application_id}/decision",
    status_code=201,
    dependencies=[write],
    summary="Record the first-instance decision (APR Art 36); a negative one leads to a return decision (APR Art 37)",
    responses={409: {"description": "already decided"}, 412: {"description": "If-Match names an old version"}},
)
async def decide(application_id: str, body: NewDecision, uow: UoW, request: Request, response: Response) -> DecisionOut:
    application = await ApplicationRepository(uow.session).get(application_id)
    check_if_match(request, application.version)
    decision = await handlers.decide(
        uow,
        application,
        outcome=body.outcome,
        procedure_type=body.procedure_type,
        notified_at=body.notified_at,
        return_decision_mode=body.return_decision_mode,
    )
    await uow.commit()
    set_etag(response, application.version)
    response.headers["Location"] = f"/v1/applications/{application.id}/decision"
    return DecisionOut.of(decision)


@router.get("/{application_id}/decision", dependencies=[read], summary="The decision on an application")
async def get_decision(application_id: str, uow: UoW) -> DecisionOut:
    application = await ApplicationRepository(uow.session).get(application_id)
    if application.decision is None:
        raise NotFound(f"application {application_id} has no decision yet")
    return DecisionOut.of(application.decision)
