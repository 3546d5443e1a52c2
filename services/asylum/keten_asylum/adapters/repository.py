"""Loading and storing applications and the recognition-rate reference data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select

from keten_asylum.adapters.orm import applications, recognition_rates
from keten_asylum.domain.grounds import RateFact
from keten_asylum.domain.model import Application, ApplicationStatus
from keten_asylum.domain.recognition import RecognitionRate
from keten_shared.db.repository import Repository


class ApplicationRepository(Repository[Application]):
    entity, table, entity_type = Application, applications, "application"

    async def in_border_procedure(self) -> int:
        """Persons in the asylum border procedure now (APR Art 48(1): the load against adequate capacity)."""
        query = select(func.count()).where(applications.c.status == ApplicationStatus.EXAM_BORDER)
        return (await self.session.execute(query)).scalar_one()

    async def border_started_between(self, start: datetime, end: datetime) -> int:
        """Border examinations started in a period (APR Art 47(1): the annual maximum)."""
        query = select(func.count()).where(
            applications.c.border_started_at >= start, applications.c.border_started_at < end
        )
        return (await self.session.execute(query)).scalar_one()

    async def of_person(self, person_id: str) -> list[Application]:
        """A person's applications, oldest first."""
        query = select(Application).where(applications.c.person_id == person_id).order_by(applications.c.made_at)
        return list((await self.session.execute(query)).scalars())


class RecognitionRateRepository(Repository[RecognitionRate]):
    entity, table, entity_type = RecognitionRate, recognition_rates, "recognition_rate"

    async def latest_release(self) -> str | None:
        query = select(recognition_rates.c.release).order_by(recognition_rates.c.imported_at.desc()).limit(1)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def rates(self, release: str, countries: Iterable[str]) -> dict[str, RateFact | None]:
        """Per country the latest reference year of `release`; None where the release holds no rate."""
        wanted = sorted(set(countries))
        query = (
            select(RecognitionRate)
            .where(recognition_rates.c.release == release, recognition_rates.c.country.in_(wanted))
            .order_by(recognition_rates.c.reference_year)
        )
        found: dict[str, RateFact | None] = dict.fromkeys(wanted)
        for row in (await self.session.execute(query)).scalars():
            found[row.country] = row.fact()  # ordered by year: the latest year wins
        return found

    async def releases(self) -> list[dict[str, object]]:
        query = (
            select(
                recognition_rates.c.release,
                func.min(recognition_rates.c.imported_at).label("imported_at"),
                func.max(recognition_rates.c.reference_year).label("latest_year"),
                func.count().label("rows"),
            )
            .group_by(recognition_rates.c.release)
            .order_by(func.min(recognition_rates.c.imported_at).desc())
        )
        return [dict(row._mapping) for row in await self.session.execute(query)]
