"""Dublin event handler against real PostgreSQL: one procedure per registered application, in its regime."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from keten_dublin.adapters.repository import ProcedureRepository
from keten_dublin.domain.model import ProcedureStatus, Regime
from keten_dublin.service_layer import handlers
from keten_shared.events.catalog.asylum import ApplicationRegistered
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.dublin import DublinProcedureStarted
from keten_shared.events.envelope import CloudEvent


def registered(registered_at: datetime = datetime(2026, 7, 3, 8, 0, tzinfo=UTC)) -> ApplicationRegistered:
    return ApplicationRegistered(
        case_id=f"asylum-{uuid.uuid4()}",
        person_id="person-d",
        member_state="NL",
        made_at=datetime(2026, 6, 29, 8, 0, tzinfo=UTC),
        registered_at=registered_at,
        lodging_deadline=date(2026, 7, 24),
        person=PersonDetails(family_name="Doe", nationalities=["PAK"]),
    )


async def handle(app, data: ApplicationRegistered, event_of) -> None:
    async with app.runtime.uow() as uow:
        await handlers.on_application_registered(data, event_of(data, subject=data.case_id), uow)
        await uow.commit()


async def procedures_for(app, asylum_case_id: str) -> list[dict]:
    async with app.runtime.uow() as uow:
        found = await ProcedureRepository(uow.session).list(cursor=None, limit=10, asylum_case_id=asylum_case_id)
        return [
            {
                "id": p.id,
                "person_id": p.person_id,
                "regime": p.regime,
                "status": p.status,
                "registered_at": p.application_registered_at,
                "started_at": p.started_at,
            }
            for p in found
        ]


async def test_registered_application_starts_a_procedure(app, probe, event_of):
    data = registered()
    await handle(app, data, event_of)
    [procedure] = await procedures_for(app, data.case_id)
    assert (procedure["person_id"], procedure["regime"], procedure["status"]) == (
        "person-d",
        Regime.AMMR,
        ProcedureStatus.DETERMINING,
    )
    assert (procedure["registered_at"], procedure["started_at"]) == (data.registered_at, app.runtime.clock.now())
    [row] = await probe.outbox(procedure["id"])
    assert (row.event_type, row.topic) == ("dublin.procedure.started", app.runtime.topics.events("dublin"))
    started = CloudEvent.model_validate_json(row.payload).payload()
    assert isinstance(started, DublinProcedureStarted)
    assert (started.case_id, started.asylum_case_id, started.application_registered_at) == (
        procedure["id"],
        data.case_id,
        data.registered_at,
    )
    assert started.another_member_state_possible is False  # nothing points elsewhere
    audit, assessed = await probe.audit(procedure["id"])
    assert assessed.action == "procedure.assessed"
    assert (audit.action, audit.legal_basis, audit.after_status, audit.details) == (
        "procedure.started",
        "AMMR Art 39(1); AMMR Art 84(2)",
        "DETERMINING",
        {"regime": "AMMR"},
    )


@pytest.mark.parametrize(
    ("registered_at", "regime"),
    [
        # 23:59:59 on Tue 30 June in the Netherlands: registered before 1 July -> Dublin III (AMMR 84(2)).
        (datetime(2026, 6, 30, 21, 59, 59, 999999, tzinfo=UTC), Regime.DUBLIN_III),
        # 00:00 on Wed 1 July in the Netherlands, still 30 June in UTC: the AMMR applies.
        (datetime(2026, 6, 30, 22, 0, tzinfo=UTC), Regime.AMMR),
        (datetime(2026, 6, 15, 10, 0, tzinfo=UTC), Regime.DUBLIN_III),
    ],
)
async def test_regime_follows_the_dutch_registration_day(app, event_of, registered_at, regime):
    data = registered(registered_at)
    await handle(app, data, event_of)
    [procedure] = await procedures_for(app, data.case_id)
    assert procedure["regime"] is regime


async def test_the_same_registration_twice_starts_one_procedure(app, probe, event_of):
    data = registered()
    await handle(app, data, event_of)
    await handle(app, data, event_of)
    [procedure] = await procedures_for(app, data.case_id)
    assert len(await probe.outbox(procedure["id"])) == 1


async def test_consumer_starts_one_procedure_however_often_the_event_arrives(app, probe, event_of, deliver, wait_for):
    data = registered()
    event, copy = event_of(data, subject=data.case_id), event_of(data, subject=data.case_id)
    for message in (event, event, copy):
        await deliver(message)
    await wait_for(lambda: probe.inbox(copy.id))
    [procedure] = await procedures_for(app, data.case_id)
    assert [row.event_type for row in await probe.outbox(procedure["id"])] == ["dublin.procedure.started"]
    assert {audit.actor for audit in await probe.audit(procedure["id"])} == {"event:/keten/asylum"}


def test_event_handlers_are_registered():
    assert handlers.EVENT_HANDLERS == {
        "asylum.application.registered": handlers.on_application_registered,
        "eurodac.hit.confirmed": handlers.on_hit_confirmed,
        "screening.case.referred": handlers.on_case_referred,
    }


async def test_an_application_registered_after_a_transfer_here_starts_no_procedure(app, probe, event_of):
    # AMMR Art 46: the person was transferred here because this member state is responsible.
    data = registered().model_copy(update={"transferred_from": "IT"})
    await handle(app, data, event_of)
    assert await procedures_for(app, data.case_id) == []
    assert await probe.outbox(data.case_id) == []
