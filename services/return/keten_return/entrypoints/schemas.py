"""Response bodies of the return REST API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from keten_return.domain.model import ReturnCase, ReturnCaseStatus
from keten_shared.events.catalog.return_ import ReturnTrigger


class ReturnDecisionOut(BaseModel):
    id: str
    issued_at: datetime
    legal_basis: list[str]
    country_of_return: str | None


class ReturnCaseOut(BaseModel):
    id: str
    person_id: str
    member_state: str
    trigger: ReturnTrigger
    status: ReturnCaseStatus
    asylum_case_id: str | None
    asylum_decision_id: str | None
    screening_case_id: str | None
    created_at: datetime
    version: int
    decision: ReturnDecisionOut | None

    @classmethod
    def of(cls, case: ReturnCase) -> ReturnCaseOut:
        return cls.model_validate(case, from_attributes=True)
