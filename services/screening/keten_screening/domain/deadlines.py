"""Screening time limits (screening chapter §3), computed under Reg. 1182/71: the SR has no own rule.

They are liberty caps (time.md §3.10): referral is forced at the unrolled end unless the member
state configures liberty_cap_policy=LEGAL.
"""

from __future__ import annotations

from keten_shared.deadlines import DeadlineSpec, Purpose, Rule, Unit
from keten_shared.events.catalog.screening import ScreeningReason

# SR Art 8(3): screening at the external border is completed within 7 days (T1).
BORDER_COMPLETION = DeadlineSpec(
    id="SR.8.3",
    act="SR",
    article="8(3)",
    rule=Rule.EU_1182_71,
    amount=7,
    unit=Unit.DAYS,
    purpose=Purpose.LIBERTY_CAP,
    start_event="apprehension, disembarkation or presentation at the border crossing point",
    legal_basis="SR Art 8(3)",
)

# SR Art 8(4): screening inside the territory is completed within 3 days of apprehension (T3).
TERRITORY_COMPLETION = DeadlineSpec(
    id="SR.8.4",
    act="SR",
    article="8(4)",
    rule=Rule.EU_1182_71,
    amount=3,
    unit=Unit.DAYS,
    purpose=Purpose.LIBERTY_CAP,
    start_event="apprehension inside the territory",
    legal_basis="SR Art 8(4)",
)


def completion_limit(reason: ScreeningReason) -> DeadlineSpec:
    return TERRITORY_COMPLETION if reason is ScreeningReason.TERRITORY else BORDER_COMPLETION
