"""Events of the dublin service (Reg. (EU) 2024/1351, AMMR)."""

from __future__ import annotations

from datetime import date
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


class ReceptionEffect(StrEnum):
    """What a Dublin step means for the applicant's reception conditions (dublin chapter §3.10, §6.0)."""

    RCD_ART21_MINIMUM = "RCD_ART21_MINIMUM"  # AMMR Art 18(1), RCD Art 21: only the minimum standard here
    RESTORE_FULL = "RESTORE_FULL"  # full RCD Arts 17-20 reception conditions again


class TransferFailure(StrEnum):
    """Why a transfer could not be carried out (AMMR Art 46(2))."""

    ABSCONDED = "ABSCONDED"  # up to 3 years from informing the responsible member state
    RESISTED = "RESISTED"  # physically resists the transfer: up to 3 years
    UNFIT = "UNFIT"  # deliberately made himself or herself unfit: up to 3 years
    MEDICAL = "MEDICAL"  # does not meet the medical requirements: up to 3 years
    IMPRISONED = "IMPRISONED"  # up to 1 year
    OTHER = "OTHER"  # no extension


class AppealOutcome(StrEnum):
    """The final decision on the appeal or review against a transfer decision (AMMR Art 43)."""

    DISMISSED = "DISMISSED"
    ANNULLED = "ANNULLED"


class NotifiedTo(StrEnum):
    """Who received the transfer decision (AMMR Art 42(2)-(3))."""

    PERSON = "PERSON"  # Art 42(2)
    LEGAL_ADVISER = "LEGAL_ADVISER"  # Art 42(3)


class TransferMode(StrEnum):
    """How the transfer is carried out (AMMR Art 46(1))."""

    VOLUNTARY = "VOLUNTARY"
    SUPERVISED = "SUPERVISED"
    ESCORT = "ESCORT"


class ClosureReason(StrEnum):
    """Why a Dublin procedure ended without a transfer or a shift (dublin chapter §6.1)."""

    WITHDRAWN = "WITHDRAWN"
    DEPARTED = "DEPARTED"
    DECEASED = "DECEASED"
    OTHER = "OTHER"


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
    reception_effect: ReceptionEffect | None = Field(
        None,
        description="RESTORE_FULL when responsibility comes to this member state (AMMR Art 37(1), 46(2));"
        " None otherwise",
    )


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


class _ProcedureEvent(EventData):
    """The fields every event of a Dublin procedure starts with (not an event type itself)."""

    case_id: Identifier = Field(description="the Dublin procedure")
    person_id: Identifier
    member_state: MemberState = Field(description="this member state")
    asylum_case_id: Identifier


@event_type("dublin.take_charge.requested", version=1, producer="dublin")
class TakeChargeRequested(_ProcedureEvent):
    """This member state asked another to take charge of the applicant (AMMR Art 39)."""

    requested_ms: MemberState
    basis: str = Field(description="the AMMR article the request rests on, e.g. 'AMMR Art 33(1)'")
    sent_at: AwareDatetime
    reply_due: date = Field(description="T03/T04/T08: AMMR Art 40(1)-(2), 40(7), 45(2)")
    request_due: date | None = Field(description="the T01/T02/T07 limit the request was sent under (Art 39(1), 45(1))")
    urgent: bool = Field(False, description="an urgent reply was asked for (AMMR Art 39(2))")
    hit_based: bool = Field(False, description="the request rests on a Eurodac or VIS hit (AMMR Art 40(2))")
    detained: bool = Field(False, description="the applicant is detained (AMMR Art 45)")


@event_type("dublin.take_back.notified", version=1, producer="dublin")
class TakeBackNotified(_ProcedureEvent):
    """This member state notified another that it must take the person back (AMMR Art 41(1)-(2))."""

    notified_ms: MemberState
    basis: str = Field(description="the AMMR article the notification rests on, e.g. 'AMMR Art 36(1)(b)'")
    sent_at: AwareDatetime
    confirm_due: date = Field(description="T06: AMMR Art 41(3)")
    notification_due: date | None = Field(description="the T05/T07 limit it was sent under (Art 41(1), 45(1))")
    eurodac_hit_id: str | None = None
    detained: bool = Field(False, description="the person is detained (AMMR Art 45)")


@event_type("dublin.take_charge.accepted", version=1, producer="dublin")
class TakeChargeAccepted(_ProcedureEvent):
    """The requested member state accepted to take charge (AMMR Art 40(1)-(2))."""

    counterpart_ms: MemberState
    accepted_at: AwareDatetime
    decision_due: date = Field(description="T10: the transfer decision, AMMR Art 42(1)")
    transfer_due: date = Field(description="T14: AMMR Art 46(1)")


@event_type("dublin.take_charge.tacitly_accepted", version=1, producer="dublin")
class TakeChargeTacitlyAccepted(_ProcedureEvent):
    """The requested member state did not reply in time: the request is accepted (AMMR Art 40(8), 45(2))."""

    counterpart_ms: MemberState
    accepted_at: AwareDatetime
    decision_due: date = Field(description="T10: the transfer decision, AMMR Art 42(1)")
    transfer_due: date = Field(description="T14: AMMR Art 46(1)")


@event_type("dublin.take_back.confirmed", version=1, producer="dublin")
class TakeBackConfirmed(_ProcedureEvent):
    """The notified member state confirmed receipt of the take-back notification (AMMR Art 41(3)-(4))."""

    counterpart_ms: MemberState
    accepted_at: AwareDatetime
    decision_due: date = Field(description="T10: the transfer decision, AMMR Art 42(1)")
    transfer_due: date = Field(description="T14: AMMR Art 46(1)")
    tacit: bool = Field(description="no reply within 2 weeks counts as confirmation (AMMR Art 41(4))")


@event_type("dublin.take_charge.rejected", version=1, producer="dublin")
class TakeChargeRejected(_ProcedureEvent):
    """The requested member state refused to take charge, with reasons (AMMR Art 40(1))."""

    counterpart_ms: MemberState
    refused_at: AwareDatetime
    reason: str
    re_examination_due: date = Field(description="3 weeks to ask for re-examination (Reg 1560/2003 Art 5(2))")


@event_type("dublin.take_back.rebutted", version=1, producer="dublin")
class TakeBackRebutted(_ProcedureEvent):
    """The notified member state showed that it is not responsible (AMMR Art 41(3))."""

    counterpart_ms: MemberState
    refused_at: AwareDatetime
    reason: str
    re_examination_due: date = Field(description="3 weeks to ask for re-examination (Reg 1560/2003 Art 5(2))")


@event_type("dublin.transfer.decided", version=1, producer="dublin")
class TransferDecided(_ProcedureEvent):
    """The decision to transfer the applicant to the member state responsible was taken (AMMR Art 42(1))."""

    responsible_ms: MemberState
    decided_at: AwareDatetime
    transfer_due: date = Field(description="T14: AMMR Art 46(1)")


@event_type("dublin.transfer_decision.notified", version=1, producer="dublin")
class TransferDecisionNotified(_ProcedureEvent):
    """The transfer decision was notified to the person or the legal adviser (AMMR Art 42(2)-(3))."""

    responsible_ms: MemberState
    notified_at: AwareDatetime
    notified_to: NotifiedTo
    appeal_due: date = Field(description="T11: AMMR Art 43(2)")
    transfer_due: date | None = Field(description="T14: AMMR Art 46(1); None while it cannot be known")
    reception_effect: ReceptionEffect = Field(
        ReceptionEffect.RCD_ART21_MINIMUM,
        description="AMMR Art 18(1), RCD Art 21: from notification the person is entitled only to the minimum"
        " standard outside the member state where he or she must be present; effective at notified_at",
    )


@event_type("dublin.appeal.lodged", version=1, producer="dublin")
class AppealLodged(_ProcedureEvent):
    """An appeal or review against the transfer decision was lodged (AMMR Art 43(1)-(2))."""

    lodged_at: AwareDatetime
    suspension_requested: bool = Field(description="the court was asked to suspend the transfer (AMMR Art 43(3))")


@event_type("dublin.suspension.decided", version=1, producer="dublin")
class SuspensionDecided(_ProcedureEvent):
    """The court decided whether the transfer is suspended pending the appeal (AMMR Art 43(3))."""

    granted: bool
    decided_at: AwareDatetime
    transfer_due: date | None = Field(
        description="T14 (AMMR Art 46(1)); None while the suspensive appeal runs (it restarts at the final decision)"
    )


@event_type("dublin.appeal.decided", version=1, producer="dublin")
class TransferAppealDecided(_ProcedureEvent):
    """The appeal or review against the transfer decision was finally decided (AMMR Art 43)."""

    outcome: AppealOutcome
    final_at: AwareDatetime
    transfer_due: date | None = Field(
        description="T14, recomputed from the final decision when the appeal was suspensive (AMMR Art 46(1));"
        " None when the transfer decision was annulled"
    )
    reception_effect: ReceptionEffect | None = Field(
        description="RESTORE_FULL when the transfer decision was annulled (AMMR Art 43); None otherwise"
    )


@event_type("dublin.transfer.scheduled", version=1, producer="dublin")
class TransferScheduled(_ProcedureEvent):
    """The transfer was arranged with the member state responsible (AMMR Art 46(1))."""

    responsible_ms: MemberState
    scheduled_for: date
    mode: TransferMode
    laissez_passer: bool = Field(False, description="a laissez-passer is issued (AMMR Art 46(1))")


@event_type("dublin.transfer.failed", version=1, producer="dublin")
class TransferFailed(_ProcedureEvent):
    """The transfer could not be carried out (AMMR Art 46(2))."""

    responsible_ms: MemberState
    failed_at: AwareDatetime
    reason: TransferFailure
    absconded: bool = Field(description="the person absconded (the return service's tracing flag)")


@event_type("dublin.transfer.deadline_extended", version=1, producer="dublin")
class TransferDeadlineExtended(_ProcedureEvent):
    """The transfer time limit was extended (AMMR Art 46(2))."""

    responsible_ms: MemberState
    reason: TransferFailure
    informed_ms_at: AwareDatetime | None = Field(
        description="when the responsible member state was informed: the 3 years run from here (AMMR Art 46(2));"
        " None for imprisonment"
    )
    transfer_due: date
    basis: str = Field(description="e.g. 'AMMR Art 46(2)'")


@event_type("dublin.procedure.closed", version=1, producer="dublin")
class ProcedureClosed(_ProcedureEvent):
    """The Dublin procedure ended without transfer or shift of responsibility (dublin chapter §6.1)."""

    reason: ClosureReason
    closed_at: AwareDatetime
