"""Return event handlers against real PostgreSQL: exactly one return decision per trigger (APR 37, SR 18)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from keten_return.adapters.repository import ReturnCaseRepository
from keten_return.domain.model import ReturnCaseStatus
from keten_return.service_layer import handlers
from keten_shared.events.catalog.asylum import DecisionIssued, DecisionOutcome, ProcedureType, ReturnDecisionMode
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.return_ import ReturnDecisionIssued, ReturnTrigger
from keten_shared.events.catalog.screening import (
    Completion,
    ReferralOutcome,
    ReferralTarget,
    ScreeningCaseReferred,
    ScreeningReason,
)
from keten_shared.events.envelope import CloudEvent

NOTIFIED = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


def asylum_decision(
    *,
    required: bool = True,
    mode: ReturnDecisionMode | None = ReturnDecisionMode.SEPARATE_ACT,
    outcome: DecisionOutcome = DecisionOutcome.REJECTED_UNFOUNDED,
    nationalities: list[str] | None = None,
    decision_id: str | None = None,
) -> DecisionIssued:
    return DecisionIssued(
        case_id=f"asylum-{uuid.uuid4()}",
        decision_id=decision_id or str(uuid.uuid4()),
        person_id="person-r",
        member_state="NL",
        outcome=outcome,
        legal_basis=["APR Art 39(3)", "APR Art 37"] if required else ["APR Art 39(3)"],
        procedure_type=ProcedureType.REGULAR,
        notified_at=NOTIFIED,
        return_decision_required=required,
        return_decision_mode=mode,
        nationalities=["IRQ"] if nationalities is None else nationalities,
    )


def screening_referral(
    outcome: ReferralOutcome = ReferralOutcome.REFERRED_RETURN, nationalities: list[str] | None = None
) -> ScreeningCaseReferred:
    to_asylum = outcome is ReferralOutcome.REFERRED_ASYLUM
    return ScreeningCaseReferred(
        case_id=f"screening-{uuid.uuid4()}",
        person_id="person-s",
        member_state="NL",
        screening_reason=ScreeningReason.TERRITORY
        if outcome is ReferralOutcome.CONTINUE_RETURN
        else ScreeningReason.BORDER_IRREGULAR,
        trigger_event_ts=datetime(2026, 7, 1, 6, 0, tzinfo=UTC),
        location="Zevenaar",
        referred_at=datetime(2026, 7, 6, 12, 0, tzinfo=UTC),
        target=ReferralTarget.ASYLUM if to_asylum else ReferralTarget.RETURN,
        outcome=outcome,
        basis="SR Art 18(2)" if to_asylum else "SR Art 18(1)",
        completion=Completion.COMPLETE,
        application_made_at=datetime(2026, 7, 2, tzinfo=UTC) if to_asylum else None,
        person=PersonDetails(family_name="Doe", nationalities=["DZA"] if nationalities is None else nationalities),
    )


async def handle(app, data, event_of) -> None:
    handler = handlers.EVENT_HANDLERS[data.event_type]
    async with app.runtime.uow() as uow:
        await handler(data, event_of(data, subject=data.case_id), uow)
        await uow.commit()


async def cases(app, **equal) -> list[dict]:
    async with app.runtime.uow() as uow:
        found = await ReturnCaseRepository(uow.session).list(cursor=None, limit=10, **equal)
        return [
            {
                "id": c.id,
                "person_id": c.person_id,
                "trigger": c.trigger,
                "status": c.status,
                "asylum_case_id": c.asylum_case_id,
                "screening_case_id": c.screening_case_id,
                "legal_basis": c.decision.legal_basis if c.decision else None,
                "country_of_return": c.decision.country_of_return if c.decision else None,
                "decision_id": c.decision.id if c.decision else None,
            }
            for c in found
        ]


# --- APR 37 (trigger T1) ---------------------------------------------------------------------------


async def test_negative_asylum_decision_leads_to_one_return_decision(app, probe, event_of):
    data = asylum_decision()
    await handle(app, data, event_of)
    [case] = await cases(app, asylum_decision_id=data.decision_id)
    assert (case["trigger"], case["status"], case["person_id"], case["asylum_case_id"]) == (
        ReturnTrigger.ASYLUM_REJECTION,
        ReturnCaseStatus.RETURN_DECISION_ISSUED,
        "person-r",
        data.case_id,
    )
    assert (case["legal_basis"], case["country_of_return"]) == (["APR Art 37", "RD Art 6(1)"], "IRQ")
    [row] = await probe.outbox(case["id"])
    assert (row.event_type, row.topic) == ("return.decision.issued", app.runtime.topics.events("return"))
    issued = CloudEvent.model_validate_json(row.payload).payload()
    assert isinstance(issued, ReturnDecisionIssued)
    assert (issued.case_id, issued.return_decision_id, issued.asylum_decision_id, issued.asylum_case_id) == (
        case["id"],
        case["decision_id"],
        data.decision_id,
        data.case_id,
    )
    assert (issued.trigger, issued.legal_basis, issued.country_of_return) == (
        ReturnTrigger.ASYLUM_REJECTION,
        ["APR Art 37", "RD Art 6(1)"],
        "IRQ",
    )
    assert issued.issued_at == app.runtime.clock.now()
    [audit] = await probe.audit(case["id"])
    assert (audit.action, audit.legal_basis, audit.before_status, audit.after_status) == (
        "return_decision.issued",
        "APR Art 37; RD Art 6(1)",
        "INITIATED",
        "RETURN_DECISION_ISSUED",
    )
    assert audit.details == {"return_decision_id": case["decision_id"], "trigger": "ASYLUM_REJECTION"}


async def test_integrated_return_decision_is_recorded_too(app, event_of):
    data = asylum_decision(mode=ReturnDecisionMode.INTEGRATED, outcome=DecisionOutcome.INADMISSIBLE)
    await handle(app, data, event_of)
    assert len(await cases(app, asylum_decision_id=data.decision_id)) == 1


@pytest.mark.parametrize(
    "data",
    [
        asylum_decision(required=False, mode=None, outcome=DecisionOutcome.GRANTED_REFUGEE),
        asylum_decision(required=False, mode=ReturnDecisionMode.PRE_EXISTING),
        asylum_decision(required=True, mode=ReturnDecisionMode.PRE_EXISTING),
    ],
    ids=["granted", "pre-existing", "pre-existing but flagged required"],
)
async def test_no_return_decision_when_none_is_due(app, event_of, data):
    await handle(app, data, event_of)
    assert await cases(app, asylum_decision_id=data.decision_id) == []
    assert await cases(app, asylum_case_id=data.case_id) == []


async def test_the_same_asylum_decision_twice_gives_one_return_decision(app, probe, event_of):
    data = asylum_decision()
    await handle(app, data, event_of)  # a new event id each time
    await handle(app, data, event_of)
    [case] = await cases(app, asylum_decision_id=data.decision_id)
    assert len(await probe.outbox(case["id"])) == 1


async def test_concurrent_copies_still_give_one_return_decision(app, event_of):
    data = asylum_decision()
    outcomes = await asyncio.gather(*(handle(app, data, event_of) for _ in range(3)), return_exceptions=True)
    # The unique asylum_decision_id refuses a racing copy; the consumer retries it and finds the case.
    assert all(outcome is None or isinstance(outcome, IntegrityError) for outcome in outcomes)
    assert len(await cases(app, asylum_decision_id=data.decision_id)) == 1


@pytest.mark.parametrize(
    ("nationalities", "country"),
    [(["SYR"], "SYR"), (["SYR", "LBN"], None), (["XXA"], None), ([], None)],
)
async def test_country_of_return_from_the_asylum_decision(app, event_of, nationalities, country):
    data = asylum_decision(nationalities=nationalities)
    await handle(app, data, event_of)
    [case] = await cases(app, asylum_decision_id=data.decision_id)
    assert case["country_of_return"] == country


# --- SR 18 (trigger T2) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "basis"),
    [(ReferralOutcome.REFERRED_RETURN, "SR Art 18(1)"), (ReferralOutcome.CONTINUE_RETURN, "SR Art 18(4)")],
)
async def test_screening_referral_leads_to_a_return_decision(app, probe, event_of, outcome, basis):
    data = screening_referral(outcome)
    await handle(app, data, event_of)
    [case] = await cases(app, screening_case_id=data.case_id)
    assert (case["trigger"], case["person_id"], case["asylum_case_id"]) == (
        ReturnTrigger.SCREENING_REFERRAL,
        "person-s",
        None,
    )
    assert (case["legal_basis"], case["country_of_return"]) == ([basis, "RD Art 6(1)"], "DZA")
    [row] = await probe.outbox(case["id"])
    issued = CloudEvent.model_validate_json(row.payload).payload()
    assert (issued.screening_case_id, issued.trigger, issued.legal_basis) == (
        data.case_id,
        ReturnTrigger.SCREENING_REFERRAL,
        [basis, "RD Art 6(1)"],
    )
    [audit] = await probe.audit(case["id"])
    assert audit.legal_basis == f"{basis}; RD Art 6(1)"


async def test_referral_to_asylum_is_not_for_return(app, event_of):
    data = screening_referral(ReferralOutcome.REFERRED_ASYLUM)
    await handle(app, data, event_of)
    assert await cases(app, screening_case_id=data.case_id) == []


async def test_the_same_referral_twice_gives_one_return_decision(app, probe, event_of):
    data = screening_referral(nationalities=["XXA"])
    await handle(app, data, event_of)
    await handle(app, data, event_of)
    [case] = await cases(app, screening_case_id=data.case_id)
    assert case["country_of_return"] is None  # stateless
    assert len(await probe.outbox(case["id"])) == 1


# --- through the broker ------------------------------------------------------------------------------


async def test_consumer_issues_once_per_asylum_decision(app, probe, event_of, deliver, wait_for):
    data = asylum_decision()
    event = event_of(data, subject=data.case_id)
    copy = event_of(data, subject=data.case_id)
    granted = asylum_decision(required=False, mode=None, outcome=DecisionOutcome.GRANTED_SUBSIDIARY)
    granted_event = event_of(granted, subject=granted.case_id)
    for message in (event, event, copy, granted_event):
        await deliver(message)
    await wait_for(lambda: probe.inbox(copy.id))
    await wait_for(lambda: probe.inbox(granted_event.id))
    [case] = await cases(app, asylum_decision_id=data.decision_id)
    assert [row.event_type for row in await probe.outbox(case["id"])] == ["return.decision.issued"]
    [audit] = await probe.audit(case["id"])
    assert audit.actor == "event:/keten/asylum"
    assert await cases(app, asylum_decision_id=granted.decision_id) == []


async def test_consumer_handles_screening_referrals(app, event_of, deliver, wait_for):
    data = screening_referral(ReferralOutcome.CONTINUE_RETURN)
    await deliver(event_of(data, subject=data.case_id))
    [case] = await wait_for(lambda: cases(app, screening_case_id=data.case_id))
    assert case["legal_basis"] == ["SR Art 18(4)", "RD Art 6(1)"]


def test_event_handlers_are_registered():
    assert handlers.EVENT_HANDLERS == {
        "asylum.decision.issued": handlers.on_asylum_decision_issued,
        "screening.case.referred": handlers.on_screening_case_referred,
        "asylum.right_to_remain.updated": handlers.on_right_to_remain_updated,
        "asylum.appeal.lodged": handlers.on_appeal_lodged,
        "asylum.appeal.decided": handlers.on_appeal_decided,
    }
