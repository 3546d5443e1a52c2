"""The Dublin determination and the asylum examination (APR Art 39(1)(a); AMMR Art 37, 46), on PostgreSQL.

Dublin's events are handed to the asylum service's own handlers; the caseworker acts through the REST API.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest

from keten_asylum.service_layer import handlers
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.dublin import (
    ArrivalConfirmed,
    DublinProcedureStarted,
    ResponsibilityDetermined,
    ResponsibilityShifted,
    ShiftReason,
    TransferCompleted,
)
from keten_shared.testing.checks import assert_problem
from keten_shared.testing.service_fixtures import AMS, NOW, cloud_event

CASEWORKER = "asylum-caseworker"
BASE = "/v1/applications"
APP_SETTINGS = {"consumer_enabled": False, "scheduler_enabled": False}
T = datetime(2026, 7, 10, 9, 0, tzinfo=AMS)


async def post(app, path: str, payload: dict[str, Any]):
    return await app.client.post(f"{BASE}{path}", json=payload, headers=app.auth(CASEWORKER))


async def in_examination(app) -> dict[str, Any]:
    """Made Mon 07-06, registered Tue 07-07, lodged Wed 07-08, routed to the regular procedure."""
    person = {"family_name": "Dublin", "given_names": "Case", "nationalities": ["SYR"]}
    made = (await post(app, "", {"person": person, "made_at": "2026-07-06T09:00:00+02:00"})).json()
    app.runtime.clock.set(datetime(2026, 7, 7, 10, 0, tzinfo=AMS))
    assert (await post(app, f"/{made['id']}/registration", {})).status_code == 200
    app.runtime.clock.set(NOW)
    assert (await post(app, f"/{made['id']}/lodging", {"lodged_at": "2026-07-08T10:00:00+02:00"})).status_code == 200
    assert (await post(app, f"/{made['id']}/routing", {})).status_code == 200
    return made


async def deliver(app, data: Any) -> None:
    async with app.runtime.uow() as uow:
        await handlers.EVENT_HANDLERS[data.event_type](data, cloud_event(data, subject=data.case_id), uow)
        await uow.commit()


def started(application: dict[str, Any], another_ms: bool | None = True) -> DublinProcedureStarted:
    return DublinProcedureStarted(
        case_id=f"dublin-{application['id']}",
        person_id=application["person_id"],
        member_state="NL",
        asylum_case_id=application["id"],
        application_registered_at=T,
        started_at=T,
        another_member_state_possible=another_ms,
    )


def determined(application: dict[str, Any], responsible: str) -> ResponsibilityDetermined:
    return ResponsibilityDetermined(
        case_id=f"dublin-{application['id']}",
        person_id=application["person_id"],
        member_state="NL",
        asylum_case_id=application["id"],
        responsible_ms=responsible,
        basis="AMMR Art 16(2)" if responsible == "NL" else "AMMR Art 33",
        reason="CRITERION",
        determined_at=T,
    )


async def read(app, application_id: str) -> dict[str, Any]:
    return (await app.client.get(f"{BASE}/{application_id}", headers=app.auth(CASEWORKER))).json()


def merits(outcome: str = "REJECTED_UNFOUNDED") -> dict[str, Any]:
    return {"outcome": outcome, "notified_at": "2026-07-10T11:00:00+02:00"}


async def test_the_merits_wait_while_responsibility_is_determined(app):
    application = await in_examination(app)
    await deliver(app, started(application))
    assert (await read(app, application["id"]))["dublin_status"] == "PENDING"
    # APR Art 39(1)(a): no merits decision while another member state may be responsible.
    problem = assert_problem(await post(app, f"/{application['id']}/decision", merits("GRANTED_REFUGEE")), 409)
    assert "39(1)(a)" in problem["detail"]
    # The routing shows it too.
    routing = (await post(app, f"/{application['id']}/routing", {})).json()
    assert routing["merits_blocked_by_dublin"] is True


@pytest.mark.parametrize("another_ms", [False, None], ids=["nothing points elsewhere", "not assessed yet"])
async def test_a_procedure_with_no_other_member_state_in_view_lets_the_examination_go_on(app, another_ms):
    application = await in_examination(app)
    await deliver(app, started(application, another_ms))
    assert (await read(app, application["id"]))["dublin_status"] == "NONE"
    assert (await post(app, f"/{application['id']}/decision", merits())).status_code == 201


async def test_this_member_state_responsible_lets_the_examination_proceed(app, probe):
    application = await in_examination(app)
    await deliver(app, started(application))
    await deliver(app, determined(application, "NL"))
    assert (await read(app, application["id"]))["dublin_status"] == "THIS_MS_RESPONSIBLE"
    [confirmed] = await probe.event_data(application["id"], "asylum.dublin.responsibility_confirmed")
    assert (confirmed["dublin_case_id"], confirmed["basis"]) == (f"dublin-{application['id']}", "AMMR Art 16(2)")
    assert (await post(app, f"/{application['id']}/decision", merits())).status_code == 201
    await deliver(app, determined(application, "NL"))  # redelivered under a new id: confirmed once
    assert len(await probe.outbox(application["id"], "asylum.dublin.responsibility_confirmed")) == 1


async def test_a_transfer_closes_the_file_without_a_return_decision(app, probe):
    application = await in_examination(app)
    await deliver(app, started(application))
    await deliver(app, determined(application, "DE"))
    assert (await read(app, application["id"]))["dublin_status"] == "OTHER_MS_RESPONSIBLE"
    assert_problem(await post(app, f"/{application['id']}/decision", merits()), 409)

    transferred = datetime(2026, 9, 1, 10, 0, tzinfo=AMS)
    await deliver(
        app,
        TransferCompleted(
            case_id=f"dublin-{application['id']}",
            person_id=application["person_id"],
            member_state="NL",
            asylum_case_id=application["id"],
            responsible_ms="DE",
            transferred_at=transferred,
            transfer_decision_ref="TD-1",
        ),
    )
    closed = await read(app, application["id"])
    assert (closed["status"], closed["right_to_remain"]) == ("CLOSED_TRANSFERRED", False)
    assert datetime.fromisoformat(closed["final_at"]) == transferred
    [event] = await probe.event_data(application["id"], "asylum.case.closed_transferred")
    assert (event["responsible_ms"], event["transfer_decision_ref"]) == ("DE", "TD-1")
    # Asylum chapter §9(5): the AMMR governs the transfer; no return decision from asylum.
    assert await probe.outbox(application["id"], "asylum.return_decision.requested") == []
    assert {d.status for d in await probe.deadlines(application["id"]) if d.kind == "asylum.examination_limit"} == {
        "cancelled"
    }
    assert_problem(await post(app, f"/{application['id']}/decision", merits()), 409)


async def test_responsibility_coming_back_resumes_the_examination(app, probe):
    application = await in_examination(app)
    await deliver(app, started(application))
    await deliver(app, determined(application, "DE"))
    await deliver(
        app,
        ResponsibilityShifted(
            case_id=f"dublin-{application['id']}",
            person_id=application["person_id"],
            member_state="NL",
            asylum_case_id=application["id"],
            from_ms="DE",
            to_ms="NL",
            reason=ShiftReason.TRANSFER_DEADLINE,  # AMMR Art 37(1), 46(2)
            effective_at=T,
        ),
    )
    after = await read(app, application["id"])
    assert (after["dublin_status"], after["status"]) == ("THIS_MS_RESPONSIBLE", "EXAM_REGULAR")
    assert len(await probe.outbox(application["id"], "asylum.dublin.responsibility_confirmed")) == 1
    assert (await post(app, f"/{application['id']}/decision", merits())).status_code == 201


async def test_an_event_for_an_unknown_application_changes_nothing(app, probe):
    unknown = {"id": str(uuid.uuid4()), "person_id": "p-unknown"}
    await deliver(app, started(unknown))
    await deliver(app, determined(unknown, "NL"))
    assert await probe.outbox(unknown["id"]) == []


async def test_12_an_incoming_transfer_is_registered_and_lodged_within_21_days_of_identification(app, probe, clock):
    # Asylum chapter §10 scenario 12: the transferee identifies Mon 11-02.
    identified = datetime(2026, 11, 2, 10, 0, tzinfo=AMS)
    clock.set(datetime(2026, 11, 2, 11, 0, tzinfo=AMS))
    person_id = f"transferee-{uuid.uuid4()}"
    arrival = ArrivalConfirmed(
        case_id=f"dublin-in-{person_id}",
        person_id=person_id,
        member_state="NL",
        from_ms="IT",
        person=PersonDetails(family_name="Transferred", given_names="In", nationalities=["ERI"]),
        arrived_at=identified,
        identified_at=identified,
    )
    await deliver(app, arrival)
    [application] = (await app.client.get(BASE, params={"person_id": person_id}, headers=app.auth(CASEWORKER))).json()[
        "items"
    ]
    # APR Art 28(2): 21 days from identification, Mon 11-23; responsibility is this member state's.
    assert (application["status"], application["lodging_deadline"], application["dublin_status"]) == (
        "REGISTERED",
        "2026-11-23",
        "THIS_MS_RESPONSIBLE",
    )
    [registered] = await probe.event_data(application["id"], "asylum.application.registered")
    assert registered["transferred_from"] == "IT"  # so the dublin service opens no new determination
    [document] = await probe.event_data(application["id"], "asylum.document.issued")
    assert (document["document_type"], document["legal_basis"]) == (
        "TRANSFER_CERT",
        "APR Art 29(1), second subparagraph",
    )

    clock.set(datetime(2026, 11, 10, 11, 0, tzinfo=AMS))
    assert (
        await post(app, f"/{application['id']}/lodging", {"lodged_at": "2026-11-10T10:00:00+01:00"})
    ).status_code == 200
    routing = (await post(app, f"/{application['id']}/routing", {})).json()
    assert (routing["procedure"], routing["examination_deadline"]) == ("REGULAR", "2027-05-10")  # APR Art 35(4), (6)

    await deliver(app, arrival)  # the same arrival again: the application goes on, none is opened
    assert (
        len((await app.client.get(BASE, params={"person_id": person_id}, headers=app.auth(CASEWORKER))).json()["items"])
        == 1
    )
