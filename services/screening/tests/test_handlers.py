"""Screening use cases against real PostgreSQL: stored case, deadline row, outbox and audit in one transaction."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from keten_screening.adapters.repository import ScreeningRepository
from keten_screening.domain.model import CHECKS, ScreeningStatus
from keten_screening.service_layer import handlers
from keten_shared.errors import InvalidData, NotFound, TransitionNotAllowed
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.screening import Completion, ScreeningCaseReferred, ScreeningReason
from keten_shared.events.envelope import CloudEvent
from keten_shared.scheduler import DueDeadline

AMS = ZoneInfo("Europe/Amsterdam")
PERSON = PersonDetails(family_name="Haddad", given_names="Rami", nationalities=["SYR"])


async def start(app, reason=ScreeningReason.TERRITORY, trigger=datetime(2026, 7, 8, 9, 0, tzinfo=AMS), **kw):
    async with app.runtime.uow() as uow:
        case = await handlers.start_screening(
            uow, reason=reason, trigger_event_ts=trigger, location="Rotterdam", person=PERSON, **kw
        )
        await uow.commit()
    return case


async def test_start_stores_the_case_the_deadline_and_the_audit_row(app, probe):
    case = await start(app)
    async with app.runtime.uow() as uow:  # (a read-only unit rolls back on exit, which expires what it loaded)
        stored = await ScreeningRepository(uow.session).get(case.id)
        assert stored.status is ScreeningStatus.IN_PROGRESS
        assert (stored.deadline_strict, stored.deadline_ptl) == (date(2026, 7, 11), date(2026, 7, 13))  # W8
        assert stored.trigger_event_ts == datetime(2026, 7, 8, 7, 0, tzinfo=UTC)
        assert stored.person == {
            "family_name": "Haddad",
            "given_names": "Rami",
            "date_of_birth": None,
            "sex": "U",
            "nationalities": ["SYR"],
        }
    [deadline] = await probe.deadlines(case.id)
    assert (deadline.kind, deadline.status, deadline.legal_basis) == (
        handlers.COMPLETION_LIMIT,
        "open",
        "SR Art 8(4)",
    )
    # Liberty cap: acted on at the end of Sat 2026-07-11, 24:00 Dutch summer time.
    assert deadline.due_at == datetime(2026, 7, 11, 22, 0, tzinfo=UTC)
    assert deadline.computation["unrolled_last_day"] == "2026-07-11"
    assert deadline.computation["legal_last_day"] == "2026-07-13"
    [audit] = await probe.audit(case.id)
    assert (
        audit.action,
        audit.entity_type,
        audit.actor,
        audit.legal_basis,
        audit.before_status,
        audit.after_status,
    ) == (
        "screening.started",
        "screening",
        "system",
        "SR Art 8(4)",
        None,
        "IN_PROGRESS",
    )
    assert await probe.outbox(case.id) == []


async def test_nothing_is_stored_without_commit(app, probe):
    async with app.runtime.uow() as uow:
        case = await handlers.start_screening(
            uow,
            reason=ScreeningReason.BORDER_SAR,
            trigger_event_ts=datetime(2026, 7, 8, 9, 0, tzinfo=AMS),
            location="Lampedusa",
            person=PERSON,
        )
    async with app.runtime.uow() as uow:
        with pytest.raises(NotFound):
            await ScreeningRepository(uow.session).get(case.id)
    assert await probe.deadlines(case.id) == []
    assert await probe.audit(case.id) == []


@pytest.mark.parametrize(
    "kw",
    [
        {"trigger": datetime(2026, 7, 10, 12, 0, 0, 1, tzinfo=AMS)},
        {"application_made_at": datetime(2026, 7, 11, tzinfo=AMS)},
        {"reason": ScreeningReason.BORDER_BCP_APPLICANT},
    ],
)
async def test_start_refuses_bad_facts(app, kw):
    with pytest.raises(InvalidData):
        await start(app, **kw)


async def test_refer_publishes_the_referral_cancels_the_limit_and_audits(app, probe):
    case = await start(app, reason=ScreeningReason.BORDER_IRREGULAR, person_id="person-7")
    async with app.runtime.uow() as uow:
        loaded = await ScreeningRepository(uow.session).get(case.id)
        await handlers.refer(uow, loaded, completion=Completion.COMPLETE, missing_checks=[])
        await uow.commit()
    [row] = await probe.outbox(case.id)
    assert (row.event_type, row.topic, row.key) == (
        "screening.case.referred",
        app.runtime.topics.events("screening"),
        case.id,
    )
    event = CloudEvent.model_validate_json(row.payload)
    assert str(row.event_id) == event.id
    data = event.payload()
    assert isinstance(data, ScreeningCaseReferred)
    assert (data.case_id, data.person_id, data.member_state) == (case.id, "person-7", "NL")
    assert (data.target.value, data.outcome.value, data.basis) == ("RETURN", "REFERRED_RETURN", "SR Art 18(1)")
    assert (data.completion, data.missing_checks, data.application_made_at) == (Completion.COMPLETE, [], None)
    assert data.referred_at == app.runtime.clock.now()
    assert data.person == PERSON
    [deadline] = await probe.deadlines(case.id)
    assert (deadline.status, deadline.fired_at) == ("cancelled", app.runtime.clock.now())
    referred = [row for row in await probe.audit(case.id) if row.action == "screening.referred"]
    assert [(r.legal_basis, r.before_status, r.after_status, r.details) for r in referred] == [
        ("SR Art 18(1)", "IN_PROGRESS", "REFERRED_RETURN", {"completion": "COMPLETE"})
    ]


async def test_refer_with_application_carries_it_for_apr_27(app, probe):
    case = await start(app, reason=ScreeningReason.BORDER_SAR)
    async with app.runtime.uow() as uow:
        loaded = await ScreeningRepository(uow.session).get(case.id)
        await handlers.record_application(uow, loaded, datetime(2026, 7, 9, 15, 0, tzinfo=AMS))
        await uow.commit()
    async with app.runtime.uow() as uow:
        loaded = await ScreeningRepository(uow.session).get(case.id)
        await handlers.refer(uow, loaded, completion=Completion.COMPLETE, missing_checks=[])
        await uow.commit()
    [row] = await probe.outbox(case.id)
    data = json.loads(row.payload)["data"]
    assert (data["target"], data["basis"], data["screening_reason"]) == ("ASYLUM", "SR Art 18(2)", "BORDER_SAR")
    assert data["application_made_at"] == "2026-07-09T13:00:00Z"
    recorded = [row for row in await probe.audit(case.id) if row.action == "application.recorded"]
    assert [r.legal_basis for r in recorded] == ["SR Art 18(2)"]


async def test_refused_referral_leaves_no_event(app, probe):
    case = await start(app)
    async with app.runtime.uow() as uow:
        loaded = await ScreeningRepository(uow.session).get(case.id)
        await handlers.refer(uow, loaded, completion=Completion.COMPLETE, missing_checks=[])
        await uow.commit()
    async with app.runtime.uow() as uow:
        loaded = await ScreeningRepository(uow.session).get(case.id)
        with pytest.raises(TransitionNotAllowed):
            await handlers.refer(uow, loaded, completion=Completion.INCOMPLETE, missing_checks=list(CHECKS))
        await uow.commit()
    assert len(await probe.outbox(case.id)) == 1


async def test_limit_handler_forces_an_incomplete_referral(app, probe):
    case = await start(app, reason=ScreeningReason.BORDER_IRREGULAR)
    [deadline] = await probe.deadlines(case.id)
    due = DueDeadline(deadline.id, case.id, deadline.kind, deadline.due_at, deadline.legal_basis, None)
    async with app.runtime.uow() as uow:
        await handlers.on_completion_limit(due, uow)
        await uow.commit()
    [row] = await probe.outbox(case.id)
    data = json.loads(row.payload)["data"]
    assert (data["completion"], data["missing_checks"]) == ("INCOMPLETE", list(CHECKS))
    # SR 18(5): the limit is reached, so nothing happens for a case that was already referred.
    async with app.runtime.uow() as uow:
        await handlers.on_completion_limit(due, uow)
        await uow.commit()
    assert len(await probe.outbox(case.id)) == 1


def test_deadline_handlers_are_registered():
    assert handlers.DEADLINE_HANDLERS == {handlers.COMPLETION_LIMIT: handlers.on_completion_limit}
