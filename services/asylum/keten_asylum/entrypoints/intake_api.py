"""REST API of the intake of an application: make, list, read, register, lodge (APR Art 26-28)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response

from keten_asylum.adapters.repository import ApplicationRepository
from keten_asylum.domain.model import ApplicationStatus
from keten_asylum.entrypoints.application_access import (
    CONFLICTS,
    UoW,
    applications_router,
    load,
    read,
    saved,
    write,
)
from keten_asylum.entrypoints.schemas import ApplicationOut, NewApplication, NewLodging, NewRegistration
from keten_asylum.service_layer import intake
from keten_shared.http.pagination import Page
from keten_shared.http.resources import read_one, read_page

router = applications_router()


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
    return await saved(uow, application, response)


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
    application = await load(uow, application_id, request)
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
    return await saved(uow, application, response)


@router.post("/{application_id}/lodging", dependencies=[write], responses=CONFLICTS, summary="Lodge (APR Art 28)")
async def lodge(
    application_id: str, body: NewLodging, uow: UoW, request: Request, response: Response
) -> ApplicationOut:
    application = await load(uow, application_id, request)
    await intake.lodge(uow, application, lodged_at=body.lodged_at, mode=body.mode)
    return await saved(uow, application, response)
