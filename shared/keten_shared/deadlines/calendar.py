"""Public-holiday calendars and default time zones per member state (time.md §3.4, §3.5, §3.8)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date
from zoneinfo import ZoneInfo

import holidays

from .errors import CalendarYearMissing, DeadlineError

DEFAULT_YEARS = range(2020, 2041)

# Default (mainland) time zone of the EU-27 and the Schengen-associated states; pass `tz` to override,
# e.g. Atlantic/Canary for ES or Atlantic/Azores for PT. "EL" is the EU code for Greece.
MEMBER_STATE_TIMEZONES: Mapping[str, str] = {
    "AT": "Europe/Vienna",
    "BE": "Europe/Brussels",
    "BG": "Europe/Sofia",
    "CY": "Asia/Nicosia",
    "CZ": "Europe/Prague",
    "DE": "Europe/Berlin",
    "DK": "Europe/Copenhagen",
    "EE": "Europe/Tallinn",
    "EL": "Europe/Athens",
    "ES": "Europe/Madrid",
    "FI": "Europe/Helsinki",
    "FR": "Europe/Paris",
    "GR": "Europe/Athens",
    "HR": "Europe/Zagreb",
    "HU": "Europe/Budapest",
    "IE": "Europe/Dublin",
    "IT": "Europe/Rome",
    "LT": "Europe/Vilnius",
    "LU": "Europe/Luxembourg",
    "LV": "Europe/Riga",
    "MT": "Europe/Malta",
    "NL": "Europe/Amsterdam",
    "PL": "Europe/Warsaw",
    "PT": "Europe/Lisbon",
    "RO": "Europe/Bucharest",
    "SE": "Europe/Stockholm",
    "SI": "Europe/Ljubljana",
    "SK": "Europe/Bratislava",
    "CH": "Europe/Zurich",
    "IS": "Atlantic/Reykjavik",
    "LI": "Europe/Vaduz",
    "NO": "Europe/Oslo",
}

_ISO_CODE = {"EL": "GR"}  # the `holidays` package knows Greece only by its ISO code
_WEEKEND = {5: "Saturday", 6: "Sunday"}


def member_state_timezone(ms: str) -> ZoneInfo:
    """The default time zone of a member state (ISO 3166 alpha-2; "EL" accepted for Greece)."""
    try:
        return ZoneInfo(MEMBER_STATE_TIMEZONES[ms.upper()])
    except KeyError:
        raise DeadlineError(f"no default time zone for member state {ms!r}; pass tz explicitly") from None


class HolidayCalendar:
    """Working days of one member state: not a Saturday, a Sunday or a public holiday (time.md §3.4).

    Covers an explicit set of years; asking about a day outside them raises CalendarYearMissing
    instead of silently treating it as weekends only (time.md §3.8).
    """

    def __init__(self, ms: str, years: Iterable[int] = DEFAULT_YEARS, *, subdiv: str | None = None) -> None:
        """National public holidays from the `holidays` package (regional ones only with `subdiv`)."""
        ms = ms.upper()
        covered = frozenset(years)
        source = holidays.country_holidays(_ISO_CODE.get(ms, ms), subdiv=subdiv, years=sorted(covered))
        suffix = f"-{subdiv}" if subdiv else ""
        self._setup(ms, covered, dict(source), f"holidays-{holidays.__version__}:{ms}{suffix}")

    @classmethod
    def from_dates(cls, ms: str, dates: Iterable[date] | Mapping[date, str], years: Iterable[int]) -> HolidayCalendar:
        """A calendar from explicit reference data; its version is a hash of that data."""
        named = dict(dates) if isinstance(dates, Mapping) else dict.fromkeys(dates, "public holiday")
        covered = frozenset(years)
        digest = hashlib.sha256(repr((ms.upper(), sorted(covered), sorted(named.items()))).encode()).hexdigest()[:12]
        calendar = cls.__new__(cls)
        calendar._setup(ms.upper(), covered, named, f"explicit:{digest}")
        return calendar

    def _setup(self, ms: str, years: frozenset[int], named: dict[date, str], version: str) -> None:
        if not years:
            raise DeadlineError("a holiday calendar must cover at least one year")
        outside = sorted(day for day in named if day.year not in years)
        if outside:
            raise DeadlineError(f"holidays outside the covered years: {outside}")
        self._ms = ms
        self._years = years
        self._holidays = named
        self._version = version

    @property
    def ms(self) -> str:
        return self._ms

    @property
    def years(self) -> frozenset[int]:
        return self._years

    @property
    def version(self) -> str:
        return self._version

    def non_working_reason(self, day: date) -> str | None:
        """Why `day` is not a working day ("Saturday", "Sunday", "public holiday: ..."), or None."""
        if day.year not in self._years:
            raise CalendarYearMissing(self._ms, day.year, self._version)
        if day in self._holidays:
            return f"public holiday: {self._holidays[day]}"
        return _WEEKEND.get(day.weekday())

    def is_working_day(self, day: date) -> bool:
        return self.non_working_reason(day) is None

    def __repr__(self) -> str:
        return f"HolidayCalendar({self._ms!r}, version={self._version!r})"
