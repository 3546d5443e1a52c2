"""Monitoring use cases (SR Art 10): record allegations, follow them, report the figures."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from keten_screening.adapters.repository import AllegationRepository, ScreeningRepository, report_facts
from keten_screening.domain.monitoring import (
    Allegation,
    AllegationCategory,
    AllegationKind,
    AllegationSource,
    AllegationStatus,
    monitoring_report,
)
from keten_shared.audit import current_actor
from keten_shared.errors import InvalidData
from keten_shared.uow import UnitOfWork


async def record_allegation(
    uow: UnitOfWork,
    screening_id: str,
    *,
    kind: AllegationKind,
    category: AllegationCategory,
    source: AllegationSource,
    received_at: datetime,
    description: str,
) -> Allegation:
    case = await ScreeningRepository(uow.session).get(screening_id)
    now = uow.now()
    if received_at > now:
        raise InvalidData("received_at lies in the future")
    allegation = Allegation(
        id=str(uuid.uuid4()),
        screening_id=case.id,
        kind=kind,
        category=category,
        source=source,
        received_at=received_at,
        description=description,
        created_at=now,
    )
    AllegationRepository(uow.session).add(allegation)
    uow.audit(
        "allegation.recorded",
        entity_type="allegation",
        entity_id=allegation.id,
        legal_basis="SR Art 10(1)",
        after=allegation.status.value,
        details={"screening_id": case.id, "category": category.value},
    )
    return allegation


async def move_allegation(
    uow: UnitOfWork,
    allegation: Allegation,
    to: AllegationStatus,
    *,
    note: str,
    investigation_ref: str | None,
    outcome: str | None,
) -> None:
    before = allegation.status.value
    allegation.move(
        to, by=current_actor(), at=uow.now(), note=note, investigation_ref=investigation_ref, outcome=outcome
    )
    uow.audit(
        "allegation.status.changed",
        entity_type="allegation",
        entity_id=allegation.id,
        legal_basis="SR Art 10(2)(b)",
        before=before,
        after=allegation.status.value,
    )


async def report(uow: UnitOfWork, start: datetime, end: datetime) -> dict[str, Any]:
    if end <= start:
        raise InvalidData("the period ends before it starts")
    cases, allegations = await report_facts(uow.session, start, end)
    uow.audit(
        "monitoring.report.exported",
        entity_type="monitoring_report",
        entity_id=f"{start.isoformat()}/{end.isoformat()}",
    )
    await uow.commit()
    return {"period": {"from": start.isoformat(), "to": end.isoformat()}, **monitoring_report(cases, allegations)}
