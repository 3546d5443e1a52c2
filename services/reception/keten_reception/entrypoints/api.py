"""REST API of the reception service (thin: translate, authorise, delegate)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from keten_reception.adapters.repository import ReceptionFileRepository
from keten_reception.domain.model import ReceptionConditions, ReceptionFile, ReceptionFileStatus
from keten_shared.events.catalog.reception import ReceptionEndReason
from keten_shared.http.auth import AUDITOR, SUPERVISOR, require_roles
from keten_shared.http.pagination import Page
from keten_shared.http.resources import read_one, read_page
from keten_shared.service import unit_of_work
from keten_shared.uow import UnitOfWork

OFFICER = "reception-officer"
ROLES = (OFFICER, SUPERVISOR, AUDITOR)

router = APIRouter(prefix="/v1/reception-files", tags=["reception files"])
read = Depends(require_roles(OFFICER, SUPERVISOR, AUDITOR))
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]


class ReceptionFileOut(BaseModel):
    id: str
    person_id: str
    member_state: str
    asylum_case_id: str
    status: ReceptionFileStatus
    application_made_at: datetime
    needs_assessment_due: date = Field(description="RCD Art 25(1): 30 days from the making of the application")
    opened_at: datetime
    conditions: ReceptionConditions = Field(
        description="FULL (RCD Arts 17-20); RCD_ART21_MINIMUM from notification of a Dublin transfer decision"
        " (AMMR Art 18(1), RCD Art 21); ENDED when the file ended"
    )
    conditions_since: datetime | None = Field(description="when the conditions took effect; null: since opening")
    conditions_basis: str | None = Field(description="the legal basis of the current conditions")
    ended_at: datetime | None = Field(description="when the entitlement here ended: a final decision or a transfer")
    ended_reason: ReceptionEndReason | None = Field(
        description="TRANSFERRED_OUT (AMMR Art 46(1)); FINAL_DECISION_POSITIVE or _NEGATIVE (RCD Art 2(2))"
    )
    version: int

    @classmethod
    def of(cls, file: ReceptionFile) -> ReceptionFileOut:
        return cls.model_validate(file, from_attributes=True)


@router.get("", dependencies=[read], summary="Reception files, filtered by asylum case, person or status")
async def list_reception_files(
    uow: UoW,
    asylum_case_id: str | None = None,
    person_id: str | None = None,
    status: ReceptionFileStatus | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ReceptionFileOut]:
    return await read_page(
        uow,
        ReceptionFileRepository(uow.session),
        ReceptionFileOut.of,
        asylum_case_id=asylum_case_id,
        person_id=person_id,
        status=status,
        cursor=cursor,
        limit=limit,
    )


@router.get("/{file_id}", dependencies=[read], summary="One reception file")
async def get_reception_file(file_id: str, uow: UoW, response: Response) -> ReceptionFileOut:
    return ReceptionFileOut.of(await read_one(uow, ReceptionFileRepository(uow.session), file_id, response))
