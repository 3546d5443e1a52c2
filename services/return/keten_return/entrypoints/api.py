"""REST API of the return service (thin: translate, authorise, delegate)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy import ColumnElement, select

from keten_return.adapters.orm import asylum_remedies, return_cases
from keten_return.adapters.repository import ReturnCaseRepository
from keten_return.domain.model import ReturnCaseStatus
from keten_return.entrypoints.schemas import ReturnCaseOut
from keten_shared.http.auth import AUDITOR, SUPERVISOR, require_roles
from keten_shared.http.pagination import Page
from keten_shared.http.resources import read_one, read_page
from keten_shared.service import unit_of_work
from keten_shared.uow import UnitOfWork

OFFICER = "return-officer"
ROLES = (OFFICER, SUPERVISOR, AUDITOR)

router = APIRouter(prefix="/v1/return-cases", tags=["return cases"])
read = Depends(require_roles(OFFICER, SUPERVISOR, AUDITOR))
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]


@router.get(
    "",
    dependencies=[read],
    summary="Return cases, filtered by the asylum case or decision, screening case, person, status, or the end "
    "of the right to remain that suspends them",
)
async def list_return_cases(
    uow: UoW,
    asylum_case_id: str | None = None,
    asylum_decision_id: str | None = None,
    screening_case_id: str | None = None,
    person_id: str | None = None,
    status: ReturnCaseStatus | None = None,
    right_to_remain_ends_by: Annotated[
        date | None,
        Query(description="only cases whose person may remain (APR Art 68) until this day at the latest"),
    ] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ReturnCaseOut]:
    conditions: list[ColumnElement[bool]] = []
    if right_to_remain_ends_by is not None:
        ending = select(asylum_remedies.c.asylum_decision_id).where(
            asylum_remedies.c.right_to_remain.is_(True),
            asylum_remedies.c.right_to_remain_until <= right_to_remain_ends_by,
        )
        conditions.append(return_cases.c.asylum_decision_id.in_(ending))
    return await read_page(
        uow,
        ReturnCaseRepository(uow.session),
        ReturnCaseOut.of,
        *conditions,
        asylum_case_id=asylum_case_id,
        asylum_decision_id=asylum_decision_id,
        screening_case_id=screening_case_id,
        person_id=person_id,
        status=status,
        cursor=cursor,
        limit=limit,
    )


@router.get(
    "/{case_id}", dependencies=[read], summary="One return case with its return decision, suspension and remedy"
)
async def get_return_case(case_id: str, uow: UoW, response: Response) -> ReturnCaseOut:
    return ReturnCaseOut.of(await read_one(uow, ReturnCaseRepository(uow.session), case_id, response))
