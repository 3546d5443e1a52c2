"""The choices time.md §5 leaves to configuration, as a pydantic model for nesting into settings."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .model import Rule


class LibertyCapPolicy(StrEnum):
    UNROLLED = "UNROLLED"  # enforce at the end of the unrolled last day: ending a restriction early is lawful
    LEGAL = "LEGAL"  # use the full legal period, after roll-forward


class WindowBoundary(StrEnum):
    INCLUSIVE = "INCLUSIVE"  # the day exactly X after the event is inside the window
    STRICT_ANNIVERSARY = "STRICT_ANNIVERSARY"  # for "less than X" windows that day is outside


class InterStateCalendar(StrEnum):
    ACTING_MS = "ACTING_MS"  # holidays of the MS that must act
    BOTH_LATEST = "BOTH_LATEST"  # compute with both MS' calendars and take the later legal end


class ExtensionBase(StrEnum):
    ORIGINAL_EVENT = "ORIGINAL_EVENT"  # 6 + 6 months = 12 months from the original event
    ROLLED_END = "ROLLED_END"  # the extension runs from the (rolled-forward) last day of the first period


class DeadlineConfig(BaseModel):
    """time.md §5 configuration keys with their defaults."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # time.md §3.10 (design): ending a restriction early is always lawful.
    liberty_cap_policy: LibertyCapPolicy = LibertyCapPolicy.UNROLLED
    # time.md §3.6 (design): AMMR 75(a)-(c) read literally; choose per MS after legal review.
    window_boundary: WindowBoundary = WindowBoundary.INCLUSIVE
    # time.md §3.6 (design): whether courts roll windows forward under AMMR 75(d) is open
    # (unverified in time.md: configurable).
    window_rollover: bool = False
    # time.md §3.5 (design): which calendar governs inter-state periods is open
    # (unverified in time.md: configurable).
    inter_state_calendar: InterStateCalendar = InterStateCalendar.ACTING_MS
    # time.md §3.9 (design): ms -> deadline key -> base rule; an unset key uses 1182/71 semantics.
    national_rule: dict[str, dict[str, Rule]] = Field(default_factory=dict)
    # 1182/71 Art 3(5), applied to 1182/71-based rules only (unverified in time.md: configurable).
    two_working_day_minimum: bool = True
    # time.md §3.3 (design; legal review): extensions count from the original event.
    extension_base: ExtensionBase = ExtensionBase.ORIGINAL_EVENT

    @field_validator("national_rule")
    @classmethod
    def _names_base_rules(cls, value: dict[str, dict[str, Rule]]) -> dict[str, dict[str, Rule]]:
        for ms, rules in value.items():
            for key, rule in rules.items():
                if rule is Rule.NATIONAL:
                    raise ValueError(f"national_rule[{ms}][{key}] must name a base rule, not NATIONAL")
        return {ms.upper(): rules for ms, rules in value.items()}


DEFAULT_CONFIG = DeadlineConfig()
