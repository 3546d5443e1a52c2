"""Events of the dublin service (Reg. (EU) 2024/1351, AMMR)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from keten_shared.events.catalog.common import Identifier, MemberState, PersonDetails
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
    another_member_state_possible: bool | None = Field(
        None,
        description="whether the evidence points to another member state (the merits then wait, APR Art 39(1)(a));"
        " None while not assessed",
    )


class ShiftReason(StrEnum):
    """Why responsibility moved from one member state to another (dublin chapter, state table)."""

    TRANSFER_DEADLINE = "TRANSFER_DEADLINE"  # AMMR Art 37(1), 46(2): the transfer limit lapsed
    ART35 = "ART35"  # AMMR Art 35: discretionary clause
    RESIDENCE_DOC = "RESIDENCE_DOC"  # a residence document issued meanwhile
    UAM_BIC = "UAM_BIC"  # best interests of an unaccompanied minor
    OFFSET = "OFFSET"  # AMMR Art 69: responsibility offset under the solidarity pool


@event_type("dublin.responsibility.determined", version=1, producer="dublin")
class ResponsibilityDetermined(EventData):
    """The member state responsible for examining the application was determined (AMMR Art 16, 39)."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    asylum_case_id: Identifier
    responsible_ms: MemberState
    basis: str = Field(description="the AMMR article responsibility rests on, e.g. 'AMMR Art 16(4)'")
    reason: str = Field(description="CRITERION, DEFAULT_16_2, SYSTEMIC_16_3 or LATE_REQUEST")
    determined_at: AwareDatetime


@event_type("dublin.responsibility.shifted", version=1, producer="dublin")
class ResponsibilityShifted(EventData):
    """Responsibility passed from one member state to another (AMMR Art 35, 37(1), 46(2), 69)."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    asylum_case_id: Identifier
    from_ms: MemberState
    to_ms: MemberState
    reason: ShiftReason
    effective_at: AwareDatetime


@event_type("dublin.transfer.completed", version=1, producer="dublin")
class TransferCompleted(EventData):
    """The applicant was transferred to the member state responsible (AMMR Art 46)."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    asylum_case_id: Identifier
    responsible_ms: MemberState
    transferred_at: AwareDatetime
    transfer_decision_ref: str | None = None


@event_type("dublin.arrival.confirmed", version=1, producer="dublin")
class ArrivalConfirmed(EventData):
    """A person transferred to this member state arrived and identified himself or herself (AMMR Art 46)."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    asylum_case_id: Identifier | None = Field(None, description="the application held here, for a take back")
    from_ms: MemberState
    person: PersonDetails
    arrived_at: AwareDatetime
    identified_at: AwareDatetime = Field(description="APR Art 28(2): the 21 days to lodge run from here")
