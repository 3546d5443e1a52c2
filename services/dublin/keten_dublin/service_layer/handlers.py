"""Dublin use cases."""

from __future__ import annotations

import uuid

from keten_dublin.adapters.repository import ProcedureRepository
from keten_dublin.domain.model import DublinProcedure, regime_for
from keten_shared.events import CloudEvent
from keten_shared.events.catalog.asylum import ApplicationRegistered
from keten_shared.events.catalog.dublin import DublinProcedureStarted
from keten_shared.uow import UnitOfWork


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
    uow.publish(
        DublinProcedureStarted(
            case_id=procedure.id,
            person_id=procedure.person_id,
            member_state=procedure.member_state,
            asylum_case_id=procedure.asylum_case_id,
            application_registered_at=data.registered_at,
            started_at=now,
        ),
        subject=procedure.id,
    )


EVENT_HANDLERS = {"asylum.application.registered": on_application_registered}
