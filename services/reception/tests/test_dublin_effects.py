"""What a Dublin procedure does to the reception conditions (dublin chapter §3.10, §6.0; AMMR Art 18(1), RCD Art 21),
and how a file ends (a transfer, a final decision: reception chapter §1, §10), with the events delivered through the
consumer to the running service on real PostgreSQL: each transition, the same effect twice, effects arriving out of
order, and events about an application this service has no file for."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from keten_reception.domain.model import ReceptionConditions, ReceptionFile, ReceptionFileStatus
from keten_reception.service_layer import handlers
from keten_shared.events import CloudEvent
from keten_shared.events.catalog.asylum import ApplicationRegistered, DecisionFinal, DecisionOutcome
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.dublin import (
    AppealOutcome,
    NotifiedTo,
    ReceptionEffect,
    ResponsibilityShifted,
    ShiftReason,
    TransferAppealDecided,
    TransferCompleted,
    TransferDecisionNotified,
)
from keten_shared.events.catalog.reception import ReceptionEndReason
from keten_shared.events.registry import EventData
from keten_shared.testing.service_fixtures import AMS

OFFICER = "reception-officer"
BASE = "/v1/reception-files"
MINIMUM_BASIS = "AMMR Art 18(1); RCD Art 21"
NOTIFIED = datetime(2026, 7, 8, 9, 0, tzinfo=AMS)  # the transfer decision reached the person
LATER = NOTIFIED + timedelta(days=3)
EARLIER = NOTIFIED - timedelta(days=3)


# --- the events, as the asylum and dublin services publish them -------------------------------------


def registered() -> ApplicationRegistered:
    return ApplicationRegistered(
        case_id=f"asylum-{uuid.uuid4()}",
        person_id=f"person-{uuid.uuid4()}",
        member_state="NL",
        made_at=datetime(2026, 6, 15, 10, 0, tzinfo=AMS),
        registered_at=datetime(2026, 6, 18, 9, 0, tzinfo=AMS),
        lodging_deadline=date(2026, 7, 9),
        person=PersonDetails(family_name="Doe", nationalities=["SYR"]),
    )


def common(application: ApplicationRegistered) -> dict[str, Any]:
    return {
        "case_id": f"dublin-{application.case_id}",
        "person_id": application.person_id,
        "member_state": "NL",
        "asylum_case_id": application.case_id,
    }


def notified(application: ApplicationRegistered, at: datetime = NOTIFIED) -> TransferDecisionNotified:
    return TransferDecisionNotified(
        **common(application),
        responsible_ms="DE",
        notified_at=at,
        notified_to=NotifiedTo.PERSON,
        appeal_due=date(2026, 7, 15),
        transfer_due=date(2027, 1, 8),
    )


def appeal_decided(application: ApplicationRegistered, outcome: AppealOutcome, at: datetime) -> TransferAppealDecided:
    annulled = outcome is AppealOutcome.ANNULLED
    return TransferAppealDecided(
        **common(application),
        outcome=outcome,
        final_at=at,
        transfer_due=None if annulled else date(2027, 1, 20),
        reception_effect=ReceptionEffect.RESTORE_FULL if annulled else None,
    )


def shifted(application: ApplicationRegistered, at: datetime, to_ms: str = "NL") -> ResponsibilityShifted:
    return ResponsibilityShifted(
        **common(application),
        from_ms="DE" if to_ms == "NL" else "NL",
        to_ms=to_ms,
        reason=ShiftReason.TRANSFER_DEADLINE,
        effective_at=at,
        reception_effect=ReceptionEffect.RESTORE_FULL if to_ms == "NL" else None,
    )


def transferred(application: ApplicationRegistered, at: datetime) -> TransferCompleted:
    return TransferCompleted(**common(application), responsible_ms="DE", transferred_at=at)


# --- delivering them and reading the file -----------------------------------------------------------


@pytest.fixture
def send(deliver, wait_for, probe, event_of):
    """Publish ``data`` on its producer's topic and wait until the reception consumer has handled it."""

    async def send(data: EventData, event_id: str | None = None):
        event = event_of(data, subject=data.case_id, event_id=event_id)  # type: ignore[attr-defined]
        await deliver(event)
        await wait_for(lambda: probe.inbox(event.id))
        return event

    return send


@pytest.fixture
async def application(send) -> ApplicationRegistered:
    """A registered application with its reception file open (full conditions)."""
    data = registered()
    await send(data)
    return data


async def the_file(app, application: ApplicationRegistered) -> dict[str, Any]:
    response = await app.client.get(BASE, params={"asylum_case_id": application.case_id}, headers=app.auth(OFFICER))
    assert response.status_code == 200, response.text
    [file] = response.json()["items"]
    return file


def conditions(file: dict[str, Any]) -> tuple[str, datetime | None, str | None]:
    since = file["conditions_since"]
    return file["conditions"], datetime.fromisoformat(since) if since else None, file["conditions_basis"]


def ended(file: dict[str, Any]) -> tuple[str, datetime | None, str | None]:
    at = file["ended_at"]
    return file["status"], datetime.fromisoformat(at) if at else None, file["ended_reason"]


async def published_ends(probe, file: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [r for r in await probe.outbox(file["id"]) if r.event_type == "reception.ended"]
    return [CloudEvent.model_validate_json(r.payload).data for r in rows]


async def changes(probe, file: dict[str, Any]) -> list[tuple[str | None, str | None, str | None, str, str]]:
    rows = [r for r in await probe.audit(file["id"]) if r.action == "reception_conditions.changed"]
    return [(r.before_status, r.after_status, r.legal_basis, r.details["event_type"], r.actor) for r in rows]


# --- each transition --------------------------------------------------------------------------------


async def test_a_new_file_has_the_full_conditions(app, application):
    assert conditions(await the_file(app, application)) == ("FULL", None, None)


async def test_a_notified_transfer_decision_leaves_the_minimum_standard_from_notification(
    app, probe, send, application
):
    event = await send(notified(application))
    file = await the_file(app, application)
    assert conditions(file) == ("RCD_ART21_MINIMUM", NOTIFIED, MINIMUM_BASIS)
    assert await changes(probe, file) == [
        ("FULL", "RCD_ART21_MINIMUM", MINIMUM_BASIS, "dublin.transfer_decision.notified", "event:/keten/dublin")
    ]
    [row] = [r for r in await probe.audit(file["id"]) if r.action == "reception_conditions.changed"]
    assert row.details == {
        "event_type": "dublin.transfer_decision.notified",
        "event_id": event.id,
        "dublin_case_id": f"dublin-{application.case_id}",
        "effective_at": NOTIFIED.astimezone(UTC).isoformat(),
    }


async def test_an_annulled_transfer_decision_restores_the_full_conditions(app, probe, send, application):
    await send(notified(application))
    await send(appeal_decided(application, AppealOutcome.DISMISSED, NOTIFIED + timedelta(days=1)))
    assert conditions(await the_file(app, application))[0] == "RCD_ART21_MINIMUM"  # a dismissal changes nothing
    await send(appeal_decided(application, AppealOutcome.ANNULLED, LATER))
    file = await the_file(app, application)
    assert conditions(file) == ("FULL", LATER, "AMMR Art 43")
    assert [c[:4] for c in await changes(probe, file)] == [
        ("FULL", "RCD_ART21_MINIMUM", MINIMUM_BASIS, "dublin.transfer_decision.notified"),
        ("RCD_ART21_MINIMUM", "FULL", "AMMR Art 43", "dublin.appeal.decided"),
    ]


async def test_responsibility_shifted_here_restores_the_full_conditions(app, probe, send, application):
    await send(notified(application))
    await send(shifted(application, LATER - timedelta(days=1), to_ms="BE"))  # elsewhere: nothing changes here
    assert conditions(await the_file(app, application))[0] == "RCD_ART21_MINIMUM"
    await send(shifted(application, LATER))
    file = await the_file(app, application)
    assert conditions(file) == ("FULL", LATER, "AMMR Art 37(1)")
    assert [c[:4] for c in await changes(probe, file)][1:] == [
        ("RCD_ART21_MINIMUM", "FULL", "AMMR Art 37(1)", "dublin.responsibility.shifted")
    ]


async def test_the_transfer_ends_the_reception_file_here(app, probe, send, application):
    await send(notified(application))
    event = await send(transferred(application, LATER))
    file = await the_file(app, application)
    assert conditions(file) == ("ENDED", LATER, "AMMR Art 46(1)")
    assert ended(file) == ("ENDED", LATER, "TRANSFERRED_OUT")
    # Once transferred, a later effect does not reopen the conditions here.
    await send(shifted(application, LATER + timedelta(days=1)))
    file = await the_file(app, application)
    assert conditions(file) == ("ENDED", LATER, "AMMR Art 46(1)")
    assert [c[:2] for c in await changes(probe, file)] == [("FULL", "RCD_ART21_MINIMUM")]
    [end] = [r for r in await probe.audit(file["id"]) if r.action == "reception_file.ended"]
    assert (end.before_status, end.after_status, end.legal_basis) == ("OPEN_UNPLACED", "ENDED", "AMMR Art 46(1)")
    assert (end.details["event_id"], end.details["conditions_before"]) == (event.id, "RCD_ART21_MINIMUM")
    assert await published_ends(probe, file) == [
        {
            "case_id": file["id"],
            "person_id": application.person_id,
            "member_state": "NL",
            "asylum_case_id": application.case_id,
            "reason": "TRANSFERRED_OUT",
            "ended_at": LATER.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "legal_basis": "AMMR Art 46(1)",
        }
    ]


# --- the end of reception on a final decision (RCD Art 2(2)) --------------------------------------


def final(application: ApplicationRegistered, outcome: DecisionOutcome, at: datetime = LATER) -> DecisionFinal:
    return DecisionFinal(
        case_id=application.case_id,
        decision_id=str(uuid.uuid4()),
        person_id=application.person_id,
        member_state="NL",
        outcome=outcome,
        final_at=at,
        return_decision_required=outcome not in (DecisionOutcome.GRANTED_REFUGEE, DecisionOutcome.GRANTED_SUBSIDIARY),
    )


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        (DecisionOutcome.REJECTED_UNFOUNDED, "FINAL_DECISION_NEGATIVE"),
        (DecisionOutcome.IMPLICITLY_WITHDRAWN, "FINAL_DECISION_NEGATIVE"),
        (DecisionOutcome.GRANTED_REFUGEE, "FINAL_DECISION_POSITIVE"),
        (DecisionOutcome.GRANTED_SUBSIDIARY, "FINAL_DECISION_POSITIVE"),
    ],
)
async def test_a_final_decision_ends_the_file_when_it_became_final(app, probe, send, application, outcome, reason):
    await send(final(application, outcome))
    file = await the_file(app, application)
    assert ended(file) == ("ENDED", LATER, reason)
    assert conditions(file) == ("ENDED", LATER, "RCD Art 2(2); APR Art 3")
    [data] = await published_ends(probe, file)
    assert (data["reason"], data["legal_basis"]) == (reason, "RCD Art 2(2); APR Art 3")


async def test_a_file_ends_once(app, probe, send, application):
    await send(final(application, DecisionOutcome.REJECTED_UNFOUNDED))
    await send(final(application, DecisionOutcome.REJECTED_UNFOUNDED, LATER + timedelta(days=1)))
    file = await the_file(app, application)
    assert ended(file) == ("ENDED", LATER, "FINAL_DECISION_NEGATIVE")
    assert len(await published_ends(probe, file)) == 1
    assert file["version"] == 2  # opened, then ended once


async def test_a_file_transferred_out_stays_transferred_out(app, probe, send, application):
    await send(transferred(application, LATER))
    await send(final(application, DecisionOutcome.CLOSED_OTHER_MS_RESPONSIBLE, LATER + timedelta(days=1)))
    file = await the_file(app, application)
    assert ended(file) == ("ENDED", LATER, "TRANSFERRED_OUT")
    assert len(await published_ends(probe, file)) == 1


async def test_an_ended_file_keeps_its_conditions_whatever_dublin_reports_later(app, probe, send, application):
    await send(final(application, DecisionOutcome.REJECTED_UNFOUNDED, EARLIER))
    await send(notified(application))  # notified after the decision became final: nothing is owed any more
    file = await the_file(app, application)
    assert conditions(file) == ("ENDED", EARLIER, "RCD Art 2(2); APR Art 3")
    assert await changes(probe, file) == []


async def test_a_final_decision_for_an_application_without_a_file_is_ignored(app, probe, send):
    data = registered()  # never delivered: no reception file
    await send(final(data, DecisionOutcome.REJECTED_UNFOUNDED))
    [row] = await probe.audit(data.case_id)
    assert (row.action, row.details["event_type"]) == ("reception_conditions.ignored", "asylum.decision.final")


# --- idempotence and order --------------------------------------------------------------------------


async def test_the_same_effect_twice_changes_the_file_once(app, probe, send, application):
    first = await send(notified(application))
    await send(notified(application), event_id=first.id)  # redelivered: the inbox absorbs it
    await send(notified(application))  # the same fact again under a new event id
    file = await the_file(app, application)
    assert conditions(file) == ("RCD_ART21_MINIMUM", NOTIFIED, MINIMUM_BASIS)
    assert len(await changes(probe, file)) == 1
    assert file["version"] == 2  # opened, then changed once


async def test_an_older_effect_arriving_late_does_not_overwrite_a_newer_one(app, probe, send, application):
    await send(notified(application, LATER))
    await send(shifted(application, EARLIER))  # responsibility shifted before the notification on record
    await send(appeal_decided(application, AppealOutcome.ANNULLED, NOTIFIED))
    file = await the_file(app, application)
    assert conditions(file) == ("RCD_ART21_MINIMUM", LATER, MINIMUM_BASIS)
    assert len(await changes(probe, file)) == 1


async def test_a_late_effect_does_not_overwrite_a_newer_one_that_found_its_conditions_in_force(
    app, probe, send, application
):
    await send(shifted(application, LATER))  # full conditions already: nothing to change, but on record
    await send(notified(application, NOTIFIED))  # the older notification arrives afterwards
    file = await the_file(app, application)
    assert conditions(file) == ("FULL", None, None)
    assert await changes(probe, file) == []


async def test_an_event_for_an_application_without_a_reception_file_is_ignored(app, probe, send):
    unknown = registered()  # never delivered: no reception file
    event = await send(notified(unknown))
    [row] = await probe.audit(unknown.case_id)
    assert (row.action, row.entity_type, row.details["event_id"]) == (
        "reception_conditions.ignored",
        "asylum_case",
        event.id,
    )
    response = await app.client.get(BASE, params={"asylum_case_id": unknown.case_id}, headers=app.auth(OFFICER))
    assert response.json()["items"] == []
    # Handled, not dead-lettered: the consumer goes on with the next event.
    [inbox] = await probe.inbox(event.id)
    assert inbox.event_type == "dublin.transfer_decision.notified"


def test_the_dublin_events_are_registered():
    assert {name: handler for name, handler in handlers.EVENT_HANDLERS.items() if name.startswith("dublin.")} == {
        "dublin.transfer_decision.notified": handlers.on_transfer_decision_notified,
        "dublin.appeal.decided": handlers.on_transfer_appeal_decided,
        "dublin.responsibility.shifted": handlers.on_responsibility_shifted,
        "dublin.transfer.completed": handlers.on_transfer_completed,
    }


# --- the rule itself (pure) -------------------------------------------------------------------------


def a_file() -> ReceptionFile:
    at = datetime(2026, 6, 17, 10, 0, tzinfo=UTC)
    return ReceptionFile(
        id="f",
        person_id="p",
        member_state="NL",
        asylum_case_id="a",
        application_made_at=at,
        needs_assessment_due=date(2026, 7, 15),
        opened_at=at,
        created_at=at,
    )


def test_the_latest_effect_wins_and_an_end_is_final():
    file = a_file()
    minimum, full, ended = ReceptionConditions.RCD_ART21_MINIMUM, ReceptionConditions.FULL, ReceptionConditions.ENDED
    change = file.change_conditions(minimum, since=NOTIFIED, basis=MINIMUM_BASIS)
    assert change is not None and (change.before, change.after, change.since) == (full, minimum, NOTIFIED)
    assert file.change_conditions(minimum, since=NOTIFIED, basis=MINIMUM_BASIS) is None  # the same effect
    assert file.change_conditions(full, since=EARLIER, basis="AMMR Art 43") is None  # an older effect
    end = file.end(ReceptionEndReason.TRANSFERRED_OUT, at=LATER, basis="AMMR Art 46(1)")
    assert end is not None and (end.before, end.after) == (minimum, ended)
    assert file.end(ReceptionEndReason.FINAL_DECISION_NEGATIVE, at=LATER, basis="RCD Art 2(2)") is None
    assert file.change_conditions(full, since=LATER + timedelta(days=1), basis="AMMR Art 37(1)") is None
    assert (file.conditions, file.conditions_since, file.conditions_basis) == (ended, LATER, "AMMR Art 46(1)")
    assert (file.status, file.ended_at, file.ended_reason) == (
        ReceptionFileStatus.ENDED,
        LATER,
        ReceptionEndReason.TRANSFERRED_OUT,
    )
