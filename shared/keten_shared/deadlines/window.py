"""Eligibility windows, conditions on facts such as AMMR 29(4), 30(1), 33, 37 (time.md §3.6)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .calendar import HolidayCalendar
from .config import DEFAULT_CONFIG, DeadlineConfig, WindowBoundary
from .counting import add_period, roll_forward
from .errors import DeadlineError, UnsupportedPeriodError
from .inputs import check_amount
from .model import EligibilityWindow, Rule, TraceStep, Unit, WindowKind
from .rules import CLIP_SOURCE, EVENT_DAY_SOURCE, ROLL_SOURCE, ROLLING_RULES
from .text import format_day, format_period

_ONE_DAY = timedelta(days=1)


def window(
    rule: Rule,
    event_date: date,
    amount: int,
    unit: Unit,
    config: DeadlineConfig = DEFAULT_CONFIG,
    calendar: HolidayCalendar | None = None,
    *,
    kind: WindowKind = WindowKind.LESS_THAN,
) -> EligibilityWindow:
    """The days from the day after `event_date` to the end of `event_date` + X (month-end clipped).

    INCLUSIVE (default, design): the day exactly X after the event is inside, for "less than X" and
    "more than X" windows alike. STRICT_ANNIVERSARY: that day is outside a "less than X" window; a
    "more than X" condition still holds only from the day after it. `calendar` is needed only for
    working days or when config.window_rollover is on.
    """
    rule, unit, kind = Rule(rule), Unit(unit), WindowKind(kind)
    check_amount(amount)
    if isinstance(event_date, datetime) or not isinstance(event_date, date):
        raise DeadlineError("window() takes the local calendar date of the event")
    if rule is Rule.NATIONAL or unit is Unit.HOURS:
        raise UnsupportedPeriodError(f"no eligibility window is counted under {rule} in {unit}")
    steps = [TraceStep("event day", f"not counted ({EVENT_DAY_SOURCE[rule]})", format_day(event_date))]
    end = add_period(event_date, amount, unit, calendar)
    steps.append(TraceStep("add", f"+ {format_period(amount, unit)}", format_day(end)))
    if unit in (Unit.MONTHS, Unit.YEARS) and end.day != event_date.day:
        detail = f"no day {event_date.day} in {end:%Y-%m}: last day of the month ({CLIP_SOURCE[rule]})"
        steps.append(TraceStep("clip", detail, format_day(end)))

    # time.md §3.6 (design; whether AMMR 75(d) applies to windows is unverified): roll only if configured.
    if not config.window_rollover:
        steps.append(TraceStep("roll", "not applied: window_rollover=false (time.md §3.6)", "-"))
    elif rule not in ROLLING_RULES:
        steps.append(TraceStep("roll", f"not applied: {ROLL_SOURCE[rule]} has no roll-forward", "-"))
    elif calendar is None:
        raise DeadlineError("window_rollover needs the holiday calendar of the MS concerned")
    else:
        end, skipped = roll_forward(end, calendar)
        detail = "; ".join(skipped) + " -> next working day" if skipped else "last day is a working day"
        detail = f"window_rollover=true: {detail} ({ROLL_SOURCE[rule]})"
        steps.append(TraceStep("roll", detail, format_day(end)))

    last = end
    if kind is WindowKind.LESS_THAN and config.window_boundary is WindowBoundary.STRICT_ANNIVERSARY:
        last = end - _ONE_DAY
        detail = f"STRICT_ANNIVERSARY: {format_day(end)} itself is outside a 'less than' window"
    elif kind is WindowKind.MORE_THAN:
        detail = f"'more than {format_period(amount, unit)}' holds only after {format_day(end)}"
    else:
        detail = f"INCLUSIVE: {format_day(end)} is inside the window"
    steps.append(TraceStep("boundary", detail, format_day(last)))
    return EligibilityWindow(
        rule_applied=rule,
        kind=kind,
        event_date=event_date,
        amount=amount,
        unit=unit,
        first_day=event_date + _ONE_DAY,
        last_day=last,
        calendar_version=None if calendar is None else calendar.version,
        trace=tuple(steps),
    )
