"""DeadlineSpec: how a service declares one of its deadlines once and computes it by name."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from .calendar import HolidayCalendar
from .compute import compute
from .config import DEFAULT_CONFIG, DeadlineConfig
from .model import Deadline, Purpose, Rule, TraceStep, Unit


@dataclass(frozen=True)
class DeadlineSpec:
    """One deadline of a service's rule registry, e.g. DeadlineSpec("APR.27.1", "APR", "27(1)", ...).

    For Rule.NATIONAL the id is the key looked up in config.national_rule[ms].
    """

    id: str
    act: str
    article: str
    rule: Rule
    amount: int
    unit: Unit
    purpose: Purpose
    start_event: str
    legal_basis: str = ""

    def compute(
        self,
        start: datetime,
        calendar: HolidayCalendar,
        *,
        tz: ZoneInfo | str | None = None,
        config: DeadlineConfig = DEFAULT_CONFIG,
    ) -> Deadline:
        """This deadline for the business event `self.start_event` that happened at `start`."""
        result = compute(
            self.rule,
            start,
            self.amount,
            self.unit,
            self.purpose,
            calendar,
            tz=tz,
            config=config,
            legal_basis=self.legal_basis or f"{self.act} Art {self.article}",
            national_key=self.id,
        )
        detail = f"{self.act} Art {self.article}, from {self.start_event}"
        step = TraceStep("deadline", detail, self.id)
        return replace(result, trace=(step, *result.trace))
