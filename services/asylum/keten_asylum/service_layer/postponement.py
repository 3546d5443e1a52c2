"""Postponing the regular examination for a temporary uncertain situation in the country of origin (APR Art 35(7))."""

from __future__ import annotations

from keten_asylum.adapters.repository import ApplicationRepository
from keten_asylum.domain import deadlines
from keten_asylum.domain.model import Application, ApplicationStatus
from keten_asylum.service_layer.routing import EXAMINATION_LIMIT
from keten_shared.countries import validate_nationality
from keten_shared.events.catalog.asylum import ExaminationPostponed
from keten_shared.scheduler import DueDeadline
from keten_shared.uow import UnitOfWork

POSTPONEMENT_REVIEW = "asylum.postponement_review"


async def postpone(uow: UnitOfWork, application: Application, *, country: str, reasons: str) -> None:
    """APR Art 35(7): review at least every 4 months; conclude within 21 months of lodging at the latest."""
    country = validate_nationality(country)
    now = uow.now()
    review = uow.deadline(deadlines.POSTPONEMENT_REVIEW, now)
    # Counted from lodging; an application not lodged is no regular examination, and postpone() refuses it.
    hard = uow.deadline(deadlines.POSTPONEMENT_MAXIMUM, application.lodged_at or now)
    before = application.status.value
    application.postpone(
        country=country,
        reasons=reasons,
        at=now,
        review_due=review.legal_last_day,
        hard_deadline=hard.legal_last_day,
    )
    await uow.cancel_deadlines(application.id, [EXAMINATION_LIMIT])
    await uow.schedule(case_id=application.id, kind=EXAMINATION_LIMIT, deadline=hard)
    await uow.schedule(case_id=application.id, kind=POSTPONEMENT_REVIEW, deadline=review)
    uow.audit(
        "examination.postponed",
        entity_type="application",
        entity_id=application.id,
        legal_basis="APR Art 35(7)",
        before=before,
        after=application.status.value,
        details={"country": country, "reasons": reasons},
    )
    uow.publish(
        ExaminationPostponed(
            case_id=application.id,
            member_state=application.member_state,
            country=country,
            postponed_at=now,
            next_review=review.legal_last_day,
            hard_deadline=hard.legal_last_day,
        ),
        subject=application.id,
    )


async def review(uow: UnitOfWork, application: Application, *, reasons: str) -> None:
    """APR Art 35(7): the situation reviewed; the next review is due 4 months from now."""
    next_review = uow.deadline(deadlines.POSTPONEMENT_REVIEW, uow.now())
    application.review_postponement(reasons=reasons, next_review_due=next_review.legal_last_day)
    await uow.cancel_deadlines(application.id, [POSTPONEMENT_REVIEW])
    await uow.schedule(case_id=application.id, kind=POSTPONEMENT_REVIEW, deadline=next_review)
    uow.audit(
        "postponement.reviewed",
        entity_type="application",
        entity_id=application.id,
        legal_basis="APR Art 35(7)",
        details={"reasons": reasons, "next_review": next_review.legal_last_day.isoformat()},
    )


async def end(uow: UnitOfWork, application: Application) -> None:
    """The situation has cleared: the examination resumes; the 21-month limit stays (APR Art 35(7))."""
    application.end_postponement()
    await uow.cancel_deadlines(application.id, [POSTPONEMENT_REVIEW])
    uow.audit(
        "postponement.ended",
        entity_type="application",
        entity_id=application.id,
        legal_basis="APR Art 35(7)",
        before="EXAM_POSTPONED",
        after=application.status.value,
    )


async def on_review_due(due: DueDeadline, uow: UnitOfWork) -> None:
    """APR Art 35(7): the 4-monthly review was not recorded in time; the case shows it."""
    application = await ApplicationRepository(uow.session).get(due.case_id)
    if application.status is ApplicationStatus.EXAM_POSTPONED:
        uow.audit(
            "postponement.review_overdue",
            entity_type="application",
            entity_id=application.id,
            legal_basis=due.legal_basis,
        )


DEADLINE_HANDLERS = {POSTPONEMENT_REVIEW: on_review_due}
