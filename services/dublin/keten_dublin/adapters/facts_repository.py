"""The facts other services reported about a person: confirmed Eurodac hits and screening's findings."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from keten_dublin.adapters.orm import eurodac_hits, screening_findings
from keten_dublin.domain.facts import EurodacHit, Evidence, HitCategory


@dataclass(frozen=True)
class ScreeningFindings:
    screening_case_id: str
    security_threat: bool | None  # SR Art 15, re-used under AMMR Art 16(4)
    unaccompanied_minor: bool
    date_of_birth: date | None
    referred_at: datetime


class PersonFactsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_hit(self, person_id: str, hit: EurodacHit) -> None:
        await self.session.execute(
            insert(eurodac_hits).values(
                id=hit.id,
                person_id=person_id,
                category=hit.category.value,
                member_state=hit.member_state,
                recorded_on=hit.recorded_on,
                received_at=hit.received_at,
                responsible_ms=hit.responsible_ms,
                relocation_ms=hit.relocation_ms,
            )
        )

    async def hits_of(self, person_id: str) -> list[EurodacHit]:
        rows = await self.session.execute(
            select(eurodac_hits).where(eurodac_hits.c.person_id == person_id).order_by(eurodac_hits.c.received_at)
        )
        return [
            EurodacHit(
                id=row.id,
                category=HitCategory(row.category),
                member_state=row.member_state,
                recorded_on=row.recorded_on,
                received_at=row.received_at,
                responsible_ms=row.responsible_ms,
                relocation_ms=row.relocation_ms,
                evidence=Evidence.PROOF,  # AMMR 33(1), 40(4): Eurodac data are formal proof
                evidence_ids=(row.id,),
            )
            for row in rows
        ]

    async def save_findings(self, person_id: str, findings: ScreeningFindings) -> None:
        """The latest screening of the person replaces an earlier one."""
        await self.session.execute(delete(screening_findings).where(screening_findings.c.person_id == person_id))
        await self.session.execute(insert(screening_findings).values(person_id=person_id, **asdict(findings)))

    async def findings_of(self, person_id: str) -> ScreeningFindings | None:
        row = (
            await self.session.execute(select(screening_findings).where(screening_findings.c.person_id == person_id))
        ).one_or_none()
        if row is None:
            return None
        return ScreeningFindings(
            screening_case_id=row.screening_case_id,
            security_threat=row.security_threat,
            unaccompanied_minor=row.unaccompanied_minor,
            date_of_birth=row.date_of_birth,
            referred_at=row.referred_at,
        )
