"""Asylum use cases and event handlers against real PostgreSQL (clock at Fri 2026-07-10 12:00 Dutch time)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from keten_asylum.adapters.repository import ApplicationRepository
from keten_asylum.domain.model import ApplicationStatus
from keten_asylum.service_layer import handlers
from keten_shared.errors import InvalidData
from keten_shared.events.catalog.asylum import (
    ApplicationRegistered,
    DecisionIssued,
    DecisionOutcome,
    ProcedureType,
    ReturnDecisionMode,
)
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.screening import (
    Completion,
    ReferralOutcome,
    ReferralTarget,
    ScreeningCaseReferred,
    ScreeningReason,
)
from keten_shared.events.envelope import CloudEvent

AMS = ZoneInfo("Europe/Amsterdam")
PERSON = PersonDetails(family_name="Tesfay", given_names="Selam", nationalities=["ERI"])
MADE = datetime(2026, 7, 2, 10, 0, tzinfo=AMS)  # Thu
REFERRED = datetime(2026, 7, 3, 16, 0, tzinfo=AMS)  # Fri


def referral(
    case_id: str | None = None,
    reason: ScreeningReason = ScreeningReason.BORDER_IRREGULAR,
    *,
    made: datetime | None = MADE,
    target: ReferralTarget = ReferralTarget.ASYLUM,
) -> ScreeningCaseReferred:
    to_asylum = target is ReferralTarget.ASYLUM
    return ScreeningCaseReferred(
        case_id=case_id or str(uuid.uuid4()),
        person_id="person-selam",
        member_state="NL",
        screening_reason=reason,
        trigger_event_ts=datetime(2026, 7, 1, 23, 0, tzinfo=AMS),
        location="Ter Apel",
        referred_at=REFERRED,
        target=target,
        outcome=ReferralOutcome.REFERRED_ASYLUM if to_asylum else ReferralOutcome.REFERRED_RETURN,
        basis="SR Art 18(2)" if to_asylum else "SR Art 18(1)",
        completion=Completion.COMPLETE,
        application_made_at=made,
        person=PERSON,
    )


async def handle(app, data: ScreeningCaseReferred, event_of) -> None:
    async with app.runtime.uow() as uow:
        await handlers.on_screening_case_referred(data, event_of(data, subject=data.case_id), uow)
        await uow.commit()


async def registered_for(app, screening_case_id: str) -> list:
    async with app.runtime.uow() as uow:
        found = await ApplicationRepository(uow.session).list(
            cursor=None, limit=10, screening_case_id=screening_case_id
        )
        return [(a.id, a.status, a.made_at, a.registration_deadline, a.lodging_deadline, a.person_id) for a in found]


async def test_referral_registers_the_application(app, probe, event_of):
    data = referral()
    await handle(app, data, event_of)
    [(application_id, status, made_at, registration, lodging, person_id)] = await registered_for(app, data.case_id)
    assert (status, made_at, person_id) == (ApplicationStatus.REGISTERED, MADE, "person-selam")
    # APR 27(7): an SR 5(1) person's 5 days run from the referral on Fri 07-03 -> Wed 07-08.
    assert registration == date(2026, 7, 8)
    # APR 28(1): 21 days from registration (now, Fri 07-10) -> Fri 07-31.
    assert lodging == date(2026, 7, 31)
    [row] = await probe.outbox(application_id)
    assert (row.event_type, row.topic) == ("asylum.application.registered", app.runtime.topics.events("asylum"))
    registered = CloudEvent.model_validate_json(row.payload).payload()
    assert isinstance(registered, ApplicationRegistered)
    assert (registered.case_id, registered.screening_case_id, registered.person_id) == (
        application_id,
        data.case_id,
        "person-selam",
    )
    assert (registered.made_at, registered.registered_at) == (MADE, app.runtime.clock.now())
    assert (registered.lodging_deadline, registered.person) == (date(2026, 7, 31), PERSON)
    [audit] = await probe.audit(application_id)
    assert (audit.action, audit.legal_basis, audit.after_status, audit.actor) == (
        "application.registered",
        "APR Art 27(1)",
        "REGISTERED",
        "system",
    )


@pytest.mark.parametrize(
    ("reason", "due"),
    [
        (ScreeningReason.BORDER_IRREGULAR, date(2026, 7, 8)),  # APR 27(7): from the referral, Fri 07-03
        (ScreeningReason.BORDER_SAR, date(2026, 7, 8)),
        (ScreeningReason.BORDER_BCP_APPLICANT, date(2026, 7, 7)),  # from the making, Thu 07-02
        (ScreeningReason.TERRITORY, date(2026, 7, 7)),
    ],
)
async def test_registration_period_start_per_screening_category(app, event_of, reason, due):
    data = referral(reason=reason)
    await handle(app, data, event_of)
    [(*_, registration, _lodging, _person)] = await registered_for(app, data.case_id)
    assert registration == due


async def test_the_same_referral_twice_registers_once(app, probe, event_of):
    data = referral()
    await handle(app, data, event_of)  # each call wraps the data in an event with a new id
    await handle(app, data, event_of)
    [(application_id, *_)] = await registered_for(app, data.case_id)
    assert len(await probe.outbox(application_id)) == 1


@pytest.mark.parametrize(
    "data",
    [referral(target=ReferralTarget.RETURN, made=None), referral(made=None)],
    ids=["referred to return", "no application"],
)
async def test_referrals_without_application_are_not_for_asylum(app, event_of, data):
    await handle(app, data, event_of)
    assert await registered_for(app, data.case_id) == []


async def test_direct_registration_in_the_future_is_refused(app):
    async with app.runtime.uow() as uow:
        with pytest.raises(InvalidData, match="future"):
            await handlers.register_application(uow, person=PERSON, made_at=datetime(2026, 7, 11, tzinfo=AMS))


async def test_w1_direct_registration(app, clock, probe):
    # Asylum scenario 1: made Mon 2026-06-15 inland, registered Wed 06-17.
    clock.set(datetime(2026, 6, 17, 9, 0, tzinfo=AMS))
    async with app.runtime.uow() as uow:
        application = await handlers.register_application(
            uow, person=PERSON, made_at=datetime(2026, 6, 15, 10, 0, tzinfo=AMS), unaccompanied_minor=True
        )
        await uow.commit()
    assert (application.registration_deadline, application.lodging_deadline) == (date(2026, 6, 22), date(2026, 7, 8))
    assert application.made_at == datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
    assert application.screening_case_id is None
    [row] = await probe.outbox(application.id)
    assert json.loads(row.payload)["data"]["unaccompanied_minor"] is True


async def register(app) -> str:
    async with app.runtime.uow() as uow:
        application = await handlers.register_application(uow, person=PERSON, made_at=MADE, person_id="person-d")
        await uow.commit()
    return application.id


async def decide(app, application_id: str, outcome: DecisionOutcome, mode: ReturnDecisionMode | None = None):
    async with app.runtime.uow() as uow:
        application = await ApplicationRepository(uow.session).get(application_id)
        decision = await handlers.decide(
            uow,
            application,
            outcome=outcome,
            procedure_type=ProcedureType.ACCELERATED,
            notified_at=datetime(2026, 7, 10, 9, 0, tzinfo=AMS),
            return_decision_mode=mode,
        )
        await uow.commit()
    return decision


@pytest.mark.parametrize(
    ("outcome", "mode", "required", "stored_mode", "basis"),
    [
        (DecisionOutcome.REJECTED_MANIFESTLY_UNFOUNDED, None, True, "SEPARATE_ACT", "APR Art 39(4); APR Art 37"),
        (DecisionOutcome.INADMISSIBLE, ReturnDecisionMode.INTEGRATED, True, "INTEGRATED", "APR Art 38; APR Art 37"),
        (DecisionOutcome.IMPLICITLY_WITHDRAWN, ReturnDecisionMode.PRE_EXISTING, False, "PRE_EXISTING", "APR Art 41"),
        (DecisionOutcome.GRANTED_SUBSIDIARY, None, False, None, "QR Art 18; APR Art 39(2)"),
    ],
)
async def test_decision_is_published_with_the_apr_37_flag(app, probe, outcome, mode, required, stored_mode, basis):
    application_id = await register(app)
    decision = await decide(app, application_id, outcome, mode)
    rows = await probe.outbox(application_id, "asylum.decision.issued")
    [issued] = [CloudEvent.model_validate_json(row.payload).payload() for row in rows]
    assert isinstance(issued, DecisionIssued)
    assert (issued.case_id, issued.decision_id, issued.person_id, issued.outcome) == (
        application_id,
        decision.id,
        "person-d",
        outcome,
    )
    assert issued.return_decision_required is required
    assert (issued.return_decision_mode.value if issued.return_decision_mode else None) == stored_mode
    assert issued.legal_basis == basis.split("; ")
    assert issued.nationalities == ["ERI"]
    assert (issued.procedure_type, issued.notified_at) == (
        ProcedureType.ACCELERATED,
        datetime(2026, 7, 10, 7, 0, tzinfo=UTC),
    )
    [audit] = [row for row in await probe.audit(application_id) if row.action == "decision.issued"]
    assert (audit.legal_basis, audit.before_status, audit.after_status) == (basis, "REGISTERED", "DECIDED")
    assert audit.details == {"decision_id": decision.id, "outcome": outcome.value}


async def test_consumer_registers_once_however_often_the_referral_arrives(app, probe, event_of, deliver, wait_for):
    data = referral()
    first = event_of(data, subject=data.case_id)
    copy = event_of(data, subject=data.case_id)  # the same referral under another event id
    await deliver(first)
    await deliver(first)  # redelivered: absorbed by the inbox
    await deliver(copy)
    await wait_for(lambda: probe.inbox(copy.id))
    [processed] = await probe.inbox(first.id)
    assert (processed.consumer, processed.event_type) == ("asylum", "screening.case.referred")
    [(application_id, *_)] = await registered_for(app, data.case_id)
    assert [row.event_type for row in await probe.outbox(application_id)] == ["asylum.application.registered"]
    [audit] = await probe.audit(application_id)
    assert audit.actor == "event:/keten/screening"


def test_event_handlers_are_registered():
    assert handlers.EVENT_HANDLERS == {"screening.case.referred": handlers.on_screening_case_referred}
