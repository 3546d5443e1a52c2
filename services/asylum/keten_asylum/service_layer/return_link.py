"""Following APR Art 37 through: every negative decision owes exactly one return decision downstream."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Select, select

from keten_asylum.adapters.orm import decisions
from keten_asylum.domain.decision import Decision
from keten_shared.events import CloudEvent
from keten_shared.events.catalog.asylum import ReturnDecisionMode
from keten_shared.events.catalog.return_ import ReturnDecisionIssued
from keten_shared.logging import get_logger
from keten_shared.uow import UnitOfWork

log = get_logger(__name__)


async def on_return_decision_issued(data: ReturnDecisionIssued, _event: CloudEvent, uow: UnitOfWork) -> None:
    """Link the return decision to the asylum decision that required it; a second one is flagged, not kept."""
    if data.asylum_decision_id is None:
        return  # a return decision after screening (SR 18(1)) or on another ground
    query = select(Decision).where(decisions.c.id == data.asylum_decision_id).with_for_update()
    decision = (await uow.session.execute(query)).scalar_one_or_none()
    if decision is None:
        log.warning("return decision for an unknown asylum decision", asylum_decision_id=data.asylum_decision_id)
        return
    if decision.return_decision_id == data.return_decision_id:
        return  # the same fact again
    if decision.return_decision_id is not None:
        # APR Art 37 owes one return decision; a second one is for an operator to withdraw.
        uow.audit(
            "return_decision.duplicate",
            entity_type="application",
            entity_id=decision.application_id,
            legal_basis="APR Art 37",
            details={"decision_id": decision.id, "kept": decision.return_decision_id, "other": data.return_decision_id},
        )
        log.error("a second return decision for one asylum decision", asylum_decision_id=decision.id)
        return
    decision.return_decision_id = data.return_decision_id
    decision.return_decision_issued_at = data.issued_at.astimezone(UTC)
    uow.audit(
        "return_decision.linked",
        entity_type="application",
        entity_id=decision.application_id,
        legal_basis="APR Art 37",
        details={"decision_id": decision.id, "return_decision_id": data.return_decision_id},
    )


def missing_query(*, decided_before: datetime, limit: int) -> Select[tuple[Decision]]:
    """Decisions that required a separate return decision, taken before `decided_before`, still without one."""
    return (
        select(Decision)
        .where(
            decisions.c.return_decision_required.is_(True),
            decisions.c.return_decision_mode == ReturnDecisionMode.SEPARATE_ACT,
            decisions.c.return_decision_id.is_(None),
            decisions.c.annulled_at.is_(None),
            decisions.c.decided_at < decided_before,
        )
        .order_by(decisions.c.decided_at, decisions.c.id)
        .limit(limit)
    )


async def missing(uow: UnitOfWork, *, decided_before: datetime, limit: int) -> list[Decision]:
    """The decisions of ``missing_query``."""
    return list((await uow.session.execute(missing_query(decided_before=decided_before, limit=limit))).scalars())
