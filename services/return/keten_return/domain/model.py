"""The return case and its return decision (pure domain)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from keten_shared.errors import TransitionNotAllowed
from keten_shared.events.catalog.return_ import ReturnTrigger


class ReturnCaseStatus(StrEnum):
    INITIATED = "INITIATED"
    RETURN_DECISION_ISSUED = "RETURN_DECISION_ISSUED"


@dataclass
class ReturnDecision:
    id: str
    case_id: str
    issued_at: datetime
    legal_basis: list[str]
    country_of_return: str | None


@dataclass
class ReturnCase:
    id: str
    person_id: str
    member_state: str
    trigger: ReturnTrigger
    created_at: datetime
    asylum_case_id: str | None = None
    asylum_decision_id: str | None = None
    screening_case_id: str | None = None
    status: ReturnCaseStatus = ReturnCaseStatus.INITIATED
    version: int = 1
    decision: ReturnDecision | None = field(default=None)

    def issue_decision(self, *, legal_basis: list[str], country_of_return: str | None, now: datetime) -> ReturnDecision:
        """Issue the return decision (RD Art 6(1)); a case carries one."""
        if self.status is not ReturnCaseStatus.INITIATED:
            raise TransitionNotAllowed(
                f"return case {self.id} already has a return decision", current_status=self.status.value
            )
        self.decision = ReturnDecision(
            id=str(uuid.uuid4()),
            case_id=self.id,
            issued_at=now,
            legal_basis=legal_basis,
            country_of_return=country_of_return,
        )
        self.status = ReturnCaseStatus.RETURN_DECISION_ISSUED
        return self.decision
