"""Screening time limits (screening chapter §3), computed under Reg. 1182/71: the SR has no own rule.

They are liberty caps (time.md §3.10): the referral is forced at the unrolled end unless the member
state configures liberty_cap_policy=LEGAL; `deadline_strict` = unrolled end, `deadline_ptl` = legal end.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from keten_shared.deadlines import Deadline, DeadlineSpec, Purpose, Rule, Unit
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

# SR Art 8(3) second sentence: 4 days for a person held at the external border for more than 72 hours (T2).
AFTER_HOLDING_AT_BORDER = DeadlineSpec(
    id="SR.8.3.held",
    act="SR",
    article="8(3) second sentence",
    rule=Rule.EU_1182_71,
    amount=4,
    unit=Unit.DAYS,
    purpose=Purpose.LIBERTY_CAP,
    start_event="start of screening after more than 72 hours at the external border",
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

HELD_THRESHOLD = timedelta(hours=72)

Compute = Callable[[DeadlineSpec, datetime], Deadline]


def held_more_than_72_hours(trigger_ts: datetime, started_at: datetime) -> bool:
    # SR Art 8(3) second sentence: "more than 72 hours" is elapsed time, not a period; in UTC, so that a clock
    # change neither adds nor removes an hour (time.md §3.7).
    return started_at.astimezone(UTC) - trigger_ts.astimezone(UTC) > HELD_THRESHOLD


def completion_limit(
    reason: ScreeningReason,
    trigger_ts: datetime,
    compute: Compute,
    *,
    held_at_external_border: bool = False,
    started_at: datetime | None = None,
) -> Deadline:
    """The time limit for completing screening, from the trigger event (never from case creation)."""
    if reason is ScreeningReason.TERRITORY:
        return compute(TERRITORY_COMPLETION, trigger_ts)
    full = compute(BORDER_COMPLETION, trigger_ts)
    # SR Art 8(3): the 4-day period applies to irregular crossers held at the external border for more than
    # 72 hours (chapter T2; the SR's reference to ED 23 is read as the irregular-crosser duty, flagged for review).
    if (
        reason is ScreeningReason.BORDER_IRREGULAR
        and held_at_external_border
        and started_at is not None
        and held_more_than_72_hours(trigger_ts, started_at)
    ):
        # Chapter §3 (design, conservative): min(7 days, max(apprehension + 72 h, start) + 4 days).
        reduced = compute(AFTER_HOLDING_AT_BORDER, max(trigger_ts.astimezone(UTC) + HELD_THRESHOLD, started_at))
        return min(full, reduced, key=lambda d: d.unrolled_end)
    return full
