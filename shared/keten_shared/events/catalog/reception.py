"""Events of the reception service (Dir. (EU) 2024/1346, RCD)."""

from __future__ import annotations

from datetime import date

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
