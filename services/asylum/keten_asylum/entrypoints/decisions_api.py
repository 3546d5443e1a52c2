"""REST API of the decisions on an application: first-instance decision, withdrawal, appeal and remaining pending it
(APR Art 36-41, 67-68), and the withdrawal of protection granted (APR Art 66)."""

from __future__ import annotations

from fastapi import Request, Response

from keten_asylum.adapters.repository import ApplicationRepository
from keten_asylum.domain import withdrawal
from keten_asylum.domain.decision import Decision
from keten_asylum.domain.model import Application
from keten_asylum.entrypoints.application_access import (
    CONFLICTS,
    UoW,
    applications_router,
    load,
    read,
    saved,
    write,
)
from keten_asylum.entrypoints.schemas import (
    AppealOut,
    AppealOutcome,
    ApplicationOut,
    DecisionOut,
    NewAppeal,
    NewDecision,
    NewProtectionWithdrawal,
    NewRemainRequest,
    NewWithdrawal,
    RemainRuling,
)
from keten_asylum.service_layer import decisions, protection, withdrawals
from keten_shared.errors import InvalidData, NotFound
from keten_shared.http.versioning import set_etag
from keten_shared.uow import UnitOfWork

router = applications_router()


async def _issued(uow: UnitOfWork, application: Application, decision: Decision, response: Response) -> DecisionOut:
    """Commit a new decision and answer with it, where it can be read again."""
    await uow.commit()
    set_etag(response, application.version)
    response.headers["Location"] = f"/v1/applications/{application.id}/decision"
    return DecisionOut.of(decision)


@router.post(
    "/{application_id}/decision",
    status_code=201,
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record the first-instance decision (APR Art 36); a negative one leads to a return decision (APR Art 37)",
)
async def decide(application_id: str, body: NewDecision, uow: UoW, request: Request, response: Response) -> DecisionOut:
    if body.outcome in withdrawal.OUTCOME.values():
        raise InvalidData(f"record {body.outcome} with POST .../withdrawal and its ground (APR Art 40, 41)")
    application = await load(uow, application_id, request)
    decision = await decisions.decide(
        uow,
        application,
        outcome=body.outcome,
        notified_at=body.notified_at,
        return_decision_mode=body.return_decision_mode,
        accelerated_grounds=frozenset(body.accelerated_grounds) if body.accelerated_grounds is not None else None,
        admissibility_ground=body.admissibility_ground,
        reasons=body.reasons,
        notified_to=body.notified_to,
        language=body.language,
    )
    return await _issued(uow, application, decision, response)


@router.post(
    "/{application_id}/withdrawal",
    status_code=201,
    dependencies=[write],
    responses=CONFLICTS,
    summary="Declare the application explicitly (APR Art 40) or implicitly (APR Art 41) withdrawn",
)
async def withdraw(
    application_id: str, body: NewWithdrawal, uow: UoW, request: Request, response: Response
) -> DecisionOut:
    application = await load(uow, application_id, request)
    decision = await withdrawals.withdraw(
        uow,
        application,
        kind=body.type,
        ground=body.ground,
        withdrawn_at=body.withdrawn_at,
        notified_at=body.notified_at,
        return_decision_mode=body.return_decision_mode,
        reasons=body.reasons,
        language=body.language,
    )
    return await _issued(uow, application, decision, response)


@router.post(
    "/{application_id}/protection-withdrawal",
    status_code=201,
    dependencies=[write],
    responses=CONFLICTS,
    summary="Withdraw the international protection granted (APR Art 66; QR Art 14, 19)",
)
async def withdraw_protection(
    application_id: str, body: NewProtectionWithdrawal, uow: UoW, request: Request, response: Response
) -> DecisionOut:
    application = await load(uow, application_id, request)
    decision = await protection.withdraw(
        uow,
        application,
        ground=body.ground,
        notice_given_at=body.notice_given_at,
        notified_at=body.notified_at,
        reasons=body.reasons,
        language=body.language,
    )
    return await _issued(uow, application, decision, response)


@router.get("/{application_id}/decision", dependencies=[read], summary="The decision in force on an application")
async def get_decision(application_id: str, uow: UoW) -> DecisionOut:
    application = await ApplicationRepository(uow.session).get(application_id)
    if application.decision is None:
        raise NotFound(f"application {application_id} has no decision in force")
    return DecisionOut.of(application.decision)


@router.post(
    "/{application_id}/appeals",
    status_code=201,
    dependencies=[write],
    responses={**CONFLICTS, 422: {"description": "lodged after the appeal period: recorded as late"}},
    summary="Record an appeal (APR Art 67); one lodged after the period is recorded as late and refused",
)
async def lodge_appeal(
    application_id: str, body: NewAppeal, uow: UoW, request: Request, response: Response
) -> AppealOut:
    application = await load(uow, application_id, request)
    appeal = await decisions.lodge_appeal(
        uow, application, lodged_at=body.lodged_at, court_reference=body.court_reference
    )
    await uow.commit()
    set_etag(response, application.version)
    if not appeal.in_time:
        decision = application.decisions[-1]
        raise InvalidData(
            f"the appeal period ended on {decision.appeal_deadline} ({decision.appeal_rule}); "
            f"the appeal is recorded as late ({appeal.id}) and does not suspend removal",
            appeal_id=appeal.id,
            appeal_deadline=str(decision.appeal_deadline),
        )
    return AppealOut.of(appeal)


@router.post(
    "/{application_id}/appeal/outcome",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record the court's decision on the appeal",
)
async def appeal_outcome(
    application_id: str, body: AppealOutcome, uow: UoW, request: Request, response: Response
) -> ApplicationOut:
    application = await load(uow, application_id, request)
    await decisions.decide_appeal(uow, application, body.result)
    return await saved(uow, application, response)


@router.post(
    "/{application_id}/remain-request",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record a request to a court to remain pending the appeal (APR Art 68(4)-(5))",
)
async def remain_request(
    application_id: str, body: NewRemainRequest, uow: UoW, request: Request, response: Response
) -> ApplicationOut:
    application = await load(uow, application_id, request)
    await decisions.lodge_remain_request(uow, application, lodged_at=body.lodged_at)
    return await saved(uow, application, response)


@router.post(
    "/{application_id}/remain-ruling",
    dependencies=[write],
    responses=CONFLICTS,
    summary="Record the court's ruling on remaining pending the appeal (APR Art 68(4))",
)
async def remain_ruling(
    application_id: str, body: RemainRuling, uow: UoW, request: Request, response: Response
) -> ApplicationOut:
    application = await load(uow, application_id, request)
    await decisions.rule_on_remaining(uow, application, body.ruling)
    return await saved(uow, application, response)
