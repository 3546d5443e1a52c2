"""REST API of fundamental-rights monitoring (SR Art 10): allegations and the figures of the mechanism."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from keten_screening.adapters.repository import AllegationRepository
from keten_screening.domain.monitoring import (
    Allegation,
    AllegationCategory,
    AllegationKind,
    AllegationSource,
    AllegationStatus,
)
from keten_screening.service_layer import monitoring
from keten_shared.http.auth import AUDITOR, SUPERVISOR, require_roles
from keten_shared.http.pagination import Page
from keten_shared.http.resources import read_one, read_page
from keten_shared.http.versioning import check_if_match, set_etag
from keten_shared.service import unit_of_work
from keten_shared.uow import UnitOfWork

MONITOR = "fundamental-rights-monitor"  # the independent monitoring mechanism (SR 10(2))
OFFICER = "screening-officer"

router = APIRouter(tags=["fundamental-rights monitoring"])
report_to = Depends(require_roles(OFFICER, MONITOR, SUPERVISOR))  # anyone may record what they saw or were told
follow = Depends(require_roles(MONITOR, SUPERVISOR))
read = Depends(require_roles(MONITOR, SUPERVISOR, AUDITOR))
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]


class NewAllegation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: AllegationKind
    category: AllegationCategory = Field(description="what the allegation concerns (SR 10(2)(a))")
    source: AllegationSource
    received_at: AwareDatetime
    description: str = Field(min_length=1, max_length=10_000)


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: AllegationStatus
    note: str = Field("", max_length=2000)
    investigation_ref: str | None = Field(None, max_length=200, description="needed to start an investigation")
    outcome: str | None = Field(None, max_length=10_000, description="needed to close")


class AllegationOut(BaseModel):
    id: str
    screening_id: str
    kind: AllegationKind
    category: AllegationCategory
    source: AllegationSource
    received_at: datetime
    description: str
    status: AllegationStatus
    substantiated: bool | None
    investigation_ref: str | None
    outcome: str | None
    history: list[dict[str, Any]]
    version: int

    @classmethod
    def of(cls, allegation: Allegation) -> AllegationOut:
        return cls.model_validate(allegation, from_attributes=True)


@router.post(
    "/v1/screenings/{screening_id}/allegations",
    status_code=201,
    dependencies=[report_to],
    summary="Record a complaint or incident about the rights of a screened person (SR 10(1))",
)
async def record(screening_id: str, body: NewAllegation, uow: UoW, response: Response) -> AllegationOut:
    allegation = await monitoring.record_allegation(uow, screening_id, **body.model_dump())
    await uow.commit()
    response.headers["Location"] = f"/v1/allegations/{allegation.id}"
    set_etag(response, allegation.version)
    return AllegationOut.of(allegation)


@router.get("/v1/allegations", dependencies=[read], summary="The allegations register")
async def register(
    uow: UoW,
    screening_id: str | None = None,
    status: AllegationStatus | None = None,
    category: AllegationCategory | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[AllegationOut]:
    return await read_page(
        uow,
        AllegationRepository(uow.session),
        AllegationOut.of,
        screening_id=screening_id,
        status=status,
        category=category,
        cursor=cursor,
        limit=limit,
    )


@router.get("/v1/allegations/{allegation_id}", dependencies=[read], summary="One allegation with its history")
async def one(allegation_id: str, uow: UoW, response: Response) -> AllegationOut:
    return AllegationOut.of(await read_one(uow, AllegationRepository(uow.session), allegation_id, response))


@router.post(
    "/v1/allegations/{allegation_id}/status",
    dependencies=[follow],
    summary="Follow an allegation: investigation, finding, referral for proceedings, closure (SR 10(1), 10(2)(b))",
    responses={409: {"description": "not a next step from the current status"}},
)
async def move(allegation_id: str, body: StatusChange, uow: UoW, request: Request, response: Response) -> AllegationOut:
    allegation = await AllegationRepository(uow.session).get(allegation_id)
    check_if_match(request, allegation.version)
    await monitoring.move_allegation(
        uow, allegation, body.status, note=body.note, investigation_ref=body.investigation_ref, outcome=body.outcome
    )
    await uow.commit()
    set_etag(response, allegation.version)
    return AllegationOut.of(allegation)


@router.get(
    "/v1/monitoring/report",
    dependencies=[read],
    summary="The figures of the monitoring mechanism for a period (SR 10(2); screening chapter §6)",
    description="Screenings triggered and allegations received in [from, to): outcomes, referrals forced at the "
    "limit with checks missing, hours to referral, applications made, information given, unaccompanied minors, "
    "detention, coercion for biometrics, and allegations by category and outcome. No personal data.",
)
async def report(
    uow: UoW,
    start: Annotated[AwareDatetime, Query(alias="from")],
    end: Annotated[AwareDatetime, Query(alias="to")],
) -> dict[str, Any]:
    return await monitoring.report(uow, start, end)
