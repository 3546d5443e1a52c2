"""The shared deadline library: every period and time limit of the five services (docs: time.md).

Pure functions, no I/O: a service passes the business event, the rule and the holiday calendar of the
member state concerned, and stores the returned Deadline (with its trace) in its own database.
"""

from .calendar import DEFAULT_YEARS, MEMBER_STATE_TIMEZONES, HolidayCalendar, member_state_timezone
from .compute import compute, compute_inter_state, extend
from .config import (
    DEFAULT_CONFIG,
    DeadlineConfig,
    ExtensionBase,
    InterStateCalendar,
    LibertyCapPolicy,
    WindowBoundary,
)
from .counting import (
    add_months,
    add_period,
    condition_met_after_working_days,
    nth_working_day_after,
    roll_forward,
)
from .errors import CalendarYearMissing, DeadlineError, NaiveDatetimeError, UnsupportedPeriodError
from .inputs import end_of_day, start_instant
from .model import Deadline, EligibilityWindow, Purpose, Rule, TraceStep, Unit, WindowKind
from .spec import DeadlineSpec
from .window import window

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_YEARS",
    "MEMBER_STATE_TIMEZONES",
    "CalendarYearMissing",
    "Deadline",
    "DeadlineConfig",
    "DeadlineError",
    "DeadlineSpec",
    "EligibilityWindow",
    "ExtensionBase",
    "HolidayCalendar",
    "InterStateCalendar",
    "LibertyCapPolicy",
    "NaiveDatetimeError",
    "Purpose",
    "Rule",
    "TraceStep",
    "Unit",
    "UnsupportedPeriodError",
    "WindowBoundary",
    "WindowKind",
    "add_months",
    "add_period",
    "compute",
    "compute_inter_state",
    "condition_met_after_working_days",
    "end_of_day",
    "extend",
    "member_state_timezone",
    "nth_working_day_after",
    "roll_forward",
    "start_instant",
    "window",
]
