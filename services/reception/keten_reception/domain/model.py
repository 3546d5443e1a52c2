"""The reception file of an applicant (pure domain)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class ReceptionFileStatus(StrEnum):
    OPEN_UNPLACED = "OPEN_UNPLACED"  # entitled to material reception conditions, no place allocated yet


@dataclass
class ReceptionFile:
    id: str
    person_id: str
    member_state: str
    asylum_case_id: str
    application_made_at: datetime
    needs_assessment_due: date
    opened_at: datetime
    created_at: datetime
    status: ReceptionFileStatus = ReceptionFileStatus.OPEN_UNPLACED
    version: int = 1
