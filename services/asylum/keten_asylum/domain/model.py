"""The application for international protection and the states it passes through (asylum chapter §8).

Pure domain: the aggregate checks that a step is allowed in its state and records it; the service layer
computes the dates (with the shared deadline library) and the appeal terms before calling it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from keten_asylum.domain.appeals import AppealTerms
from keten_asylum.domain.decision import (
    EXAMINATION_OUTCOMES,
    GRANTS,
    MERITS_OUTCOMES,
    OUTCOME_LEGAL_BASIS,
    PROCEDURE_TYPE,
    RETURN_DECISION_OUTCOMES,
    Appeal,
    AppealResult,
    CourtRuling,
    Decision,
    NotifiedTo,
    Outcome,
    RemainRequest,
    requires_return_decision,
)
from keten_shared.errors import InvalidData, TransitionNotAllowed
from keten_shared.events.catalog.asylum import DecisionOutcome, ProtectionOutcome, ReturnDecisionMode, RoutedProcedure
from keten_shared.events.catalog.screening import ScreeningReason


class ApplicationStatus(StrEnum):
    MADE = "MADE"  # APR Art 26: the wish for protection was expressed
    REGISTERED = "REGISTERED"  # APR Art 27
    LODGED = "LODGED"  # APR Art 28
    PRELIM_EXAM = "PRELIM_EXAM"  # APR Art 55: preliminary examination of a subsequent application
    ADMISSIBILITY = "ADMISSIBILITY"  # APR Art 38
    EXAM_BORDER = "EXAM_BORDER"  # APR Art 43-54
    EXAM_ACCELERATED = "EXAM_ACCELERATED"  # APR Art 42
    EXAM_REGULAR = "EXAM_REGULAR"  # APR Art 35(4)
    EXAM_POSTPONED = "EXAM_POSTPONED"  # APR Art 35(7)
    APPEAL_WINDOW = "APPEAL_WINDOW"  # APR Art 67(7): the decision can still be appealed
    APPEAL_PENDING = "APPEAL_PENDING"
    FINAL = "FINAL"  # APR Art 3(8): no longer subject to a remedy
    CLOSED_TRANSFERRED = "CLOSED_TRANSFERRED"  # APR Art 39(1)(a): examined by the member state responsible


class DublinStatus(StrEnum):
    NONE = "NONE"
    PENDING = "PENDING"  # AMMR determination running: the merits wait (APR Art 39(1)(a))
    THIS_MS_RESPONSIBLE = "THIS_MS_RESPONSIBLE"
    OTHER_MS_RESPONSIBLE = "OTHER_MS_RESPONSIBLE"  # the case stays suspended until the transfer is carried out


S = ApplicationStatus
STATUS_OF_PROCEDURE: dict[RoutedProcedure, ApplicationStatus] = {
    RoutedProcedure.PRELIMINARY_EXAMINATION: S.PRELIM_EXAM,
    RoutedProcedure.ADMISSIBILITY: S.ADMISSIBILITY,
    RoutedProcedure.BORDER: S.EXAM_BORDER,
    RoutedProcedure.ACCELERATED: S.EXAM_ACCELERATED,
    RoutedProcedure.REGULAR: S.EXAM_REGULAR,
}
EXAMINATION = frozenset(STATUS_OF_PROCEDURE.values()) | {S.EXAM_POSTPONED}
BEFORE_DECISION = frozenset({S.MADE, S.REGISTERED, S.LODGED}) | EXAMINATION
CLOSED = frozenset({S.FINAL, S.CLOSED_TRANSFERRED})


def registration_clock_start(
    made_at: datetime, referred_at: datetime | None, reason: ScreeningReason | None
) -> datetime | None:
    """When the APR Art 27(1) registration period starts; None while it waits for the end of screening."""
    # APR Art 27(7): for persons screened under SR 5(1) the period starts when screening ends.
    if reason in (ScreeningReason.BORDER_IRREGULAR, ScreeningReason.BORDER_SAR):
        return referred_at
    return made_at


@dataclass
class Application:
    id: str
    person_id: str
    member_state: str
    person: dict[str, Any]
    made_at: datetime
    created_at: datetime
    made_to_authority: str | None = None  # APR Art 26(1), 27(1)(c)
    made_place: str | None = None
    screening_case_id: str | None = None
    screening_reason: ScreeningReason | None = None
    # What screening found (SR 17 form, routing facts, Eurodac hits): the input of procedure routing (APR 42-45).
    screening_referral: dict[str, Any] | None = None
    unaccompanied_minor: bool = False
    # APR Art 55: a final decision exists on an earlier application; its reference and this one's rank.
    previous_application_ref: str | None = None
    subsequent_ordinal: int = 0
    status: ApplicationStatus = ApplicationStatus.MADE
    registration_deadline: date | None = None  # None while an SR 5(1) screening runs (APR Art 27(7))
    registered_at: datetime | None = None
    registration: dict[str, Any] | None = None  # the APR Art 27(1) data
    lodging_deadline: date | None = None
    lodged_at: datetime | None = None
    lodging_mode: str | None = None
    procedure: RoutedProcedure | None = None
    routing: dict[str, Any] | None = None  # the explained routing the procedure rests on
    examination_deadline: date | None = None
    examination_extended: str | None = None  # the APR Art 35(2)/(5) ground of an extension
    border_deadline: date | None = None  # APR Art 51(2): all stages within 12 (16, 18) weeks of registration
    border_started_at: datetime | None = None  # counts against the APR 47 capacity and annual maximum
    examination_overdue_since: datetime | None = None  # the APR Art 35 limit passed without a decision
    dublin_status: DublinStatus = DublinStatus.NONE
    right_to_remain: bool = True  # APR Art 10(1): during the administrative procedure
    right_to_remain_until: date | None = None
    right_to_remain_basis: str | None = "APR Art 10(1)"
    final_at: datetime | None = None
    # APR Art 35(7): the examination postponed for a temporary uncertain situation in the country of origin.
    postponed_at: datetime | None = None
    postponement_country: str | None = None
    postponement_reasons: str | None = None
    postponement_review_due: date | None = None
    version: int = 1
    decisions: list[Decision] = field(default_factory=list)  # in order; an annulled one stays on file
    appeals: list[Appeal] = field(default_factory=list)  # late ones included, marked so
    remain_requests: list[RemainRequest] = field(default_factory=list)

    @property
    def decision(self) -> Decision | None:
        """The decision in force: the latest one a court has not annulled (after an annulled withdrawal of
        protection, the grant it would have withdrawn)."""
        return next((d for d in reversed(self.decisions) if d.annulled_at is None), None)

    @property
    def routed_ground_codes(self) -> frozenset[str]:
        """The APR Art 38, 42 and 55 ground codes the routing in force applied."""
        return frozenset(g["code"] for g in (self.routing or {}).get("grounds", []))

    @property
    def appeal(self) -> Appeal | None:
        """The appeal lodged in time against the decision in force."""
        decision = self.decision
        return next((a for a in self.appeals if decision and a.decision_id == decision.id and a.in_time), None)

    @property
    def remain_request(self) -> RemainRequest | None:
        decision = self.decision
        return next((r for r in self.remain_requests if decision and r.decision_id == decision.id), None)

    def _require(self, allowed: frozenset[ApplicationStatus] | set[ApplicationStatus], action: str) -> None:
        if self.status not in allowed:
            raise TransitionNotAllowed(
                f"application {self.id} is {self.status}: cannot {action}", current_status=self.status.value
            )

    def start_registration_clock(self, start: datetime, deadline: date) -> None:
        # APR Art 27(7): an SR 5(1) person's registration period starts when screening ends.
        self.registration_deadline = deadline

    def register(self, data: dict[str, Any], *, registered_at: datetime, lodging_deadline: date) -> None:
        """Record the APR Art 27(1) data; the lodging period (APR Art 28) starts."""
        self._require({S.MADE}, "register")
        if self.registration_deadline is None:
            # APR Art 27(7): registration applies to an SR 5(1) person only once screening has ended.
            raise TransitionNotAllowed(
                f"the screening of {self.screening_case_id} has not ended: no registration yet (APR Art 27(7))",
                current_status=self.status.value,
            )
        if registered_at < self.made_at:
            raise InvalidData("registered_at is before the application was made")
        self.registration = data
        self.registered_at = registered_at
        self.lodging_deadline = lodging_deadline
        self.status = S.REGISTERED

    def lodge(self, *, lodged_at: datetime, mode: str, now: datetime) -> None:
        """APR Art 28: the applicant lodges the application."""
        self._require({S.REGISTERED}, "lodge")
        assert self.registered_at is not None
        if lodged_at < self.registered_at:
            raise InvalidData("lodged_at is before the registration")
        if lodged_at > now:
            raise InvalidData("lodged_at lies in the future")
        self.lodged_at = lodged_at
        self.lodging_mode = mode
        self.status = S.LODGED

    def route(
        self,
        procedure: RoutedProcedure,
        routing: dict[str, Any],
        *,
        examination_deadline: date,
        border_deadline: date | None,
        now: datetime,
    ) -> ApplicationStatus:
        """Send the lodged application to its procedure, or re-route it (age change, APR 53(2), 42(2))."""
        self._require({S.LODGED} | EXAMINATION - {S.EXAM_POSTPONED}, "route")
        before = self.status
        if self.postponed_at is not None and self.examination_deadline is not None:
            # APR Art 35(7): once postponed, the examination may run to the 21-month maximum whatever its route.
            examination_deadline = max(examination_deadline, self.examination_deadline)
        self.procedure = procedure
        self.routing = routing
        self.examination_deadline = examination_deadline
        self.examination_extended = None
        self.border_deadline = border_deadline
        self.examination_overdue_since = None
        if procedure is RoutedProcedure.BORDER and self.border_started_at is None:
            self.border_started_at = now  # APR Art 47-50: the case counts against the border capacity
        self.status = STATUS_OF_PROCEDURE[procedure]
        return before

    def _stage_before_decision(self) -> ApplicationStatus:
        """Where the application stood before a decision: its procedure, or the intake step it had reached."""
        if self.procedure is not None:
            return STATUS_OF_PROCEDURE[self.procedure]
        return S.LODGED if self.lodged_at else S.REGISTERED if self.registered_at else S.MADE

    def extend_examination(self, ground: str, new_deadline: date) -> None:
        # APR Art 35(2), (5): one extension on the grounds the article lists.
        self._require(EXAMINATION - {S.EXAM_POSTPONED}, "extend the examination")
        if self.postponed_at is not None:
            # APR Art 35(7): after a postponement the 21-month maximum is the limit, not 35(5).
            raise TransitionNotAllowed(
                f"the examination of {self.id} was postponed; its limit is the APR Art 35(7) maximum",
                current_status=self.status.value,
            )
        if self.examination_extended is not None:
            raise TransitionNotAllowed(
                f"the examination of {self.id} was already extended", current_status=self.status.value
            )
        self.examination_extended = ground
        self.examination_deadline = new_deadline

    def postpone(self, *, country: str, reasons: str, at: datetime, review_due: date, hard_deadline: date) -> None:
        """APR Art 35(7): postpone the regular examination; it must end within 21 months of lodging."""
        self._require({S.EXAM_REGULAR}, "postpone the examination")
        self.status = S.EXAM_POSTPONED
        self.postponed_at = at
        self.postponement_country = country
        self.postponement_reasons = reasons
        self.postponement_review_due = review_due
        self.examination_deadline = hard_deadline
        self.examination_overdue_since = None

    def review_postponement(self, *, reasons: str, next_review_due: date) -> None:
        """APR Art 35(7): the situation reviewed (at least every 4 months); the postponement continues."""
        self._require({S.EXAM_POSTPONED}, "review the postponement")
        self.postponement_reasons = reasons
        self.postponement_review_due = next_review_due

    def end_postponement(self) -> None:
        """The situation has cleared: the examination continues, still within the 21 months (APR Art 35(7))."""
        self._require({S.EXAM_POSTPONED}, "end the postponement")
        self.status = S.EXAM_REGULAR
        self.postponement_review_due = None

    def set_dublin_status(self, status: DublinStatus) -> None:
        # APR Art 39(1)(a): while another member state may be responsible the merits wait (see _check_decision).
        self.dublin_status = status

    def close_transferred(self, at: datetime) -> None:
        """AMMR Art 46: transferred to the member state responsible, which examines the application there."""
        self._require(BEFORE_DECISION, "close after a transfer")
        self.dublin_status = DublinStatus.OTHER_MS_RESPONSIBLE
        self.status = S.CLOSED_TRANSFERRED
        self.final_at = at
        self.set_right_to_remain(False, until=None, basis=None)  # the right to remain is in the other state now

    def decide(
        self,
        *,
        outcome: Outcome,
        notified_at: datetime,
        return_decision_mode: ReturnDecisionMode | None,
        grounds_applied: list[str],
        reasons: str | None,
        notified_to: NotifiedTo,
        language: str | None,
        terms: AppealTerms,
        now: datetime,
    ) -> Decision:
        """Record the first-instance decision (APR Art 36) and open its appeal period (APR Art 67-68)."""
        self._check_decision(outcome, notified_at, return_decision_mode, now)
        required = requires_return_decision(outcome, return_decision_mode)
        procedure = self.procedure or RoutedProcedure.REGULAR
        decision = Decision(
            id=str(uuid.uuid4()),
            application_id=self.id,
            outcome=outcome,
            procedure_type=PROCEDURE_TYPE[procedure],
            procedure=procedure,
            legal_basis=list(OUTCOME_LEGAL_BASIS[outcome]) + (["APR Art 37"] if required else []),
            notified_at=notified_at,
            return_decision_required=required,
            return_decision_mode=return_decision_mode or (ReturnDecisionMode.SEPARATE_ACT if required else None),
            decided_at=now,
            grounds_applied=grounds_applied,
            reasons=reasons,
            notified_to=notified_to,
            language=language,
            appealable=terms.appealable,
            appeal_rule=terms.rule,
            appeal_deadline=terms.deadline.legal_last_day if terms.deadline else None,
            automatic_suspensive_effect=terms.automatic_suspensive,
            remain_request_deadline=terms.remain_request_deadline.legal_last_day
            if terms.remain_request_deadline
            else None,
        )
        self.decisions.append(decision)
        if not decision.appealable:
            self.make_final(notified_at)  # APR Art 3(8), 40(3): nothing left to appeal
        elif decision.automatic_suspensive_effect:
            # APR Art 68(2): the right to remain lasts until the appeal period ends.
            self.open_appeal_window(remain_until=decision.appeal_deadline, basis="APR Art 68(2)")
        else:
            # APR Art 68(5)(a), (d): no removal before the period to ask a court to remain has ended.
            self.open_appeal_window(remain_until=decision.remain_request_deadline, basis="APR Art 68(5)(d)")
        return decision

    def _check_decision(
        self,
        outcome: Outcome,
        notified_at: datetime,
        mode: ReturnDecisionMode | None,
        now: datetime,
    ) -> None:
        if outcome is ProtectionOutcome.PROTECTION_WITHDRAWN:
            self.protection_granted()
        elif outcome in EXAMINATION_OUTCOMES:
            # A decision on the application needs a lodged application in a procedure (APR Art 35).
            self._require(EXAMINATION - {S.EXAM_POSTPONED} if outcome in MERITS_OUTCOMES else EXAMINATION, "decide")
        else:
            self._require(BEFORE_DECISION, f"record {outcome}")
        if outcome in MERITS_OUTCOMES and self.dublin_status in (
            DublinStatus.PENDING,
            DublinStatus.OTHER_MS_RESPONSIBLE,
        ):
            # APR Art 39(1)(a): no merits decision while another member state may be responsible.
            raise TransitionNotAllowed(
                f"responsibility of {self.id} is {self.dublin_status}: no merits decision (APR Art 39(1)(a))",
                current_status=self.status.value,
            )
        if notified_at < self.made_at:
            raise InvalidData("notified_at is before the application was made")
        # APR Art 36(1): a decision is issued once notified; a notification still to come is no fact yet.
        if notified_at > now:
            raise InvalidData("notified_at lies in the future")
        if mode is not None and outcome not in RETURN_DECISION_OUTCOMES:
            raise InvalidData(f"a return decision mode only applies to the APR Art 37 outcomes, not {outcome}")

    def protection_granted(self) -> DecisionOutcome:
        """The status a final grant gave: what a withdrawal of protection withdraws (APR Art 66; QR 14, 19)."""
        if self.status is not S.FINAL or self.decision is None or self.decision.outcome not in GRANTS:
            raise TransitionNotAllowed(
                f"application {self.id} holds no protection granted by a final decision",
                current_status=self.status.value,
            )
        return self.decision.outcome

    def open_appeal_window(self, *, remain_until: date | None, basis: str) -> None:
        """APR Art 67(7), 68: the decision can be appealed."""
        self.status = S.APPEAL_WINDOW
        self.final_at = None  # a withdrawal of protection reopens a final file to its remedy
        self.set_right_to_remain(True, until=remain_until, basis=basis)

    def make_final(self, at: datetime) -> None:
        """APR Art 3(8): the decision is no longer subject to a remedy."""
        self.status = S.FINAL
        self.final_at = at
        self.set_right_to_remain(False, until=None, basis=None)

    def set_right_to_remain(self, value: bool, *, until: date | None, basis: str | None) -> None:
        self.right_to_remain = value
        self.right_to_remain_until = until
        self.right_to_remain_basis = basis

    def lodge_appeal(
        self, *, lodged_at: datetime, local_day: date, court_reference: str | None, now: datetime
    ) -> Appeal:
        """APR Art 67: an appeal lodged within the period opens the appeal; a late one is recorded as late."""
        decision = self.decision
        if decision is None or not decision.appealable:
            raise TransitionNotAllowed(
                f"application {self.id} has no appealable decision", current_status=self.status.value
            )
        self._require({S.APPEAL_WINDOW, S.FINAL}, "lodge an appeal")
        if lodged_at < decision.notified_at:
            raise InvalidData("lodged_at is before the decision was notified")
        if lodged_at > now:
            raise InvalidData("lodged_at lies in the future")
        assert decision.appeal_deadline is not None
        in_time = local_day <= decision.appeal_deadline and self.status is S.APPEAL_WINDOW
        appeal = Appeal(
            id=str(uuid.uuid4()),
            application_id=self.id,
            decision_id=decision.id,
            lodged_at=lodged_at,
            recorded_at=now,
            in_time=in_time,
            suspensive=in_time and decision.automatic_suspensive_effect,
            court_reference=court_reference,
        )
        self.appeals.append(appeal)
        if not in_time:
            return appeal
        self.status = S.APPEAL_PENDING
        if appeal.suspensive:
            # APR Art 68(2): an appeal lodged in time keeps the right to remain until the outcome.
            self.set_right_to_remain(True, until=None, basis="APR Art 68(2)")
        return appeal

    def lodge_remain_request(self, *, lodged_at: datetime, local_day: date, now: datetime) -> RemainRequest:
        """APR Art 68(4)-(5): ask a court to be allowed to remain where the appeal has no automatic effect."""
        decision = self.decision
        if decision is None or decision.remain_request_deadline is None:
            raise TransitionNotAllowed(
                f"the decision on {self.id} has automatic suspensive effect or none to request",
                current_status=self.status.value,
            )
        self._require({S.APPEAL_WINDOW, S.APPEAL_PENDING}, "request to remain")
        if self.remain_request is not None:
            raise TransitionNotAllowed(
                f"a request to remain for {self.id} exists already", current_status=self.status.value
            )
        if lodged_at < decision.notified_at or lodged_at > now:
            raise InvalidData("lodged_at must lie between the notification and now")
        in_time = local_day <= decision.remain_request_deadline
        request = RemainRequest(
            id=str(uuid.uuid4()),
            application_id=self.id,
            decision_id=decision.id,
            lodged_at=lodged_at,
            in_time=in_time,
        )
        self.remain_requests.append(request)
        if in_time:
            # APR Art 68(5)(d): no removal until the court has decided on a request made in time.
            self.set_right_to_remain(True, until=None, basis="APR Art 68(5)(d)")
        return request

    def rule_on_remaining(self, ruling: CourtRuling, *, now: datetime) -> None:
        """APR Art 68(4): the court decides whether the applicant may remain pending the appeal."""
        self._require({S.APPEAL_WINDOW, S.APPEAL_PENDING}, "record the court's ruling on remaining")
        if self.decision is None or self.decision.automatic_suspensive_effect:
            raise TransitionNotAllowed(
                f"the decision on {self.id} suspends removal automatically (APR Art 68(2))",
                current_status=self.status.value,
            )
        if self.remain_request is not None:
            self.remain_request.ruling = ruling
            self.remain_request.ruled_at = now
        if self.appeal is not None:
            self.appeal.suspension_ruling = ruling
        allowed = ruling is CourtRuling.ALLOWED
        self.set_right_to_remain(allowed, until=None, basis="APR Art 68(4)" if allowed else None)

    def window_lapsed(self, at: datetime) -> None:
        """APR Art 67(7): no appeal within the period: the decision is final."""
        self._require({S.APPEAL_WINDOW}, "close the appeal window")
        self.make_final(at)

    def decide_appeal(self, result: AppealResult, *, now: datetime) -> None:
        """The court's decision on the appeal: the decision stands, or it is annulled and examined again."""
        self._require({S.APPEAL_PENDING}, "record the appeal's outcome")
        assert self.appeal is not None
        decision = self.decision
        assert decision is not None
        self.appeal.result = result
        self.appeal.decided_at = now
        if result is AppealResult.DISMISSED:
            self.make_final(now)
            return
        decision.annulled_at = now
        if decision.outcome is ProtectionOutcome.PROTECTION_WITHDRAWN:
            # The withdrawal annulled, the grant stands again and stays final (APR Art 3(8)).
            self.make_final(now)
            return
        self.status = self._stage_before_decision()
        self.set_right_to_remain(True, until=None, basis="APR Art 10(1)")
