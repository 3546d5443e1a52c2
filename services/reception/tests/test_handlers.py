"""Reception event handler against real PostgreSQL: one reception file per registered application."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from keten_reception.adapters.repository import ReceptionFileRepository
from keten_reception.domain.model import ReceptionFileStatus
from keten_reception.service_layer import handlers
from keten_shared.events.catalog.asylum import ApplicationRegistered
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.reception import ReceptionFileOpened
from keten_shared.events.envelope import CloudEvent

AMS = ZoneInfo("Europe/Amsterdam")


def registered(made_at: datetime = datetime(2026, 6, 15, 10, 0, tzinfo=AMS), **overrides) -> ApplicationRegistered:
    values = {
        "case_id": f"asylum-{uuid.uuid4()}",
        "person_id": "person-c",
        "member_state": "NL",
        "made_at": made_at,
        "registered_at": datetime(2026, 6, 18, 9, 0, tzinfo=AMS),
        "lodging_deadline": date(2026, 7, 9),
        "person": PersonDetails(family_name="Doe", nationalities=["SOM"]),
    }
    return ApplicationRegistered(**(values | overrides))


async def handle(app, data: ApplicationRegistered, event_of) -> None:
    async with app.runtime.uow() as uow:
        await handlers.on_application_registered(data, event_of(data, subject=data.case_id), uow)
        await uow.commit()


async def files_for(app, asylum_case_id: str) -> list[dict]:
    async with app.runtime.uow() as uow:
        found = await ReceptionFileRepository(uow.session).list(cursor=None, limit=10, asylum_case_id=asylum_case_id)
        return [
            {
                "id": f.id,
                "person_id": f.person_id,
                "status": f.status,
                "made": f.application_made_at,
                "due": f.needs_assessment_due,
                "opened_at": f.opened_at,
            }
            for f in found
        ]


async def test_registered_application_opens_a_reception_file(app, probe, event_of):
    data = registered()
    await handle(app, data, event_of)
    [file] = await files_for(app, data.case_id)
    # Reception scenario 1: made Mon 2026-06-15 -> needs assessment due Wed 2026-07-15 (RCD 25(1)).
    assert (file["person_id"], file["status"], file["due"]) == (
        "person-c",
        ReceptionFileStatus.OPEN_UNPLACED,
        date(2026, 7, 15),
    )
    assert file["made"] == datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
    assert file["opened_at"] == app.runtime.clock.now()
    [row] = await probe.outbox(file["id"])
    assert (row.event_type, row.topic) == ("reception.file.opened", app.runtime.topics.events("reception"))
    opened = CloudEvent.model_validate_json(row.payload).payload()
    assert isinstance(opened, ReceptionFileOpened)
    assert (opened.case_id, opened.asylum_case_id, opened.person_id, opened.needs_assessment_due) == (
        file["id"],
        data.case_id,
        "person-c",
        date(2026, 7, 15),
    )
    [audit] = await probe.audit(file["id"])
    assert (audit.action, audit.entity_type, audit.legal_basis, audit.after_status) == (
        "reception_file.opened",
        "reception_file",
        "RCD Art 19(1)",
        "OPEN_UNPLACED",
    )


@pytest.mark.parametrize(
    ("made_at", "due"),
    [
        (datetime(2026, 11, 25, 10, 0, tzinfo=AMS), date(2026, 12, 28)),  # Fri 12-25 Christmas -> Mon 12-28
        (datetime(2026, 6, 4, 10, 0, tzinfo=AMS), date(2026, 7, 6)),  # Sat 07-04 -> Mon 07-06
        (datetime(2026, 6, 14, 22, 30, tzinfo=UTC), date(2026, 7, 15)),  # 00:30 on 06-15 in the Netherlands
    ],
)
async def test_due_date_counts_from_the_making(app, event_of, made_at, due):
    data = registered(made_at)
    await handle(app, data, event_of)
    [file] = await files_for(app, data.case_id)
    assert file["due"] == due


async def test_the_same_registration_twice_opens_one_file(app, probe, event_of):
    data = registered()
    await handle(app, data, event_of)
    await handle(app, data, event_of)
    [file] = await files_for(app, data.case_id)
    assert len(await probe.outbox(file["id"])) == 1


async def test_consumer_opens_one_file_however_often_the_event_arrives(app, probe, event_of, deliver, wait_for):
    data = registered()
    event, copy = event_of(data, subject=data.case_id), event_of(data, subject=data.case_id)
    for message in (event, event, copy):
        await deliver(message)
    await wait_for(lambda: probe.inbox(copy.id))
    [file] = await files_for(app, data.case_id)
    assert [row.event_type for row in await probe.outbox(file["id"])] == ["reception.file.opened"]
    [audit] = await probe.audit(file["id"])
    assert audit.actor == "event:/keten/asylum"


def test_event_handlers_are_registered():
    assert handlers.EVENT_HANDLERS == {
        "asylum.application.registered": handlers.on_application_registered,
        "dublin.transfer_decision.notified": handlers.on_transfer_decision_notified,
        "dublin.appeal.decided": handlers.on_transfer_appeal_decided,
        "dublin.responsibility.shifted": handlers.on_responsibility_shifted,
        "dublin.transfer.completed": handlers.on_transfer_completed,
        "asylum.decision.final": handlers.on_decision_final,
    }
