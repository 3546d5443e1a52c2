"""How days, instants and periods are written in traces."""

from __future__ import annotations

from datetime import date, datetime

from .model import Unit

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_UNIT_WORDS = {
    Unit.HOURS: "hours",
    Unit.DAYS: "days",
    Unit.WORKING_DAYS: "working days",
    Unit.WEEKS: "weeks",
    Unit.MONTHS: "months",
    Unit.YEARS: "years",
}


def format_day(day: date) -> str:
    """'Mon 2026-06-22'."""
    return f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}"


def format_instant(at: datetime) -> str:
    """'Thu 2026-06-18T15:00:00+02:00 (CEST)', in the instant's own time zone."""
    return f"{_WEEKDAYS[at.weekday()]} {at.isoformat(timespec='seconds')} ({at.tzname()})"


def format_period(amount: int, unit: Unit) -> str:
    """'18 months'."""
    return f"{amount} {_UNIT_WORDS[unit]}"
