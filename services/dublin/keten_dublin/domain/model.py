"""The procedure for determining the member state responsible, and the transfer it leads to (pure domain).

The states and their allowed steps are those of the dublin chapter §6.1 (this member state determining and
requesting). Each step is a method that checks the current state and raises TransitionNotAllowed (409) when the
state machine forbids it; the time limits are computed by domain/deadlines.py and handed in as dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from keten_shared.errors import InvalidData, TransitionNotAllowed
from keten_shared.events.catalog.dublin import AppealOutcome, ClosureReason, NotifiedTo, TransferFailure, TransferMode

# AMMR Art 85: the AMMR applies from 1 July 2026.
AMMR_APPLIES_FROM = date(2026, 7, 1)


class Regime(StrEnum):
    AMMR = "AMMR"  # Reg. (EU) 2024/1351
    DUBLIN_III = "DUBLIN_III"  # Reg. (EU) No 604/2013, for legacy applications


class ProcedureStatus(StrEnum):
    DETERMINING = "DETERMINING"
    SELF_RESPONSIBLE = "SELF_RESPONSIBLE"
    TC_PENDING = "TC_PENDING"  # take charge request sent, reply awaited (AMMR Art 39-40)
    TB_PENDING = "TB_PENDING"  # take back notification sent, confirmation awaited (AMMR Art 41)
    ACCEPTED = "ACCEPTED"
    REFUSED = "REFUSED"
    DECISION_ISSUED = "DECISION_ISSUED"  # transfer decision taken (AMMR Art 42(1))
    NOTIFIED = "NOTIFIED"  # transfer decision notified (AMMR Art 42(2)-(3))
    APPEAL_SUSPENSIVE = "APPEAL_SUSPENSIVE"  # suspension asked and not refused: no transfer (AMMR Art 43(3))
    APPEAL_NON_SUSPENSIVE = "APPEAL_NON_SUSPENSIVE"
    FINAL = "FINAL"
    SCHEDULED = "SCHEDULED"
    FAILED = "FAILED"
    EXTENDED_ABSCONDED = "EXTENDED_ABSCONDED"  # AMMR Art 46(2): up to 3 years
    EXTENDED_IMPRISONED = "EXTENDED_IMPRISONED"  # AMMR Art 46(2): up to 1 year
    TRANSFERRED = "TRANSFERRED"
    SHIFTED_TO_SELF = "SHIFTED_TO_SELF"
    CLOSED = "CLOSED"


class RequestKind(StrEnum):
    TAKE_CHARGE = "TAKE_CHARGE"  # AMMR Art 39
    TAKE_BACK = "TAKE_BACK"  # AMMR Art 41


class Suspension(StrEnum):
    """The request to suspend the transfer pending the appeal (AMMR Art 43(3))."""

    NOT_REQUESTED = "NOT_REQUESTED"
    REQUESTED = "REQUESTED"
    GRANTED = "GRANTED"
    REFUSED = "REFUSED"


S = ProcedureStatus
PENDING = frozenset({S.TC_PENDING, S.TB_PENDING})
EXTENDED = frozenset({S.EXTENDED_ABSCONDED, S.EXTENDED_IMPRISONED})
APPEALING = frozenset({S.APPEAL_SUSPENSIVE, S.APPEAL_NON_SUSPENSIVE})
# From acceptance until the transfer: the states in which the transfer time limit runs (AMMR Art 46, 37(1)).
TRANSFER_PHASE = frozenset(
    {S.ACCEPTED, S.DECISION_ISSUED, S.NOTIFIED, *APPEALING, S.FINAL, S.SCHEDULED, S.FAILED, *EXTENDED}
)
TERMINAL = frozenset({S.SELF_RESPONSIBLE, S.TRANSFERRED, S.SHIFTED_TO_SELF, S.CLOSED})
# A transfer may be arranged once no remedy stands in its way (AMMR Art 43(3)) and again after a failure.
SCHEDULABLE = frozenset({S.FINAL, S.APPEAL_NON_SUSPENSIVE, S.FAILED, *EXTENDED})
_EXTENSION_STATE = {TransferFailure.IMPRISONED: S.EXTENDED_IMPRISONED}


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
    date_of_birth: date | None = None  # as registered, for the minor's criteria (AMMR Art 25, 39(1))
    unaccompanied: bool = False
    # The determination (AMMR Art 16, 38(3)).
    responsible_ms: str | None = None
    basis: str | None = None  # the article responsibility rests on
    determination_reason: str | None = None  # CRITERION, DEFAULT_16_2, ..., LATE_REQUEST
    determined_at: datetime | None = None
    detained: bool = False  # AMMR Art 45: the shorter limits apply
    # The request to the member state found responsible (AMMR Art 39, 41) and its reply (Art 40, 41(3)-(4)).
    request_kind: RequestKind | None = None
    counterpart_ms: str | None = None
    request_message_id: str | None = None
    eurodac_hit_id: str | None = None
    hit_based: bool = False  # AMMR Art 40(2): the reply limit is 2 weeks
    urgent: bool = False  # AMMR Art 39(2): an urgent reply asked for, with reasons
    urgent_reply_days: int | None = None  # the limit the request set (at least 1 week); none: 2 weeks (Art 40(7))
    humanitarian: bool = False  # AMMR Art 35(2): no tacit acceptance
    request_sent_at: datetime | None = None  # DubliNet delivery; the reply period runs from it
    reply_due: date | None = None
    accepted_at: datetime | None = None
    tacit: bool | None = None
    refused_at: datetime | None = None
    refusal_reason: str | None = None
    re_examination_due: date | None = None
    # The transfer decision, its notification and the remedy (AMMR Art 42, 43).
    decision_due: date | None = None
    transfer_decided_at: datetime | None = None
    notified_at: datetime | None = None
    notified_to: NotifiedTo | None = None
    appeal_due: date | None = None
    appeal_lodged_at: datetime | None = None
    suspension: Suspension | None = None
    appeal_outcome: AppealOutcome | None = None
    appeal_final_at: datetime | None = None
    # The transfer and its time limit (AMMR Art 45(3), 46).
    transfer_start: datetime | None = None  # acceptance, or the final decision on a suspensive appeal
    transfer_due: date | None = None
    detained_transfer_due: date | None = None
    transfer_failure: TransferFailure | None = None
    informed_ms_at: datetime | None = None
    transfer_scheduled_for: date | None = None
    transfer_mode: TransferMode | None = None
    transferred_at: datetime | None = None
    closed_reason: ClosureReason | None = None
    closed_at: datetime | None = None

    # --- determination and request -------------------------------------------------------------------

    def determine_self(self, *, basis: str, reason: str, at: datetime) -> None:
        """This member state is responsible (AMMR Art 16(2)-(4), 39(1), a criterion, or Art 35(1))."""
        self._require("declare this member state responsible", S.DETERMINING, S.REFUSED)
        self._determined(self.member_state, basis, reason, at)
        self.status = S.SELF_RESPONSIBLE

    def send_request(
        self,
        kind: RequestKind,
        *,
        responsible_ms: str,
        basis: str,
        reason: str,
        message_id: str,
        at: datetime,
        hit_based: bool = False,
        eurodac_hit_id: str | None = None,
        urgent: bool = False,
        urgent_reply_days: int | None = None,
        humanitarian: bool = False,
    ) -> None:
        """Ask `responsible_ms` to take charge (AMMR Art 39) or notify it to take back (Art 41)."""
        self._require("send a request", S.DETERMINING, S.REFUSED)
        if responsible_ms == self.member_state:
            raise InvalidData("a request goes to another member state")
        self._determined(responsible_ms, basis, reason, at)
        self.request_kind, self.counterpart_ms, self.request_message_id = kind, responsible_ms, message_id
        self.hit_based, self.eurodac_hit_id = hit_based, eurodac_hit_id
        self.urgent, self.urgent_reply_days, self.humanitarian = urgent, urgent_reply_days, humanitarian
        self.request_sent_at = self.reply_due = None
        self.accepted_at = self.tacit = self.refused_at = self.refusal_reason = self.re_examination_due = None
        self.status = S.TC_PENDING if kind is RequestKind.TAKE_CHARGE else S.TB_PENDING

    def delivered(self, *, at: datetime, reply_due: date) -> None:
        """DubliNet delivered the request: the reply period runs from here (AMMR Art 40(1), 41(3))."""
        self._require("record the delivery of the request", *PENDING)
        if self.request_sent_at is not None:
            raise TransitionNotAllowed("the request was already delivered")
        self.request_sent_at, self.reply_due = at, reply_due

    def accept(self, *, at: datetime, tacit: bool, transfer_start: datetime, decision_due: date) -> None:
        """The requested member state accepted or confirmed, expressly or by silence (AMMR Art 40, 41(3)-(4))."""
        self._require("record an acceptance", *PENDING)
        if tacit and self.humanitarian:
            raise TransitionNotAllowed("a humanitarian request is never accepted by silence (AMMR Art 35(2))")
        self.accepted_at, self.tacit = at, tacit
        self.transfer_start, self.decision_due = transfer_start, decision_due
        self.status = S.ACCEPTED

    def refuse(self, *, at: datetime, reason: str, re_examination_due: date) -> None:
        """A reasoned refusal or rebuttal in time (AMMR Art 40(8), 41(3)); re-examination per Reg 1560/2003 5(2)."""
        self._require("record a refusal", *PENDING)
        self.refused_at, self.refusal_reason, self.re_examination_due = at, reason, re_examination_due
        self.status = S.REFUSED

    # --- transfer decision and remedy -----------------------------------------------------------------

    def set_transfer_due(self, transfer_due: date | None, detained_transfer_due: date | None = None) -> None:
        self.transfer_due, self.detained_transfer_due = transfer_due, detained_transfer_due

    def decide_transfer(self, *, at: datetime) -> None:
        """AMMR Art 42(1): the decision to transfer the person to the member state responsible."""
        self._require("take the transfer decision", S.ACCEPTED)
        self.transfer_decided_at = at
        self.status = S.DECISION_ISSUED

    def notify(self, *, at: datetime, to: NotifiedTo, appeal_due: date) -> None:
        """AMMR Art 42(2)-(3): notified in writing to the person or the legal adviser."""
        self._require("notify the transfer decision", S.DECISION_ISSUED)
        if self.transfer_decided_at is not None and at < self.transfer_decided_at:
            raise InvalidData("the notification cannot precede the transfer decision")
        self.notified_at, self.notified_to, self.appeal_due = at, to, appeal_due
        self.status = S.NOTIFIED

    def close_appeal_window(self) -> None:
        """AMMR Art 43(2): no appeal within the national period; the transfer decision is final."""
        self._require("close the appeal window", S.NOTIFIED)
        self.status = S.FINAL

    def lodge_appeal(self, *, at: datetime, suspension_requested: bool) -> None:
        """AMMR Art 43(1), (3): an appeal; with a suspension request the transfer waits for the court."""
        self._require("record an appeal", S.NOTIFIED, S.FINAL)
        if self.notified_at is not None and at < self.notified_at:
            raise InvalidData("the appeal cannot precede the notification of the transfer decision")
        self.appeal_lodged_at = at
        if suspension_requested:
            self.suspension, self.status = Suspension.REQUESTED, S.APPEAL_SUSPENSIVE
        else:
            self.suspension, self.status = Suspension.NOT_REQUESTED, S.APPEAL_NON_SUSPENSIVE

    def decide_suspension(self, *, granted: bool) -> None:
        """AMMR Art 43(3): the court's ruling on the suspension request."""
        self._require("record the ruling on suspension", S.APPEAL_SUSPENSIVE)
        if self.suspension is not Suspension.REQUESTED:
            raise TransitionNotAllowed("the suspension request was already decided")
        if granted:
            self.suspension = Suspension.GRANTED
        else:
            self.suspension, self.status = Suspension.REFUSED, S.APPEAL_NON_SUSPENSIVE

    @property
    def transfer_suspended(self) -> bool:
        """AMMR Art 46(1): while suspensive effect applies the transfer period runs from the final decision."""
        return self.suspension is Suspension.GRANTED and self.appeal_outcome is None

    def decide_appeal(self, *, outcome: AppealOutcome, at: datetime) -> None:
        """AMMR Art 43: the court's final decision; an annulment sends the procedure back to the determination."""
        self._require("record the decision on the appeal", *APPEALING)
        if self.suspension is Suspension.REQUESTED:
            raise TransitionNotAllowed("the court must first rule on the suspension request (AMMR Art 43(3))")
        if self.appeal_lodged_at is not None and at < self.appeal_lodged_at:
            raise InvalidData("the decision on the appeal cannot precede the appeal")
        was_suspensive = self.suspension is Suspension.GRANTED
        self.appeal_outcome, self.appeal_final_at = outcome, at
        if outcome is AppealOutcome.ANNULLED:
            self.status = S.DETERMINING  # dublin chapter §7: the request limit T01 is not re-opened
            self.transfer_start = self.transfer_due = self.detained_transfer_due = None
            return
        if was_suspensive:
            self.transfer_start = at  # AMMR Art 46(1): from the final decision on the appeal
        self.status = S.FINAL

    # --- the transfer ---------------------------------------------------------------------------------

    def schedule_transfer(self, *, on: date, mode: TransferMode) -> None:
        """AMMR Art 46(1): the transfer, as soon as practically possible within its time limit."""
        self._require("schedule the transfer", *SCHEDULABLE)
        if self.transfer_due is not None and on > self.transfer_due:
            raise InvalidData(f"the transfer must take place by {self.transfer_due} (AMMR Art 46)")
        self.transfer_scheduled_for, self.transfer_mode = on, mode
        self.status = S.SCHEDULED

    def complete_transfer(self, *, at: datetime) -> None:
        """AMMR Art 46(1): carried out; the responsible member state confirms the arrival."""
        self._require("record the transfer", S.SCHEDULED)
        if self.notified_at is not None and at < self.notified_at:
            raise InvalidData("the transfer cannot precede the notification of the transfer decision")
        self.transferred_at = at
        self.status = S.TRANSFERRED

    def fail_transfer(self, *, reason: TransferFailure) -> None:
        """The transfer did not take place (AMMR Art 46(2) names the reasons that allow an extension)."""
        self._require("record a failed transfer", S.SCHEDULED, S.FINAL, S.APPEAL_NON_SUSPENSIVE, S.FAILED)
        self.transfer_failure = reason
        self.status = S.FAILED

    def extend(self, *, reason: TransferFailure, informed_ms_at: datetime | None, transfer_due: date) -> None:
        """AMMR Art 46(2): 1 year for imprisonment; 3 years from informing the responsible MS otherwise."""
        self._require("extend the transfer time limit", S.FAILED, *EXTENDED)
        if reason is TransferFailure.OTHER:
            raise InvalidData(
                "AMMR Art 46(2) extends the limit only for imprisonment, absconding, resistance or unfitness"
            )
        if reason is not TransferFailure.IMPRISONED and informed_ms_at is None:
            raise InvalidData("the 3 years run from the day the responsible member state was informed (Art 46(2))")
        self.transfer_failure, self.informed_ms_at, self.transfer_due = reason, informed_ms_at, transfer_due
        self.status = _EXTENSION_STATE.get(reason, S.EXTENDED_ABSCONDED)

    def require_extended(self) -> TransferFailure:
        """Only an extended transfer limit waits for the person to be available again (AMMR Art 46(2))."""
        self._require("record the person available again", *EXTENDED)
        assert self.transfer_failure is not None
        return self.transfer_failure

    def available_again(self, *, transfer_due: date) -> None:
        """AMMR Art 46(2): the person is available again; the transfer limit becomes `transfer_due`."""
        self.require_extended()
        self.transfer_due = transfer_due

    def shift_to_self(self, *, at: datetime) -> str:
        """AMMR Art 37(1), 46(2): no transfer within the time limit; this member state becomes responsible.

        Returns the member state that was responsible.
        """
        self._require("shift responsibility to this member state", *TRANSFER_PHASE)
        previous = self.responsible_ms or ""
        self.responsible_ms, self.basis, self.determined_at = self.member_state, "AMMR Art 46(2); Art 37(1)", at
        self.determination_reason = "TRANSFER_DEADLINE"
        self.status = S.SHIFTED_TO_SELF
        return previous

    def close(self, *, reason: ClosureReason, at: datetime) -> None:
        """The procedure ends without a transfer: withdrawal, departure or death (dublin chapter §6.1)."""
        if self.status in TERMINAL:
            raise TransitionNotAllowed(f"the procedure is already {self.status.value}")
        self.closed_reason, self.closed_at = reason, at
        self.status = S.CLOSED

    # --- helpers --------------------------------------------------------------------------------------

    def _determined(self, responsible_ms: str, basis: str, reason: str, at: datetime) -> None:
        self.responsible_ms, self.basis, self.determination_reason, self.determined_at = (
            responsible_ms,
            basis,
            reason,
            at,
        )

    def _require(self, action: str, *allowed: ProcedureStatus) -> None:
        if self.regime is Regime.DUBLIN_III:
            raise TransitionNotAllowed("a Dublin III procedure (AMMR Art 84(2)) is not conducted in this service")
        if self.status not in allowed:
            raise TransitionNotAllowed(
                f"cannot {action} while the procedure is {self.status.value}",
                status=self.status.value,
                allowed_from=sorted(s.value for s in allowed),
            )
