"""The screening case and where it is referred (pure domain)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from keten_shared.errors import InvalidData, TransitionNotAllowed
from keten_shared.events.catalog.screening import Completion, ReferralOutcome, ReferralTarget, ScreeningReason


class ScreeningStatus(StrEnum):
    IN_PROGRESS = "IN_PROGRESS"
    REFERRED_ASYLUM = "REFERRED_ASYLUM"
    REFERRED_RETURN = "REFERRED_RETURN"
    CONTINUE_RETURN = "CONTINUE_RETURN"


# The checks screening consists of (SR 12 health and vulnerability, SR 14 identity, SR 15 security,
# ED 22-24 biometrics). Until a check is recorded it counts as missing in a forced referral (SR 18(5)).
CHECKS = ("health", "vulnerability", "identity", "security", "biometrics")


@dataclass(frozen=True)
class Referral:
    target: ReferralTarget
    outcome: ReferralOutcome
    basis: str


def referral_for(reason: ScreeningReason, application_made: bool) -> Referral:
    """Where screening refers the person."""
    if application_made:
        # SR Art 18(2): a person who applied for international protection goes to the registration authority.
        return Referral(ReferralTarget.ASYLUM, ReferralOutcome.REFERRED_ASYLUM, "SR Art 18(2)")
    if reason is ScreeningReason.TERRITORY:
        # SR Art 18(4): a person screened inside the territory without an application stays in the return procedure.
        return Referral(ReferralTarget.RETURN, ReferralOutcome.CONTINUE_RETURN, "SR Art 18(4)")
    # SR Art 18(1): a person screened at the border without an application goes to the return authorities.
    return Referral(ReferralTarget.RETURN, ReferralOutcome.REFERRED_RETURN, "SR Art 18(1)")


@dataclass
class ScreeningCase:
    id: str
    person_id: str
    member_state: str
    screening_reason: ScreeningReason
    trigger_event_ts: datetime
    location: str
    person: dict[str, Any]
    deadline_strict: date
    deadline_ptl: date
    created_at: datetime
    status: ScreeningStatus = ScreeningStatus.IN_PROGRESS
    application_made_at: datetime | None = None
    referred_at: datetime | None = None
    completion: Completion | None = None
    missing_checks: list[str] = field(default_factory=list)
    version: int = 1

    def __post_init__(self) -> None:
        # SR Art 5(2): this category is defined by the application made at the border crossing point.
        if self.screening_reason is ScreeningReason.BORDER_BCP_APPLICANT and self.application_made_at is None:
            raise InvalidData("a BORDER_BCP_APPLICANT screening needs application_made_at (SR Art 5(2))")

    def record_application(self, made_at: datetime, now: datetime) -> None:
        """SR Art 18(2): an application made during screening turns the referral to asylum; the clock runs on."""
        if self.status is not ScreeningStatus.IN_PROGRESS:
            raise TransitionNotAllowed(f"screening {self.id} is {self.status}", current_status=self.status.value)
        if self.application_made_at is not None:
            raise TransitionNotAllowed(
                f"screening {self.id} already records an application", current_status=self.status.value
            )
        if made_at > now:
            raise InvalidData("made_at lies in the future")
        self.application_made_at = made_at

    def refer(self, now: datetime, *, completion: Completion, missing_checks: list[str]) -> Referral:
        """End screening with a referral (SR 18); forced at the time limit with completion INCOMPLETE (SR 18(5))."""
        if self.status is not ScreeningStatus.IN_PROGRESS:
            raise TransitionNotAllowed(f"screening {self.id} is {self.status}", current_status=self.status.value)
        referral = referral_for(self.screening_reason, self.application_made_at is not None)
        self.status = ScreeningStatus(referral.outcome.value)
        self.referred_at = now
        self.completion = completion
        self.missing_checks = missing_checks
        return referral
