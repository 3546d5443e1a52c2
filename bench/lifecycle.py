"""One synthetic case through the chain, as caseworkers' front ends drive it through the REST APIs.

Screening (the steps of tests/e2e/test_chain.py ``screen``, with an application) → at asylum
registration → for a Dublin case, the determination by a Dublin officer (this member state
responsible, by default as the first member state where the application was registered, AMMR Art 16(2))
→ lodging, routing and the decision → for a negative decision, the return decision as the return
service shows it.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .client import BenchError, Clients
from .people import Person
from .stack import token

NEGATIVE, POSITIVE = "REJECTED_UNFOUNDED", "GRANTED_REFUGEE"
MEMBER_STATE, ZONE = "NL", ZoneInfo("Europe/Amsterdam")  # the services' default member state
BORDER_ROUTING = {"established_grounds": ["MISLEADING"]}


def _ago(**delta: float) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).isoformat()


@dataclass
class CaseResult:
    number: int
    negative: bool
    border: bool
    dublin: bool
    minor: bool
    started: float  # time.time() of the first request
    finished: float  # time.time() when the lifecycle was complete (return decision seen, or positive decision)
    procedure: str | None
    decided_at: str | None = None  # the asylum decision, as the service recorded it
    decision_response_at: float | None = None  # time.time() when the decision's response came back
    return_issued_at: str | None = None  # the return decision, as the return service recorded it
    return_seen_at: float | None = None  # time.time() when a poll first saw it


async def _until(probe: Any, what: str, within: float, interval: float) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = await probe()
        if found:
            return found
        await asyncio.sleep(interval)
    raise BenchError(f"{what} not seen within {within}s")


async def screen(clients: Clients, person: Person, poll_interval: float) -> str:
    """A whole screening with an application made during it; returns the screening case id once referred."""
    created = await clients.call(
        "screening",
        "POST",
        "/v1/screenings",
        "create",
        expect=201,
        json={
            "screening_reason": "BORDER_IRREGULAR",
            "trigger_event_ts": _ago(hours=5),
            "location": "Ter Apel",
            "person": person.as_json(),
        },
    )
    path = f"/v1/screenings/{created['id']}"
    medical = {"Authorization": f"Bearer {token('screening-medical-staff')}"}
    steps = [
        ("POST", "start", {"started_at": _ago(hours=4)}, None),
        ("PUT", "information", {"provided_at": _ago(hours=4), "language": person.language, "channel": "ORAL"}, None),
        ("PUT", "health-check", {"medical_staff": "nurse-7"}, medical),
        ("PUT", "vulnerability-check", {"vulnerabilities": []}, None),
        ("PUT", "identification", {"nationalities": [person.nationality]}, None),
        ("POST", "security-check", {}, None),
        ("PUT", "biometrics", {"outcome": "CAPTURED", "template_ref": f"tpl-{uuid.uuid4()}"}, None),
        ("POST", "application", {"made_at": _ago(hours=3)}, None),
        ("PUT", "form-review", {"reviewed_with_person_at": _ago(hours=2)}, None),
    ]
    for method, step, body, headers in steps:
        await clients.call("screening", method, f"{path}/{step}", step, json=body, headers=headers)

    async def transmitted() -> Any:  # the scheduler sends the biometrics to Eurodac (ED 22(2)) first
        return (await clients.call("screening", "GET", path, "poll-eurodac"))["eurodac"]["transmissions"]

    await _until(transmitted, "Eurodac transmission", 30, poll_interval)
    referred = await clients.call("screening", "POST", f"{path}/completion", "completion")
    if referred["status"] != "REFERRED_ASYLUM":
        raise BenchError(f"screening referred as {referred['status']}")
    return str(created["id"])


async def determine(clients: Clients, application_id: str, poll_interval: float) -> str:
    """The Dublin officer determines responsibility once the procedure waits for it; the procedure's status."""

    async def determining() -> Any:
        page = await clients.call(
            "dublin", "GET", "/v1/procedures", "poll-procedure", params={"asylum_case_id": application_id}
        )
        return next((p for p in page["items"] if p["status"] == "DETERMINING"), None)

    procedure = await _until(determining, "the Dublin procedure", 30, poll_interval)
    registered = datetime.fromisoformat(procedure["application_registered_at"]).astimezone(ZONE).date()
    facts = {"determining_ms": MEMBER_STATE, "registered_on": registered.isoformat(), "security_threat": False}
    path = f"/v1/procedures/{procedure['id']}/determination"
    determined = await clients.call("dublin", "POST", path, "determination", json={"facts": facts})
    return str(determined["status"])


async def run_case(
    clients: Clients,
    number: int,
    person: Person,
    *,
    negative: bool,
    border: bool,
    dublin: bool,
    return_timeout: float,
    poll_interval: float,
) -> CaseResult:
    started = time.time()
    screening_id = await screen(clients, person, poll_interval)

    async def referred_application() -> Any:
        page = await clients.call(
            "asylum", "GET", "/v1/applications", "poll-referral", params={"screening_case_id": screening_id}
        )
        return next((a for a in page["items"] if a["screening_referral"] is not None), None)

    application = await _until(referred_application, "the referral at asylum", 30, poll_interval)
    path = f"/v1/applications/{application['id']}"
    await clients.call("asylum", "POST", f"{path}/registration", "registration", json={})
    if dublin:
        if (status := await determine(clients, application["id"], poll_interval)) != "SELF_RESPONSIBLE":
            raise BenchError(f"Dublin determination gave {status}")

        async def confirmed() -> bool:  # the caseworker goes on once the case shows the determination
            found = await clients.call("asylum", "GET", path, "poll-dublin")
            return found["dublin_status"] == "THIS_MS_RESPONSIBLE"

        await _until(confirmed, "the determination at asylum", 30, poll_interval)
    await clients.call("asylum", "POST", f"{path}/lodging", "lodging", json={"lodged_at": _ago(seconds=0)})
    routed = await clients.call("asylum", "POST", f"{path}/routing", "routing", json=BORDER_ROUTING if border else {})
    decision = await clients.call(
        "asylum",
        "POST",
        f"{path}/decision",
        "decision",
        expect=201,
        json={"outcome": NEGATIVE if negative else POSITIVE, "notified_at": _ago(seconds=0)},
    )
    result = CaseResult(
        number=number,
        negative=negative,
        border=border,
        dublin=dublin,
        minor=person.minor,
        started=started,
        finished=time.time(),
        procedure=routed.get("procedure"),
        decided_at=decision["decided_at"],
        decision_response_at=time.time(),
    )
    if not negative:
        return result

    async def return_decision() -> Any:
        page = await clients.call(
            "return", "GET", "/v1/return-cases", "poll-return", params={"asylum_decision_id": decision["id"]}
        )
        return next((c for c in page["items"] if c.get("decision")), None)

    case = await _until(return_decision, "the return decision", return_timeout, poll_interval)
    result.return_seen_at = result.finished = time.time()
    result.return_issued_at = case["decision"]["issued_at"]
    return result
