"""Reception time limits, computed by the shared deadline library."""

from __future__ import annotations

from keten_shared.deadlines import DeadlineSpec, Purpose, Rule, Unit

# RCD Art 25(1): special reception needs assessed within 30 days of the making of the application.
# A directive's periods reach people through national law: NATIONAL rule, 1182/71 semantics until configured.
NEEDS_ASSESSMENT = DeadlineSpec(
    id="RCD.25.1",
    act="RCD",
    article="25(1)",
    rule=Rule.NATIONAL,
    amount=30,
    unit=Unit.DAYS,
    purpose=Purpose.ACT_TIME_LIMIT,
    start_event="application made",
    legal_basis="RCD Art 25(1)",
)
