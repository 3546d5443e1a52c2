"""REST API of the steps of a procedure: the officer's determination, the transfer decision, its notification,
the remedy and the transfer (AMMR Art 38-46). Thin: translate, authorise, delegate."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import AwareDatetime, BaseModel, Field

from keten_dublin.adapters.repository import ProcedureRepository
from keten_dublin.domain.facts import Case
from keten_dublin.domain.model import DublinProcedure
from keten_dublin.entrypoints.api import OFFICER, ProcedureOut
from keten_dublin.service_layer import requests, transfers
from keten_shared.events.catalog.dublin import AppealOutcome, ClosureReason, NotifiedTo, TransferFailure, TransferMode
from keten_shared.http.auth import SUPERVISOR, require_roles
from keten_shared.http.resources import committed, load_for_change
from keten_shared.service import unit_of_work
from keten_shared.uow import UnitOfWork

router = APIRouter(prefix="/v1/procedures", tags=["responsibility procedures"])
write = Depends(require_roles(OFFICER, SUPERVISOR))
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]
CONFLICTS = {409: {"description": "not allowed in the procedure's state"}, 412: {"description": "stale If-Match"}}


class DeterminationIn(BaseModel):
    facts: Case = Field(description="the recorded facts; the Eurodac hits and screening's findings are added")
    urgent_reason: str | None = Field(
        None,
        min_length=1,
        max_length=2000,
        description="AMMR Art 39(2): ask for an urgent reply (registration after a refusal of entry or a return "
        "decision), with the reasons",
    )
    urgent_reply_days: int | None = Field(
        None, ge=7, le=60, description="the reply limit the urgent request sets, at least 1 week; none: 2 weeks"
    )


class NotificationIn(BaseModel):
    notified_at: AwareDatetime
    notified_to: NotifiedTo = Field(description="the person, or the legal adviser (AMMR Art 42(3))")


class AppealIn(BaseModel):
    lodged_at: AwareDatetime
    suspension_requested: bool = Field(description="AMMR Art 43(3): the transfer waits for the court's ruling")


class SuspensionIn(BaseModel):
    granted: bool
    decided_at: AwareDatetime


class AppealDecisionIn(BaseModel):
    outcome: AppealOutcome
    final_at: AwareDatetime


class TransferScheduleIn(BaseModel):
    scheduled_for: date
    mode: TransferMode
    laissez_passer: bool = Field(False, description="AMMR Art 46(1): a laissez-passer is issued for the transfer")


class TransferCompletionIn(BaseModel):
    transferred_at: AwareDatetime


class TransferFailureIn(BaseModel):
    reason: TransferFailure
    failed_at: AwareDatetime
    informed_ms_at: AwareDatetime | None = Field(
        None, description="AMMR Art 46(2): when the responsible member state was informed; starts the 3 years"
    )


class AvailabilityIn(BaseModel):
    available_at: AwareDatetime


class ClosureIn(BaseModel):
    reason: ClosureReason


async def _load(uow: UnitOfWork, procedure_id: str, request: Request) -> DublinProcedure:
    return await load_for_change(ProcedureRepository(uow.session), procedure_id, request)


async def _saved(uow: UnitOfWork, procedure: DublinProcedure, response: Response) -> ProcedureOut:
    return ProcedureOut.of(await committed(uow, procedure, response))


def _step(path: str, summary: str):  # type: ignore[no-untyped-def]
    return router.post(f"/{{procedure_id}}/{path}", dependencies=[write], responses=CONFLICTS, summary=summary)


@_step("determination", "Determine on the recorded facts: this member state responsible, or the request sent")
async def determine(
    procedure_id: str, body: DeterminationIn, uow: UoW, request: Request, response: Response
) -> ProcedureOut:
    procedure = await _load(uow, procedure_id, request)
    await requests.determine(
        uow, procedure, body.facts, urgent_reply_days=body.urgent_reply_days, urgent_reason=body.urgent_reason
    )
    return await _saved(uow, procedure, response)


@_step("transfer-decision", "Take the transfer decision (AMMR Art 42(1))")
async def decide_transfer(procedure_id: str, uow: UoW, request: Request, response: Response) -> ProcedureOut:
    procedure = await _load(uow, procedure_id, request)
    await transfers.decide_transfer(uow, procedure)
    return await _saved(uow, procedure, response)


@_step("notification", "Record the notification of the transfer decision (AMMR Art 42(2)-(3))")
async def notify(
    procedure_id: str, body: NotificationIn, uow: UoW, request: Request, response: Response
) -> ProcedureOut:
    procedure = await _load(uow, procedure_id, request)
    await transfers.notify(uow, procedure, notified_at=body.notified_at, to=body.notified_to)
    return await _saved(uow, procedure, response)


@_step("appeal", "Record an appeal against the transfer decision (AMMR Art 43)")
async def lodge_appeal(
    procedure_id: str, body: AppealIn, uow: UoW, request: Request, response: Response
) -> ProcedureOut:
    procedure = await _load(uow, procedure_id, request)
    await transfers.lodge_appeal(
        uow, procedure, lodged_at=body.lodged_at, suspension_requested=body.suspension_requested
    )
    return await _saved(uow, procedure, response)


@_step("appeal/suspension", "Record the court's ruling on suspending the transfer (AMMR Art 43(3))")
async def decide_suspension(
    procedure_id: str, body: SuspensionIn, uow: UoW, request: Request, response: Response
) -> ProcedureOut:
    procedure = await _load(uow, procedure_id, request)
    await transfers.decide_suspension(uow, procedure, granted=body.granted, decided_at=body.decided_at)
    return await _saved(uow, procedure, response)


@_step("appeal/decision", "Record the final decision on the appeal (AMMR Art 43, 46(1))")
async def decide_appeal(
    procedure_id: str, body: AppealDecisionIn, uow: UoW, request: Request, response: Response
) -> ProcedureOut:
    procedure = await _load(uow, procedure_id, request)
    await transfers.decide_appeal(uow, procedure, outcome=body.outcome, final_at=body.final_at)
    return await _saved(uow, procedure, response)


@_step("transfer/schedule", "Schedule the transfer (AMMR Art 46(1))")
async def schedule_transfer(
    procedure_id: str, body: TransferScheduleIn, uow: UoW, request: Request, response: Response
) -> ProcedureOut:
    procedure = await _load(uow, procedure_id, request)
    await transfers.schedule_transfer(
        uow, procedure, on=body.scheduled_for, mode=body.mode, laissez_passer=body.laissez_passer
    )
    return await _saved(uow, procedure, response)


@_step("transfer/completion", "Record the transfer carried out (AMMR Art 46(1))")
async def complete_transfer(
    procedure_id: str, body: TransferCompletionIn, uow: UoW, request: Request, response: Response
) -> ProcedureOut:
    procedure = await _load(uow, procedure_id, request)
    await transfers.complete_transfer(uow, procedure, transferred_at=body.transferred_at)
    return await _saved(uow, procedure, response)


@_step("transfer/failure", "Record a failed transfer, extending the time limit where AMMR Art 46(2) allows")
async def fail_transfer(
    procedure_id: str, body: TransferFailureIn, uow: UoW, request: Request, response: Response
) -> ProcedureOut:
    procedure = await _load(uow, procedure_id, request)
    await transfers.fail_transfer(
        uow, procedure, reason=body.reason, failed_at=body.failed_at, informed_ms_at=body.informed_ms_at
    )
    return await _saved(uow, procedure, response)


@_step("transfer/availability", "Record that the person is available again for the transfer (AMMR Art 46(2))")
async def available_again(
    procedure_id: str, body: AvailabilityIn, uow: UoW, request: Request, response: Response
) -> ProcedureOut:
    procedure = await _load(uow, procedure_id, request)
    await transfers.available_again(uow, procedure, available_at=body.available_at)
    return await _saved(uow, procedure, response)


@_step("closure", "Close the procedure: the application was withdrawn, the person left or died")
async def close(procedure_id: str, body: ClosureIn, uow: UoW, request: Request, response: Response) -> ProcedureOut:
    procedure = await _load(uow, procedure_id, request)
    await transfers.close(uow, procedure, reason=body.reason)
    return await _saved(uow, procedure, response)
