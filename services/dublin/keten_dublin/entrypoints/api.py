"""REST API of the dublin service (thin: translate, authorise, delegate)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from keten_dublin.adapters.repository import ProcedureRepository
from keten_dublin.domain.model import DublinProcedure, ProcedureStatus, Regime, RequestKind, Suspension
from keten_shared.events.catalog.dublin import AppealOutcome, ClosureReason, NotifiedTo, TransferFailure, TransferMode
from keten_shared.http.auth import AUDITOR, SUPERVISOR, require_roles
from keten_shared.http.pagination import Page
from keten_shared.http.resources import read_one, read_page
from keten_shared.service import unit_of_work
from keten_shared.uow import UnitOfWork

OFFICER = "dublin-officer"
ROLES = (OFFICER, SUPERVISOR, AUDITOR)

router = APIRouter(prefix="/v1/procedures", tags=["responsibility procedures"])
read = Depends(require_roles(OFFICER, SUPERVISOR, AUDITOR))
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]


class ProcedureOut(BaseModel):
    id: str
    person_id: str
    member_state: str
    asylum_case_id: str
    regime: Regime = Field(description="AMMR, or Dublin III for applications registered before 1 July 2026")
    status: ProcedureStatus
    application_registered_at: datetime
    started_at: datetime
    assessed_ms: str | None = Field(description="the member state the criteria point to on the facts at hand")
    assessed_action: str | None = Field(description="SELF, TAKE_CHARGE, TAKE_BACK or ASSESSMENT_NEEDED")
    request_due: date | None = Field(description="last day for the request or notification (AMMR 39(1), 41(1), 45(1))")
    assessment: dict[str, Any] | None = Field(description="the criterion, article, flags and every reason")
    responsible_ms: str | None = Field(description="the member state determined responsible")
    basis: str | None = Field(description="the article responsibility rests on")
    determination_reason: str | None = Field(
        description="CRITERION, DEFAULT_16_2, ..., LATE_REQUEST, TRANSFER_DEADLINE"
    )
    determined_at: datetime | None
    detained: bool
    request_kind: RequestKind | None
    counterpart_ms: str | None = Field(description="the member state asked to take charge or take back")
    urgent: bool
    humanitarian: bool
    request_sent_at: datetime | None = Field(description="DubliNet delivery; the reply period runs from it")
    reply_due: date | None = Field(
        description="the partner's last day to reply; silence is acceptance (Art 40(8), 41(4))"
    )
    accepted_at: datetime | None
    tacit: bool | None
    refused_at: datetime | None
    refusal_reason: str | None
    re_examination_due: date | None = Field(description="Reg 1560/2003 Art 5(2): last day to ask for re-examination")
    decision_due: date | None = Field(description="AMMR Art 42(1): last day for the transfer decision")
    transfer_decided_at: datetime | None
    notified_at: datetime | None
    notified_to: NotifiedTo | None
    appeal_due: date | None = Field(description="AMMR Art 43(2): last day to appeal")
    appeal_lodged_at: datetime | None
    suspension: Suspension | None
    appeal_outcome: AppealOutcome | None
    appeal_final_at: datetime | None
    transfer_due: date | None = Field(description="AMMR Art 46: last day for the transfer; then responsibility shifts")
    detained_transfer_due: date | None = Field(description="AMMR Art 45(3): last day while the person is detained")
    transfer_failure: TransferFailure | None
    informed_ms_at: datetime | None
    transfer_scheduled_for: date | None
    transfer_mode: TransferMode | None
    transferred_at: datetime | None
    closed_reason: ClosureReason | None
    closed_at: datetime | None
    version: int

    @classmethod
    def of(cls, procedure: DublinProcedure) -> ProcedureOut:
        return cls.model_validate(procedure, from_attributes=True)


@router.get("", dependencies=[read], summary="Responsibility procedures, filtered by asylum case, person or status")
async def list_procedures(
    uow: UoW,
    asylum_case_id: str | None = None,
    person_id: str | None = None,
    status: ProcedureStatus | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ProcedureOut]:
    return await read_page(
        uow,
        ProcedureRepository(uow.session),
        ProcedureOut.of,
        asylum_case_id=asylum_case_id,
        person_id=person_id,
        status=status,
        cursor=cursor,
        limit=limit,
    )


@router.get("/{procedure_id}", dependencies=[read], summary="One responsibility procedure")
async def get_procedure(procedure_id: str, uow: UoW, response: Response) -> ProcedureOut:
    return ProcedureOut.of(await read_one(uow, ProcedureRepository(uow.session), procedure_id, response))
