"""Exceptions raised by the deadline library; all are ValueErrors, so callers may catch that."""

from __future__ import annotations


class DeadlineError(ValueError):
    """A deadline cannot be computed from the given input."""


class NaiveDatetimeError(DeadlineError):
    """A datetime without a time zone was given; the library needs the instant (time.md §3.8)."""


class UnsupportedPeriodError(DeadlineError):
    """The rule, unit and purpose do not make a period the library can compute."""


class CalendarYearMissing(DeadlineError):
    """The holiday calendar has no data for a year the computation needs (time.md §3.8)."""

    def __init__(self, ms: str, year: int, version: str) -> None:
        super().__init__(f"no public-holiday data for {ms} in {year} (calendar {version}); add the year")
        self.ms = ms
        self.year = year
        self.version = version
