"""National choices and activation records of the asylum service (variables prefixed ``KETEN_ASYLUM_``).

The APR leaves several numbers to national law inside an EU range; each is validated against that range
(asylum chapter §0). Where the chapter marks a fact unverified, the default below is the chapter's and the
field says so.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from keten_shared.deadlines import Unit
from keten_shared.uow import UnitOfWork

# CR Art 20: the Crisis Regulation applies from 1 July 2026; no derogation can run before.
CRISIS_REGULATION_APPLIES_FROM = date(2026, 7, 1)


class CrisisKind(StrEnum):
    MASS_ARRIVAL = "MASS_ARRIVAL"  # CR Art 1(4)(a)
    INSTRUMENTALISATION = "INSTRUMENTALISATION"  # CR Art 1(4)(b)
    FORCE_MAJEURE = "FORCE_MAJEURE"  # CR Art 1(4)(c)


class Derogation(StrEnum):
    """The Crisis Regulation derogations that touch the asylum service (asylum chapter §7)."""

    REGISTRATION_4_WEEKS = "CR_10"  # CR Art 10(1): registration up to 4 weeks after making
    BORDER_PLUS_6_WEEKS = "CR_11_1"  # CR Art 11(1): border maximum + up to 6 weeks
    BORDER_RELIEF_LOW_RECOGNITION = "CR_11_2"  # CR Art 11(2): 42(1)(j) cases need not go to the border
    THRESHOLD_5_PERCENT = "CR_11_3"  # CR Art 11(3): mandatory border threshold lowered to 5 %
    BORDER_MERITS_50_PERCENT = "CR_11_4"  # CR Art 11(4): border merits also at rates up to 50 %
    INSTRUMENTALISED_ALL_MERITS = "CR_11_6"  # CR Art 11(6): border merits for all instrumentalised persons


class CrisisRegime(BaseModel):
    """A Council implementing decision authorising derogations for this member state (CR Art 4(3)-(5), 5)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    decision_ref: str = Field(min_length=1, description="the Council implementing decision")
    kind: CrisisKind
    derogations: frozenset[Derogation]
    valid_from: date
    valid_to: date = Field(description="last day the derogations apply, extensions included (CR Art 5(1)-(2))")

    @model_validator(mode="after")
    def _within_the_regulation(self) -> CrisisRegime:
        if self.valid_from < CRISIS_REGULATION_APPLIES_FROM:
            raise ValueError("CR Art 20: no crisis derogation applies before 1 July 2026")
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to


class ActivationPeriod(BaseModel):
    """A recorded activation of the disproportionate-numbers rules (APR 27(5), 28(5), 35(5)(a), 23(3))."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reference: str = Field(min_length=1, description="the national act recording the situation")
    valid_from: date
    valid_to: date

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to


class AppealPeriod(BaseModel):
    """A national appeal period inside an EU range (APR Art 67(7))."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: int = Field(ge=1)
    unit: Unit

    def in_days_at_most(self) -> int:
        return {Unit.DAYS: 1, Unit.WORKING_DAYS: 1, Unit.WEEKS: 7, Unit.MONTHS: 31}[self.unit] * self.amount

    def in_days_at_least(self) -> int:
        return {Unit.DAYS: 1, Unit.WORKING_DAYS: 1, Unit.WEEKS: 7, Unit.MONTHS: 28}[self.unit] * self.amount


class AsylumSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KETEN_ASYLUM_", env_nested_delimiter="__", extra="ignore")

    appeal_period_short: AppealPeriod = Field(
        AppealPeriod(amount=7, unit=Unit.DAYS),
        description="APR 67(7)(a), national between 5 and 10 days (T13)",
    )
    appeal_period_long: AppealPeriod = Field(
        AppealPeriod(amount=1, unit=Unit.MONTHS),
        description="APR 67(7)(b), national between 2 weeks and 1 month (T14)",
    )
    subsequent_remain_exception: bool = Field(
        True,
        description="APR Art 10(4)(a), 56(b): no right to remain during a second or later subsequent application "
        "after a rejected first one (a national option)",
    )
    remain_request_days: int = Field(5, ge=5, description="APR 68(5)(a): at least 5 days to ask a court to remain")
    no_auto_suspense_inadmissibility_grounds: list[str] = Field(
        ["38(1)(a)", "38(1)(d)", "38(1)(e)", "38(2)"],
        description="APR 68(3)(b); language versions differ (unverified, corrigendum of 25.11.2025)",
    )
    recognition_rate_threshold: Decimal = Field(
        Decimal("0.20"), ge=0, le=1, description="APR 42(1)(j): EU-wide recognition rate at or below which"
    )
    border_capacity: int = Field(
        0, ge=0, description="APR 47(1) adequate capacity of this member state; 0 = not configured"
    )
    border_annual_maximum: int = Field(
        0, ge=0, description="APR 47(1) annual maximum of border examinations; 0 = not configured"
    )
    border_capacity_notified_on: date | None = Field(
        None, description="APR 48: day the Commission was notified that adequate capacity is reached"
    )
    border_annual_maximum_authorised_on: date | None = Field(
        None, description="APR 50: day of the implementing act authorising relief from the annual maximum"
    )
    border_lodging_days: int = Field(5, ge=1, description="APR 51(1): lodging within 5 days of first registration")
    registration_extension_days: int = Field(
        15, ge=5, description="APR 27(5): registration in disproportionate numbers"
    )
    disproportionate_numbers: list[ActivationPeriod] = Field(
        default_factory=list, description="recorded periods of disproportionate numbers (APR 27(5), 28(5), 35(5)(a))"
    )
    crisis_regimes: list[CrisisRegime] = Field(
        default_factory=list, description="Council implementing decisions under Reg. 2024/1359 for this member state"
    )
    representative_uam_maximum_exceptional: int = Field(
        50,
        ge=30,
        le=50,
        description="APR 23(10): UAM per representative in disproportionate numbers or other exceptional situations "
        "(national choice, 30-50; normally 30)",
    )
    permit_validity_refugee_years: int = Field(3, ge=3, description="QR 24(2): initial permit, at least 3 years")
    permit_validity_subsidiary_years: int = Field(1, ge=1, description="QR 24(2): initial permit, at least 1 year")

    @field_validator("appeal_period_short")
    @classmethod
    def _short_in_range(cls, value: AppealPeriod) -> AppealPeriod:
        # APR Art 67(7)(a): at least 5 days and at most 10 days.
        if value.in_days_at_least() < 5 or value.in_days_at_most() > 10:
            raise ValueError("APR 67(7)(a): the appeal period must lie between 5 and 10 days")
        return value

    @field_validator("appeal_period_long")
    @classmethod
    def _long_in_range(cls, value: AppealPeriod) -> AppealPeriod:
        # APR Art 67(7)(b): at least 2 weeks and at most 1 month.
        if value.in_days_at_least() < 14 or (value.unit is not Unit.MONTHS and value.in_days_at_most() > 28):
            raise ValueError("APR 67(7)(b): the appeal period must lie between 2 weeks and 1 month")
        if value.unit is Unit.MONTHS and value.amount != 1:
            raise ValueError("APR 67(7)(b): the appeal period must lie between 2 weeks and 1 month")
        return value

    def crisis_regime_on(self, day: date) -> CrisisRegime | None:
        """The regime whose period covers `day` (CR 10(1), 11(1): derogations follow the day of making)."""
        return next((r for r in self.crisis_regimes if r.active_on(day)), None)

    def disproportionate_numbers_on(self, day: date) -> ActivationPeriod | None:
        return next((p for p in self.disproportionate_numbers if p.active_on(day)), None)


def asylum_settings(uow: UnitOfWork) -> AsylumSettings:
    """The national choices of the running service (its adapters hold them; see entrypoints/app.py)."""
    return uow.adapters.config
