"""Fixtures: the W1-W10 reference calendar of time.md §4 and the real NL calendar."""

from __future__ import annotations

from datetime import date

import pytest

from keten_shared.deadlines import HolidayCalendar


@pytest.fixture(scope="session")
def golden() -> HolidayCalendar:
    """time.md §4 assumptions: the public holidays are 25 and 26 December and 1 January only."""
    years = range(2024, 2031)
    days = [date(y, m, d) for y in years for (m, d) in ((12, 25), (12, 26), (1, 1))]
    return HolidayCalendar.from_dates("NL", days, years)


@pytest.fixture(scope="session")
def nl() -> HolidayCalendar:
    """Dutch public holidays from the `holidays` package, 2020-2040."""
    return HolidayCalendar("NL")
