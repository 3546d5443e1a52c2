"""Loading Eurostat's recognition-rate table as a new release of reference data (APR Art 42(1)(j))."""

from __future__ import annotations

from dataclasses import dataclass

import pycountry

from keten_asylum.adapters.repository import RecognitionRateRepository
from keten_asylum.domain import eurostat
from keten_asylum.domain.recognition import RecognitionRate
from keten_shared.errors import InvalidData
from keten_shared.uow import UnitOfWork

# Eurostat codes Kosovo XK, which ISO 3166 leaves unassigned; XKX is the code used in travel documents.
ALPHA3_EXCEPTIONS = {"XK": "XKX"}


@dataclass(frozen=True)
class ImportResult:
    release: str
    countries: int
    latest_year: int | None


def alpha3(alpha2: str) -> str:
    if alpha2 in ALPHA3_EXCEPTIONS:
        return ALPHA3_EXCEPTIONS[alpha2]
    country = pycountry.countries.get(alpha_2=alpha2)
    if country is None:
        raise InvalidData(f"Eurostat citizen code {alpha2} is no ISO 3166 country")
    return country.alpha_3


async def import_release(uow: UnitOfWork, text: str, *, release: str, source: str) -> ImportResult:
    """Store the latest yearly rate per nationality of one Eurostat table as release `release`."""
    repo = RecognitionRateRepository(uow.session)
    if release in {r["release"] for r in await repo.releases()}:
        raise InvalidData(f"release {release} exists already; releases are never changed, import a new one")
    try:
        latest = eurostat.latest_per_country(eurostat.parse(text))
    except eurostat.EurostatFormatError as exc:
        raise InvalidData(f"{source}: {exc}") from exc
    if not latest:
        raise InvalidData(f"{source}: no EU-wide first-instance rate in the table")
    now = uow.now()
    for row in latest.values():
        repo.add(
            RecognitionRate(
                release=release,
                country=alpha3(row.country),
                reference_year=row.reference_year,
                total=row.total,
                refugee=row.refugee,
                subsidiary=row.subsidiary,
                rate=row.rate,
                flags=row.flags,
                source=source,
                imported_at=now,
            )
        )
    uow.audit(
        "recognition_rates.imported",
        entity_type="recognition_rate",
        entity_id=release,
        legal_basis="APR Art 42(1)(j)",
        details={"countries": len(latest), "source": source},
    )
    return ImportResult(release, len(latest), max((r.reference_year for r in latest.values()), default=None))
