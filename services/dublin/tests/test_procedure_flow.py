"""The procedure as requesting member state, through the REST API, the scheduler and the DubliNet simulator.

The worked scenarios of dublin chapter §8 that go past the request (1, 9, 10, 12, 13, 14) and the boundaries of
each time limit the scheduler applies: the instant before the end of the last day nothing happens, at the end the
legal consequence follows. This member state ("XX") is NL, whose public holidays fall on none of these dates.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from keten_dublin.adapters.dublinet import PartnerBehaviour
from keten_dublin.entrypoints.app import DEADLINE_HANDLERS
from keten_dublin.service_layer import handlers, mailbox
from keten_shared.events.catalog.asylum import ApplicationRegistered
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.screening import EurodacEarlierRecord, EurodacHitConfirmed
from keten_shared.scheduler import DeadlineScheduler
from keten_shared.testing.checks import assert_problem

APP_SETTINGS = {"consumer_enabled": False, "scheduler_enabled": False, "pollers_enabled": False}
OFFICER = "dublin-officer"
AMS = ZoneInfo("Europe/Amsterdam")
SPOUSE_IN_BELGIUM = {
    "id": "spouse",
    "relation": "SPOUSE",
    "member_state": "BE",
    "status": "APPLICANT",
    "status_since": "2026-07-01",
    "written_consent": True,
}


def visa(ms: str) -> dict[str, str]:
    """A short-stay visa valid at the registration: AMMR Art 29(1) designates its issuing member state."""
    return {
        "id": f"visa-{ms}",
        "type": "VISA_SHORT_STAY",
        "issuing_ms": ms,
        "valid_from": "2026-07-01",
        "valid_until": "2026-12-31",
    }


def local(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=AMS)


def end_of(day: str, zone: str = "Europe/Amsterdam") -> datetime:
    """24:00 of `day` in `zone`: the instant a time limit ending that day has expired (time.md §3.8)."""
    return datetime.fromisoformat(day).replace(tzinfo=ZoneInfo(zone)) + timedelta(days=1)


class Flow:
    """One procedure, driven as the officer, the partner member state and the scheduler would."""

    def __init__(self, app: Any, clock: Any, event_of: Any) -> None:
        self.app, self.clock, self.event_of = app, clock, event_of
        self.person_id = f"person-{uuid.uuid4()}"
        self.id = ""

    @property
    def dublinet(self) -> Any:
        return self.app.runtime.adapters.dublinet

    async def register(self, day: str, *, hit: EurodacEarlierRecord | None = None, hit_at: datetime | None = None):
        registered_at = local(day, 9)
        if hit is not None:
            await self._handle(
                handlers.on_hit_confirmed,
                EurodacHitConfirmed(
                    case_id=f"screening-{self.person_id}",
                    person_id=self.person_id,
                    member_state="NL",
                    confirmed_at=hit_at or registered_at,
                    record=hit,
                ),
            )
        registered = ApplicationRegistered(
            case_id=f"asylum-{uuid.uuid4()}",
            person_id=self.person_id,
            member_state="NL",
            made_at=registered_at,
            registered_at=registered_at,
            lodging_deadline=date.fromisoformat(day) + timedelta(days=21),
            person=PersonDetails(family_name="Doe", date_of_birth=date(1990, 1, 1)),
        )
        self.clock.set(registered_at)
        await self._handle(handlers.on_application_registered, registered)
        page = (
            await self.app.client.get("/v1/procedures", params={"person_id": self.person_id}, headers=self.auth)
        ).json()
        self.id = page["items"][0]["id"]
        self.registered_on = day
        return self

    async def _handle(self, handler: Any, data: Any) -> None:
        async with self.app.runtime.uow() as uow:
            await handler(data, self.event_of(data, subject=self.person_id), uow)
            await uow.commit()

    @property
    def auth(self) -> dict[str, str]:
        return self.app.auth(OFFICER)

    async def post(self, step: str, body: dict[str, Any] | None = None, status: int = 200) -> dict[str, Any]:
        response = await self.app.client.post(f"/v1/procedures/{self.id}/{step}", json=body or {}, headers=self.auth)
        assert response.status_code == status, response.text
        return response.json()

    async def determine(self, on: datetime, status: int = 200, **facts: Any) -> dict[str, Any]:
        self.clock.set(on)
        body = {
            "facts": {"determining_ms": "NL", "registered_on": self.registered_on, "security_threat": False, **facts}
        }
        return await self.post("determination", body, status)

    async def at(self, instant: datetime) -> dict[str, Any]:
        """Move the clock, let the scheduler act and collect the DubliNet mailbox; the procedure as it is then."""
        self.clock.set(instant)
        scheduler = DeadlineScheduler(service="dublin", uow=self.app.runtime.uow, handlers=DEADLINE_HANDLERS)
        await scheduler.fire_due(limit=1000)
        await mailbox.collect(self.app.runtime.uow)
        return await self.get()

    async def get(self) -> dict[str, Any]:
        response = await self.app.client.get(f"/v1/procedures/{self.id}", headers=self.auth)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def flow(app, clock, event_of):
    app.runtime.adapters.dublinet.partners = {}
    return Flow(app, clock, event_of)


def partners(flow: Flow, **behaviour: PartnerBehaviour) -> None:
    flow.dublinet.partners = behaviour


async def test_scenario_1_hit_based_request_silence_is_acceptance_at_the_end_of_the_last_day(flow, probe):
    partners(flow, GR=PartnerBehaviour.SILENT)
    crossing = EurodacEarlierRecord(category="IRREGULAR_CROSSER", member_state="GR", date=date(2026, 3, 1))
    await flow.register("2026-07-01", hit=crossing, hit_at=local("2026-07-02"))
    assert (await flow.get())["request_due"] == "2026-08-03"  # min(2026-09-01, Sun 2026-08-02 → Mon)

    sent = await flow.determine(local("2026-07-20"))
    assert (sent["status"], sent["counterpart_ms"], sent["request_kind"]) == ("TC_PENDING", "GR", "TAKE_CHARGE")
    delivered = await flow.at(local("2026-07-20", 11))
    assert delivered["reply_due"] == "2026-08-03"  # AMMR 40(2): 2 weeks for a request on a Eurodac hit
    [requested] = await probe.event_data(flow.id, "dublin.take_charge.requested")
    assert (requested["requested_ms"], requested["hit_based"], requested["request_due"]) == ("GR", True, "2026-08-03")

    # The reply period is GR's: it ends at 24:00 Athens time on its last day.
    last_moment = end_of("2026-08-03", "Europe/Athens") - timedelta(seconds=1)
    assert (await flow.at(last_moment))["status"] == "TC_PENDING"
    accepted = await flow.at(end_of("2026-08-03", "Europe/Athens"))
    assert (accepted["status"], accepted["tacit"]) == ("ACCEPTED", True)
    assert (accepted["decision_due"], accepted["transfer_due"]) == ("2026-08-17", "2027-02-03")
    [tacit] = await probe.event_data(flow.id, "dublin.take_charge.tacitly_accepted")
    assert (tacit["counterpart_ms"], tacit["transfer_due"]) == ("GR", "2027-02-03")


async def test_scenario_9_explicit_acceptance_starts_the_decision_and_transfer_limits(flow, probe):
    partners(flow, BE=PartnerBehaviour.SILENT)
    await flow.register("2026-08-03")
    await flow.determine(local("2026-08-20"), family=[SPOUSE_IN_BELGIUM])
    sent = await flow.at(local("2026-08-20", 11))
    assert (sent["reply_due"], sent["basis"]) == ("2026-09-21", "AMMR Art 27")  # Sun 2026-09-20 → Mon
    [message] = flow.dublinet.sent[-1:]
    flow.clock.set(local("2026-09-21"))
    flow.dublinet.reply(message, PartnerBehaviour.ACCEPT)
    accepted = await flow.at(local("2026-09-21", 11))
    assert (accepted["status"], accepted["tacit"]) == ("ACCEPTED", False)
    # AMMR 42(1): 2 weeks → Mon 2026-10-05; 46(1): 6 months → Sun 2027-03-21 → Mon 2027-03-22.
    assert (accepted["decision_due"], accepted["transfer_due"]) == ("2026-10-05", "2027-03-22")
    assert await probe.event_data(flow.id, "dublin.take_charge.accepted")


async def test_scenario_10_take_back_with_suspensive_appeal_restarts_the_transfer_period(flow, probe):
    partners(flow, AT=PartnerBehaviour.SILENT)
    earlier = EurodacEarlierRecord(category="APPLICANT", member_state="AT", date=date(2026, 3, 2), ms_responsible="AT")
    await flow.register("2026-09-07", hit=earlier, hit_at=local("2026-09-07", 8))
    assert (await flow.get())["request_due"] == "2026-09-21"  # AMMR 41(1)
    await flow.determine(local("2026-09-10"))
    notified = await flow.at(local("2026-09-10", 11))
    assert (notified["status"], notified["reply_due"]) == ("TB_PENDING", "2026-09-24")
    assert (await flow.at(end_of("2026-09-24", "Europe/Vienna") - timedelta(seconds=1)))["status"] == "TB_PENDING"
    confirmed = await flow.at(end_of("2026-09-24", "Europe/Vienna"))
    assert (confirmed["status"], confirmed["decision_due"]) == ("ACCEPTED", "2026-10-08")
    [event] = await probe.event_data(flow.id, "dublin.take_back.confirmed")
    assert event["tacit"] is True

    flow.clock.set(local("2026-10-08"))
    decided = await flow.post("transfer-decision")
    assert decided["status"] == "DECISION_ISSUED"
    notified = await flow.post(
        "notification", {"notified_at": local("2026-10-08").isoformat(), "notified_to": "PERSON"}
    )
    assert notified["appeal_due"] == "2026-10-15"  # KETEN_DUBLIN_APPEAL_PERIOD_WEEKS=1 (AMMR 43(2))
    [reception] = await probe.event_data(flow.id, "dublin.transfer_decision.notified")
    assert reception["reception_effect"] == "RCD_ART21_MINIMUM"

    flow.clock.set(local("2026-10-12"))
    appeal = {"lodged_at": local("2026-10-12").isoformat(), "suspension_requested": True}
    assert (await flow.post("appeal", appeal))["status"] == "APPEAL_SUSPENSIVE"
    # AMMR 43(3): no transfer before the court rules on the suspension.
    schedule = {"scheduled_for": "2026-10-20", "mode": "ESCORT"}
    assert_problem(
        await flow.app.client.post(f"/v1/procedures/{flow.id}/transfer/schedule", json=schedule, headers=flow.auth), 409
    )
    flow.clock.set(local("2026-10-12", 16))
    granted = await flow.post("appeal/suspension", {"granted": True, "decided_at": local("2026-10-12", 15).isoformat()})
    assert granted["transfer_due"] is None  # AMMR 46(1): the period runs from the final decision
    flow.clock.set(local("2026-11-20", 12))
    final = await flow.post("appeal/decision", {"outcome": "DISMISSED", "final_at": local("2026-11-20").isoformat()})
    assert (final["status"], final["transfer_due"]) == ("FINAL", "2027-05-20")  # not 2027-03-24


async def test_scenario_12_a_refusal_after_the_reply_limit_cannot_undo_the_tacit_acceptance(flow, probe):
    partners(flow, HU=PartnerBehaviour.SILENT)
    await flow.register("2026-09-01")
    await flow.determine(local("2026-10-05"), documents=[visa("HU")])
    assert (await flow.at(local("2026-10-05", 11)))["reply_due"] == "2026-11-05"  # AMMR 40(1): 1 month
    accepted = await flow.at(end_of("2026-11-05", "Europe/Budapest"))
    assert (accepted["status"], accepted["decision_due"], accepted["transfer_due"]) == (
        "ACCEPTED",
        "2026-11-19",
        "2027-05-05",
    )
    [message] = flow.dublinet.sent[-1:]
    flow.clock.set(local("2026-11-06"))
    flow.dublinet.reply(message, PartnerBehaviour.REFUSE)
    after = await flow.at(local("2026-11-06", 11))
    assert (after["status"], after["refused_at"]) == ("ACCEPTED", None)
    assert "procedure.late_reply_ignored" in [row.action for row in await probe.audit(flow.id)]
    assert not await probe.event_data(flow.id, "dublin.take_charge.rejected")


async def test_a_refusal_in_time_is_recorded_with_its_re_examination_limit(flow, probe):
    partners(flow, HU=PartnerBehaviour.REFUSE)
    await flow.register("2026-09-01")
    await flow.determine(local("2026-10-05"), documents=[visa("HU")])
    await flow.at(local("2026-10-05", 11))  # delivered; the simulated HU refuses at once
    refused = await flow.at(local("2026-10-05", 12))
    assert (refused["status"], refused["re_examination_due"]) == ("REFUSED", "2026-10-26")  # Reg 1560/2003 5(2)
    [event] = await probe.event_data(flow.id, "dublin.take_charge.rejected")
    assert event["reason"]
    # Dublin chapter §6.1: REFUSED → DETERMINING; past the request limit only this member state remains.
    again = await flow.determine(local("2026-11-03"), documents=[visa("HU")])  # T01 ended Mon 2026-11-02
    assert (again["status"], again["determination_reason"]) == ("SELF_RESPONSIBLE", "LATE_REQUEST")


async def _accepted_at(flow: Flow, day: str) -> dict[str, Any]:
    partners(flow, IT=PartnerBehaviour.ACCEPT)
    await flow.register(day)
    await flow.determine(local(day, 11), documents=[visa("IT")])
    await flow.at(local(day, 12))
    return await flow.at(local(day, 13))


async def _final(flow: Flow, decided_on: str) -> None:
    flow.clock.set(local(decided_on))
    await flow.post("transfer-decision")
    await flow.post("notification", {"notified_at": local(decided_on).isoformat(), "notified_to": "LEGAL_ADVISER"})
    appeal_due = (await flow.get())["appeal_due"]
    assert (await flow.at(end_of(appeal_due) - timedelta(seconds=1)))["status"] == "NOTIFIED"
    assert (await flow.at(end_of(appeal_due)))["status"] == "FINAL"


async def test_scenario_13_absconding_extends_the_limit_to_3_years_from_informing_the_responsible_ms(flow, probe):
    accepted = await _accepted_at(flow, "2026-08-10")
    assert (accepted["status"], accepted["transfer_due"]) == ("ACCEPTED", "2027-02-10")
    await _final(flow, "2026-08-14")
    flow.clock.set(local("2026-10-02"))
    failure = {
        "reason": "ABSCONDED",
        "failed_at": local("2026-10-01").isoformat(),
        "informed_ms_at": local("2026-10-02").isoformat(),
    }
    extended = await flow.post("transfer/failure", failure)
    assert (extended["status"], extended["transfer_due"]) == ("EXTENDED_ABSCONDED", "2029-10-02")
    [failed] = await probe.event_data(flow.id, "dublin.transfer.failed")
    assert failed["absconded"] is True
    # No shift at the base limit any more.
    assert (await flow.at(end_of("2027-02-10")))["status"] == "EXTENDED_ABSCONDED"
    flow.clock.set(local("2027-05-01"))
    back = await flow.post("transfer/availability", {"available_at": local("2027-05-01").isoformat()})
    assert back["transfer_due"] == "2029-10-02"  # more than 3 months remain
    scheduled = await flow.post("transfer/schedule", {"scheduled_for": "2027-05-10", "mode": "SUPERVISED"})
    assert scheduled["status"] == "SCHEDULED"
    flow.clock.set(local("2027-05-10"))
    await flow.post("transfer/completion", {"transferred_at": local("2026-08-13").isoformat()}, status=422)
    done = await flow.post("transfer/completion", {"transferred_at": local("2027-05-10").isoformat()})
    assert done["status"] == "TRANSFERRED"
    assert await probe.event_data(flow.id, "dublin.transfer.completed")


async def test_scenario_13_imprisonment_extends_the_limit_to_1_year(flow):
    await _accepted_at(flow, "2026-08-10")
    await _final(flow, "2026-08-14")
    flow.clock.set(local("2026-12-01"))
    failure = {"reason": "IMPRISONED", "failed_at": local("2026-12-01").isoformat()}
    extended = await flow.post("transfer/failure", failure)
    assert (extended["status"], extended["transfer_due"]) == ("EXTENDED_IMPRISONED", "2027-08-10")


async def test_scenario_13_without_extension_responsibility_shifts_on_the_day_after_the_limit(flow, probe):
    await _accepted_at(flow, "2026-08-10")
    assert (await flow.at(end_of("2027-02-10") - timedelta(seconds=1)))["status"] == "ACCEPTED"
    shifted = await flow.at(end_of("2027-02-10"))  # 2027-02-11 00:00
    assert (shifted["status"], shifted["responsible_ms"], shifted["determination_reason"]) == (
        "SHIFTED_TO_SELF",
        "NL",
        "TRANSFER_DEADLINE",
    )
    [event] = await probe.event_data(flow.id, "dublin.responsibility.shifted")
    assert (event["from_ms"], event["to_ms"], event["reason"]) == ("IT", "NL", "TRANSFER_DEADLINE")
    assert event["reception_effect"] == "RESTORE_FULL"


async def test_scenario_14_detained_applicant(flow):
    partners(flow, GR=PartnerBehaviour.SILENT)
    await flow.register("2026-07-06")
    detained = {"detained_since": local("2026-07-06", 8).isoformat()}
    crossing = {
        "id": "crossing-GR",
        "kind": "IRREGULAR_CROSSING",
        "member_state": "GR",
        "on": "2026-06-20",
        "evidence": "PROOF",
    }
    await flow.determine(local("2026-07-15"), entries=[crossing], **detained)
    sent = await flow.at(local("2026-07-15", 11))
    assert (sent["detained"], sent["reply_due"]) == (True, "2026-07-22")  # AMMR 45(2): 1 week
    accepted = await flow.at(end_of("2026-07-22", "Europe/Athens"))
    assert (accepted["status"], accepted["detained_transfer_due"], accepted["transfer_due"]) == (
        "ACCEPTED",
        "2026-08-26",  # AMMR 45(3): 5 weeks
        "2027-01-22",
    )
    # AMMR 45(4): the 5 weeks pass without a transfer; detention ends, the 6 months go on.
    after = await flow.at(end_of("2026-08-26"))
    assert (after["status"], after["detained"], after["transfer_due"]) == ("ACCEPTED", False, "2027-01-22")


async def test_no_request_by_the_limit_makes_this_member_state_responsible(flow, probe):
    await flow.register("2026-08-04")  # scenario 11: the limit is Mon 2026-10-05 (Sun 10-04 rolled forward)
    assert (await flow.at(end_of("2026-10-05") - timedelta(seconds=1)))["status"] == "DETERMINING"
    late = await flow.at(end_of("2026-10-05"))
    assert (late["status"], late["determination_reason"], late["basis"]) == (
        "SELF_RESPONSIBLE",
        "LATE_REQUEST",
        "AMMR Art 39(1)",
    )
    [event] = await probe.event_data(flow.id, "dublin.responsibility.determined")
    assert (event["responsible_ms"], event["reason"]) == ("NL", "LATE_REQUEST")


async def test_determined_self_publishes_the_determination_and_ends_the_procedure(flow, probe):
    await flow.register("2026-07-10")
    result = await flow.determine(local("2026-07-10", 11))
    assert (result["status"], result["responsible_ms"], result["determination_reason"]) == (
        "SELF_RESPONSIBLE",
        "NL",
        "DEFAULT_16_2",
    )
    [event] = await probe.event_data(flow.id, "dublin.responsibility.determined")
    assert event["basis"] == "AMMR Art 16(2)"
    assert not [d for d in await probe.deadlines(flow.id) if d.status == "open"]
    await flow.determine(local("2026-07-10", 12), status=409)


async def test_an_annulled_transfer_decision_sends_the_procedure_back_to_the_determination(flow, probe):
    await _accepted_at(flow, "2026-08-10")
    flow.clock.set(local("2026-08-12"))
    await flow.post("transfer-decision")
    await flow.post("notification", {"notified_at": local("2026-08-12").isoformat(), "notified_to": "PERSON"})
    flow.clock.set(local("2026-08-13"))
    await flow.post("appeal", {"lodged_at": local("2026-08-13").isoformat(), "suspension_requested": False})
    annulled = await flow.post("appeal/decision", {"outcome": "ANNULLED", "final_at": local("2026-08-13").isoformat()})
    assert (annulled["status"], annulled["transfer_due"]) == ("DETERMINING", None)
    [event] = await probe.event_data(flow.id, "dublin.appeal.decided")
    assert event["reception_effect"] == "RESTORE_FULL"
    assert not [d for d in await probe.deadlines(flow.id) if d.status == "open" and d.kind == "dublin.transfer_limit"]


async def test_dublinet_unavailable_the_request_goes_out_when_it_is_back(flow, probe):
    partners(flow, IT=PartnerBehaviour.SILENT)
    await flow.register("2026-08-10")
    flow.dublinet.fail_next(1)
    await flow.determine(local("2026-08-10", 11), documents=[visa("IT")])
    first = await flow.at(local("2026-08-10", 12))
    assert (first["status"], first["request_sent_at"]) == ("TC_PENDING", None)
    later = await flow.at(local("2026-08-10", 13))  # the scheduler retried with backoff
    assert later["request_sent_at"] is not None
    assert len(await probe.event_data(flow.id, "dublin.take_charge.requested")) == 1


async def test_a_reply_collected_twice_is_processed_once(flow, probe):
    partners(flow, IT=PartnerBehaviour.SILENT)
    await flow.register("2026-08-10")
    await flow.determine(local("2026-08-10", 11), documents=[visa("IT")])
    await flow.at(local("2026-08-10", 12))
    [message] = flow.dublinet.sent[-1:]
    flow.dublinet.reply(message, PartnerBehaviour.ACCEPT)
    [reply] = await flow.dublinet.receive()
    async with flow.app.runtime.uow() as uow:
        from keten_dublin.service_layer.replies import receive_reply

        await receive_reply(uow, reply)
        await uow.commit()
    await flow.at(local("2026-08-10", 13))  # collected again from the mailbox
    assert len(await probe.event_data(flow.id, "dublin.take_charge.accepted")) == 1
    assert await flow.dublinet.receive() == []


@pytest.mark.parametrize(
    ("step", "body"),
    [
        ("transfer-decision", {}),
        ("notification", {"notified_at": "2026-07-10T08:00:00+02:00", "notified_to": "PERSON"}),
        ("appeal", {"lodged_at": "2026-07-10T08:00:00+02:00", "suspension_requested": True}),
        ("transfer/schedule", {"scheduled_for": "2026-07-20", "mode": "ESCORT"}),
        ("transfer/completion", {"transferred_at": "2026-07-10T08:00:00+02:00"}),
        ("appeal/decision", {"outcome": "DISMISSED", "final_at": "2026-07-10T08:00:00+02:00"}),
        ("transfer/availability", {"available_at": "2026-07-10T08:00:00+02:00"}),
    ],
)
async def test_409_for_a_step_the_state_machine_forbids(flow, step, body):
    await flow.register("2026-07-10")
    response = await flow.app.client.post(f"/v1/procedures/{flow.id}/{step}", json=body, headers=flow.auth)
    problem = assert_problem(response, 409, "transition-not-allowed")
    assert problem["status"] == 409


@pytest.mark.parametrize(
    "body",
    [
        {"facts": {"determining_ms": "NL", "registered_on": "2026-07-09"}},  # not this procedure's registration
        {"facts": {"determining_ms": "BE", "registered_on": "2026-07-10"}},
        {"facts": {"determining_ms": "NL", "registered_on": "2026-07-10"}, "urgent_reply_days": 10},  # no reasons
        {
            "facts": {"determining_ms": "NL", "registered_on": "2026-07-10"},
            "urgent_reply_days": 3,
            "urgent_reason": "x",
        },
        {"facts": {"determining_ms": "NL"}},
    ],
)
async def test_422_for_bad_determination_input(flow, body):
    await flow.register("2026-07-10")
    response = await flow.app.client.post(f"/v1/procedures/{flow.id}/determination", json=body, headers=flow.auth)
    assert_problem(response, 422)
    assert (await flow.get())["status"] == "DETERMINING"


async def test_404_and_403(flow, app):
    assert_problem(await app.client.post("/v1/procedures/nope/transfer-decision", headers=flow.auth), 404)
    await flow.register("2026-07-10")
    forbidden = await app.client.post(f"/v1/procedures/{flow.id}/transfer-decision", headers=app.auth("auditor"))
    assert_problem(forbidden, 403)
    unauthenticated = await app.client.post(f"/v1/procedures/{flow.id}/transfer-decision")
    assert_problem(unauthenticated, 401)


async def test_a_stale_if_match_is_refused(flow):
    await flow.register("2026-07-10")
    body = {"facts": {"determining_ms": "NL", "registered_on": "2026-07-10", "security_threat": False}}
    headers = {**flow.auth, "If-Match": '"99"'}
    assert_problem(
        await flow.app.client.post(f"/v1/procedures/{flow.id}/determination", json=body, headers=headers), 412
    )


def test_utc_helper_matches_time_md():
    assert end_of("2026-08-03", "Europe/Athens").astimezone(UTC) == datetime(2026, 8, 3, 21, 0, tzinfo=UTC)
