"""Reception use cases."""

from __future__ import annotations

import uuid

from keten_reception.adapters.repository import ReceptionFileRepository
from keten_reception.domain import deadlines
from keten_reception.domain.model import ReceptionFile
from keten_shared.events import CloudEvent
from keten_shared.events.catalog.asylum import ApplicationRegistered
from keten_shared.events.catalog.reception import ReceptionFileOpened
from keten_shared.uow import UnitOfWork


async def on_application_registered(data: ApplicationRegistered, _event: CloudEvent, uow: UnitOfWork) -> None:
    """RCD Art 19(1): material reception conditions are available from the making of the application."""
    repository = ReceptionFileRepository(uow.session)
    if await repository.find_one(asylum_case_id=data.case_id) is not None:
        return
    now = uow.now()
    assessment = uow.deadline(deadlines.NEEDS_ASSESSMENT, data.made_at)
    file = ReceptionFile(
        id=str(uuid.uuid4()),
        person_id=data.person_id,
        member_state=data.member_state,
        asylum_case_id=data.case_id,
        application_made_at=data.made_at,
        needs_assessment_due=assessment.legal_last_day,
        opened_at=now,
        created_at=now,
    )
    repository.add(file)
    uow.audit(
        "reception_file.opened",
        entity_type="reception_file",
        entity_id=file.id,
        legal_basis="RCD Art 19(1)",
        after=file.status.value,
    )
    uow.publish(
        ReceptionFileOpened(
            case_id=file.id,
            person_id=file.person_id,
            member_state=file.member_state,
            asylum_case_id=file.asylum_case_id,
            opened_at=now,
            needs_assessment_due=file.needs_assessment_due,
        ),
        subject=file.id,
    )


EVENT_HANDLERS = {"asylum.application.registered": on_application_registered}
