"""What the deadline scheduler does for screening: the forced referral at the SR 8 limit (SR 18(5)), the warnings
24 h and 6 h ahead, the Eurodac transmission as a retried work item and the Eurodac transmission limit.

The module's service runs with the scheduler off; each test moves the clock and runs one scheduler round.
A second service (`legal_app`) runs with liberty_cap_policy=LEGAL (time.md §3.10).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from keten_screening.entrypoints.app import spec
from keten_screening.service_layer.handlers import DEADLINE_HANDLERS
from keten_shared.clock import FixedClock
from keten_shared.scheduler import DeadlineScheduler
from keten_shared.testing.service_fixtures import NOW, service_app_fixture

AMS = ZoneInfo("Europe/Amsterdam")
BASE = "/v1/screenings"
OFFICER, MEDICAL = "screening-officer", "screening-medical-staff"
SCHEDULER = "scheduler:screening"

# The same service, its liberty caps enforced at the legal end (after roll-forward) instead of the unrolled end.
legal_app = service_app_fixture(spec, scheduler_enabled=False, deadlines={"liberty_cap_policy": "LEGAL"})


@pytest.fixture
def legal_clock(legal_app: Any) -> Iterator[FixedClock]:
    yield legal_app.runtime.clock
    legal_app.runtime.clock.set(NOW)


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=AMS)


def end_of(y: int, mo: int, d: int) -> datetime:
    return local(y, mo, d) + timedelta(days=1)


async def fire(sut: Any) -> int:
    scheduler = DeadlineScheduler(service="screening", uow=sut.runtime.uow, handlers=DEADLINE_HANDLERS)
    return await scheduler.fire_due(limit=10_000)


async def open_case(sut: Any, trigger: datetime, *, reason: str = "BORDER_IRREGULAR", start: bool = True) -> str:
    body = {
        "screening_reason": reason,
        "trigger_event_ts": trigger.isoformat(),
        "location": "Ter Apel",
        "person": {"family_name": "Haddad", "given_names": "Omar", "date_of_birth": "1990-01-01", "sex": "M"},
    }
    response = await sut.client.post(BASE, json=body, headers=sut.auth(OFFICER))
    assert response.status_code == 201, response.text
    sid = response.json()["id"]
    if start:
        now = sut.runtime.clock.now()
        response = await sut.client.post(
            f"{BASE}/{sid}/start", json={"started_at": now.isoformat()}, headers=sut.auth(OFFICER)
        )
        assert response.status_code == 200, response.text
    return sid


async def put(sut: Any, sid: str, step: str, body: dict[str, Any], role: str = OFFICER) -> dict[str, Any]:
    response = await sut.client.put(f"{BASE}/{sid}/{step}", json=body, headers=sut.auth(role))
    assert response.status_code == 200, (step, response.text)
    return response.json()


async def post(sut: Any, sid: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await sut.client.post(f"{BASE}/{sid}/{path}", json=body, headers=sut.auth(OFFICER))
    assert response.status_code == 200, (path, response.text)
    return response.json()


async def get(sut: Any, sid: str) -> dict[str, Any]:
    response = await sut.client.get(f"{BASE}/{sid}", headers=sut.auth(OFFICER))
    assert response.status_code == 200, response.text
    return response.json()


async def all_checks(sut: Any, sid: str, template_ref: str) -> dict[str, Any]:
    now = sut.runtime.clock.now().isoformat()
    await put(sut, sid, "information", {"provided_at": now, "language": "ar", "channel": "ORAL"})
    await put(sut, sid, "health-check", {"medical_staff": "dr-visser"}, role=MEDICAL)
    await put(sut, sid, "vulnerability-check", {})
    await put(sut, sid, "identification", {"nationalities": ["SYR"]})
    await post(sut, sid, "security-check", {})
    await put(sut, sid, "cooperation", {})
    await put(sut, sid, "form-details", {})
    await put(sut, sid, "form-review", {"reviewed_with_person_at": now})
    return await put(sut, sid, "biometrics", {"outcome": "CAPTURED", "template_ref": template_ref})


async def rows(probe: Any, sid: str) -> dict[str, Any]:
    """The case's deadline rows by kind (one row per kind in these tests)."""
    found = await probe.deadlines(sid)
    by_kind = {row.kind: row for row in found}
    assert len(by_kind) == len(found)
    return by_kind


async def event_types(probe: Any, sid: str) -> list[str]:
    return [row.event_type for row in await probe.outbox(sid)]


async def the_event(probe: Any, sid: str, event_type: str) -> dict[str, Any]:
    [row] = await probe.outbox(sid, event_type)
    return json.loads(row.payload)["data"]


# --- the forced referral (SR 18(5)) ----------------------------------------------------------------------------------


async def test_forced_referral_fires_at_the_limit_and_not_a_microsecond_before(app, clock, probe):
    # Apprehended Thu 2026-07-09: 7 days end with Thu 2026-07-16 (SR 8(3)); forced at 24:00 local.
    sid = await open_case(app, local(2026, 7, 9, 10, 0))
    due = end_of(2026, 7, 16)
    await put(app, sid, "information", {"provided_at": NOW.isoformat(), "language": "ar", "channel": "ORAL"})
    await put(app, sid, "health-check", {"medical_staff": "dr-visser"}, role=MEDICAL)
    assert (await rows(probe, sid))["screening.completion_limit"].due_at == due

    clock.set(due - timedelta(microseconds=1))
    await fire(app)
    assert (await get(app, sid))["status"] == "IN_PROGRESS"
    assert (await rows(probe, sid))["screening.completion_limit"].status == "open"
    assert await probe.outbox(sid, "screening.case.referred") == []

    clock.set(due)
    await fire(app)
    case = await get(app, sid)
    assert (case["status"], case["referral_target"], case["referral_basis"], case["completion"]) == (
        "REFERRED_RETURN",
        "RETURN",
        "SR Art 18(1)",
        "INCOMPLETE",
    )
    assert case["missing_checks"] == ["vulnerability", "identity", "security", "biometrics", "form"]
    # SR 18(5): screening ended with the limit's last day; the referral is dated at its last instant (APR 27(7)).
    assert datetime.fromisoformat(case["referred_at"]) == due - timedelta(microseconds=1)
    limit = (await rows(probe, sid))["screening.completion_limit"]
    assert (limit.status, limit.fired_at) == ("fired", due)
    referred = await the_event(probe, sid, "screening.case.referred")
    assert (referred["completion"], referred["missing_checks"]) == ("INCOMPLETE", case["missing_checks"])
    assert referred["form"]["health_check"]["done"] is True
    [audit] = [row for row in await probe.audit(sid) if row.action == "screening.referred"]
    assert (audit.actor, audit.before_status, audit.after_status, audit.legal_basis) == (
        SCHEDULER,
        "IN_PROGRESS",
        "REFERRED_RETURN",
        "SR Art 18(1)",
    )
    assert audit.details == {"completion": "INCOMPLETE", "missing": case["missing_checks"]}

    # Fired once: a later round does nothing more.
    clock.set(due + timedelta(days=1))
    await fire(app)
    assert len(await probe.outbox(sid, "screening.case.referred")) == 1


async def test_a_screening_never_started_is_referred_with_every_check_missing(app, clock, probe):
    sid = await open_case(app, local(2026, 7, 9, 11, 0), start=False)
    clock.set(end_of(2026, 7, 16) + timedelta(minutes=5))  # the scheduler was late: it acts when it runs...
    await fire(app)
    case = await get(app, sid)
    assert (case["status"], case["completion"], case["started_at"]) == ("REFERRED_RETURN", "INCOMPLETE", None)
    assert case["missing_checks"] == ["health", "vulnerability", "identity", "security", "biometrics", "form"]
    # ...but screening ended in law with the limit (SR 18(5)): the referral is dated then.
    assert datetime.fromisoformat(case["referred_at"]) == end_of(2026, 7, 16) - timedelta(microseconds=1)


async def test_an_application_turns_the_forced_referral_to_asylum(app, clock, probe):
    sid = await open_case(app, local(2026, 7, 9, 12, 0))
    await post(app, sid, "application", {"made_at": NOW.isoformat()})
    clock.set(end_of(2026, 7, 16))
    await fire(app)
    case = await get(app, sid)
    assert (case["status"], case["referral_target"], case["referral_basis"]) == (
        "REFERRED_ASYLUM",
        "ASYLUM",
        "SR Art 18(2)",
    )
    assert await event_types(probe, sid) == [
        "screening.application.made",
        "eurodac.transmission.delayed",
        "screening.case.referred",
    ]


# --- warnings (chapter §7) -------------------------------------------------------------------------------------------


async def test_warnings_24_and_6_hours_before_the_limit(app, clock, probe):
    sid = await open_case(app, local(2026, 7, 9, 13, 0))
    due = end_of(2026, 7, 16)
    limits = await rows(probe, sid)
    assert limits["screening.deadline_warning.24h"].due_at == due - timedelta(hours=24)
    assert limits["screening.deadline_warning.6h"].due_at == due - timedelta(hours=6)

    async def warnings() -> list[Any]:
        return [row for row in await probe.audit(sid) if row.action == "screening.deadline.warning"]

    clock.set(due - timedelta(hours=24, microseconds=1))
    await fire(app)
    assert await warnings() == []
    clock.set(due - timedelta(hours=24))
    await fire(app)
    [first] = await warnings()
    assert (first.actor, first.details) == (SCHEDULER, {"kind": "screening.deadline_warning.24h"})
    assert first.at == due - timedelta(hours=24)

    clock.set(due - timedelta(hours=6, microseconds=1))
    await fire(app)
    assert len(await warnings()) == 1
    clock.set(due - timedelta(hours=6))
    await fire(app)
    assert [w.details["kind"] for w in await warnings()] == [
        "screening.deadline_warning.24h",
        "screening.deadline_warning.6h",
    ]
    # A warning is internal: no event leaves the service for it.
    assert "screening.deadline_warning" not in " ".join(await event_types(probe, sid))
    assert (await get(app, sid))["status"] == "IN_PROGRESS"


async def test_warnings_already_past_at_intake_are_not_scheduled(app, probe):
    # Apprehended Fri 2026-07-03 13:00: the limit is the end of Fri 2026-07-10, 12 hours after NOW.
    sid = await open_case(app, local(2026, 7, 3, 13, 0))
    assert set(await rows(probe, sid)) == {
        "screening.completion_limit",
        "screening.deadline_warning.6h",
        "eurodac.transmission_limit",
    }


async def test_completing_cancels_the_limit_and_the_warnings(app, clock, probe):
    await fire(app)  # whatever is due from earlier tests
    sid = await open_case(app, local(2026, 7, 9, 14, 0))
    await all_checks(app, sid, "tpl-sched-complete")
    await fire(app)
    await post(app, sid, "completion")
    limits = await rows(probe, sid)
    assert {kind: row.status for kind, row in limits.items()} == {
        "screening.completion_limit": "cancelled",
        "screening.deadline_warning.24h": "cancelled",
        "screening.deadline_warning.6h": "cancelled",
        "eurodac.transmit": "fired",
        "eurodac.transmission_limit": "open",  # runs out on its own; nothing to report once transmitted
    }
    assert limits["screening.completion_limit"].fired_at == NOW  # cancelled at that moment

    clock.set(end_of(2026, 7, 16) + timedelta(hours=1))
    await fire(app)
    assert await event_types(probe, sid) == ["eurodac.data.transmitted", "screening.case.referred"]
    assert not [row for row in await probe.audit(sid) if row.action == "screening.deadline.warning"]
    assert (await rows(probe, sid))["eurodac.transmission_limit"].status == "fired"
    case = await get(app, sid)
    assert (case["status"], case["completion"], case["eurodac"]["delayed_reported"]) == (
        "REFERRED_RETURN",
        "COMPLETE",
        [],
    )


# --- Eurodac ---------------------------------------------------------------------------------------------------------


async def test_eurodac_transmission_is_retried_until_eurodac_answers(app, clock, probe):
    """ED 22(5): the duty outlives the limit. The transmission is a scheduler work item: a failure is retried with
    backoff, the row keeps its attempts and last error; the limit passing meanwhile is reported once."""
    await fire(app)  # nothing else may take the simulated failures
    sid = await open_case(app, local(2026, 7, 10, 9, 0))
    await put(app, sid, "biometrics", {"outcome": "CAPTURED", "template_ref": "tpl-sched-retry"})
    transmit = (await rows(probe, sid))["eurodac.transmit"]
    assert (transmit.due_at, transmit.status, transmit.legal_basis) == (NOW, "open", "ED Art 13(1)")
    legal_end = local(2026, 7, 13, 10, 0)  # 09:00 + 72 h, the hour of the event not counted
    assert (await rows(probe, sid))["eurodac.transmission_limit"].due_at == legal_end

    app.runtime.adapters.eurodac.fail_next(2)
    await fire(app)
    transmit = (await rows(probe, sid))["eurodac.transmit"]
    assert (transmit.status, transmit.attempts, transmit.retry_at) == ("open", 1, NOW + timedelta(seconds=10))
    assert "EurodacUnavailable" in transmit.last_error
    case = await get(app, sid)
    assert (case["eurodac"]["due"], case["eurodac"]["transmissions"]) == (["IRREGULAR_CROSSER"], [])
    assert await event_types(probe, sid) == []

    # Still failing when the limit passes: the delay is reported, the transmission stays due.
    clock.set(legal_end)
    await fire(app)
    transmit = (await rows(probe, sid))["eurodac.transmit"]
    assert (transmit.status, transmit.attempts, transmit.retry_at) == ("open", 2, legal_end + timedelta(seconds=20))
    delayed = await the_event(probe, sid, "eurodac.transmission.delayed")
    assert (delayed["category"], delayed["reason"]) == ("IRREGULAR_CROSSER", "NOT_YET_TRANSMITTED")
    assert datetime.fromisoformat(delayed["legal_end"]) == legal_end
    assert (await rows(probe, sid))["eurodac.transmission_limit"].status == "fired"

    clock.set(legal_end + timedelta(seconds=19))
    await fire(app)
    assert (await rows(probe, sid))["eurodac.transmit"].status == "open"  # not before its retry time

    clock.set(legal_end + timedelta(seconds=20))
    await fire(app)
    transmit = (await rows(probe, sid))["eurodac.transmit"]
    assert (transmit.status, transmit.attempts, transmit.fired_at) == ("fired", 2, legal_end + timedelta(seconds=20))
    assert "EurodacUnavailable" in transmit.last_error  # kept for the record
    transmitted = await the_event(probe, sid, "eurodac.data.transmitted")
    assert transmitted["within_limit"] is False
    assert datetime.fromisoformat(transmitted["transmitted_at"]) == legal_end + timedelta(seconds=20)
    case = await get(app, sid)
    assert case["eurodac"]["due"] == []
    assert case["eurodac"]["delayed_reported"] == ["IRREGULAR_CROSSER"]
    assert [t["within_limit"] for t in case["eurodac"]["transmissions"]] == [False]


async def test_the_transmission_limit_is_not_reported_once_transmitted(app, clock, probe):
    await fire(app)
    sid = await open_case(app, local(2026, 7, 10, 10, 0))
    await put(app, sid, "biometrics", {"outcome": "CAPTURED", "template_ref": "tpl-sched-in-time"})
    await fire(app)
    assert (await the_event(probe, sid, "eurodac.data.transmitted"))["within_limit"] is True

    clock.set(local(2026, 7, 13, 11, 0))  # the legal end
    await fire(app)
    assert (await rows(probe, sid))["eurodac.transmission_limit"].status == "fired"
    assert await event_types(probe, sid) == ["eurodac.data.transmitted"]
    assert (await get(app, sid))["eurodac"]["delayed_reported"] == []


async def test_a_transmission_at_the_legal_end_is_late(app, clock, probe):
    """time.md §3.7: the legal end is the instant the period has expired; a transmission then is out of time."""
    sid = await open_case(app, local(2026, 7, 10, 11, 0))
    await put(app, sid, "biometrics", {"outcome": "CAPTURED", "template_ref": "tpl-sched-late"})
    clock.set(local(2026, 7, 13, 12, 0))
    await fire(app)
    transmitted = await the_event(probe, sid, "eurodac.data.transmitted")
    assert datetime.fromisoformat(transmitted["transmitted_at"]) == local(2026, 7, 13, 12, 0)
    assert transmitted["within_limit"] is False


# --- liberty_cap_policy=LEGAL (time.md §3.10) ------------------------------------------------------------------------


async def test_legal_policy_forces_the_referral_at_the_rolled_forward_end(legal_app, legal_clock, probe_for):
    """In-territory Wed 2026-07-08 (time.md W8): strict end Sat 2026-07-11, legal end Mon 2026-07-13. With
    liberty_cap_policy=LEGAL the referral is forced at the end of Monday, not of Saturday."""
    probe = probe_for(legal_app)
    sid = await open_case(legal_app, local(2026, 7, 8, 9, 0), reason="TERRITORY")
    case = await get(legal_app, sid)
    assert (case["deadline_strict"], case["deadline_ptl"]) == ("2026-07-11", "2026-07-13")
    assert datetime.fromisoformat(case["deadline_due_at"]) == end_of(2026, 7, 13)
    limits = await rows(probe, sid)
    assert limits["screening.completion_limit"].due_at == end_of(2026, 7, 13)
    assert limits["screening.deadline_warning.24h"].due_at == end_of(2026, 7, 12)

    legal_clock.set(end_of(2026, 7, 11))
    await fire(legal_app)
    assert (await get(legal_app, sid))["status"] == "IN_PROGRESS"
    legal_clock.set(end_of(2026, 7, 13) - timedelta(microseconds=1))
    await fire(legal_app)
    assert (await get(legal_app, sid))["status"] == "IN_PROGRESS"
    legal_clock.set(end_of(2026, 7, 13))
    await fire(legal_app)
    case = await get(legal_app, sid)
    assert (case["status"], case["referral_basis"], case["completion"]) == (
        "CONTINUE_RETURN",
        "SR Art 18(4)",
        "INCOMPLETE",
    )


async def test_default_policy_forces_the_same_case_at_the_strict_end(app, clock):
    sid = await open_case(app, local(2026, 7, 8, 9, 0), reason="TERRITORY")
    assert datetime.fromisoformat((await get(app, sid))["deadline_due_at"]) == end_of(2026, 7, 11)
    clock.set(end_of(2026, 7, 11))
    await fire(app)
    assert (await get(app, sid))["status"] == "CONTINUE_RETURN"


async def test_the_background_transmission_does_not_invalidate_an_officers_etag(app, clock):
    """The Eurodac registration is versioned apart from the screening: the scheduler transmitting in the background
    never turns an officer's next step into a 409/412."""
    sid = await open_case(app, local(2026, 7, 9, 12, 0))
    await put(app, sid, "biometrics", {"outcome": "CAPTURED", "template_ref": f"tpl-etag-{sid}"})
    seen = await app.client.get(f"/v1/screenings/{sid}", headers=app.auth(OFFICER))
    assert await fire(app) >= 1  # the transmission, meanwhile
    assert (await get(app, sid))["eurodac"]["transmissions"], "the transmission happened"
    step = await app.client.put(
        f"/v1/screenings/{sid}/cooperation",
        json={},
        headers={**app.auth(OFFICER), "If-Match": seen.headers["etag"]},
    )
    assert step.status_code == 200, step.text
