"""The values the library returns: rules, units, purposes, the computed Deadline and its trace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from keten_shared.clock import Clock

from .errors import NaiveDatetimeError


class Rule(StrEnum):
    """The computation article a period is counted under (time.md §2)."""

    APR_73 = "APR_73"  # Reg. (EU) 2024/1348 Art 73
    AMMR_75 = "AMMR_75"  # Reg. (EU) 2024/1351 Art 75
    RBPR_11 = "RBPR_11"  # Reg. (EU) 2024/1349 Art 11
    EU_1182_71 = "EU_1182_71"  # Reg. 1182/71: SR, Eurodac, CR, QR, Reg 1560/2003 (no own article)
    DUBLIN3_42 = "DUBLIN3_42"  # Reg. (EU) 604/2013 Art 42: legacy Dublin III cases
    NATIONAL = "NATIONAL"  # national law (RCD, RD, national appeal periods), time.md §3.9


class Unit(StrEnum):
    HOURS = "HOURS"
    DAYS = "DAYS"
    WORKING_DAYS = "WORKING_DAYS"
    WEEKS = "WEEKS"
    MONTHS = "MONTHS"
    YEARS = "YEARS"


class Purpose(StrEnum):
    """What the period is for; it decides the operational end (time.md §3.10)."""

    ACT_TIME_LIMIT = "ACT_TIME_LIMIT"  # a period given to a person or an authority to act
    LIBERTY_CAP = "LIBERTY_CAP"  # a maximum for restricting a person (screening, detention, border procedure)
    PROHIBITION = "PROHIBITION"  # an entry ban under RD 11
    ELIGIBILITY_WINDOW = "ELIGIBILITY_WINDOW"  # a condition on facts (AMMR 29(4), 33 ...): see window()


class WindowKind(StrEnum):
    """How an eligibility window is worded in the act (time.md §3.6)."""

    LESS_THAN = "LESS_THAN"  # "less than X before/after": the fact counts inside the window
    MORE_THAN = "MORE_THAN"  # "ceases if more than X after": the rule applies inside the window


@dataclass(frozen=True)
class TraceStep:
    """One step of a computation, kept so a decision can be explained later."""

    step: str
    detail: str
    value: str

    def to_dict(self) -> dict[str, str]:
        return {"step": self.step, "detail": self.detail, "value": self.value}


@dataclass(frozen=True, kw_only=True)
class Deadline:
    """A computed period. Instants are in UTC (time.md §3.8: store UTC); `tz` is the zone the dates were
    computed in. An end instant is the moment the period has expired: 24:00 local time of the last day
    (= 00:00 of the next local day) for day-based periods, the end of the last hour for hours (§3.7).
    """

    rule_applied: Rule
    unit: Unit
    amount: int
    purpose: Purpose
    start: datetime
    unrolled_end: datetime
    legal_end: datetime
    operational_end: datetime
    unrolled_last_day: date | None
    legal_last_day: date | None
    target_ts: datetime | None
    legal_basis: str
    calendar_version: str
    ms: str
    tz: str
    trace: tuple[TraceStep, ...]

    def is_expired(self, now: datetime | Clock) -> bool:
        """True from the operational end onwards."""
        return _instant(now) >= self.operational_end

    def remaining(self, now: datetime | Clock) -> timedelta:
        """Time left until the operational end; negative once it has passed."""
        return self.operational_end - _instant(now)

    def to_dict(self) -> dict[str, object]:
        """A JSON-safe form for storage: instants as UTC ISO 8601, days as ISO dates."""
        return {
            "rule_applied": self.rule_applied.value,
            "unit": self.unit.value,
            "amount": self.amount,
            "purpose": self.purpose.value,
            "start": _iso(self.start),
            "unrolled_end": _iso(self.unrolled_end),
            "legal_end": _iso(self.legal_end),
            "operational_end": _iso(self.operational_end),
            "unrolled_last_day": _day_iso(self.unrolled_last_day),
            "legal_last_day": _day_iso(self.legal_last_day),
            "target_ts": _iso(self.target_ts),
            "legal_basis": self.legal_basis,
            "calendar_version": self.calendar_version,
            "ms": self.ms,
            "tz": self.tz,
            "trace": [step.to_dict() for step in self.trace],
        }


@dataclass(frozen=True, kw_only=True)
class EligibilityWindow:
    """The days on which an AMMR window condition holds: first_day to last_day, both included."""

    rule_applied: Rule
    kind: WindowKind
    event_date: date
    amount: int
    unit: Unit
    first_day: date
    last_day: date
    calendar_version: str | None
    trace: tuple[TraceStep, ...]

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def to_dict(self) -> dict[str, object]:
        return {
            "rule_applied": self.rule_applied.value,
            "kind": self.kind.value,
            "event_date": self.event_date.isoformat(),
            "amount": self.amount,
            "unit": self.unit.value,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "calendar_version": self.calendar_version,
            "trace": [step.to_dict() for step in self.trace],
        }


def _instant(now: datetime | Clock) -> datetime:
    at = now if isinstance(now, datetime) else now.now()
    if at.utcoffset() is None:
        raise NaiveDatetimeError("`now` must be timezone-aware")
    return at.astimezone(UTC)  # same-zone arithmetic in Python is wall-clock time; UTC is elapsed time


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def _day_iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
