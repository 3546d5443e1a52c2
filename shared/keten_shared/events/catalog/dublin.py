"""Events of the dublin service (Reg. (EU) 2024/1351, AMMR)."""

from __future__ import annotations

from pydantic import AwareDatetime

from keten_shared.events.catalog.common import Identifier, MemberState
from keten_shared.events.registry import EventData, event_type


@event_type("dublin.procedure.started", version=1, producer="dublin")
class DublinProcedureStarted(EventData):
    """A procedure for determining the member state responsible was started (AMMR Art 39)."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    asylum_case_id: Identifier
    application_registered_at: AwareDatetime
    started_at: AwareDatetime
