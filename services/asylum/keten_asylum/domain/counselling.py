"""Free legal counselling in the administrative procedure (APR Art 16): requested, then provided or refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from keten_asylum.domain.model import BEFORE_DECISION, Application
from keten_asylum.domain.procedural import require_between, require_state
from keten_shared.errors import InvalidData, TransitionNotAllowed

# APR Art 16(1): free legal counselling in the administrative procedure (in appeal: APR Art 17).
COUNSELLING_STATES = BEFORE_DECISION


class CounsellingStatus(StrEnum):
    REQUESTED = "REQUESTED"
    PROVIDED = "PROVIDED"
    REFUSED = "REFUSED"


class CounsellingRefusalGround(StrEnum):
    """APR Art 16 (asylum chapter §2.6): when free legal counselling may be refused."""

    SUBSEQUENT_TO_DELAY_REMOVAL = "SUBSEQUENT_TO_DELAY_REMOVAL"  # a first subsequent application to delay removal
    FURTHER_SUBSEQUENT = "FURTHER_SUBSEQUENT"  # a second or further subsequent application
    LEGAL_ADVISER_ACTS = "LEGAL_ADVISER_ACTS"  # a legal adviser already assists the applicant


SUBSEQUENT_ONLY = frozenset(
    {CounsellingRefusalGround.SUBSEQUENT_TO_DELAY_REMOVAL, CounsellingRefusalGround.FURTHER_SUBSEQUENT}
)


@dataclass
class CounsellingRequest:
    id: str
    application_id: str
    requested_at: datetime
    recorded_at: datetime
    status: CounsellingStatus = CounsellingStatus.REQUESTED
    provided_at: datetime | None = None
    provider: str | None = None
    refusal_ground: CounsellingRefusalGround | None = None
    reasons: str | None = None
    decided_at: datetime | None = None

    @classmethod
    def request(
        cls, application: Application, *, request_id: str, requested_at: datetime, now: datetime
    ) -> CounsellingRequest:
        # APR Art 16(1): free legal counselling on request in the administrative procedure.
        require_state(application, COUNSELLING_STATES, "request free legal counselling")
        require_between("requested_at", requested_at, application.made_at, now, "the making")
        return cls(id=request_id, application_id=application.id, requested_at=requested_at, recorded_at=now)

    def _require_requested(self) -> None:
        if self.status is not CounsellingStatus.REQUESTED:
            raise TransitionNotAllowed(f"the counselling request {self.id} is already {self.status}")

    def provide(self, *, provided_at: datetime, provider: str, now: datetime) -> None:
        self._require_requested()
        require_between("provided_at", provided_at, self.requested_at, now, "the request")
        self.status, self.provided_at, self.provider, self.decided_at = (
            CounsellingStatus.PROVIDED,
            provided_at,
            provider,
            now,
        )

    def refuse(self, *, ground: CounsellingRefusalGround, reasons: str, subsequent: bool, now: datetime) -> None:
        self._require_requested()
        # APR Art 16: the subsequent-application grounds need a subsequent application (APR Art 55).
        if ground in SUBSEQUENT_ONLY and not subsequent:
            raise InvalidData(f"APR Art 16: {ground} applies only to a subsequent application")
        self.status, self.refusal_ground, self.reasons, self.decided_at = (
            CounsellingStatus.REFUSED,
            ground,
            reasons,
            now,
        )
