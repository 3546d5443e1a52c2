"""compute(), extend() and compute_inter_state(): time limits per time.md §3.1-§3.5 and §3.7-§3.10."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .calendar import HolidayCalendar
from .config import DEFAULT_CONFIG, DeadlineConfig, ExtensionBase, InterStateCalendar, LibertyCapPolicy
from .counting import add_period, nth_working_day_after, roll_forward
from .errors import UnsupportedPeriodError
from .inputs import check_amount, require_aware, zone_for
from .model import Deadline, Purpose, Rule, TraceStep, Unit
from .rules import (
    CLIP_SOURCE,
    EVENT_DAY_SOURCE,
    HOUR_RULES,
    MINIMUM_RULES,
    ROLL_SOURCE,
    ROLLING_RULES,
    resolve_rule,
)
from .text import format_day, format_instant, format_period

_ONE_DAY = timedelta(days=1)
_ONE_HOUR = timedelta(hours=1)


def compute(
    rule: Rule,
    start: datetime,
    amount: int,
    unit: Unit,
    purpose: Purpose,
    calendar: HolidayCalendar,
    *,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
    legal_basis: str = "",
    national_key: str | None = None,
    ms: str | None = None,
) -> Deadline:
    """The deadline of a period of `amount` `unit`s from the business event at `start`.

    `calendar` holds the public holidays of the MS concerned (for Dublin steps the acting MS); dates are
    computed in `tz`, by default the calendar's member state zone. `ms` names the member state whose
    national rule applies to Rule.NATIONAL (default: the calendar's). An amount of 0 ends with the event
    day, rolled forward where the rule rolls (0 working days: the event day itself), or for hours with
    the end of the event's hour.
    """
    rule, unit, purpose = Rule(rule), Unit(unit), Purpose(purpose)
    check_amount(amount)
    if purpose is Purpose.ELIGIBILITY_WINDOW:
        raise UnsupportedPeriodError("an eligibility window is a condition on facts: use window()")
    zone = zone_for(tz, calendar.ms)
    local = require_aware(start, "start").astimezone(zone)
    applied, rule_step = resolve_rule(rule, national_key, ms or calendar.ms, config)
    steps = [TraceStep("start", "business event", format_instant(local)), rule_step]

    if unit is Unit.HOURS:
        target, end = _hour_period(applied, local, amount, steps)
        unrolled_end = legal_end = end
        unrolled_last = legal_last = None
    else:
        target = None
        unrolled_last, legal_last = _day_period(applied, local.date(), amount, unit, purpose, calendar, config, steps)
        unrolled_end, legal_end = _end_of_day(unrolled_last, zone), _end_of_day(legal_last, zone)

    operational_end, policy = _operational_end(purpose, unrolled_end, legal_end, config)
    steps.append(TraceStep("policy", policy, format_instant(operational_end)))
    return Deadline(
        rule_applied=applied,
        unit=unit,
        amount=amount,
        purpose=purpose,
        start=local.astimezone(UTC),
        unrolled_end=unrolled_end.astimezone(UTC),
        legal_end=legal_end.astimezone(UTC),
        operational_end=operational_end.astimezone(UTC),
        unrolled_last_day=unrolled_last,
        legal_last_day=legal_last,
        target_ts=None if target is None else target.astimezone(UTC),
        legal_basis=legal_basis,
        calendar_version=calendar.version,
        ms=calendar.ms,
        tz=str(zone),
        trace=tuple(steps),
    )


def extend(
    first: Deadline,
    amount: int,
    calendar: HolidayCalendar,
    *,
    unit: Unit | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
    legal_basis: str | None = None,
) -> Deadline:
    """`first` extended by `amount` more `unit`s (default: the unit of `first`), per config.extension_base.

    ORIGINAL_EVENT (time.md §3.3, design): the total is counted from the original event (6 + 6 months =
    12 months from lodging); an extension in another unit (RCD 27(1): 15 working days + 10 days) runs
    from the unrolled last day of the first period. ROLLED_END: the extension runs from the legal
    (rolled-forward) last day. Where the act names a new start (AMMR 46(2)), call compute() with it.
    A chained result's `start` is the last instant of the day it runs from.
    """
    check_amount(amount)
    unit = first.unit if unit is None else Unit(unit)
    if Unit.HOURS in (unit, first.unit) and unit is not first.unit:
        raise UnsupportedPeriodError("an hour period can only be extended by hours")
    basis = first.legal_basis if legal_basis is None else legal_basis
    previous = f"{format_period(first.amount, first.unit)} + {format_period(amount, unit)}"
    from_original = config.extension_base is ExtensionBase.ORIGINAL_EVENT
    if unit is first.unit and (unit is Unit.HOURS or from_original):
        # Hour periods never roll forward, so both extension bases give the same total.
        start, amount = first.start, first.amount + amount
        step = TraceStep("extend", f"{previous} counted from the original event", config.extension_base.value)
    else:
        from_day = first.unrolled_last_day if from_original else first.legal_last_day
        assert from_day is not None  # day-based, since hours only extend by hours
        start = datetime.combine(from_day, time.max, tzinfo=ZoneInfo(first.tz))
        step = TraceStep(
            "extend",
            f"{previous} counted from the end of {format_day(from_day)}",
            config.extension_base.value,
        )
    result = compute(
        first.rule_applied,
        start,
        amount,
        unit,
        first.purpose,
        calendar,
        tz=first.tz,
        config=config,
        legal_basis=basis,
    )
    return replace(result, trace=(step, *result.trace))


def compute_inter_state(
    rule: Rule,
    start: datetime,
    amount: int,
    unit: Unit,
    purpose: Purpose,
    acting_calendar: HolidayCalendar,
    other_calendar: HolidayCalendar,
    *,
    tz: ZoneInfo | str | None = None,
    other_tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
    legal_basis: str = "",
    national_key: str | None = None,
) -> Deadline:
    """A period between two MS (Dublin requests, replies, notifications), per config.inter_state_calendar.

    ACTING_MS: the holidays of the MS that must act (time.md §3.5, design). BOTH_LATEST: computed with
    each MS' calendar and zone; the later legal end applies (unverified, configurable).
    """

    def with_calendar(calendar: HolidayCalendar, zone: ZoneInfo | str | None) -> Deadline:
        return compute(
            rule,
            start,
            amount,
            unit,
            purpose,
            calendar,
            tz=zone,
            config=config,
            legal_basis=legal_basis,
            national_key=national_key,
            ms=acting_calendar.ms,
        )

    acting = with_calendar(acting_calendar, tz)
    if config.inter_state_calendar is InterStateCalendar.ACTING_MS:
        step = TraceStep(
            "policy",
            f"inter_state_calendar=ACTING_MS: holidays of {acting.ms}, the MS that acts",
            acting.calendar_version,
        )
        return replace(acting, trace=(*acting.trace, step))
    other = with_calendar(other_calendar, other_tz)
    chosen = other if other.legal_end > acting.legal_end else acting
    step = TraceStep(
        "policy",
        f"inter_state_calendar=BOTH_LATEST: legal end {acting.ms} {format_instant(acting.legal_end)}, "
        f"{other.ms} {format_instant(other.legal_end)}; the later applies",
        chosen.ms,
    )
    return replace(
        chosen,
        calendar_version=f"{acting.calendar_version}+{other.calendar_version}",
        trace=(*chosen.trace, step),
    )


def _day_period(
    rule: Rule,
    event_day: date,
    amount: int,
    unit: Unit,
    purpose: Purpose,
    calendar: HolidayCalendar,
    config: DeadlineConfig,
    steps: list[TraceStep],
) -> tuple[date, date]:
    """The unrolled and the legal last day of a day-based period (time.md §3.2-§3.5)."""
    steps.append(TraceStep("event day", f"not counted ({EVENT_DAY_SOURCE[rule]})", format_day(event_day)))
    unrolled = add_period(event_day, amount, unit, calendar)
    steps.append(TraceStep("add", f"+ {format_period(amount, unit)}", format_day(unrolled)))
    if unit in (Unit.MONTHS, Unit.YEARS) and unrolled.day != event_day.day:
        detail = f"no day {event_day.day} in {unrolled:%Y-%m}: last day of the month ({CLIP_SOURCE[rule]})"
        steps.append(TraceStep("clip", detail, format_day(unrolled)))
    if unit is Unit.WORKING_DAYS:
        steps.append(TraceStep("roll", "not needed: the period ends on a working day (time.md §3.4)", "-"))
        return unrolled, unrolled

    legal = _roll(rule, unrolled, purpose, calendar, steps)
    if rule in MINIMUM_RULES and purpose is not Purpose.PROHIBITION and (unrolled - event_day).days >= 2:
        legal = _two_working_day_minimum(event_day, legal, calendar, config, steps)
    return unrolled, legal


def _roll(rule: Rule, day: date, purpose: Purpose, calendar: HolidayCalendar, steps: list[TraceStep]) -> date:
    if purpose is Purpose.PROHIBITION:
        # time.md §3.10 (design): prohibitions (RD 11 entry bans) never roll forward.
        steps.append(TraceStep("roll", "not applied: a prohibition never rolls forward (time.md §3.10)", "-"))
        return day
    if rule not in ROLLING_RULES:
        steps.append(TraceStep("roll", f"not applied: weekends and holidays count ({ROLL_SOURCE[rule]})", "-"))
        return day
    rolled, skipped = roll_forward(day, calendar)
    detail = "; ".join(skipped) + " -> next working day" if skipped else "last day is a working day"
    steps.append(TraceStep("roll", f"{detail} ({ROLL_SOURCE[rule]})", format_day(rolled)))
    return rolled


def _two_working_day_minimum(
    event_day: date, last_day: date, calendar: HolidayCalendar, config: DeadlineConfig, steps: list[TraceStep]
) -> date:
    """1182/71 Art 3(5) (unverified): a period of two days or more includes at least two working days."""
    if not config.two_working_day_minimum:
        steps.append(TraceStep("3(5) minimum", "disabled: two_working_day_minimum=false", "-"))
        return last_day
    second = nth_working_day_after(event_day, 2, calendar)
    if second <= last_day:
        detail = f"2nd working day {format_day(second)} is inside the period: nothing to add (1182/71 3(5))"
        steps.append(TraceStep("3(5) minimum", detail, format_day(last_day)))
        return last_day
    detail = "fewer than two working days: extended to the 2nd working day (1182/71 3(5), unverified)"
    steps.append(TraceStep("3(5) minimum", detail, format_day(second)))
    return second


def _hour_period(rule: Rule, start: datetime, amount: int, steps: list[TraceStep]) -> tuple[datetime, datetime]:
    """The operational target and the legal end of an hour period (time.md §3.7)."""
    if rule not in HOUR_RULES:
        raise UnsupportedPeriodError(f"{rule} has no hour periods; hour limits are counted under EU_1182_71")
    zone = start.tzinfo
    utc = start.astimezone(UTC)
    # 1182/71 Art 3(1) 1st subpara (unverified): the hour of the event is not counted. Flooring in UTC equals
    # flooring in local time for every whole-hour zone; elapsed hours are added in UTC, so DST adds none.
    first_hour = utc.replace(minute=0, second=0, microsecond=0) + _ONE_HOUR
    end = (first_hour + amount * _ONE_HOUR).astimezone(zone)
    target = (utc + amount * _ONE_HOUR).astimezone(zone)
    steps += [
        TraceStep(
            "hour",
            "the hour of the event is not counted (1182/71 3(1), unverified)",
            format_instant(first_hour.astimezone(zone)),
        ),
        TraceStep(
            "add",
            f"+ {format_period(amount, Unit.HOURS)} elapsed (UTC; 1182/71 3(2)(a), unverified)",
            format_instant(end),
        ),
        TraceStep("roll", "not applied: hour periods never roll forward (1182/71 3(4), unverified)", "-"),
        TraceStep("target", "operational target: event + N hours (time.md §3.7)", format_instant(target)),
    ]
    return target, end


def _operational_end(
    purpose: Purpose, unrolled_end: datetime, legal_end: datetime, config: DeadlineConfig
) -> tuple[datetime, str]:
    """The end that enforcement uses, and why (time.md §3.10)."""
    if purpose is Purpose.LIBERTY_CAP and config.liberty_cap_policy is LibertyCapPolicy.UNROLLED:
        return unrolled_end, "liberty cap, liberty_cap_policy=UNROLLED: enforced at the unrolled end"
    if purpose is Purpose.LIBERTY_CAP:
        return legal_end, "liberty cap, liberty_cap_policy=LEGAL: enforced at the legal end"
    if purpose is Purpose.PROHIBITION:
        return unrolled_end, "prohibition: ends on the same date, never rolled forward"
    return legal_end, "time limit for an act: the legal end applies"


def _end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """24:00 local time of `day` (time.md §3.8), i.e. the first instant of the next local day."""
    midnight = datetime.combine(day + _ONE_DAY, time(), tzinfo=zone)
    return midnight.astimezone(UTC).astimezone(zone)  # normalises a midnight skipped by a DST change
