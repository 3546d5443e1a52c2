"""Events of the reception service (Dir. (EU) 2024/1346, RCD)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, Field

from keten_shared.events.catalog.common import Identifier, MemberState
from keten_shared.events.registry import EventData, event_type


@event_type("reception.file.opened", version=1, producer="reception")
class ReceptionFileOpened(EventData):
    """A reception file was opened for an applicant (RCD Art 19(1))."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    asylum_case_id: Identifier
    opened_at: AwareDatetime
    needs_assessment_due: date = Field(description="RCD Art 25(1): 30 days from the making of the application")


class ReceptionEndReason(StrEnum):
    """Why a person is no longer entitled to reception here (reception chapter §1, §10)."""

    TRANSFERRED_OUT = "TRANSFERRED_OUT"  # AMMR Art 46(1): the responsible member state takes over
    FINAL_DECISION_POSITIVE = "FINAL_DECISION_POSITIVE"  # RCD Art 2(2): a beneficiary, no longer an applicant
    FINAL_DECISION_NEGATIVE = "FINAL_DECISION_NEGATIVE"  # RCD Art 2(2), APR Art 3: no longer an applicant


@event_type("reception.ended", version=1, producer="reception")
class ReceptionEnded(EventData):
    """The reception file closed: the person is no longer entitled to material reception conditions here."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    asylum_case_id: Identifier
    reason: ReceptionEndReason
    ended_at: AwareDatetime = Field(description="when the entitlement ended: the final decision, or the transfer")
    legal_basis: str
