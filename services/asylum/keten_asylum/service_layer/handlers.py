"""Asylum use cases: each loads, asks the domain, and saves with its events in one unit of work."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from keten_asylum.adapters.repository import ApplicationRepository
from keten_asylum.domain import deadlines
from keten_asylum.domain.model import Application, Decision, registration_clock_start
from keten_shared.errors import InvalidData
from keten_shared.events import CloudEvent
from keten_shared.events.catalog.asylum import (
    ApplicationRegistered,
    DecisionIssued,
    DecisionOutcome,
    ProcedureType,
    ReturnDecisionMode,
)
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.screening import ReferralTarget, ScreeningCaseReferred
from keten_shared.uow import UnitOfWork


async def register_application(
    uow: UnitOfWork,
    *,
    person: PersonDetails,
    made_at: datetime,
    person_id: str | None = None,
    screening_case_id: str | None = None,
    screening_referral: dict[str, Any] | None = None,
    registration_start: datetime | None = None,
    unaccompanied_minor: bool = False,
) -> Application:
    """Register an application (APR Art 27) and open its lodging period (APR Art 28(1))."""
    now = uow.now()
    made_at = made_at.astimezone(UTC)  # time.md §3.8: instants are kept in UTC
    if made_at > now:
        raise InvalidData("made_at lies in the future")
    registration = uow.deadline(deadlines.REGISTRATION, registration_start or made_at)
    lodging = uow.deadline(deadlines.LODGING, now)
    application = Application(
        id=str(uuid.uuid4()),
        person_id=person_id or str(uuid.uuid4()),
        member_state=uow.settings.member_state,
        person=person.model_dump(mode="json"),
        made_at=made_at,
        registered_at=now,
        registration_deadline=registration.legal_last_day,
        lodging_deadline=lodging.legal_last_day,
        created_at=now,
        screening_case_id=screening_case_id,
        screening_referral=screening_referral,
        unaccompanied_minor=unaccompanied_minor,
    )
    ApplicationRepository(uow.session).add(application)
    uow.audit(
        "application.registered",
        entity_type="application",
        entity_id=application.id,
        legal_basis="APR Art 27(1)",
        after=application.status.value,
    )
    uow.publish(
        ApplicationRegistered(
            case_id=application.id,
            person_id=application.person_id,
            member_state=application.member_state,
            screening_case_id=screening_case_id,
            made_at=made_at,
            registered_at=now,
            lodging_deadline=application.lodging_deadline,
            person=person,
            unaccompanied_minor=unaccompanied_minor,
        ),
        subject=application.id,
    )
    return application


async def decide(
    uow: UnitOfWork,
    application: Application,
    *,
    outcome: DecisionOutcome,
    procedure_type: ProcedureType,
    notified_at: datetime,
    return_decision_mode: ReturnDecisionMode | None,
) -> Decision:
    before = application.status.value
    decision = application.decide(
        outcome=outcome,
        procedure_type=procedure_type,
        notified_at=notified_at.astimezone(UTC),
        return_decision_mode=return_decision_mode,
        now=uow.now(),
    )
    uow.audit(
        "decision.issued",
        entity_type="application",
        entity_id=application.id,
        legal_basis="; ".join(decision.legal_basis),
        before=before,
        after=application.status.value,
        details={"decision_id": decision.id, "outcome": outcome.value},
    )
    uow.publish(
        DecisionIssued(
            case_id=application.id,
            decision_id=decision.id,
            person_id=application.person_id,
            member_state=application.member_state,
            outcome=outcome,
            legal_basis=decision.legal_basis,
            procedure_type=procedure_type,
            notified_at=decision.notified_at,
            return_decision_required=decision.return_decision_required,
            return_decision_mode=decision.return_decision_mode,
            nationalities=application.person.get("nationalities", []),
        ),
        subject=application.id,
    )
    return decision


async def on_screening_case_referred(data: ScreeningCaseReferred, _event: CloudEvent, uow: UnitOfWork) -> None:
    """SR Art 18(2): a person who applied during screening is referred here for registration."""
    if data.target is not ReferralTarget.ASYLUM or data.application_made_at is None:
        return
    if await ApplicationRepository(uow.session).find_one(screening_case_id=data.case_id) is not None:
        return  # already registered from an earlier copy of this referral
    await register_application(
        uow,
        person=data.person,
        made_at=data.application_made_at,
        person_id=data.person_id,
        screening_case_id=data.case_id,
        screening_referral=data.model_dump(mode="json", include={"form", "asylum_routing", "eurodac", "referral_note"}),
        unaccompanied_minor=bool(data.asylum_routing and data.asylum_routing.unaccompanied_minor),
        registration_start=registration_clock_start(data.application_made_at, data.referred_at, data.screening_reason),
    )


EVENT_HANDLERS = {"screening.case.referred": on_screening_case_referred}
