"""What the asylum routers share: the roles and their guards, the unit of work, and loading/saving an application."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from keten_asylum.adapters.repository import ApplicationRepository
from keten_asylum.domain.model import Application
from keten_asylum.entrypoints.schemas import ApplicationOut
from keten_shared.http.auth import AUDITOR, SUPERVISOR, require_roles
from keten_shared.http.resources import committed, load_for_change
from keten_shared.service import unit_of_work
from keten_shared.uow import UnitOfWork

CASEWORKER = "asylum-caseworker"
ROLES = (CASEWORKER, SUPERVISOR, AUDITOR)

write = Depends(require_roles(CASEWORKER, SUPERVISOR))
read = Depends(require_roles(CASEWORKER, SUPERVISOR, AUDITOR))
supervise = Depends(require_roles(SUPERVISOR))
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]
CONFLICTS = {409: {"description": "not allowed in the application's state"}, 412: {"description": "stale If-Match"}}


def applications_router() -> APIRouter:
    """A router under /v1/applications; each topic module has its own, all under the one "applications" tag."""
    return APIRouter(prefix="/v1/applications", tags=["applications"])


async def load(uow: UnitOfWork, application_id: str, request: Request) -> Application:
    return await load_for_change(ApplicationRepository(uow.session), application_id, request)


async def saved(uow: UnitOfWork, application: Application, response: Response) -> ApplicationOut:
    return ApplicationOut.of(await committed(uow, application, response))
