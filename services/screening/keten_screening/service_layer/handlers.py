"""Screening use cases: start, record an application, complete and refer; forced referral at the time limit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from keten_screening.adapters.repository import ScreeningRepository
from keten_screening.domain import deadlines
from keten_screening.domain.model import CHECKS, ScreeningCase, ScreeningStatus
from keten_shared.errors import InvalidData
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.screening import Completion, ScreeningCaseReferred, ScreeningReason
from keten_shared.scheduler import DueDeadline
from keten_shared.uow import UnitOfWork

COMPLETION_LIMIT = "screening.completion_limit"


async def start_screening(
    uow: UnitOfWork,
    *,
    reason: ScreeningReason,
    trigger_event_ts: datetime,
    location: str,
    person: PersonDetails,
    person_id: str | None = None,
    application_made_at: datetime | None = None,
) -> ScreeningCase:
    now = uow.now()
    # time.md §3.8: instants are kept in UTC, so a case reads the same however it was submitted.
    trigger_event_ts = trigger_event_ts.astimezone(UTC)
    application_made_at = application_made_at.astimezone(UTC) if application_made_at is not None else None
    if trigger_event_ts > now:
        raise InvalidData("trigger_event_ts lies in the future")
    if application_made_at is not None and application_made_at > now:
        raise InvalidData("application_made_at lies in the future")
    limit = uow.deadline(deadlines.completion_limit(reason), trigger_event_ts)
    case = ScreeningCase(
        id=str(uuid.uuid4()),
        person_id=person_id or str(uuid.uuid4()),
        member_state=uow.settings.member_state,
        screening_reason=reason,
        trigger_event_ts=trigger_event_ts,
        location=location,
        person=person.model_dump(mode="json"),
        deadline_strict=limit.unrolled_last_day,
        deadline_ptl=limit.legal_last_day,
        application_made_at=application_made_at,
        created_at=now,
    )
    ScreeningRepository(uow.session).add(case)
    await uow.schedule(case_id=case.id, kind=COMPLETION_LIMIT, deadline=limit)
    uow.audit(
        "screening.started",
        entity_type="screening",
        entity_id=case.id,
        legal_basis=limit.legal_basis,
        after=case.status.value,
    )
    return case


async def record_application(uow: UnitOfWork, case: ScreeningCase, made_at: datetime) -> None:
    case.record_application(made_at.astimezone(UTC), uow.now())
    uow.audit(
        "application.recorded",
        entity_type="screening",
        entity_id=case.id,
        legal_basis="SR Art 18(2)",
        before=case.status.value,
        after=case.status.value,
    )


async def refer(uow: UnitOfWork, case: ScreeningCase, *, completion: Completion, missing_checks: list[str]) -> None:
    before = case.status.value
    referral = case.refer(uow.now(), completion=completion, missing_checks=missing_checks)
    await uow.cancel_deadlines(case.id, [COMPLETION_LIMIT])
    uow.audit(
        "screening.referred",
        entity_type="screening",
        entity_id=case.id,
        legal_basis=referral.basis,
        before=before,
        after=case.status.value,
        details={"completion": completion.value},
    )
    uow.publish(
        ScreeningCaseReferred(
            case_id=case.id,
            person_id=case.person_id,
            member_state=case.member_state,
            screening_reason=case.screening_reason,
            trigger_event_ts=case.trigger_event_ts,
            location=case.location,
            referred_at=case.referred_at,
            target=referral.target,
            outcome=referral.outcome,
            basis=referral.basis,
            completion=completion,
            missing_checks=missing_checks,
            application_made_at=case.application_made_at,
            person=PersonDetails.model_validate(case.person),
        ),
        subject=case.id,
    )


async def on_completion_limit(due: DueDeadline, uow: UnitOfWork) -> None:
    """SR Art 18(5): at the SR 8 time limit screening ends and the person is referred, checks done or not."""
    case = await ScreeningRepository(uow.session).get(due.case_id)
    if case.status is ScreeningStatus.IN_PROGRESS:
        await refer(uow, case, completion=Completion.INCOMPLETE, missing_checks=list(CHECKS))


DEADLINE_HANDLERS = {COMPLETION_LIMIT: on_completion_limit}
