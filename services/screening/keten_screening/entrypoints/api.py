"""REST API of the screening service (thin: translate, authorise, delegate).

No `from __future__ import annotations` here: the step routes are made in a loop and FastAPI must see
each body's model class itself, not its name.
"""

from collections.abc import Awaitable, Callable
from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import ColumnElement, func

from keten_screening.adapters.orm import screenings
from keten_screening.adapters.repository import ScreeningRepository
from keten_screening.domain.case import ACTIVE, ScreeningCase, ScreeningStatus
from keten_screening.domain.form import screening_form
from keten_screening.domain.identity import NationalityFacts, validate_birth_date
from keten_screening.domain.records import Biometrics
from keten_screening.domain.scope import IntakeFacts
from keten_screening.entrypoints import schemas
from keten_screening.entrypoints.form_html import render_form
from keten_screening.service_layer import handlers
from keten_screening.service_layer.handlers import STEPS, Step
from keten_shared.countries import validate_nationality
from keten_shared.db.types import json_array_contains
from keten_shared.errors import NotFound
from keten_shared.events.catalog.screening import ScreeningForm, ScreeningReason
from keten_shared.http.auth import AUDITOR, SUPERVISOR, require_roles
from keten_shared.http.pagination import Page
from keten_shared.http.resources import committed, load_for_change, read_one, read_page
from keten_shared.service import unit_of_work
from keten_shared.uow import UnitOfWork

OFFICER = "screening-officer"
MEDICAL = "screening-medical-staff"  # SR 2(10), 12(1): the health check is done by qualified medical personnel
ROLES = (OFFICER, MEDICAL, SUPERVISOR, AUDITOR)

router = APIRouter(prefix="/v1/screenings", tags=["screenings"])
write = Depends(require_roles(OFFICER, SUPERVISOR))
read = Depends(require_roles(OFFICER, MEDICAL, SUPERVISOR, AUDITOR))
restricted = Depends(require_roles(SUPERVISOR))
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]
CONFLICT = {409: {"description": "the screening's state does not allow this step"}}


async def _load(uow: UnitOfWork, screening_id: str, request: Request) -> ScreeningCase:
    return await load_for_change(ScreeningRepository(uow.session), screening_id, request)


async def _changed(uow: UnitOfWork, case: ScreeningCase, response: Response) -> schemas.ScreeningOut:
    return schemas.ScreeningOut.of(await committed(uow, case, response))


def _validated_person(body: schemas.NewScreening, uow: UnitOfWork) -> None:
    # SR 17(1)(a)-(b): a real nationality code and a date of birth in the past.
    for code in body.person.nationalities:
        validate_nationality(code)
    if body.person.date_of_birth is not None:
        validate_birth_date(body.person.date_of_birth, uow.local_date(uow.now()))


@router.post(
    "",
    status_code=201,
    dependencies=[write],
    summary="Open a screening when a person is apprehended, disembarked or presents at the border",
    description="Computes the time limit (7 days at the border, SR 8(3); 3 days inside the territory, SR 8(4)) "
    "from the trigger event. A person outside the scope of screening is recorded as REJECTED_OUT_OF_SCOPE.",
    responses={409: {"description": "the person already has a running screening"}},
)
async def open_screening(body: schemas.NewScreening, uow: UoW, response: Response) -> schemas.ScreeningOut:
    _validated_person(body, uow)
    intake = IntakeFacts(
        reason=body.screening_reason,
        **body.model_dump(include=set(IntakeFacts.__dataclass_fields__) - {"reason"}),
    )
    case = await handlers.open_case(
        uow,
        intake=intake,
        trigger_event_ts=body.trigger_event_ts,
        location=body.location,
        person=body.person,
        person_id=body.person_id,
        application_made_at=body.application_made_at,
    )
    response.headers["Location"] = f"/v1/screenings/{case.id}"
    return await _changed(uow, case, response)


@router.get("", dependencies=[read], summary="Find screenings: by status, person, nationality, place or time limit")
async def list_screenings(
    uow: UoW,
    status: ScreeningStatus | None = None,
    person_id: str | None = None,
    screening_reason: ScreeningReason | None = None,
    nationality: Annotated[str | None, Query(description="ISO 3166-1 alpha-3 code")] = None,
    location: Annotated[str | None, Query(description="place of screening, any case")] = None,
    overdue: Annotated[bool, Query(description="running screenings past their time limit")] = False,
    due_within_hours: Annotated[int | None, Query(ge=1, le=24 * 8, description="running, limit within N h")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[schemas.ScreeningOut]:
    conditions: list[ColumnElement[bool]] = []
    if nationality:
        conditions.append(json_array_contains(screenings.c.nationalities, validate_nationality(nationality)))
    if location:
        conditions.append(func.lower(screenings.c.location) == location.lower())
    now = uow.now()
    if overdue or due_within_hours:
        conditions.append(screenings.c.status.in_(ACTIVE))
        conditions.append(
            screenings.c.deadline_due_at <= (now if overdue else now + timedelta(hours=due_within_hours or 0))
        )
    return await read_page(
        uow,
        ScreeningRepository(uow.session),
        schemas.ScreeningOut.of,
        *conditions,
        status=status,
        person_id=person_id,
        screening_reason=screening_reason,
        cursor=cursor,
        limit=limit,
    )


@router.get("/{screening_id}", dependencies=[read], summary="One screening with every step recorded so far")
async def get_screening(screening_id: str, uow: UoW, response: Response) -> schemas.ScreeningOut:
    return schemas.ScreeningOut.of(await read_one(uow, ScreeningRepository(uow.session), screening_id, response))


@router.post(
    "/{screening_id}/start",
    dependencies=[write],
    summary="Start screening (after more than 72 hours held at the border, 4 days remain: SR 8(3))",
    responses=CONFLICT,
)
async def start(
    screening_id: str, body: schemas.Start, uow: UoW, request: Request, response: Response
) -> schemas.ScreeningOut:
    case = await _load(uow, screening_id, request)
    await handlers.start(uow, case, started_at=body.started_at, held_at_external_border=body.held_at_external_border)
    return await _changed(uow, case, response)


# --- the steps, each its own resource ------------------------------------------------------------------------------

STEP_TEXT = {
    Step.INFORMATION: "Information given to the person on screening and their rights (SR 11)",
    Step.HEALTH_CHECK: "Preliminary health check by medical staff (SR 12(1)-(2))",
    Step.VULNERABILITY_CHECK: "Preliminary vulnerability check: special reception and procedural needs (SR 12(3))",
    Step.MINOR_STATUS: "Minor or unaccompanied minor, and the representative or trained person (SR 13)",
    Step.COOPERATION: "Whether the person cooperated: availability, identity data, biometrics (SR 9)",
    Step.FORM_DETAILS: "Declared details for the screening form: family, route, languages (SR 17(1)-(2))",
    Step.FORM_REVIEW: "The person saw the form and pointed out what is wrong (SR 17(3))",
    Step.RESTRICTION: "How the person is kept available: none, alternative or detention (SR 6, 7(1))",
}


def _add_step_routes(step: Step) -> None:
    model, attribute, _basis = STEPS[step]
    writers = Depends(
        require_roles(MEDICAL, SUPERVISOR) if step is Step.HEALTH_CHECK else require_roles(OFFICER, SUPERVISOR)
    )

    async def put(
        screening_id: str,
        body: model,
        uow: UoW,
        request: Request,
        response: Response,  # type: ignore[valid-type]
    ) -> schemas.ScreeningOut:
        case = await _load(uow, screening_id, request)
        await handlers.record_step(uow, case, step, body)
        return await _changed(uow, case, response)

    async def get(screening_id: str, uow: UoW) -> model:  # type: ignore[valid-type]
        case = await read_one(uow, ScreeningRepository(uow.session), screening_id, Response())
        if (record := getattr(case, attribute)) is None:
            raise NotFound(f"screening {screening_id} has no {step.value} yet")
        return record

    router.put(
        f"/{{screening_id}}/{step.value}",
        dependencies=[writers],
        summary=STEP_TEXT[step],
        responses=CONFLICT,
        name=f"record {step.value}",
    )(put)
    router.get(
        f"/{{screening_id}}/{step.value}", dependencies=[read], summary=STEP_TEXT[step], name=f"read {step.value}"
    )(get)


for _step in Step:
    _add_step_routes(_step)


@router.put(
    "/{screening_id}/identification",
    dependencies=[write],
    summary="Identity and documents (SR 14): MRZ check digits, expiry and authenticity are checked",
    responses=CONFLICT,
)
async def identify(
    screening_id: str, body: schemas.IdentificationIn, uow: UoW, request: Request, response: Response
) -> schemas.ScreeningOut:
    case = await _load(uow, screening_id, request)
    await handlers.record_identification(
        uow,
        case,
        documents=[handlers.DocumentShown(**{**d.model_dump(), "mrz": tuple(d.mrz)}) for d in body.documents],
        nationality=NationalityFacts(tuple(body.nationalities), body.stateless, body.nationality_unknown),
        biometric_match=body.biometric_match,
        documents_destroyed=body.documents_destroyed,
    )
    return await _changed(uow, case, response)


@router.post(
    "/{screening_id}/security-check",
    dependencies=[write],
    summary="Security check against SIS, EES, ETIAS, VIS, ECRIS-TCN, Europol and Interpol data (SR 15-16)",
    description="Only whether a database gave a hit is kept on the case and the form (SR 17(1)(h)); "
    "the hits themselves are kept apart and shown to supervisors only.",
    responses=CONFLICT,
)
async def security_check(
    screening_id: str, body: schemas.SecurityCheckIn, uow: UoW, request: Request, response: Response
) -> schemas.ScreeningOut:
    case = await _load(uow, screening_id, request)
    await handlers.run_security_check(uow, case, **body.model_dump())
    return await _changed(uow, case, response)


@router.get(
    "/{screening_id}/security-findings",
    dependencies=[restricted],
    summary="What the security databases returned (restricted: supervisors)",
)
async def security_findings(screening_id: str, uow: UoW) -> list[dict[str, Any]]:
    repository = ScreeningRepository(uow.session)
    case = await repository.get(screening_id)
    uow.audit("screening.security_findings.read", entity_type="screening", entity_id=case.id)
    await uow.commit()
    return await repository.security_findings(case.id)


@router.put(
    "/{screening_id}/biometrics",
    dependencies=[write],
    summary="Fingerprints and facial image taken, refused or not taken (SR 8(5)(d); ED 13-14)",
    description="Captured biometrics are transmitted to Eurodac at once. No biometrics from a child under 6 or "
    "possibly under 6 (ED 14(1)); a minor's are taken by a trained official with the adult or representative.",
    responses=CONFLICT,
)
async def biometrics(
    screening_id: str, body: Biometrics, uow: UoW, request: Request, response: Response
) -> schemas.ScreeningOut:
    case = await _load(uow, screening_id, request)
    await handlers.record_biometrics(uow, case, body)
    return await _changed(uow, case, response)


@router.post(
    "/{screening_id}/eurodac/hits/{hit_id}/decision",
    dependencies=[write],
    summary="A fingerprint expert confirms or rejects a Eurodac hit (ED 38(4), 38(6))",
    responses={**CONFLICT, 404: {"description": "no such hit"}},
)
async def decide_hit(
    screening_id: str, hit_id: str, body: schemas.HitDecision, uow: UoW, request: Request, response: Response
) -> schemas.ScreeningOut:
    case = await _load(uow, screening_id, request)
    await handlers.decide_hit(uow, case, hit_id, confirmed=body.confirmed)
    return await _changed(uow, case, response)


def _simple(
    path: str,
    summary: str,
    action: Callable[[UnitOfWork, ScreeningCase, Any], Awaitable[None]],
    body_model: type | None = None,
) -> None:
    """A POST that moves the case, with an optional body."""
    if body_model is None:

        async def endpoint(screening_id: str, uow: UoW, request: Request, response: Response) -> schemas.ScreeningOut:
            case = await _load(uow, screening_id, request)
            await action(uow, case, None)
            return await _changed(uow, case, response)
    else:

        async def endpoint(  # type: ignore[misc]
            screening_id: str,
            body: body_model,
            uow: UoW,
            request: Request,
            response: Response,  # type: ignore[valid-type]
        ) -> schemas.ScreeningOut:
            case = await _load(uow, screening_id, request)
            await action(uow, case, body)
            return await _changed(uow, case, response)

    router.post(f"/{{screening_id}}/{path}", dependencies=[write], summary=summary, responses=CONFLICT, name=path)(
        endpoint
    )


_simple(
    "application",
    "The person applied for international protection: the referral goes to asylum (SR 18(2))",
    lambda uow, case, body: handlers.record_application(uow, case, body.made_at),
    schemas.ApplicationMade,
)
_simple(
    "relocation",
    "The person is to be relocated (AMMR 67): the referral goes to that member state (SR 18(3))",
    lambda uow, case, body: handlers.mark_for_relocation(uow, case, body.member_state),
    schemas.Relocation,
)
_simple(
    "absconding",
    "The person absconded; the time limit runs on",
    lambda uow, case, body: handlers.abscond(uow, case, body.at),
    schemas.Absconding,
)
_simple("location", "The absconded person was found", lambda uow, case, _body: handlers.locate(uow, case))
_simple(
    "completion",
    "Complete screening and refer the person (SR 18); every check must be done or impossible",
    lambda uow, case, _body: handlers.complete(uow, case),
)
_simple(
    "discontinuation",
    "Stop screening for criminal proceedings or extradition; the form goes on (SR 18(6))",
    lambda uow, case, body: handlers.discontinue(uow, case, body.note),
    schemas.Discontinuation,
)
_simple(
    "closure",
    "Close: entry conditions met (SR 5(3)) or the person departed (SR 5(3), 7(3))",
    lambda uow, case, body: handlers.close(uow, case, body.reason, body.note),
    schemas.ClosureIn,
)


@router.post(
    "/{screening_id}/merge",
    dependencies=[write],
    summary="Merge a screening found to concern the person of another (e.g. by a biometric match)",
    responses=CONFLICT,
)
async def merge(
    screening_id: str, body: schemas.Merge, uow: UoW, request: Request, response: Response
) -> schemas.ScreeningOut:
    case = await _load(uow, screening_id, request)
    into = await ScreeningRepository(uow.session).get(body.into)
    await handlers.merge(uow, case, into)
    return await _changed(uow, case, response)


# --- the screening form (SR 17) -------------------------------------------------------------------------------------


class Copy(StrEnum):
    AUTHORITIES = "authorities"
    PERSON = "person"


@router.get("/{screening_id}/form", dependencies=[read], summary="The screening form (SR 17) as data")
async def form(screening_id: str, uow: UoW, copy: Copy = Copy.AUTHORITIES) -> ScreeningForm:
    case = await read_one(uow, ScreeningRepository(uow.session), screening_id, Response())
    return screening_form(case, for_the_person=copy is Copy.PERSON)


@router.get(
    "/{screening_id}/form.html",
    dependencies=[read],
    summary="The screening form (SR 17) to print and hand over",
    description="copy=person leaves out whether a security database gave a hit, as SR 17(3) requires.",
    response_class=HTMLResponse,
)
async def form_html(screening_id: str, uow: UoW, copy: Copy = Copy.AUTHORITIES) -> HTMLResponse:
    case = await read_one(uow, ScreeningRepository(uow.session), screening_id, Response())
    printed = render_form(screening_form(case, for_the_person=copy is Copy.PERSON), case, uow.now())
    return HTMLResponse(printed)
