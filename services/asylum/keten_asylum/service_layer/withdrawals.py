"""Withdrawal of an application (APR Art 40, 41): the finding, its decision and the events they owe."""

from __future__ import annotations

from datetime import UTC, datetime

from keten_asylum.domain import withdrawal
from keten_asylum.domain.decision import Decision
from keten_asylum.domain.model import Application
from keten_asylum.service_layer import decisions
from keten_shared.errors import InvalidData
from keten_shared.events.catalog.asylum import (
    ApplicationWithdrawn,
    ImplicitWithdrawalGround,
    ReturnDecisionMode,
    WithdrawalType,
)
from keten_shared.uow import UnitOfWork


async def withdraw(
    uow: UnitOfWork,
    application: Application,
    *,
    kind: WithdrawalType,
    ground: ImplicitWithdrawalGround | None,
    withdrawn_at: datetime,
    notified_at: datetime,
    return_decision_mode: ReturnDecisionMode | None = None,
    reasons: str | None = None,
    language: str | None = None,
) -> Decision:
    """APR Art 40(3), 41: declare the application withdrawn; an explicit withdrawal is final at once."""
    withdrawn_at, notified_at = withdrawn_at.astimezone(UTC), notified_at.astimezone(UTC)
    if withdrawn_at > notified_at:
        raise InvalidData("withdrawn_at lies after the notification of the decision")
    if withdrawn_at < application.made_at:
        raise InvalidData("withdrawn_at is before the application was made")
    withdrawal.check(application, kind, ground, uow.local_date(withdrawn_at))
    decision = await decisions.decide(
        uow,
        application,
        outcome=withdrawal.OUTCOME[kind],
        notified_at=notified_at,
        return_decision_mode=return_decision_mode,
        reasons=reasons,
        language=language,
        withdrawal_ground=ground,
    )
    basis = withdrawal.legal_basis(kind, ground)
    uow.audit(
        "application.withdrawn",
        entity_type="application",
        entity_id=application.id,
        legal_basis=basis,
        details={"type": kind.value, "ground": ground.value if ground else None, "decision_id": decision.id},
    )
    uow.publish(
        ApplicationWithdrawn(
            case_id=application.id,
            person_id=application.person_id,
            member_state=application.member_state,
            decision_id=decision.id,
            type=kind,
            ground=ground,
            withdrawn_at=withdrawn_at,
            legal_basis=basis,
        ),
        subject=application.id,
    )
    return decision
