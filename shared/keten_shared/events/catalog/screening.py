"""Events of the screening service (Reg. (EU) 2024/1356)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from keten_shared.events.catalog.common import Identifier, MemberState, PersonDetails
from keten_shared.events.registry import EventData, event_type


class ScreeningReason(StrEnum):
    BORDER_IRREGULAR = "BORDER_IRREGULAR"  # SR 5(1)(a)
    BORDER_SAR = "BORDER_SAR"  # SR 5(1)(b)
    BORDER_BCP_APPLICANT = "BORDER_BCP_APPLICANT"  # SR 5(2)
    TERRITORY = "TERRITORY"  # SR 7(1)


class ReferralTarget(StrEnum):
    ASYLUM = "ASYLUM"
    RETURN = "RETURN"
    RELOCATION = "RELOCATION"


class ReferralOutcome(StrEnum):
    REFERRED_ASYLUM = "REFERRED_ASYLUM"
    REFERRED_RETURN = "REFERRED_RETURN"
    REFERRED_RELOCATION = "REFERRED_RELOCATION"
    CONTINUE_RETURN = "CONTINUE_RETURN"


class Completion(StrEnum):
    COMPLETE = "COMPLETE"
    INCOMPLETE = "INCOMPLETE"


@event_type("screening.case.referred", version=1, producer="screening")
class ScreeningCaseReferred(EventData):
    """Screening ended and the person is referred onward (SR 18); the screening form travels with it."""

    case_id: Identifier
    person_id: Identifier
    member_state: MemberState
    screening_reason: ScreeningReason
    trigger_event_ts: AwareDatetime = Field(description="apprehension, disembarkation or presentation")
    location: str
    referred_at: AwareDatetime
    target: ReferralTarget
    outcome: ReferralOutcome
    basis: str = Field(description="legal basis of the referral, e.g. 'SR Art 18(2)'")
    completion: Completion
    missing_checks: list[str] = Field(default_factory=list)
    application_made_at: AwareDatetime | None = Field(
        None, description="when an application for international protection was made during screening"
    )
    person: PersonDetails
