"""Withdrawing international protection (APR Art 66; QR Art 14, 19): the decision and the event return acts on."""

from __future__ import annotations

from datetime import UTC, datetime

from keten_asylum.domain import appeals
from keten_asylum.domain.decision import Decision
from keten_asylum.domain.model import Application
from keten_asylum.service_layer import decisions
from keten_shared.errors import InvalidData
from keten_shared.events.catalog.asylum import ProtectionOutcome, ProtectionWithdrawalGround, ProtectionWithdrawn
from keten_shared.uow import UnitOfWork


async def withdraw(
    uow: UnitOfWork,
    application: Application,
    *,
    ground: ProtectionWithdrawalGround,
    notice_given_at: datetime,
    notified_at: datetime,
    reasons: str,
    language: str | None = None,
) -> Decision:
    """APR Art 66: after written notice and the chance to state reasons, the protection is withdrawn."""
    status = application.protection_granted()
    article = appeals.withdrawal_article(status, ground)
    notice_given_at, notified_at = notice_given_at.astimezone(UTC), notified_at.astimezone(UTC)
    # APR Art 66(1)(a): the person is told in writing, before the decision, that protection is reconsidered.
    assert application.final_at is not None
    if not application.final_at <= notice_given_at < notified_at:
        raise InvalidData("the written notice must come after the grant became final and before the decision")
    decision = await decisions.decide(
        uow,
        application,
        outcome=ProtectionOutcome.PROTECTION_WITHDRAWN,
        notified_at=notified_at,
        reasons=reasons,
        language=language,
        protection_ground=ground,
    )
    assert decision.appeal_deadline is not None  # APR Art 67(1): a withdrawal of protection can be appealed
    uow.publish(
        ProtectionWithdrawn(
            case_id=application.id,
            decision_id=decision.id,
            person_id=application.person_id,
            member_state=application.member_state,
            status=status,
            ground=ground,
            legal_basis=f"APR Art 66; {article}",
            notified_at=notified_at,
            appeal_deadline=decision.appeal_deadline,
            auto_suspensive=decision.automatic_suspensive_effect,
        ),
        subject=application.id,
    )
    return decision
