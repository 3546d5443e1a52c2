"""REST API of the screening service (thin: translate, authorise, delegate)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from keten_screening.adapters.repository import ScreeningRepository
from keten_screening.domain.model import ScreeningCase, ScreeningStatus
from keten_screening.service_layer import handlers
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.screening import Completion, ScreeningReason
from keten_shared.http.auth import AUDITOR, SUPERVISOR, require_roles
from keten_shared.http.pagination import Page
from keten_shared.http.resources import read_one, read_page
from keten_shared.http.versioning import check_if_match, set_etag
from keten_shared.service import unit_of_work
from keten_shared.uow import UnitOfWork

OFFICER = "screening-officer"
ROLES = (OFFICER, SUPERVISOR, AUDITOR)

router = APIRouter(prefix="/v1/screenings", tags=["screenings"])
write = Depends(require_roles(OFFICER, SUPERVISOR))
read = Depends(require_roles(OFFICER, SUPERVISOR, AUDITOR))
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]


class NewScreening(BaseModel):
    model_config = ConfigDict(extra="forbid")

    screening_reason: ScreeningReason
    trigger_event_ts: AwareDatetime = Field(description="apprehension, disembarkation or presentation")
    location: str = Field(min_length=1, max_length=200)
    person: PersonDetails
    person_id: str | None = Field(None, min_length=1, max_length=200)
    application_made_at: AwareDatetime | None = Field(None, description="required for BORDER_BCP_APPLICANT (SR 5(2))")


class ApplicationMade(BaseModel):
    model_config = ConfigDict(extra="forbid")

    made_at: AwareDatetime = Field(description="when the person asked for international protection (APR Art 26)")


class ScreeningOut(BaseModel):
    id: str
    person_id: str
    member_state: str
    screening_reason: ScreeningReason
    trigger_event_ts: datetime
    location: str
    person: PersonDetails
    status: ScreeningStatus
    deadline_strict: date = Field(description="SR Art 8: last day; referral is forced at its end")
    deadline_ptl: date = Field(description="SR Art 8 with the Reg. 1182/71 roll-forward")
    application_made_at: datetime | None
    referred_at: datetime | None
    completion: Completion | None
    missing_checks: list[str]
    version: int

    @classmethod
    def of(cls, case: ScreeningCase) -> ScreeningOut:
        return cls.model_validate(case, from_attributes=True)


@router.post("", status_code=201, dependencies=[write], summary="Start screening a person")
async def start(body: NewScreening, uow: UoW, response: Response) -> ScreeningOut:
    case = await handlers.start_screening(
        uow,
        reason=body.screening_reason,
        trigger_event_ts=body.trigger_event_ts,
        location=body.location,
        person=body.person,
        person_id=body.person_id,
        application_made_at=body.application_made_at,
    )
    await uow.commit()
    response.headers["Location"] = f"/v1/screenings/{case.id}"
    set_etag(response, case.version)
    return ScreeningOut.of(case)


@router.get("", dependencies=[read], summary="Screenings, filtered by person, status or deadline")
async def list_screenings(
    uow: UoW,
    person_id: str | None = None,
    status: ScreeningStatus | None = None,
    deadline_strict: date | None = Query(None, description="screenings whose time limit ends on this day"),
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ScreeningOut]:
    return await read_page(
        uow,
        ScreeningRepository(uow.session),
        ScreeningOut.of,
        person_id=person_id,
        status=status,
        deadline_strict=deadline_strict,
        cursor=cursor,
        limit=limit,
    )


@router.get("/{screening_id}", dependencies=[read], summary="One screening")
async def get_screening(screening_id: str, uow: UoW, response: Response) -> ScreeningOut:
    return ScreeningOut.of(await read_one(uow, ScreeningRepository(uow.session), screening_id, response))


@router.post(
    "/{screening_id}/application",
    dependencies=[write],
    summary="Record that the person applied for international protection (SR Art 18(2))",
    responses={409: {"description": "screening ended or application already recorded"}},
)
async def application_made(
    screening_id: str, body: ApplicationMade, uow: UoW, request: Request, response: Response
) -> ScreeningOut:
    case = await ScreeningRepository(uow.session).get(screening_id)
    check_if_match(request, case.version)
    await handlers.record_application(uow, case, body.made_at)
    await uow.commit()
    set_etag(response, case.version)
    return ScreeningOut.of(case)


@router.post(
    "/{screening_id}/completion",
    dependencies=[write],
    summary="Complete screening and refer the person (SR Art 18)",
    responses={409: {"description": "screening already ended"}},
)
async def complete(screening_id: str, uow: UoW, request: Request, response: Response) -> ScreeningOut:
    case = await ScreeningRepository(uow.session).get(screening_id)
    check_if_match(request, case.version)
    await handlers.refer(uow, case, completion=Completion.COMPLETE, missing_checks=[])
    await uow.commit()
    set_etag(response, case.version)
    return ScreeningOut.of(case)
