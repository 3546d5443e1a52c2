"""Events of the return service (Dir. 2008/115/EC, Reg. (EU) 2024/1349)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from keten_shared.events.catalog.common import CountryCode, Identifier, MemberState
from keten_shared.events.registry import EventData, event_type


class ReturnTrigger(StrEnum):
    ASYLUM_REJECTION = "ASYLUM_REJECTION"  # APR Art 37 (return chapter trigger T1)
    SCREENING_REFERRAL = "SCREENING_REFERRAL"  # SR Art 18(1), 18(4) (trigger T2)


@event_type("return.decision.issued", version=1, producer="return")
class ReturnDecisionIssued(EventData):
    """A return decision was issued (RD Art 6(1), Art 12)."""

    case_id: Identifier
    return_decision_id: Identifier
    person_id: Identifier
    member_state: MemberState
    trigger: ReturnTrigger
    legal_basis: list[str]
    issued_at: AwareDatetime
    asylum_case_id: Identifier | None = None
    asylum_decision_id: Identifier | None = None
    screening_case_id: Identifier | None = None
    country_of_return: CountryCode | None = Field(None, description="RD Art 3(3); None until determined")
