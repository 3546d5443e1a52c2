"""Voluntary departure and the entry ban of a return decision (return chapter §2.2-2.3 and §6; pure rules).

Both run on national law within the Return Directive's limits: the periods are `Rule.NATIONAL` in the shared
deadline library, 1182/71 semantics unless a member state configures its own (time.md §3.9). A period for
voluntary departure is given to the person, so its last day rolls forward past a weekend or holiday; an entry
ban is a prohibition and never rolls (time.md §3.10).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from keten_shared.deadlines import Deadline, DeadlineSpec, HolidayCalendar, Purpose, Rule, Unit, start_instant
from keten_shared.errors import InvalidData

MIN_DAYS, MAX_DAYS = 7, 30  # RD Art 7(1): "between seven and thirty days"
MAX_BAN_YEARS = 5  # RD Art 11(2): "shall not in principle exceed five years"


class VoluntaryDepartureOutcome(StrEnum):
    GRANTED = "GRANTED"  # RD Art 7(1): 7 to 30 days
    SHORTENED = "SHORTENED"  # RD Art 7(4): fewer than 7 days
    REFUSED = "REFUSED"  # RD Art 7(4): no period


class RefusalGround(StrEnum):
    """RD Art 7(4): the only grounds to refuse voluntary departure or to grant fewer than 7 days."""

    RISK_OF_ABSCONDING = "RISK_OF_ABSCONDING"
    MANIFESTLY_UNFOUNDED_OR_FRAUDULENT = "MANIFESTLY_UNFOUNDED_OR_FRAUDULENT"  # the application for stay
    DANGER_TO_PUBLIC_POLICY_OR_SECURITY = "DANGER_TO_PUBLIC_POLICY_OR_SECURITY"  # individually assessed, C-554/13


class EntryBanGround(StrEnum):
    NO_VOLUNTARY_DEPARTURE = "NO_VOLUNTARY_DEPARTURE"  # RD Art 11(1)(a): mandatory
    RETURN_OBLIGATION_NOT_MET = "RETURN_OBLIGATION_NOT_MET"  # RD Art 11(1)(b): mandatory
    OPTIONAL = "OPTIONAL"  # RD Art 11(1), second subparagraph


@dataclass(frozen=True)
class VoluntaryDeparture:
    """The voluntary-departure element of a return decision; refusing it is itself challengeable (C-636/23)."""

    outcome: VoluntaryDepartureOutcome
    days: int  # 0 when refused
    ground: RefusalGround | None = None
    reasons: str | None = None

    @classmethod
    def granted(cls, days: int) -> VoluntaryDeparture:
        # RD Art 7(1): between 7 and 30 days.
        if not MIN_DAYS <= days <= MAX_DAYS:
            raise InvalidData(f"voluntary departure is granted for {MIN_DAYS} to {MAX_DAYS} days (RD Art 7(1))")
        return cls(VoluntaryDepartureOutcome.GRANTED, days)

    @classmethod
    def shortened(cls, days: int, ground: RefusalGround, reasons: str) -> VoluntaryDeparture:
        # RD Art 7(4): fewer than 7 days only on one of its grounds, with individual reasons.
        if not 1 <= days < MIN_DAYS:
            raise InvalidData(f"a shortened period is 1 to {MIN_DAYS - 1} days; from {MIN_DAYS} it is granted")
        return cls(VoluntaryDepartureOutcome.SHORTENED, days, ground, _reasoned(reasons))

    @classmethod
    def refused(cls, ground: RefusalGround, reasons: str) -> VoluntaryDeparture:
        # RD Art 7(4): no period only on one of its grounds, with individual reasons.
        return cls(VoluntaryDepartureOutcome.REFUSED, 0, ground, _reasoned(reasons))


def _reasoned(reasons: str) -> str:
    if not reasons.strip():
        raise InvalidData("an RD Art 7(4) refusal or shortening needs the individual reasons (RD Art 12(1))")
    return reasons.strip()


@dataclass(frozen=True)
class DeparturePeriod:
    """The days the person has to leave: from the day after the right to remain ends (C-181/16 Gnandi)."""

    first_day: date
    last_day: date  # rolled forward past a weekend or public holiday (a period given to the person)
    days: int
    deadline: Deadline


def _period_spec(days: int) -> DeadlineSpec:
    return DeadlineSpec(
        "RD.7.1", "RD", "7(1)", Rule.NATIONAL, days, Unit.DAYS, Purpose.ACT_TIME_LIMIT, "the right to remain ended"
    )


def departure_period(
    right_to_remain_until: date, days: int, calendar: HolidayCalendar, *, tz: ZoneInfo | str | None = None
) -> DeparturePeriod:
    """The period of `days` that starts the day after the last day of the right to remain (APR Art 68(1))."""
    deadline = _period_spec(days).compute(start_instant(right_to_remain_until, calendar, tz=tz), calendar, tz=tz)
    assert deadline.legal_last_day is not None, "a period in days has a last day"
    return DeparturePeriod(right_to_remain_until + timedelta(days=1), deadline.legal_last_day, days, deadline)


def days_left(period: DeparturePeriod, suspended_on: date) -> int:
    """The days still owed when a suspensive remedy stops the period on `suspended_on`, at least 7.

    Design (return chapter §7, legal review): the clock freezes; on a negative final outcome the period runs
    again with the unused days, never fewer than the RD Art 7(1) minimum.
    """
    used = max(0, min((suspended_on - period.first_day).days, period.days))
    return max(period.days - used, MIN_DAYS)


def extended(
    period: DeparturePeriod,
    extra_days: int,
    max_extension_days: int | None,
    calendar: HolidayCalendar,
    *,
    tz: ZoneInfo | str | None = None,
) -> DeparturePeriod:
    """RD Art 7(2): the period extended by `extra_days`, counted as one period from its original start.

    The directive sets no cap; a member state may (`max_extension_days`, configuration).
    """
    if extra_days < 1:
        raise InvalidData("an extension adds at least one day")
    if max_extension_days is not None and extra_days > max_extension_days:
        raise InvalidData(f"an extension may add at most {max_extension_days} days here")
    return departure_period(period.first_day - timedelta(days=1), period.days + extra_days, calendar, tz=tz)


def entry_ban_ground(voluntary_departure: VoluntaryDeparture, left_in_time: bool | None) -> EntryBanGround | None:
    """Whether an entry ban is mandatory (RD Art 11(1)); None when it is only optional.

    `left_in_time`: whether the person left within the period (None while it runs).
    """
    if voluntary_departure.outcome is VoluntaryDepartureOutcome.REFUSED:
        return EntryBanGround.NO_VOLUNTARY_DEPARTURE  # RD Art 11(1)(a)
    if left_in_time is False:
        return EntryBanGround.RETURN_OBLIGATION_NOT_MET  # RD Art 11(1)(b)
    return None


@dataclass(frozen=True)
class EntryBan:
    """An entry ban's length, set case by case (RD Art 11(2)); None years is a ban without end."""

    years: int | None
    ground: EntryBanGround
    serious_threat: bool = False  # to public policy, public security or national security
    reasons: str | None = None

    def __post_init__(self) -> None:
        # RD Art 11(2): in principle at most 5 years; longer only for a serious threat.
        if self.years is not None and self.years < 1:
            raise InvalidData("an entry ban lasts at least one year, or is without end")
        if (self.years is None or self.years > MAX_BAN_YEARS) and not self.serious_threat:
            raise InvalidData(f"beyond {MAX_BAN_YEARS} years only for a serious threat (RD Art 11(2))")
        # C-446/24: a ban without end only with individual reasons.
        if self.years is None and not (self.reasons or "").strip():
            raise InvalidData("an entry ban without end needs individual reasons (C-446/24)")

    def last_day(
        self, departed_on: date, calendar: HolidayCalendar, *, tz: ZoneInfo | str | None = None
    ) -> date | None:
        """The last day of the ban, which runs from the day the person actually left (C-225/16 Ouhrami).

        The departure day is not counted; the ban ends on the same date `years` later, never rolled forward.
        """
        if self.years is None:
            return None
        spec = DeadlineSpec(
            "RD.11.2", "RD", "11(2)", Rule.NATIONAL, self.years, Unit.YEARS, Purpose.PROHIBITION, "departure"
        )
        deadline = spec.compute(start_instant(departed_on, calendar, tz=tz), calendar, tz=tz)
        return deadline.unrolled_last_day
