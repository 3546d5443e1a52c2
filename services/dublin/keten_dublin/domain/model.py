"""The procedure for determining the member state responsible (pure domain)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

# AMMR Art 85: the AMMR applies from 1 July 2026.
AMMR_APPLIES_FROM = date(2026, 7, 1)


class Regime(StrEnum):
    AMMR = "AMMR"  # Reg. (EU) 2024/1351
    DUBLIN_III = "DUBLIN_III"  # Reg. (EU) No 604/2013, for legacy applications


class ProcedureStatus(StrEnum):
    DETERMINING = "DETERMINING"


def regime_for(application_registered_on: date) -> Regime:
    # AMMR Art 84(2): applications registered before 1 July 2026 stay under Dublin III.
    return Regime.DUBLIN_III if application_registered_on < AMMR_APPLIES_FROM else Regime.AMMR


@dataclass
class DublinProcedure:
    id: str
    person_id: str
    member_state: str
    asylum_case_id: str
    regime: Regime
    application_registered_at: datetime
    started_at: datetime
    created_at: datetime
    status: ProcedureStatus = ProcedureStatus.DETERMINING
    version: int = 1
    # The first assessment on the facts at hand (Eurodac hits, screening): which member state the criteria
    # point to, the next step and until when the request can be sent (AMMR 39(1), 41(1)).
    assessed_ms: str | None = None
    assessed_action: str | None = None
    request_due: date | None = None
    assessment: dict[str, Any] | None = None
