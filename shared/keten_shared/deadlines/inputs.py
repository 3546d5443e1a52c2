"""Checks on caller input, shared by compute() and window(), and the instant that starts a period from a day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .calendar import HolidayCalendar, member_state_timezone
from .errors import DeadlineError, NaiveDatetimeError


def check_amount(amount: int) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise DeadlineError(f"a period amount must be an int, got {amount!r}")
    if amount < 0:
        raise DeadlineError(f"a period amount cannot be negative, got {amount}")
    return amount


def require_aware(at: datetime, name: str) -> datetime:
    if not isinstance(at, datetime):
        raise DeadlineError(f"{name} must be a datetime, got {type(at).__name__}")
    if at.utcoffset() is None:
        raise NaiveDatetimeError(f"{name} must be timezone-aware (time.md §3.8)")
    return at


def zone_for(tz: ZoneInfo | str | None, ms: str) -> ZoneInfo:
    """The zone dates are computed in: `tz` (an IANA zone) if given, else the member state's default."""
    if tz is None:
        return member_state_timezone(ms)
    if isinstance(tz, ZoneInfo):
        return tz
    if isinstance(tz, str):
        return ZoneInfo(tz)
    raise DeadlineError(f"tz must be an IANA zone name or a ZoneInfo, got {tz!r}")


def start_instant(day: date, calendar: HolidayCalendar, *, tz: ZoneInfo | str | None = None) -> datetime:
    """An instant on `day` (in `tz`, default the member state's zone) to start a period counted from that day.

    For periods whose start event is a day rather than an instant (a tacit acceptance, the last day of a right
    to remain). Like extend(), the last instant of the day: the event day is never counted, so only the date
    matters, and it stays the same day in the zone of the computation.
    """
    return datetime.combine(day, time.max, tzinfo=zone_for(tz, calendar.ms))


def end_of_day(day: date, calendar: HolidayCalendar, *, tz: ZoneInfo | str | None = None) -> datetime:
    """The instant `day` is over: 24:00 local time (00:00 of the next local day), as a Deadline's end (§3.7).

    For a last day that another act or service fixed already (e.g. the last day of a right to remain).
    """
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone_for(tz, calendar.ms))
