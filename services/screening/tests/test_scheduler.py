"""SR 18(5): at the SR 8 limit the scheduler ends screening and refers the person, checks done or not."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from keten_screening.entrypoints.app import spec
from keten_shared.clock import FixedClock
from keten_shared.scheduler import DeadlineScheduler

AMS = ZoneInfo("Europe/Amsterdam")
OFFICER = "screening-officer"
# time.md W8: in-territory apprehension Wed 2026-07-08; strict end Sat 2026-07-11 24:00 (= 22:00 UTC).
APPREHENDED = datetime(2026, 7, 8, 9, 0, tzinfo=AMS)
DUE = datetime(2026, 7, 11, 22, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)


def screening(reason: str = "TERRITORY", **extra: str) -> dict:
    return {
        "screening_reason": reason,
        "trigger_event_ts": APPREHENDED.isoformat(),
        "location": "Utrecht",
        "person": {"family_name": "Doe", "nationalities": ["MAR"]},
    } | extra


def scheduler_of(sut) -> DeadlineScheduler:
    """The service's scheduler, driven by hand: with scheduler_enabled=False the runtime starts none."""
    assert sut.runtime.scheduler is None
    return DeadlineScheduler(service="screening", uow=sut.runtime.uow, handlers=sut.runtime.spec.deadline_handlers)


async def create(sut, **kw) -> dict:
    response = await sut.client.post("/v1/screenings", json=screening(**kw), headers=sut.auth(OFFICER))
    assert response.status_code == 201, response.text
    return response.json()


async def get(sut, case_id: str) -> dict:
    return (await sut.client.get(f"/v1/screenings/{case_id}", headers=sut.auth(OFFICER))).json()


async def test_forced_referral_exactly_after_the_limit(service_app, probe_for):
    clock = FixedClock(datetime(2026, 7, 8, 12, 0, tzinfo=AMS))
    async with service_app(spec(), clock=clock, scheduler_enabled=False) as sut:
        probe = probe_for(sut)
        case = await create(sut)
        scheduler = scheduler_of(sut)

        # The last instant of Sat 2026-07-11 is still inside the limit.
        clock.set(DUE - TICK)
        assert await scheduler.fire_due() == 0
        assert (await get(sut, case["id"]))["status"] == "IN_PROGRESS"
        assert await probe.outbox(case["id"]) == []

        clock.set(DUE + TICK)
        assert await scheduler.fire_due() == 1
        referred = await get(sut, case["id"])
        assert referred["status"] == "CONTINUE_RETURN"  # SR 18(4): in-territory, no application
        assert referred["completion"] == "INCOMPLETE"
        assert referred["missing_checks"] == ["health", "vulnerability", "identity", "security", "biometrics"]
        assert datetime.fromisoformat(referred["referred_at"]) == DUE + TICK
        [row] = await probe.outbox(case["id"])
        data = json.loads(row.payload)["data"]
        assert (row.event_type, data["completion"], data["basis"]) == (
            "screening.case.referred",
            "INCOMPLETE",
            "SR Art 18(4)",
        )
        [deadline] = await probe.deadlines(case["id"])
        assert (deadline.status, deadline.fired_at, deadline.attempts) == ("fired", DUE + TICK, 0)
        [audit] = [row for row in await probe.audit(case["id"]) if row.action == "screening.referred"]
        assert (audit.actor, audit.details) == ("scheduler:screening", {"completion": "INCOMPLETE"})

        # Exactly once.
        clock.advance(timedelta(days=3))
        assert await scheduler.fire_due() == 0
        assert len(await probe.outbox(case["id"])) == 1


async def test_completed_screening_never_fires_and_applicants_go_to_asylum(service_app, probe_for):
    clock = FixedClock(datetime(2026, 7, 9, 12, 0, tzinfo=AMS))
    async with service_app(spec(), clock=clock, scheduler_enabled=False) as sut:
        probe = probe_for(sut)
        scheduler = scheduler_of(sut)
        completed = await create(sut)
        response = await sut.client.post(f"/v1/screenings/{completed['id']}/completion", headers=sut.auth(OFFICER))
        assert response.status_code == 200
        applicant = await create(sut)
        response = await sut.client.post(
            f"/v1/screenings/{applicant['id']}/application",
            json={"made_at": "2026-07-09T10:00:00+02:00"},
            headers=sut.auth(OFFICER),
        )
        assert response.status_code == 200

        clock.set(DUE + TICK)
        assert await scheduler.fire_due() == 1  # only the open one
        [cancelled] = await probe.deadlines(completed["id"])
        assert cancelled.status == "cancelled"
        assert [row.event_type for row in await probe.outbox(completed["id"])] == ["screening.case.referred"]
        assert json.loads((await probe.outbox(completed["id"]))[0].payload)["data"]["completion"] == "COMPLETE"
        # SR 18(5) with 18(2): an applicant is referred to registration even when checks are missing.
        forced = await get(sut, applicant["id"])
        assert (forced["status"], forced["completion"]) == ("REFERRED_ASYLUM", "INCOMPLETE")


async def test_border_limit_is_seven_days(service_app):
    clock = FixedClock(datetime(2026, 7, 8, 12, 0, tzinfo=AMS))
    async with service_app(spec(), clock=clock, scheduler_enabled=False) as sut:
        scheduler = scheduler_of(sut)
        case = await create(sut, reason="BORDER_SAR")
        assert case["deadline_strict"] == "2026-07-15"
        border_due = datetime(2026, 7, 15, 22, 0, tzinfo=UTC)  # end of Wed 2026-07-15
        clock.set(DUE + TICK)  # where the territory limit would have fired
        assert await scheduler.fire_due() == 0
        clock.set(border_due - TICK)
        assert await scheduler.fire_due() == 0
        clock.set(border_due + TICK)
        assert await scheduler.fire_due() == 1
        assert (await get(sut, case["id"]))["status"] == "REFERRED_RETURN"  # SR 18(1)


async def test_liberty_cap_policy_legal_moves_the_forced_referral_to_the_legal_end(service_app):
    clock = FixedClock(datetime(2026, 7, 8, 12, 0, tzinfo=AMS))
    overrides = {"scheduler_enabled": False, "deadlines": {"liberty_cap_policy": "LEGAL"}}
    async with service_app(spec(), clock=clock, **overrides) as sut:
        scheduler = scheduler_of(sut)
        case = await create(sut)
        clock.set(DUE + TICK)
        assert await scheduler.fire_due() == 0
        legal_due = datetime(2026, 7, 13, 22, 0, tzinfo=UTC)  # end of Mon 2026-07-13
        clock.set(legal_due + TICK)
        assert await scheduler.fire_due() == 1
        assert (await get(sut, case["id"]))["completion"] == "INCOMPLETE"


async def test_background_scheduler_refers_once_the_clock_passes_the_limit(service_app, wait_for):
    clock = FixedClock(datetime(2026, 7, 8, 12, 0, tzinfo=AMS))
    async with service_app(spec(), clock=clock) as sut:
        case = await create(sut)
        clock.set(DUE + TICK)

        async def referred():
            return (await get(sut, case["id"]))["status"] == "CONTINUE_RETURN"

        await wait_for(referred)
