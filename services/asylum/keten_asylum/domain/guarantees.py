"""The special procedural guarantees assessment (APR Art 20-21): the first one, and its reviews on a change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from keten_asylum.domain.model import Application
from keten_asylum.domain.procedural import require_between, require_open
from keten_shared.errors import InvalidData


@dataclass
class GuaranteesAssessment:
    """APR Art 20: the assessment of special procedural needs; a review replaces it and it stays on file."""

    id: str
    application_id: str
    assessed_at: datetime
    needs: list[str]
    adequate_support: bool
    recorded_at: datetime
    review: bool = False
    in_time: bool = True
    medical_examination: bool = False  # APR Art 20: may be integrated with medical examinations
    support_measures: str | None = None
    reasons: str | None = None
    superseded_at: datetime | None = None

    @property
    def special_procedural_needs_unsupported(self) -> bool:
        """The routing fact of APR Art 21(2), 53(2)(c): needs that adequate support cannot meet."""
        return bool(self.needs) and not self.adequate_support


def assessment(
    application: Application,
    current: GuaranteesAssessment | None,
    *,
    assessment_id: str,
    assessed_at: datetime,
    needs: list[str],
    adequate_support: bool,
    in_time: bool,
    now: datetime,
    medical_examination: bool = False,
    support_measures: str | None = None,
    reasons: str | None = None,
) -> GuaranteesAssessment:
    """A first assessment, or a review on a relevant change that replaces `current` (APR Art 20)."""
    require_open(application, "assess special procedural guarantees")
    require_between("assessed_at", assessed_at, application.made_at, now, "the making")
    if len(set(needs)) != len(needs):
        raise InvalidData("needs must not repeat")
    if not needs and not adequate_support:
        raise InvalidData("APR Art 21(2): support can only be lacking for a special procedural need")
    if current is not None:
        if assessed_at < current.assessed_at:
            raise InvalidData("a review is not older than the assessment it replaces (APR Art 20)")
        current.superseded_at = now
    return GuaranteesAssessment(
        id=assessment_id,
        application_id=application.id,
        assessed_at=assessed_at,
        needs=list(needs),
        adequate_support=adequate_support,
        recorded_at=now,
        review=current is not None,
        in_time=in_time,
        medical_examination=medical_examination,
        support_measures=support_measures,
        reasons=reasons,
    )
