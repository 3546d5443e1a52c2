"""REST API of the supervisor's work lists: examinations due or overdue (APR Art 35), return decisions missing
(APR Art 37)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import Select, select

from keten_asylum.adapters.orm import applications
from keten_asylum.domain.model import EXAMINATION, Application
from keten_asylum.entrypoints.application_access import UoW, supervise
from keten_asylum.entrypoints.schemas import ApplicationOut, MissingReturnDecision
from keten_asylum.service_layer import return_link

router = APIRouter(prefix="/v1/work-lists", tags=["work lists"])


def examinations_due(today: date, horizon: date, overdue_only: bool, limit: int) -> Select[tuple[Application]]:
    """Applications under examination whose limit passed (``overdue_only``) or falls by ``horizon``, earliest first."""
    return (
        select(Application)
        .where(
            applications.c.status.in_([s.value for s in EXAMINATION]),
            applications.c.examination_deadline < today
            if overdue_only
            else applications.c.examination_deadline <= horizon,
        )
        .order_by(applications.c.examination_deadline, applications.c.id)
        .limit(limit)
    )


@router.get(
    "/examinations",
    dependencies=[supervise],
    summary="Examinations overdue (APR Art 35 limit passed) or due within `within_days`, earliest first",
)
async def examinations(
    uow: UoW,
    within_days: Annotated[int, Query(ge=0, le=365)] = 14,
    overdue_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ApplicationOut]:
    today = uow.local_date(uow.now())
    query = examinations_due(today, today if overdue_only else today + timedelta(days=within_days), overdue_only, limit)
    found = list((await uow.session.execute(query)).scalars())
    for application in found:
        uow.audit("application.read", entity_type="application", entity_id=application.id)
    await uow.commit()
    return [ApplicationOut.of(a) for a in found]


@router.get(
    "/return-decisions-missing",
    dependencies=[supervise],
    summary="Negative decisions still without their return decision after `older_than_hours` (APR Art 37)",
)
async def return_decisions_missing(
    uow: UoW,
    older_than_hours: Annotated[int, Query(ge=0, le=24 * 365)] = 24,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[MissingReturnDecision]:
    # APR Art 37: at the same time or without undue delay; how long is undue is the supervisor's call.
    found = await return_link.missing(uow, decided_before=uow.now() - timedelta(hours=older_than_hours), limit=limit)
    return [
        MissingReturnDecision(
            application_id=d.application_id,
            decision_id=d.id,
            outcome=d.outcome,
            notified_at=d.notified_at,
            decided_at=d.decided_at,
        )
        for d in found
    ]
