"""Pure calendar arithmetic on local dates: adding periods, working days, roll-forward."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from .calendar import HolidayCalendar
from .errors import DeadlineError, UnsupportedPeriodError
from .model import Unit
from .text import format_day

_ONE_DAY = timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """Same day number `months` later, clipped to the last day of a shorter month.

    APR Art 73(b), AMMR Art 75(c), RBPR Art 11(b): 31 Jan + 1 month = 28/29 Feb; 31 Mar + 18 months = 30 Sep.
    """
    return day + relativedelta(months=months)


def nth_working_day_after(day: date, n: int, calendar: HolidayCalendar) -> date:
    """The n-th working day after `day`, which itself is never counted (time.md §3.4); n = 0 gives `day`."""
    if n < 0:
        raise DeadlineError(f"cannot count {n} working days")
    while n:
        day += _ONE_DAY
        n -= calendar.is_working_day(day)
    return day


def condition_met_after_working_days(event_day: date, n: int, on_day: date, calendar: HolidayCalendar) -> bool:
    """Whether "after n working days" holds on `on_day`: from the day after the n-th working day.

    APR Art 38(1)(e), time.md §3.4.
    """
    return on_day > nth_working_day_after(event_day, n, calendar)


def add_period(event_day: date, amount: int, unit: Unit, calendar: HolidayCalendar | None = None) -> date:
    """The unrolled last day of `amount` `unit`s; the event day is not counted (time.md §3.2-§3.4)."""
    match unit:
        case Unit.DAYS:
            return event_day + timedelta(days=amount)
        case Unit.WEEKS:  # APR 73(b), AMMR 75(b), RBPR 11(b): the same weekday
            return event_day + timedelta(weeks=amount)
        case Unit.MONTHS:
            return add_months(event_day, amount)
        case Unit.YEARS:  # years are 12 × N months (time.md §3.3; 1182/71 3(2)(c) gives the same, unverified)
            return add_months(event_day, 12 * amount)
        case Unit.WORKING_DAYS:
            if calendar is None:
                raise DeadlineError("a working-day period needs a holiday calendar")
            return nth_working_day_after(event_day, amount, calendar)
    raise UnsupportedPeriodError(f"{unit} is not a day-based unit")


def roll_forward(day: date, calendar: HolidayCalendar) -> tuple[date, tuple[str, ...]]:
    """The first working day on or after `day`, with the reasons the skipped days were not working days."""
    skipped: list[str] = []
    while (reason := calendar.non_working_reason(day)) is not None:
        skipped.append(f"{format_day(day)} ({reason})")
        day += _ONE_DAY
    return day, tuple(skipped)
