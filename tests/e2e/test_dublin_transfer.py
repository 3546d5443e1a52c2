"""End to end: a take back notification to another member state, through to the transfer or the shift back.

The services run as separate processes; only the dublin service travels in time. Each test gets a dublin
process of its own, with a database of its own, on the stack's topics and consumer group: it starts on the real
clock and is restarted with a growing ``KETEN_CLOCK_OFFSET`` to let the time limits pass (its scheduler applies
them on the restart). The other services keep the real clock; the stack's own dublin stays stopped meanwhile.

- AMMR Art 41(1)-(4): a Eurodac hit of an application in another member state leads to a take back notification;
  no reply within 2 weeks is confirmation.
- AMMR Art 42, 43(2), 46(1): the transfer decision, its notification (from which, AMMR Art 18(1) with RCD Art 21,
  only the minimum reception conditions), the appeal period, the transfer.
- AMMR Art 46(2), 37(1): no transfer within 6 months of the confirmation shifts responsibility back here.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from keten_shared.events.catalog.screening import EurodacEarlierRecord, EurodacHitConfirmed
from keten_shared.events.envelope import CloudEvent
from keten_shared.stack import ServiceProcess
from keten_shared.testing.fixtures import create_database, drop_database

from .conftest import Stack, eventually
from .test_chain import screen

pytestmark = pytest.mark.e2e

NL = ZoneInfo("Europe/Amsterdam")  # the member state of the stack (ServiceSettings.member_state "NL")


@dataclass
class TravellingDublin:
    """The dublin service in a process of its own, restarted further ahead in time at each step."""

    stack: Stack
    template: ServiceProcess  # the stack's dublin: its port, environment and log directory
    database: tuple[str, str]  # its own: (name, URL)
    offset_days: int = -1

    def now(self) -> datetime:
        """The dublin service's current instant."""
        return datetime.now(UTC) + timedelta(days=max(self.offset_days, 0))

    def today(self) -> date:
        return self.now().astimezone(NL).date()

    async def travel_to(self, offset_days: int) -> None:
        """Stop the dublin process and start it again `offset_days` ahead of the system clock, same database."""
        assert offset_days > self.offset_days, "dublin's clock only moves forward"
        self.stack.processes["dublin"].stop()  # SIGTERM: a graceful stop, leaving the consumer group
        process = ServiceProcess(
            name="dublin",
            port=self.template.port,
            env={
                **self.template.env,
                "KETEN_DATABASE_URL": self.database[1],
                "KETEN_CLOCK_OFFSET": f"P{offset_days}D",
                "KETEN_DUBLIN_DUBLINET_PARTNERS": json.dumps({"AT": "SILENT"}),
                "KETEN_DUBLIN_APPEAL_PERIOD_WEEKS": "1",
                "KETEN_DUBLIN_DUBLINET_POLL_INTERVAL_MS": "200",
            },
            log_file=self.template.log_file.with_name(f"dublin-{self.database[0]}-P{offset_days}D.log"),
        )
        self.stack.processes["dublin"] = process
        process.start()
        await asyncio.to_thread(process.wait_ready)
        self.offset_days = offset_days

    async def travel_past(self, last_day: date) -> None:
        """Restart dublin with its clock in the second day after `last_day`, so that a time limit ending on that day
        (at 24:00 in this or a neighbouring time zone) has passed."""
        real_today = datetime.now(UTC).astimezone(NL).date()
        await self.travel_to(max((last_day - real_today).days + 2, self.offset_days + 1))
        assert self.today() > last_day


@pytest.fixture(scope="module")
async def stack_dublin(stack: Stack) -> AsyncIterator[ServiceProcess]:
    """The stack's own dublin process, stopped for this module: each test runs a dublin of its own instead.

    It is put back, stopped, when the module is done, so that the stack's teardown finds it (and stops nothing).
    """
    template = stack.processes["dublin"]
    template.stop()
    try:
        yield template
    finally:
        stack.processes["dublin"] = template


@pytest.fixture
async def dublin(stack: Stack, stack_dublin: ServiceProcess) -> AsyncIterator[TravellingDublin]:
    database = await create_database()
    travelling = TravellingDublin(stack=stack, template=stack_dublin, database=database)
    try:
        await travelling.travel_to(0)
        yield travelling
    finally:
        stack.processes["dublin"].stop()
        stack.processes["dublin"] = stack_dublin
        await drop_database(database[0])


# --- steps ----------------------------------------------------------------------------------------------------------


async def consumed(stack: Stack, service: str, event_type: str) -> float:
    return await stack.metric(service, "keten_events_consumed_total", event_type=event_type, outcome="handled")


async def applicant_known_to_austria(stack: Stack, family_name: str) -> dict[str, Any]:
    """Screening refers an applicant whose fingerprints match an application in Austria (a confirmed Eurodac hit,
    ED 38(4)); asylum registers the application (APR Art 27). Returns the registered application."""
    referred = await screen(stack, family_name, apply=True)
    assert (referred["status"], referred["referral_basis"]) == ("REFERRED_ASYLUM", "SR Art 18(2)")

    # The Eurodac simulator of the screening process cannot be seeded from outside: the fingerprint expert's
    # confirmation of the hit is put on screening's topic as screening publishes it.
    confirmed_at = datetime.now(UTC) - timedelta(minutes=5)
    hit = EurodacHitConfirmed(
        case_id=referred["id"],
        person_id=referred["person_id"],
        member_state="NL",
        confirmed_at=confirmed_at,
        record=EurodacEarlierRecord(
            category="APPLICANT",
            member_state="AT",
            date=confirmed_at.date() - timedelta(days=90),
            place="Traiskirchen",
            ms_responsible="AT",
        ),
    )
    event = CloudEvent.wrap(hit, source="/keten/screening", subject=referred["id"], time=confirmed_at)
    hits_before = await consumed(stack, "dublin", "eurodac.hit.confirmed")
    await stack.produce("screening.events", event.to_json().encode(), referred["id"].encode())
    # The hit is known to dublin before the application is registered.
    await eventually(lambda: _more(stack, "dublin", "eurodac.hit.confirmed", hits_before), within=30)

    async with stack.client("asylum") as asylum:

        async def made():  # the referral, not only the application made during screening (APR Art 27(7))
            page = (await asylum.get("/v1/applications", params={"screening_case_id": referred["id"]})).json()
            return next((a for a in page["items"] if a["screening_referral"] is not None), None)

        application = await eventually(made)
        registered = await asylum.post(f"/v1/applications/{application['id']}/registration", json={})
        assert registered.status_code == 200, registered.text
        return registered.json()


async def _more(stack: Stack, service: str, event_type: str, than: float) -> bool:
    return await consumed(stack, service, event_type) > than


async def procedure_of(stack: Stack, asylum_case_id: str) -> dict[str, Any] | None:
    async with stack.client("dublin") as dublin:
        response = await dublin.get("/v1/procedures", params={"asylum_case_id": asylum_case_id})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    return items[0] if items else None


async def procedure_when(stack: Stack, asylum_case_id: str, within: float = 30, **wanted: Any) -> dict[str, Any]:
    async def matching() -> dict[str, Any] | None:
        procedure = await procedure_of(stack, asylum_case_id)
        return procedure if procedure and all(procedure[k] == v for k, v in wanted.items()) else None

    return await eventually(matching, within=within)


async def post(stack: Stack, procedure_id: str, step: str, body: dict[str, Any]) -> dict[str, Any]:
    async with stack.client("dublin") as dublin:
        response = await dublin.post(f"/v1/procedures/{procedure_id}/{step}", json=body)
    assert response.status_code == 200, (step, response.text)
    return response.json()


async def dublin_events(stack: Stack, event_type: str, procedure_id: str) -> list[dict[str, Any]]:
    return [e for e in await stack.events("dublin.events", event_type) if e["subject"] == procedure_id]


async def application(stack: Stack, application_id: str) -> dict[str, Any]:
    async with stack.client("asylum") as asylum:
        response = await asylum.get(f"/v1/applications/{application_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def reception_file(stack: Stack, asylum_case_id: str) -> dict[str, Any] | None:
    async with stack.client("reception") as reception:
        response = await reception.get("/v1/reception-files", params={"asylum_case_id": asylum_case_id})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    return items[0] if items else None


async def reception_conditions(stack: Stack, asylum_case_id: str, conditions: str) -> dict[str, Any]:
    async def matching() -> dict[str, Any] | None:
        file = await reception_file(stack, asylum_case_id)
        return file if file and file.get("conditions") == conditions else None

    return await eventually(matching, within=30)


async def notified_to_austria_and_confirmed_by_silence(
    stack: Stack, dublin: TravellingDublin, family_name: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Registration → take back notification to AT (AMMR Art 41(1)-(2)) → no reply within 2 weeks → confirmation
    (AMMR Art 41(4)). Returns the asylum application and the confirmed procedure."""
    registered = await applicant_known_to_austria(stack, family_name)
    assert registered["status"] == "REGISTERED"
    procedure = await procedure_when(stack, registered["id"], assessed_action="TAKE_BACK")
    assert (procedure["regime"], procedure["status"], procedure["assessed_ms"]) == ("AMMR", "DETERMINING", "AT")
    assert procedure["person_id"] == registered["person_id"]

    registered_on = datetime.fromisoformat(registered["registered_at"]).astimezone(NL).date()
    facts = {"determining_ms": "NL", "registered_on": registered_on.isoformat(), "security_threat": False}
    determined = await post(stack, procedure["id"], "determination", {"facts": facts})
    assert (determined["status"], determined["request_kind"], determined["counterpart_ms"]) == (
        "TB_PENDING",
        "TAKE_BACK",
        "AT",
    )
    assert determined["responsible_ms"] == "AT"

    # The scheduler transmits the notification through DubliNet; AT's 2 weeks run from its delivery.
    def delivered(p: dict[str, Any]) -> bool:
        return p["request_sent_at"] is not None and p["reply_due"] is not None

    sent = await eventually(lambda: _procedure_if(stack, registered["id"], delivered), within=30)
    sent_on = datetime.fromisoformat(sent["request_sent_at"]).astimezone(NL).date()
    # AMMR Art 41(3): 2 weeks; a last day on a weekend or holiday in AT moves on.
    reply_due = date.fromisoformat(sent["reply_due"])
    assert sent_on + timedelta(weeks=2) <= reply_due <= sent_on + timedelta(weeks=2, days=5)
    [notified] = await eventually(lambda: dublin_events(stack, "dublin.take_back.notified", procedure["id"]))
    assert (notified["data"]["notified_ms"], notified["data"]["confirm_due"]) == ("AT", sent["reply_due"])

    # AT stays silent (KETEN_DUBLIN_DUBLINET_PARTNERS); past the 2 weeks the scheduler applies the confirmation.
    await dublin.travel_past(reply_due)
    confirmed = await procedure_when(stack, registered["id"], status="ACCEPTED")
    assert confirmed["tacit"] is True
    assert date.fromisoformat(confirmed["decision_due"]) > dublin.today()  # AMMR Art 42(1): 2 weeks still open
    [event] = await eventually(lambda: dublin_events(stack, "dublin.take_back.confirmed", procedure["id"]))
    assert (event["data"]["tacit"], event["data"]["counterpart_ms"]) == (True, "AT")
    assert event["data"]["transfer_due"] == confirmed["transfer_due"]
    return registered, confirmed


async def _procedure_if(stack: Stack, asylum_case_id: str, check: Any) -> dict[str, Any] | None:
    procedure = await procedure_of(stack, asylum_case_id)
    return procedure if procedure and check(procedure) else None


# --- the tests ------------------------------------------------------------------------------------------------------


async def test_a_take_back_confirmed_by_silence_ends_in_the_transfer(stack: Stack, dublin: TravellingDublin):
    registered, confirmed = await notified_to_austria_and_confirmed_by_silence(stack, dublin, "Rostami")
    procedure_id = confirmed["id"]
    assert (await application(stack, registered["id"]))["dublin_status"] == "PENDING"  # APR Art 39(1)(a)
    assert (await reception_conditions(stack, registered["id"], "FULL"))["person_id"] == registered["person_id"]

    # AMMR Art 42: the transfer decision, notified to the person in writing.
    decided = await post(stack, procedure_id, "transfer-decision", {})
    assert decided["status"] == "DECISION_ISSUED"
    # Notified right when decided: not before the decision, not in the future of dublin's clock.
    notified_at = datetime.fromisoformat(decided["transfer_decided_at"])
    assert notified_at <= dublin.now()
    notification = {"notified_at": notified_at.isoformat(), "notified_to": "PERSON"}
    notified = await post(stack, procedure_id, "notification", notification)
    assert notified["status"] == "NOTIFIED"
    # KETEN_DUBLIN_APPEAL_PERIOD_WEEKS=1 (AMMR Art 43(2)); a last day on a weekend or holiday moves on.
    appeal_due = date.fromisoformat(notified["appeal_due"])
    notified_on = notified_at.astimezone(NL).date()
    assert notified_on + timedelta(weeks=1) <= appeal_due <= notified_on + timedelta(weeks=1, days=5)

    # AMMR Art 18(1), RCD Art 21: from the notification, only the minimum standard of living here.
    file = await reception_conditions(stack, registered["id"], "RCD_ART21_MINIMUM")
    assert file["conditions_basis"] == "AMMR Art 18(1); RCD Art 21"

    # No appeal within the week: the transfer decision becomes final (AMMR Art 43(2)).
    await dublin.travel_past(appeal_due)
    final = await procedure_when(stack, registered["id"], status="FINAL")
    assert final["appeal_lodged_at"] is None

    # AMMR Art 46(1): the transfer, scheduled with AT and carried out.
    scheduled = await post(
        stack, procedure_id, "transfer/schedule", {"scheduled_for": dublin.today().isoformat(), "mode": "ESCORT"}
    )
    assert (scheduled["transfer_scheduled_for"], scheduled["transfer_mode"]) == (dublin.today().isoformat(), "ESCORT")
    transferred_at = dublin.now() - timedelta(minutes=1)
    done = await post(stack, procedure_id, "transfer/completion", {"transferred_at": transferred_at.isoformat()})
    assert done["status"] == "TRANSFERRED"
    assert datetime.fromisoformat(done["transferred_at"]) == transferred_at
    [completed] = await eventually(lambda: dublin_events(stack, "dublin.transfer.completed", procedure_id))
    assert (completed["data"]["responsible_ms"], completed["data"]["asylum_case_id"]) == ("AT", registered["id"])

    # Asylum closes the application: AT examines it (APR Art 39(1)(a); AMMR Art 46).
    async def closed() -> dict[str, Any] | None:
        found = await application(stack, registered["id"])
        return found if found["status"] == "CLOSED_TRANSFERRED" else None

    closed_application = await eventually(closed, within=30)
    assert closed_application["dublin_status"] == "OTHER_MS_RESPONSIBLE"
    assert closed_application["right_to_remain"] is False
    assert datetime.fromisoformat(closed_application["final_at"]) == transferred_at

    # Reception ends: AT takes over (AMMR Art 46(1)).
    ended = await reception_conditions(stack, registered["id"], "ENDED")
    assert ended["conditions_basis"] == "AMMR Art 46(1)"


async def test_a_transfer_not_carried_out_in_time_makes_this_member_state_responsible(
    stack: Stack, dublin: TravellingDublin
):
    registered, confirmed = await notified_to_austria_and_confirmed_by_silence(stack, dublin, "Jafari")
    procedure_id = confirmed["id"]
    transfer_due = date.fromisoformat(confirmed["transfer_due"])
    accepted_on = datetime.fromisoformat(confirmed["accepted_at"]).astimezone(NL).date()
    # AMMR Art 46(1): 6 months from the confirmation (a last day on a weekend or holiday moves on).
    assert accepted_on + timedelta(days=181) <= transfer_due <= accepted_on + timedelta(days=189)

    # No transfer decision, no transfer: past the 6 months the scheduler shifts responsibility (AMMR 46(2), 37(1)).
    await dublin.travel_past(transfer_due)
    shifted = await procedure_when(stack, registered["id"], status="SHIFTED_TO_SELF")
    assert (shifted["responsible_ms"], shifted["determination_reason"]) == ("NL", "TRANSFER_DEADLINE")
    [event] = await eventually(lambda: dublin_events(stack, "dublin.responsibility.shifted", procedure_id))
    assert (event["data"]["from_ms"], event["data"]["to_ms"], event["data"]["reason"]) == (
        "AT",
        "NL",
        "TRANSFER_DEADLINE",
    )
    assert event["data"]["reception_effect"] == "RESTORE_FULL"

    # Asylum examines the application here (APR Art 39(1)(a)), and says so.
    async def responsible_here() -> dict[str, Any] | None:
        found = await application(stack, registered["id"])
        return found if found["dublin_status"] == "THIS_MS_RESPONSIBLE" else None

    examined_here = await eventually(responsible_here, within=30)
    assert examined_here["status"] == "REGISTERED"

    async def confirmed_by_asylum() -> list[dict[str, Any]]:
        return [
            e
            for e in await stack.events("asylum.events", "asylum.dublin.responsibility_confirmed")
            if e["subject"] == registered["id"]
        ]

    [responsibility] = await eventually(confirmed_by_asylum, within=30)
    assert responsibility["data"]["dublin_case_id"] == procedure_id
    # Reception never reduced them: the full conditions stay (AMMR Art 37(1)).
    assert (await reception_file(stack, registered["id"]))["conditions"] == "FULL"
