"""The special procedural guarantees assessment (APR Art 20-21); the first one meets the T4 limit."""

from __future__ import annotations

from datetime import datetime

from keten_asylum.domain import guarantees
from keten_asylum.service_layer.procedural import audit, guarantees_limit, locked_application, meet, new_id, records_of
from keten_shared.uow import UnitOfWork


async def assess_guarantees(
    uow: UnitOfWork,
    application_id: str,
    *,
    assessed_at: datetime,
    needs: list[str],
    adequate_support: bool,
    medical_examination: bool = False,
    support_measures: str | None = None,
    reasons: str | None = None,
) -> guarantees.GuaranteesAssessment:
    """The assessment, or its review on a relevant change (APR Art 20); the first one meets the T4 limit."""
    application = await locked_application(uow, application_id)
    history = await assessments(uow, application_id)
    current = next((a for a in history if a.superseded_at is None), None)
    limit = await guarantees_limit(uow, application.id)
    in_time = True
    if current is None:  # APR Art 20: the first assessment within 30 days of the making (T4)
        in_time = limit is None or uow.local_date(assessed_at) <= limit.deadline
    assessment = guarantees.assessment(
        application,
        current,
        assessment_id=new_id(),
        assessed_at=assessed_at,
        needs=needs,
        adequate_support=adequate_support,
        in_time=in_time,
        now=uow.now(),
        medical_examination=medical_examination,
        support_measures=support_measures,
        reasons=reasons,
    )
    await meet(uow, limit, application, assessed_at)
    uow.session.add(assessment)
    audit(
        uow,
        application,
        "special_guarantees.reviewed" if assessment.review else "special_guarantees.assessed",
        "APR Art 20",
        assessment_id=assessment.id,
        in_time=in_time,
        special_procedural_needs_unsupported=assessment.special_procedural_needs_unsupported,
    )
    return assessment


async def assessments(uow: UnitOfWork, application_id: str) -> list[guarantees.GuaranteesAssessment]:
    return await records_of(uow, guarantees.GuaranteesAssessment, application_id, "recorded_at")
