"""The remedy against the asylum decision, against real PostgreSQL: the return decision is suspended while the
person may remain (APR Art 68), reinstated when the appeal is dismissed, withdrawn when the decision is annulled;
in whatever order the asylum events arrive, and however often."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError

from keten_return.adapters.orm import asylum_remedies
from keten_return.adapters.repository import ReturnCaseRepository
from keten_return.domain.model import ReturnCase, ReturnCaseStatus
from keten_return.service_layer import handlers
from keten_return.service_layer.handlers import DEADLINE_HANDLERS
from keten_shared.errors import InvalidData
from keten_shared.events.catalog.asylum import (
    AppealDecided,
    AppealLodged,
    DecisionIssued,
    DecisionOutcome,
    ProcedureType,
    ReturnDecisionMode,
    RightToRemainUpdated,
)
from keten_shared.events.catalog.return_ import SuspensionReason
from keten_shared.events.envelope import CloudEvent
from keten_shared.events.registry import EventData
from keten_shared.scheduler import DeadlineScheduler
from keten_shared.testing.service_fixtures import NOW

TODAY = date(2026, 7, 10)  # NOW in the Netherlands
NOTIFIED = datetime(2026, 7, 8, 9, 0, tzinfo=UTC)
GNANDI = "C-181/16 Gnandi"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def rejection(procedure: ProcedureType = ProcedureType.BORDER) -> DecisionIssued:
    return DecisionIssued(
        case_id=f"asylum-{uuid.uuid4()}",
        decision_id=str(uuid.uuid4()),
        person_id=f"person-{uuid.uuid4()}",
        member_state="NL",
        outcome=DecisionOutcome.REJECTED_MANIFESTLY_UNFOUNDED,
        legal_basis=["APR Art 39(4)", "APR Art 37"],
        procedure_type=procedure,
        notified_at=NOTIFIED,
        return_decision_required=True,
        return_decision_mode=ReturnDecisionMode.SEPARATE_ACT,
        nationalities=["GEO"],
    )


def remain(
    decision: DecisionIssued, right: bool = True, until: date | None = None, basis: str | None = "APR Art 68(4)"
) -> RightToRemainUpdated:
    return RightToRemainUpdated(
        case_id=decision.case_id,
        person_id=decision.person_id,
        member_state="NL",
        decision_id=decision.decision_id,
        right_to_remain=right,
        until=until,
        basis=basis if right else None,
    )


def appeal(
    decision: DecisionIssued, appeal_id: str = "appeal-1", *, in_time: bool = True, suspensive: bool = True
) -> AppealLodged:
    return AppealLodged(
        case_id=decision.case_id,
        decision_id=decision.decision_id,
        appeal_id=appeal_id,
        person_id=decision.person_id,
        member_state="NL",
        lodged_at=NOTIFIED + timedelta(days=1),
        in_time=in_time,
        suspensive=suspensive,
    )


def outcome(decision: DecisionIssued, result: str, appeal_id: str = "appeal-1") -> AppealDecided:
    return AppealDecided(
        case_id=decision.case_id,
        decision_id=decision.decision_id,
        appeal_id=appeal_id,
        person_id=decision.person_id,
        member_state="NL",
        result=result,
        decided_at=NOW - timedelta(hours=1),
    )


async def handle(app, data: EventData, at: datetime = NOW) -> None:
    """Handle ``data`` as published by the asylum service at ``at``, under a new event id each time."""
    event = CloudEvent.wrap(data, source=f"/keten/{data.producer}", subject=data.case_id, time=at)  # type: ignore[attr-defined]
    async with app.runtime.uow() as uow:
        await handlers.EVENT_HANDLERS[data.event_type](data, event, uow)
        await uow.commit()


async def handle_retrying(app, data: EventData) -> None:
    """As the consumer does: a handler refused by a unique key (a racing first event) is tried again."""
    for _ in range(5):
        try:
            return await handle(app, data)
        except IntegrityError:
            await asyncio.sleep(0.01)
    raise AssertionError("still refused after 5 attempts")


async def the_case(app, decision: DecisionIssued) -> ReturnCase | None:
    async with app.runtime.uow() as uow:
        case = await ReturnCaseRepository(uow.session).find_one(asylum_decision_id=decision.decision_id)
        uow.session.expunge_all()  # read as it was, after the unit of work ends
        return case


async def published(probe, case: ReturnCase) -> list[tuple[str, dict]]:
    return [(row.event_type, CloudEvent.model_validate_json(row.payload).data) for row in await probe.outbox(case.id)]


async def case_audit(probe, case: ReturnCase) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(r.action, r.legal_basis, r.before_status, r.after_status) for r in await probe.audit(case.id)]


# --- APR Art 68(1): suspended while the person may remain -------------------------------------------


async def test_a_right_to_remain_suspends_the_return_decision(app, probe):
    decision = rejection()
    await handle(app, decision)
    until = TODAY + timedelta(days=5)
    await handle(app, remain(decision, until=until, basis="APR Art 68(5)(d)"))
    case = await the_case(app, decision)
    assert (case.status, case.suspended_from, case.suspended_at) == (
        ReturnCaseStatus.SUSPENDED,
        ReturnCaseStatus.RETURN_DECISION_ISSUED,
        NOW,
    )
    assert (case.remedy.right_to_remain, case.remedy.right_to_remain_until, case.remedy.right_to_remain_basis) == (
        True,
        until,
        "APR Art 68(5)(d)",
    )
    events = await published(probe, case)
    assert [name for name, _ in events] == ["return.decision.issued", "return.decision.suspended"]
    suspended = events[1][1]
    assert suspended == {
        "case_id": case.id,
        "return_decision_id": case.decision.id,
        "person_id": decision.person_id,
        "member_state": "NL",
        "reason": "RIGHT_TO_REMAIN",
        "legal_basis": ["APR Art 68(1)", "APR Art 68(5)(d)", GNANDI],
        "suspended_at": NOW.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "previous_status": "RETURN_DECISION_ISSUED",
        "asylum_case_id": decision.case_id,
        "asylum_decision_id": decision.decision_id,
        "right_to_remain_until": str(until),
        "appeal_id": None,
    }
    assert (await case_audit(probe, case))[1] == (
        "return_decision.suspended",
        f"APR Art 68(1); APR Art 68(5)(d); {GNANDI}",
        "RETURN_DECISION_ISSUED",
        "SUSPENDED",
    )
    [noted] = await probe.audit(decision.decision_id)
    assert (noted.action, noted.entity_type, noted.legal_basis) == (
        "asylum_remedy.right_to_remain_reported",
        "asylum_remedy",
        "APR Art 68(5)(d)",
    )


async def test_a_right_to_remain_that_ended_before_today_suspends_nothing(app, probe):
    decision = rejection()
    await handle(app, decision)
    await handle(app, remain(decision, until=TODAY - timedelta(days=1), basis="APR Art 68(2)"))
    case = await the_case(app, decision)
    assert case.status is ReturnCaseStatus.RETURN_DECISION_ISSUED
    assert [name for name, _ in await published(probe, case)] == ["return.decision.issued"]


async def test_the_same_right_to_remain_twice_suspends_once(app, probe):
    decision = rejection()
    await handle(app, decision)
    await handle(app, remain(decision))
    await handle(app, remain(decision))  # a new event id: the inbox does not recognise it
    case = await the_case(app, decision)
    assert [name for name, _ in await published(probe, case)] == ["return.decision.issued", "return.decision.suspended"]
    assert len(await probe.audit(decision.decision_id)) == 1


async def test_an_older_right_to_remain_arriving_late_is_ignored(app, probe):
    decision = rejection()
    await handle(app, decision)
    await handle(app, remain(decision, right=False), at=NOW)
    await handle(app, remain(decision, basis="APR Art 68(4)"), at=NOW - timedelta(minutes=5))
    case = await the_case(app, decision)
    assert (case.status, case.remedy.right_to_remain) == (ReturnCaseStatus.RETURN_DECISION_ISSUED, False)


async def test_border_procedure_remain_request_ruling_appeal_and_dismissal(app, probe):
    """APR Art 68(3)(a)(ii): no automatic suspensive effect in the border procedure. The period to ask a court
    (68(5)(d)) and then the court's leave (68(4)) suspend the decision; the appeal itself does not; its dismissal
    reinstates the decision."""
    decision = rejection()
    await handle(app, decision)
    await handle(app, remain(decision, until=TODAY + timedelta(days=5), basis="APR Art 68(5)(d)"))  # decision
    await handle(app, remain(decision, until=None, basis="APR Art 68(5)(d)"))  # request lodged in time
    case = await the_case(app, decision)
    assert case.suspension_basis == ["APR Art 68(1)", "APR Art 68(5)(d)", GNANDI]
    await handle(app, remain(decision, basis="APR Art 68(4)"))  # the court allows remaining
    case = await the_case(app, decision)
    assert (case.status, case.suspension_basis, case.suspended_at) == (
        ReturnCaseStatus.SUSPENDED,
        ["APR Art 68(1)", "APR Art 68(4)", GNANDI],
        NOW,
    )
    await handle(app, appeal(decision, suspensive=False))
    await handle(app, remain(decision, basis="APR Art 68(4)"))  # published again after the appeal
    assert (await the_case(app, decision)).remedy.appeal_id == "appeal-1"
    await handle(app, outcome(decision, "DISMISSED"))
    await handle(app, remain(decision, right=False))  # the asylum service's word after the dismissal
    case = await the_case(app, decision)
    assert (case.status, case.suspended_at, case.suspension_basis) == (
        ReturnCaseStatus.RETURN_DECISION_ISSUED,
        None,
        None,
    )
    assert (case.remedy.appeal_result, case.remedy.right_to_remain) == ("DISMISSED", False)
    events = await published(probe, case)
    assert [name for name, _ in events] == [
        "return.decision.issued",
        "return.decision.suspended",
        "return.decision.reinstated",
    ]
    reinstated = events[2][1]
    assert (reinstated["reason"], reinstated["legal_basis"], reinstated["status"], reinstated["appeal_id"]) == (
        "APPEAL_DISMISSED",
        ["APR Art 68(1)", "APR Art 68(2)"],
        "RETURN_DECISION_ISSUED",
        "appeal-1",
    )
    assert [action for action, *_ in await case_audit(probe, case)] == [
        "return_decision.issued",
        "return_decision.suspended",
        "return_decision.suspension_changed",
        "return_decision.reinstated",
    ]


async def test_a_refused_remain_request_reinstates(app, probe):
    decision = rejection()
    await handle(app, decision)
    await handle(app, remain(decision, basis="APR Art 68(5)(d)"))
    await handle(app, remain(decision, right=False))  # APR 68(4): the court refuses
    case = await the_case(app, decision)
    assert case.status is ReturnCaseStatus.RETURN_DECISION_ISSUED
    *_, (name, reinstated) = await published(probe, case)
    assert (name, reinstated["reason"], reinstated["legal_basis"], reinstated["appeal_id"]) == (
        "return.decision.reinstated",
        "RIGHT_TO_REMAIN_ENDED",
        ["APR Art 68(1)"],
        None,
    )


# --- APR Art 68(2): the suspensive appeal ------------------------------------------------------------


async def test_a_suspensive_appeal_lodged_in_time_suspends_once(app, probe):
    decision = rejection(ProcedureType.REGULAR)
    await handle(app, decision)
    await handle(app, appeal(decision))
    await handle(app, appeal(decision))  # the same appeal again under a new event id
    case = await the_case(app, decision)
    assert (case.status, case.suspension_reason) == (ReturnCaseStatus.SUSPENDED, "SUSPENSIVE_APPEAL")
    events = await published(probe, case)
    assert [name for name, _ in events] == ["return.decision.issued", "return.decision.suspended"]
    assert (events[1][1]["appeal_id"], events[1][1]["legal_basis"], events[1][1]["right_to_remain_until"]) == (
        "appeal-1",
        ["APR Art 68(1)", "APR Art 68(2)", GNANDI],
        None,
    )
    # Its dismissal reinstates, once.
    await handle(app, outcome(decision, "DISMISSED"))
    await handle(app, outcome(decision, "DISMISSED"))
    case = await the_case(app, decision)
    assert case.status is ReturnCaseStatus.RETURN_DECISION_ISSUED
    assert [name for name, _ in await published(probe, case)][2:] == ["return.decision.reinstated"]


@pytest.mark.parametrize(("in_time", "suspensive"), [(False, False), (True, False)], ids=["late", "not suspensive"])
async def test_an_appeal_late_or_without_suspensive_effect_changes_nothing(app, probe, in_time, suspensive):
    decision = rejection()
    await handle(app, decision)
    await handle(app, appeal(decision, in_time=in_time, suspensive=suspensive))
    case = await the_case(app, decision)
    assert case.status is ReturnCaseStatus.RETURN_DECISION_ISSUED
    assert case.remedy.appeal_id == ("appeal-1" if in_time else None)  # a late appeal is not the remedy
    assert [name for name, _ in await published(probe, case)] == ["return.decision.issued"]


# --- annulment: the return decision is withdrawn ---------------------------------------------------


@pytest.mark.parametrize("suspended", [True, False], ids=["suspended", "not suspended"])
async def test_annulment_withdraws_the_return_decision_once(app, probe, suspended):
    decision = rejection(ProcedureType.REGULAR)
    await handle(app, decision)
    await handle(app, appeal(decision, suspensive=suspended))
    await handle(app, outcome(decision, "ANNULLED"))
    await handle(app, outcome(decision, "ANNULLED"))
    await handle(app, remain(decision, basis="APR Art 10(1)"))  # an applicant again
    case = await the_case(app, decision)
    assert (case.status, case.withdrawn_at, case.withdrawal_reason, case.suspended_at) == (
        ReturnCaseStatus.CANCELLED,
        NOW,
        "ASYLUM_DECISION_ANNULLED",
        None,
    )
    events = await published(probe, case)
    assert [name for name, _ in events][-1] == "return.decision.withdrawn"
    assert [name for name, _ in events].count("return.decision.withdrawn") == 1
    withdrawn = events[-1][1]
    assert (withdrawn["reason"], withdrawn["legal_basis"], withdrawn["appeal_id"], withdrawn["asylum_decision_id"]) == (
        "ASYLUM_DECISION_ANNULLED",
        ["APR Art 10(1)", "RD recital 9"],
        "appeal-1",
        decision.decision_id,
    )
    assert (await case_audit(probe, case))[-1][0] == "return_decision.withdrawn"


async def test_an_unknown_appeal_result_is_refused(app):
    decision = rejection()
    await handle(app, decision)
    with pytest.raises(InvalidData):
        await handle(app, outcome(decision, "REMITTED"))


# --- facts before the return decision ---------------------------------------------------------------


async def test_a_right_to_remain_before_the_decision_event_starts_the_case_suspended(app, probe):
    decision = rejection()
    await handle(app, remain(decision, until=TODAY + timedelta(days=3), basis="APR Art 68(5)(d)"))
    assert await the_case(app, decision) is None
    [row] = await probe.rows(asylum_remedies, asylum_decision_id=decision.decision_id)
    assert (row.right_to_remain, row.asylum_case_id) == (True, decision.case_id)
    await handle(app, decision)
    case = await the_case(app, decision)
    assert (case.status, case.suspended_from) == (ReturnCaseStatus.SUSPENDED, ReturnCaseStatus.RETURN_DECISION_ISSUED)
    assert [name for name, _ in await published(probe, case)] == ["return.decision.issued", "return.decision.suspended"]


async def test_a_suspensive_appeal_before_the_decision_event_starts_the_case_suspended(app, probe):
    decision = rejection(ProcedureType.REGULAR)
    await handle(app, appeal(decision))
    await handle(app, decision)
    case = await the_case(app, decision)
    assert (case.status, case.suspension_reason) == (ReturnCaseStatus.SUSPENDED, "SUSPENSIVE_APPEAL")


async def test_a_dismissal_before_the_decision_event_leaves_the_decision_in_effect(app, probe):
    decision = rejection(ProcedureType.REGULAR)
    await handle(app, appeal(decision))
    await handle(app, outcome(decision, "DISMISSED"))
    await handle(app, decision)
    case = await the_case(app, decision)
    assert case.status is ReturnCaseStatus.RETURN_DECISION_ISSUED
    assert [name for name, _ in await published(probe, case)] == ["return.decision.issued"]


async def test_no_return_decision_after_a_decision_annulled_before_its_event_arrived(app, probe):
    decision = rejection(ProcedureType.REGULAR)
    await handle(app, outcome(decision, "ANNULLED"))
    await handle(app, decision)
    assert await the_case(app, decision) is None
    actions = [(r.action, r.legal_basis) for r in await probe.audit(decision.decision_id)]
    assert actions == [("asylum_remedy.appeal_decided", "APR Art 67"), ("return_decision.not_issued", "APR Art 10(1)")]


async def test_a_right_to_remain_without_a_decision_is_not_recorded(app, probe):
    decision = rejection()
    data = remain(decision).model_copy(update={"decision_id": None})
    await handle(app, data)
    assert await probe.rows(asylum_remedies, asylum_case_id=decision.case_id) == []


@pytest.mark.parametrize("record_exists", [False, True], ids=["first events", "record exists"])
async def test_a_fact_racing_its_decision_is_never_lost(app, record_exists):
    """Handled side by side (another instance, a replay): the remedy record serialises them."""
    decisions = [rejection() for _ in range(4)]
    if record_exists:  # an earlier event about each decision made its record (a late appeal changes nothing)
        for decision in decisions:
            await handle(app, appeal(decision, in_time=False, suspensive=False))
    await asyncio.gather(
        *(handle_retrying(app, d) for d in decisions),
        *(handle_retrying(app, remain(d, basis="APR Art 68(5)(d)")) for d in decisions),
    )
    for decision in decisions:
        case = await the_case(app, decision)
        assert case is not None and case.status is ReturnCaseStatus.SUSPENDED


# --- APR Art 68(1): in effect again the day after the right to remain ends ---------------------------


def end_of(day: date) -> datetime:
    """24:00 in the Netherlands at the end of ``day``."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=AMSTERDAM)


async def run_scheduler(app) -> None:
    """Act on whatever is due now (other tests' cases included), as the running scheduler would."""
    await DeadlineScheduler(service="return", uow=app.runtime.uow, handlers=DEADLINE_HANDLERS).fire_due(limit=1000)


async def test_the_day_after_the_right_to_remain_the_return_decision_takes_effect(app, probe, clock, wait_for):
    decision = rejection(ProcedureType.REGULAR)
    await handle(app, decision)
    last_day = date(2026, 7, 15)  # the appeal deadline: no appeal comes
    await handle(app, remain(decision, until=last_day, basis="APR Art 68(2)"))
    case = await the_case(app, decision)
    [timer] = [d for d in await probe.deadlines(case.id) if d.kind == handlers.RIGHT_TO_REMAIN_END]
    assert (timer.status, timer.due_at, timer.legal_basis) == ("open", end_of(last_day), "APR Art 68(1)")

    clock.set(end_of(last_day) - timedelta(microseconds=1))  # the last day counts: still suspended
    await run_scheduler(app)
    assert (await the_case(app, decision)).status is ReturnCaseStatus.SUSPENDED
    assert [d.status for d in await probe.deadlines(case.id)] == ["open"]

    clock.set(end_of(last_day))

    async def reinstated() -> bool:
        return (await the_case(app, decision)).status is ReturnCaseStatus.RETURN_DECISION_ISSUED

    await wait_for(reinstated)
    events = await published(probe, case)
    assert [name for name, _ in events] == [
        "return.decision.issued",
        "return.decision.suspended",
        "return.decision.reinstated",
    ]
    assert events[2][1]["reason"] == "RIGHT_TO_REMAIN_ENDED"
    assert events[2][1]["reinstated_at"] == end_of(last_day).astimezone(UTC).isoformat().replace("+00:00", "Z")
    assert [d.status for d in await probe.deadlines(case.id)] == ["fired"]
    assert (await probe.audit(case.id))[-1].actor == "scheduler:return"


async def test_a_later_last_day_moves_the_watch(app, probe):
    decision = rejection(ProcedureType.REGULAR)
    await handle(app, decision)
    await handle(app, remain(decision, until=date(2026, 7, 15), basis="APR Art 68(4)"))
    await handle(app, remain(decision, until=date(2026, 7, 20), basis="APR Art 68(4)"))  # no new transition
    case = await the_case(app, decision)
    timers = sorted((d.status, d.due_at) for d in await probe.deadlines(case.id))
    assert timers == [("cancelled", end_of(date(2026, 7, 15))), ("open", end_of(date(2026, 7, 20)))]


async def test_a_suspensive_appeal_before_the_end_keeps_the_decision_suspended(app, probe, clock):
    decision = rejection(ProcedureType.REGULAR)
    await handle(app, decision)
    await handle(app, remain(decision, until=date(2026, 7, 15), basis="APR Art 68(2)"))
    await handle(app, appeal(decision))  # in time, suspensive: remaining now lasts until the outcome
    case = await the_case(app, decision)
    assert [d.status for d in await probe.deadlines(case.id)] == ["cancelled"]

    clock.set(end_of(date(2026, 7, 15)))
    await run_scheduler(app)
    case = await the_case(app, decision)
    assert (case.status, case.suspension_reason) == (ReturnCaseStatus.SUSPENDED, SuspensionReason.SUSPENSIVE_APPEAL)


async def test_a_right_to_remain_until_the_outcome_is_not_watched(app, probe):
    decision = rejection()
    await handle(app, decision)
    await handle(app, remain(decision, until=None, basis="APR Art 68(2)"))
    case = await the_case(app, decision)
    assert case.status is ReturnCaseStatus.SUSPENDED
    assert await probe.deadlines(case.id) == []


# --- through the broker ------------------------------------------------------------------------------


async def test_consumer_suspends_and_reinstates(app, probe, event_of, deliver, wait_for):
    decision = rejection(ProcedureType.REGULAR)
    lodged = event_of(appeal(decision), subject=decision.case_id)
    dismissed = event_of(outcome(decision, "DISMISSED"), subject=decision.case_id)
    for data in (decision, remain(decision, until=TODAY + timedelta(days=14), basis="APR Art 68(2)")):
        await deliver(event_of(data, subject=decision.case_id))
    await deliver(lodged)
    await deliver(lodged)  # redelivered: the inbox absorbs it

    async def status() -> str | None:
        case = await the_case(app, decision)
        return case.status if case else None

    await wait_for(lambda: probe.inbox(lodged.id))
    assert await status() == ReturnCaseStatus.SUSPENDED
    await deliver(dismissed)
    await wait_for(lambda: probe.inbox(dismissed.id))
    case = await the_case(app, decision)
    assert case.status is ReturnCaseStatus.RETURN_DECISION_ISSUED
    assert [row.event_type for row in await probe.outbox(case.id)] == [
        "return.decision.issued",
        "return.decision.suspended",
        "return.decision.reinstated",
    ]
    assert {row.actor for row in await probe.audit(case.id)} == {"event:/keten/asylum"}
