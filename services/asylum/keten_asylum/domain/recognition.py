"""EU-wide recognition rates as versioned reference data (APR Art 42(1)(j)).

Each import of Eurostat's table is a release; routing uses the latest release and records which
figure it relied on, so a decision can always be traced to the data of its day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from keten_asylum.domain.grounds import RateFact


@dataclass
class RecognitionRate:
    """One imported figure: first-instance decisions on nationals of `country` in `reference_year`."""

    release: str
    country: str
    reference_year: int
    total: int
    refugee: int
    subsidiary: int
    rate: Decimal
    flags: str
    source: str
    imported_at: datetime
    id: int | None = None

    def fact(self) -> RateFact:
        return RateFact(
            country=self.country,
            rate=self.rate,
            reference_year=self.reference_year,
            release=self.release,
            published_on=self.imported_at.date(),
        )
