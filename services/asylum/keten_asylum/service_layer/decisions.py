"""Decisions, appeals and the right to remain (APR Art 36-37, 67-68): each use case with the events it owes."""

from __future__ import annotations

from datetime import UTC, datetime

from keten_asylum.adapters.repository import ApplicationRepository
from keten_asylum.config import asylum_settings
from keten_asylum.domain import appeals, deadlines
from keten_asylum.domain.decision import Appeal, AppealResult, CourtRuling, Decision, NotifiedTo
from keten_asylum.domain.model import Application, ApplicationStatus
from keten_asylum.service_layer.intake import INTAKE_LIMITS
from keten_asylum.service_layer.routing import EXAMINATION_LIMIT
from keten_shared.events.catalog.asylum import (
    AcceleratedGround,
    AdmissibilityGround,
    AppealDecided,
    AppealLodged,
    AppealWindowOpened,
    DecisionFinal,
    DecisionIssued,
    DecisionOutcome,
    ImplicitWithdrawalGround,
    ProtectionGranted,
    ProtectionOutcome,
    ProtectionWithdrawalGround,
    RemainRequestLodged,
    ReturnDecisionMode,
    ReturnDecisionRequested,
    RightToRemainUpdated,
    RoutedProcedure,
)
from keten_shared.scheduler import DueDeadline
from keten_shared.uow import UnitOfWork

APPEAL_WINDOW = "asylum.appeal_window"
REMAIN_REQUEST_WINDOW = "asylum.remain_request_window"
GRANTED = frozenset({DecisionOutcome.GRANTED_REFUGEE, DecisionOutcome.GRANTED_SUBSIDIARY})


async def decide(
    uow: UnitOfWork,
    application: Application,
    *,
    outcome: DecisionOutcome | ProtectionOutcome,
    notified_at: datetime,
    return_decision_mode: ReturnDecisionMode | None = None,
    accelerated_grounds: frozenset[AcceleratedGround] | None = None,
    admissibility_ground: AdmissibilityGround | None = None,
    reasons: str | None = None,
    notified_to: NotifiedTo = NotifiedTo.APPLICANT,
    language: str | None = None,
    withdrawal_ground: ImplicitWithdrawalGround | None = None,
    protection_ground: ProtectionWithdrawalGround | None = None,
) -> Decision:
    """APR Art 36: record the decision; its remedy follows from APR Art 67-68 and national periods."""
    notified_at = notified_at.astimezone(UTC)
    withdrawn = application.protection_granted() if outcome is ProtectionOutcome.PROTECTION_WITHDRAWN else None
    grounds = accelerated_grounds if accelerated_grounds is not None else routed_grounds(application)
    if withdrawn is not None:
        grounds = frozenset()  # a withdrawal of protection rests on QR Art 14 or 19, not on the routing
    context = appeals.DecisionContext(
        outcome=outcome,
        procedure=application.procedure or RoutedProcedure.REGULAR,
        accelerated_grounds=grounds,
        admissibility_ground=admissibility_ground,
        unaccompanied_minor=application.unaccompanied_minor,
        subsequent=application.previous_application_ref is not None,
        withdrawal_ground=protection_ground,
        withdrawn_status=withdrawn,
    )
    terms = appeals.appeal_terms(
        context, notified_at, asylum_settings(uow), uow.calendar, uow.zone, uow.settings.deadlines
    )
    before = application.status.value
    decision = application.decide(
        outcome=outcome,
        notified_at=notified_at,
        return_decision_mode=return_decision_mode,
        grounds_applied=sorted(g.value for g in grounds)
        + [g.value for g in (admissibility_ground, withdrawal_ground, protection_ground) if g is not None],
        reasons=reasons,
        notified_to=notified_to,
        language=language,
        terms=terms,
        now=uow.now(),
    )
    # A decision ends the intake and examination limits (a withdrawal may come before lodging); the border
    # maximum keeps running, because it covers the appeal too (APR Art 51(2)).
    await uow.cancel_deadlines(application.id, [*INTAKE_LIMITS, EXAMINATION_LIMIT])
    uow.audit(
        "decision.issued",
        entity_type="application",
        entity_id=application.id,
        legal_basis="; ".join(decision.legal_basis),
        before=before,
        after=application.status.value,
        details={"decision_id": decision.id, "outcome": outcome.value, "remedy": list(terms.legal_basis)},
    )
    _publish_decision(uow, application, decision)
    if terms.deadline is not None:
        await uow.schedule(case_id=application.id, kind=APPEAL_WINDOW, deadline=terms.deadline)
        uow.publish(
            AppealWindowOpened(
                case_id=application.id,
                decision_id=decision.id,
                member_state=application.member_state,
                deadline=terms.deadline.legal_last_day,
                rule=terms.rule or "",
                auto_suspensive=terms.automatic_suspensive,
                remain_request_deadline=decision.remain_request_deadline,
            ),
            subject=application.id,
        )
    if terms.remain_request_deadline is not None:
        await uow.schedule(case_id=application.id, kind=REMAIN_REQUEST_WINDOW, deadline=terms.remain_request_deadline)
    _publish_right_to_remain(uow, application)
    if application.final_at is not None:
        _publish_final(uow, application, decision)
    return decision


def routed_grounds(application: Application) -> frozenset[AcceleratedGround]:
    """The APR Art 42 grounds the routing applied (APR 67(7)(a), 68(3)(a) depend on them)."""
    return frozenset(g for g in AcceleratedGround if g.value in application.routed_ground_codes)


def _publish_decision(uow: UnitOfWork, application: Application, decision: Decision) -> None:
    if isinstance(decision.outcome, ProtectionOutcome):
        return  # a decision on a grant: asylum.protection.withdrawn tells it (service_layer/protection.py)
    nationalities = application.person.get("nationalities", [])
    uow.publish(
        DecisionIssued(
            case_id=application.id,
            decision_id=decision.id,
            person_id=application.person_id,
            member_state=application.member_state,
            outcome=decision.outcome,
            legal_basis=decision.legal_basis,
            procedure_type=decision.procedure_type,
            notified_at=decision.notified_at,
            return_decision_required=decision.return_decision_required,
            return_decision_mode=decision.return_decision_mode,
            nationalities=nationalities,
            grounds_applied=decision.grounds_applied or [],
            notified_to=decision.notified_to.value,
            language=decision.language,
            appeal_deadline=decision.appeal_deadline,
            appeal_deadline_rule=decision.appeal_rule,
            automatic_suspensive_effect=decision.automatic_suspensive_effect if decision.appealable else None,
            remain_request_deadline=decision.remain_request_deadline,
        ),
        subject=application.id,
    )
    if decision.return_decision_mode is ReturnDecisionMode.SEPARATE_ACT and decision.return_decision_required:
        # APR Art 37: the return decision as a separate act, at the same time or without undue delay.
        uow.publish(
            ReturnDecisionRequested(
                case_id=application.id,
                decision_id=decision.id,
                person_id=application.person_id,
                member_state=application.member_state,
                outcome=decision.outcome,
                notified_at=decision.notified_at,
                nationalities=nationalities,
            ),
            subject=application.id,
        )
    if decision.outcome in GRANTED:
        refugee = decision.outcome is DecisionOutcome.GRANTED_REFUGEE
        settings = asylum_settings(uow)
        uow.publish(
            ProtectionGranted(
                case_id=application.id,
                decision_id=decision.id,
                person_id=application.person_id,
                member_state=application.member_state,
                status=decision.outcome,
                # QR Art 24(2): at least 3 years (refugee), at least 1 year (subsidiary protection).
                permit_initial_validity_years=settings.permit_validity_refugee_years
                if refugee
                else settings.permit_validity_subsidiary_years,
                permit_due_by=uow.deadline(deadlines.PERMIT_ISSUE, decision.notified_at).legal_last_day,
            ),
            subject=application.id,
        )


def _publish_right_to_remain(uow: UnitOfWork, application: Application) -> None:
    decision = application.decision or (application.decisions[-1] if application.decisions else None)
    uow.publish(
        RightToRemainUpdated(
            case_id=application.id,
            person_id=application.person_id,
            member_state=application.member_state,
            decision_id=decision.id if decision else None,
            right_to_remain=application.right_to_remain,
            until=application.right_to_remain_until,
            basis=application.right_to_remain_basis,
        ),
        subject=application.id,
    )


def _publish_final(uow: UnitOfWork, application: Application, decision: Decision) -> None:
    assert application.final_at is not None
    uow.publish(
        DecisionFinal(
            case_id=application.id,
            decision_id=decision.id,
            person_id=application.person_id,
            member_state=application.member_state,
            outcome=decision.outcome,
            final_at=application.final_at,
            return_decision_required=decision.return_decision_required,
        ),
        subject=application.id,
    )


async def lodge_appeal(
    uow: UnitOfWork, application: Application, *, lodged_at: datetime, court_reference: str | None
) -> Appeal:
    """APR Art 67: an appeal; one lodged after the period is recorded as late and does not suspend removal."""
    lodged_at = lodged_at.astimezone(UTC)
    before = application.status.value
    appeal = application.lodge_appeal(
        lodged_at=lodged_at, local_day=uow.local_date(lodged_at), court_reference=court_reference, now=uow.now()
    )
    decision = application.decision
    assert decision is not None
    uow.audit(
        "appeal.lodged" if appeal.in_time else "appeal.lodged_late",
        entity_type="application",
        entity_id=application.id,
        legal_basis=f"APR Art 67(7); {decision.appeal_rule}",
        before=before,
        after=application.status.value,
        details={"appeal_id": appeal.id, "in_time": appeal.in_time, "appeal_deadline": str(decision.appeal_deadline)},
    )
    uow.publish(
        AppealLodged(
            case_id=application.id,
            decision_id=decision.id,
            appeal_id=appeal.id,
            person_id=application.person_id,
            member_state=application.member_state,
            lodged_at=lodged_at,
            in_time=appeal.in_time,
            suspensive=appeal.suspensive,
        ),
        subject=application.id,
    )
    if appeal.in_time:
        await uow.cancel_deadlines(application.id, [APPEAL_WINDOW])
        _publish_right_to_remain(uow, application)
    return appeal


async def lodge_remain_request(uow: UnitOfWork, application: Application, *, lodged_at: datetime) -> None:
    """APR Art 68(4)-(5): a request to a court to remain pending the appeal."""
    lodged_at = lodged_at.astimezone(UTC)
    request = application.lodge_remain_request(lodged_at=lodged_at, local_day=uow.local_date(lodged_at), now=uow.now())
    uow.audit(
        "remain_request.lodged",
        entity_type="application",
        entity_id=application.id,
        legal_basis="APR Art 68(4)",
        details={"in_time": request.in_time},
    )
    uow.publish(
        RemainRequestLodged(
            case_id=application.id,
            decision_id=request.decision_id,
            member_state=application.member_state,
            lodged_at=lodged_at,
            in_time=request.in_time,
        ),
        subject=application.id,
    )
    if request.in_time:
        await uow.cancel_deadlines(application.id, [REMAIN_REQUEST_WINDOW])
        _publish_right_to_remain(uow, application)


async def rule_on_remaining(uow: UnitOfWork, application: Application, ruling: CourtRuling) -> None:
    """APR Art 68(4): the court allows or refuses remaining pending the appeal."""
    application.rule_on_remaining(ruling, now=uow.now())
    await uow.cancel_deadlines(application.id, [REMAIN_REQUEST_WINDOW])
    uow.audit(
        "remain.ruled",
        entity_type="application",
        entity_id=application.id,
        legal_basis="APR Art 68(4)",
        details={"ruling": ruling.value},
    )
    _publish_right_to_remain(uow, application)


async def decide_appeal(uow: UnitOfWork, application: Application, result: AppealResult) -> None:
    """The court's decision on the appeal: the decision becomes final, or is annulled and examined again."""
    appeal, decision = application.appeal, application.decision  # taken before an annulment clears them
    before = application.status.value
    application.decide_appeal(result, now=uow.now())
    assert appeal is not None and decision is not None
    uow.audit(
        "appeal.decided",
        entity_type="application",
        entity_id=application.id,
        legal_basis="APR Art 67",
        before=before,
        after=application.status.value,
        details={"appeal_id": appeal.id, "result": result.value},
    )
    uow.publish(
        AppealDecided(
            case_id=application.id,
            decision_id=decision.id,
            appeal_id=appeal.id,
            person_id=application.person_id,
            member_state=application.member_state,
            result=result.value,
            decided_at=uow.now(),
        ),
        subject=application.id,
    )
    if application.final_at is not None and result is AppealResult.DISMISSED:
        _publish_final(uow, application, decision)
    _publish_right_to_remain(uow, application)


async def on_appeal_window_end(due: DueDeadline, uow: UnitOfWork) -> None:
    """APR Art 67(7): the appeal period ended without an appeal: the decision is final (APR Art 3(8))."""
    application = await ApplicationRepository(uow.session).get(due.case_id)
    if application.status is not ApplicationStatus.APPEAL_WINDOW or application.decision is None:
        return
    application.window_lapsed(due.due_at)  # final at the end of the period, however late the scheduler runs
    uow.audit(
        "decision.final",
        entity_type="application",
        entity_id=application.id,
        legal_basis="APR Art 3(8)",
        before="APPEAL_WINDOW",
        after=application.status.value,
    )
    _publish_final(uow, application, application.decision)
    _publish_right_to_remain(uow, application)


async def on_remain_request_window_end(due: DueDeadline, uow: UnitOfWork) -> None:
    """APR Art 68(5)(a), (d): no request to remain in time: removal is no longer barred by it."""
    application = await ApplicationRepository(uow.session).get(due.case_id)
    if application.remain_request is not None or application.right_to_remain_basis != "APR Art 68(5)(d)":
        return
    application.set_right_to_remain(False, until=None, basis=None)
    uow.audit(
        "right_to_remain.ended",
        entity_type="application",
        entity_id=application.id,
        legal_basis="APR Art 68(5)(a)",
    )
    _publish_right_to_remain(uow, application)


DEADLINE_HANDLERS = {APPEAL_WINDOW: on_appeal_window_end, REMAIN_REQUEST_WINDOW: on_remain_request_window_end}
