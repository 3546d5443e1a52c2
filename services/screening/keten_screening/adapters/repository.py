"""Loading and storing screening cases, and their restricted security findings."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from keten_screening.adapters.orm import allegations, screenings, security_findings
from keten_screening.adapters.security import SecurityFinding
from keten_screening.domain.case import ACTIVE, ScreeningCase
from keten_screening.domain.monitoring import Allegation, AllegationFacts, ScreeningFacts
from keten_screening.domain.records import RestrictionMeasure
from keten_shared.db.repository import Repository


class ScreeningRepository(Repository[ScreeningCase]):
    entity, table, entity_type = ScreeningCase, screenings, "screening"

    async def active_case_of(self, person_id: str) -> str | None:
        """The id of the person's screening that is still running, if any."""
        found = await self.session.execute(
            select(screenings.c.id).where(screenings.c.person_id == person_id, screenings.c.status.in_(ACTIVE))
        )
        return found.scalars().first()

    async def add_security_findings(self, case_id: str, findings: Sequence[SecurityFinding], at: datetime) -> str:
        """Store what the databases returned (SR 15(3)-(4)); returns the reference the case keeps."""
        batch = str(uuid.uuid4())
        await self.session.execute(
            insert(security_findings),
            [
                {
                    "id": str(uuid.uuid4()),
                    "screening_id": case_id,
                    "batch": batch,
                    "system": finding.system.value,
                    "reference": finding.reference,
                    "detail": finding.detail,
                    "found_at": at,
                }
                for finding in findings
            ],
        )
        return batch

    async def security_findings(self, case_id: str) -> list[dict]:
        rows = await self.session.execute(
            select(security_findings)
            .where(security_findings.c.screening_id == case_id)
            .order_by(security_findings.c.found_at)
        )
        return [dict(row._mapping) for row in rows]


class AllegationRepository(Repository[Allegation]):
    entity, table, entity_type = Allegation, allegations, "allegation"


async def report_facts(
    session: AsyncSession, start: datetime, end: datetime
) -> tuple[list[ScreeningFacts], list[AllegationFacts]]:
    """The screenings triggered and the allegations received in [start, end), reduced to what the figures need."""
    rows = await session.execute(
        select(
            screenings.c.status,
            screenings.c.screening_reason,
            screenings.c.trigger_event_ts,
            screenings.c.referred_at,
            screenings.c.completion,
            screenings.c.application_made_at,
            screenings.c.info,
            screenings.c.minor,
            screenings.c.restriction,
            screenings.c.biometrics,
            screenings.c.absconded,
        ).where(screenings.c.trigger_event_ts >= start, screenings.c.trigger_event_ts < end)
    )
    cases = [
        ScreeningFacts(
            status=row.status.value,
            reason=row.screening_reason.value,
            trigger_event_ts=row.trigger_event_ts,
            referred_at=row.referred_at,
            completion=row.completion.value if row.completion else None,
            application_made=row.application_made_at is not None,
            info_provided=row.info is not None,
            unaccompanied_minor=bool(row.minor and row.minor.unaccompanied),
            detention=bool(row.restriction and row.restriction.measure is RestrictionMeasure.DETENTION),
            coercion_used=bool(row.biometrics and row.biometrics.coercion),
            absconded=row.absconded,
        )
        for row in rows
    ]
    found = await session.execute(
        select(allegations.c.category, allegations.c.status, allegations.c.substantiated).where(
            allegations.c.received_at >= start, allegations.c.received_at < end
        )
    )
    return cases, [AllegationFacts(r.category.value, r.status.value, r.substantiated) for r in found]
