"""Dublin use cases driven by events: a procedure per registered application, assessed on the facts at hand."""

from __future__ import annotations

import uuid

from keten_dublin.adapters.facts_repository import PersonFactsRepository, ScreeningFindings
from keten_dublin.adapters.repository import ProcedureRepository
from keten_dublin.domain.determination import NextAction
from keten_dublin.domain.facts import EurodacHit, HitCategory
from keten_dublin.domain.model import DublinProcedure, ProcedureStatus, Regime, regime_for
from keten_dublin.service_layer.assessment import assess
from keten_dublin.service_layer.requests import schedule_request_limit
from keten_shared.events import CloudEvent
from keten_shared.events.catalog.asylum import ApplicationRegistered
from keten_shared.events.catalog.dublin import DublinProcedureStarted
from keten_shared.events.catalog.screening import EurodacHitConfirmed, ScreeningCaseReferred
from keten_shared.uow import UnitOfWork

# Screening names the SR Art 15 security check "security" among the checks it could not complete.
SECURITY_CHECK = "security"
OTHER_MS = (NextAction.TAKE_CHARGE, NextAction.TAKE_BACK)


async def on_application_registered(data: ApplicationRegistered, _event: CloudEvent, uow: UnitOfWork) -> None:
    """AMMR Art 39(1): the member state where the application was registered determines who is responsible."""
    if data.transferred_from is not None:
        return  # AMMR Art 46: transferred here because this member state is responsible; nothing to determine
    repository = ProcedureRepository(uow.session)
    if await repository.find_one(asylum_case_id=data.case_id) is not None:
        return
    now = uow.now()
    procedure = DublinProcedure(
        id=str(uuid.uuid4()),
        person_id=data.person_id,
        member_state=data.member_state,
        asylum_case_id=data.case_id,
        regime=regime_for(uow.local_date(data.registered_at)),
        application_registered_at=data.registered_at,
        started_at=now,
        created_at=now,
        date_of_birth=data.person.date_of_birth,
        unaccompanied=data.unaccompanied_minor,
    )
    repository.add(procedure)
    uow.audit(
        "procedure.started",
        entity_type="dublin_procedure",
        entity_id=procedure.id,
        legal_basis="AMMR Art 39(1); AMMR Art 84(2)",
        after=procedure.status.value,
        details={"regime": procedure.regime.value},
    )
    evaluation = await assess(uow, procedure)
    elsewhere = None if evaluation is None else evaluation.determination.next_action in OTHER_MS
    if evaluation is not None:
        await schedule_request_limit(uow, procedure, evaluation)
    uow.publish(
        DublinProcedureStarted(
            case_id=procedure.id,
            person_id=procedure.person_id,
            member_state=procedure.member_state,
            asylum_case_id=procedure.asylum_case_id,
            application_registered_at=data.registered_at,
            started_at=now,
            another_member_state_possible=elsewhere,
        ),
        subject=procedure.id,
    )


async def on_hit_confirmed(data: EurodacHitConfirmed, event: CloudEvent, uow: UnitOfWork) -> None:
    """ED 38(4): a confirmed hit is kept for the determination; open procedures are assessed again."""
    facts = PersonFactsRepository(uow.session)
    record = data.record
    await facts.add_hit(
        data.person_id,
        EurodacHit(
            id=event.id,
            category=HitCategory(record.category),
            member_state=record.member_state,
            recorded_on=record.date,
            received_at=data.confirmed_at,  # starts AMMR 39(1) 2nd subpara and 41(1)
            responsible_ms=record.ms_responsible,
            relocation_ms=record.ms_of_relocation,
        ),
    )
    for ms in data.protected_in_ms:  # ED 31(1) mark: for the asylum service (APR 38(1)(c)), not a criterion
        hit = EurodacHit(
            id=f"{event.id}:protected:{ms}",
            category=HitCategory.BENEFICIARY,
            member_state=ms,
            recorded_on=record.date,
            received_at=data.confirmed_at,
        )
        await facts.add_hit(data.person_id, hit)
    await _reassess_open_procedures(uow, data.person_id)


async def on_case_referred(data: ScreeningCaseReferred, _event: CloudEvent, uow: UnitOfWork) -> None:
    """Keep what screening found that the determination needs (AMMR 16(4): re-use the SR Art 15 check)."""
    routing = data.asylum_routing
    security_threat = None if SECURITY_CHECK in data.missing_checks or routing is None else routing.security_flag
    findings = ScreeningFindings(
        screening_case_id=data.case_id,
        security_threat=security_threat,
        unaccompanied_minor=bool(routing and routing.unaccompanied_minor),
        date_of_birth=data.person.date_of_birth,
        referred_at=data.referred_at,
    )
    await PersonFactsRepository(uow.session).save_findings(data.person_id, findings)
    await _reassess_open_procedures(uow, data.person_id)


async def _reassess_open_procedures(uow: UnitOfWork, person_id: str) -> None:
    for procedure in await ProcedureRepository(uow.session).list(cursor=None, limit=200, person_id=person_id):
        if procedure.regime is Regime.AMMR and procedure.status is ProcedureStatus.DETERMINING:
            before = (procedure.assessed_action, procedure.request_due)
            evaluation = await assess(uow, procedure)
            # The request limit follows the next step and its last day; unchanged, its scheduled row stands.
            if evaluation is not None and (procedure.assessed_action, procedure.request_due) != before:
                await schedule_request_limit(uow, procedure, evaluation)


EVENT_HANDLERS = {
    "asylum.application.registered": on_application_registered,
    "eurodac.hit.confirmed": on_hit_confirmed,
    "screening.case.referred": on_case_referred,
}
