"""The first assessment of a procedure on the facts other services reported (real PostgreSQL).

Screening's confirmed Eurodac hits and its security check (AMMR 16(4), 39(1), 41(1)) are kept per person; a
registered application is assessed on them, so that asylum knows whether the merits must wait (APR 39(1)(a)).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from keten_dublin.adapters.repository import ProcedureRepository
from keten_dublin.domain.model import DublinProcedure
from keten_dublin.service_layer import handlers
from keten_shared.events.catalog.asylum import ApplicationRegistered
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.screening import (
    AsylumRoutingFacts,
    Completion,
    EurodacEarlierRecord,
    EurodacHitConfirmed,
    ReferralOutcome,
    ReferralTarget,
    ScreeningCaseReferred,
    ScreeningReason,
)

APP_SETTINGS = {"consumer_enabled": False, "scheduler_enabled": False}
AT = datetime(2026, 7, 2, 8, 0, tzinfo=UTC)  # Thu 2 July 2026, 10:00 in the Netherlands


def registered(person_id: str, registered_at: datetime = AT) -> ApplicationRegistered:
    return ApplicationRegistered(
        case_id=f"asylum-{uuid.uuid4()}",
        person_id=person_id,
        member_state="NL",
        made_at=registered_at,
        registered_at=registered_at,
        lodging_deadline=date(2026, 7, 23),
        person=PersonDetails(family_name="Doe"),
    )


def hit(person_id: str, category: str, ms: str, on: date, **extra) -> EurodacHitConfirmed:
    return EurodacHitConfirmed(
        case_id=f"screening-{person_id}",
        person_id=person_id,
        member_state="NL",
        confirmed_at=AT,
        record=EurodacEarlierRecord(category=category, member_state=ms, date=on, **extra),
    )


def referred(person_id: str, *, security_flag: bool = False, missing: list[str] | None = None) -> ScreeningCaseReferred:
    return ScreeningCaseReferred(
        case_id=f"screening-{person_id}",
        person_id=person_id,
        member_state="NL",
        screening_reason=ScreeningReason.BORDER_IRREGULAR,
        trigger_event_ts=AT,
        location="Ter Apel",
        referred_at=AT,
        target=ReferralTarget.ASYLUM,
        outcome=ReferralOutcome.REFERRED_ASYLUM,
        basis="SR Art 18(2)",
        completion=Completion.INCOMPLETE if missing else Completion.COMPLETE,
        missing_checks=missing or [],
        person=PersonDetails(family_name="Doe", date_of_birth=date(1990, 1, 1)),
        asylum_routing=AsylumRoutingFacts(sr_category="5(1)", security_flag=security_flag),
    )


async def handle(app, event_of, handler, data, subject: str) -> None:
    async with app.runtime.uow() as uow:
        await handler(data, event_of(data, subject=subject), uow)
        await uow.commit()


async def procedure_of(app, asylum_case_id: str) -> DublinProcedure:
    async with app.runtime.uow() as uow:
        found = await ProcedureRepository(uow.session).find_one(asylum_case_id=asylum_case_id)
        assert found is not None
        uow.session.expunge(found)  # keep the loaded state after the session closes
        return found


async def start(app, probe, event_of, data: ApplicationRegistered) -> tuple[DublinProcedure, bool | None]:
    await handle(app, event_of, handlers.on_application_registered, data, data.case_id)
    procedure = await procedure_of(app, data.case_id)
    [started] = await probe.event_data(procedure.id, "dublin.procedure.started")
    return procedure, started["another_member_state_possible"]


async def test_an_irregular_entry_hit_makes_the_merits_wait(app, probe, event_of):
    person = f"p-{uuid.uuid4()}"
    await handle(
        app, event_of, handlers.on_hit_confirmed, hit(person, "IRREGULAR_CROSSER", "GR", date(2026, 3, 1)), person
    )
    await handle(app, event_of, handlers.on_case_referred, referred(person), person)
    procedure, elsewhere = await start(app, probe, event_of, registered(person))
    assert elsewhere is True
    assert (procedure.assessed_ms, procedure.assessed_action) == ("GR", "TAKE_CHARGE")
    # AMMR 39(1): min(2 months from registration, 1 month from the hit on Thu 2 July: Sun 2 Aug -> Mon 3 Aug).
    assert procedure.request_due == date(2026, 8, 3)
    assert procedure.assessment["article"] == "AMMR Art 33(1)"
    assert procedure.assessment["flags"] == []  # screening's security check was done
    shown = await app.client.get(f"/v1/procedures/{procedure.id}", headers=app.auth("dublin-officer"))
    assert (shown.json()["assessed_ms"], shown.json()["request_due"]) == ("GR", "2026-08-03")
    assert shown.json()["assessment"]["reasons"][-1]["criterion"] == "IRREGULAR_ENTRY"


async def test_an_earlier_application_elsewhere_leads_to_a_take_back(app, probe, event_of):
    person = f"p-{uuid.uuid4()}"
    earlier = hit(person, "APPLICANT", "AT", date(2026, 3, 2), ms_responsible="AT")
    await handle(app, event_of, handlers.on_hit_confirmed, earlier, person)
    procedure, elsewhere = await start(app, probe, event_of, registered(person))
    assert elsewhere is True
    assert (procedure.assessed_ms, procedure.assessed_action, procedure.request_due) == (
        "AT",
        "TAKE_BACK",
        date(2026, 7, 16),  # AMMR 41(1): 2 weeks from the hit
    )


async def test_nothing_pointing_elsewhere_lets_the_merits_go_on(app, probe, event_of):
    person = f"p-{uuid.uuid4()}"
    procedure, elsewhere = await start(app, probe, event_of, registered(person))
    assert elsewhere is False
    assert (procedure.assessed_ms, procedure.assessed_action, procedure.request_due) == ("NL", "SELF", None)
    assert procedure.assessment["flags"] == ["SECURITY_CHECK_MISSING"]  # no screening reported: Art 16(4)


async def test_a_security_threat_found_in_screening_keeps_the_application_here(app, probe, event_of):
    person = f"p-{uuid.uuid4()}"
    await handle(
        app, event_of, handlers.on_hit_confirmed, hit(person, "IRREGULAR_CROSSER", "GR", date(2026, 3, 1)), person
    )
    await handle(app, event_of, handlers.on_case_referred, referred(person, security_flag=True), person)
    procedure, elsewhere = await start(app, probe, event_of, registered(person))
    assert elsewhere is False
    assert (procedure.assessed_ms, procedure.assessment["article"]) == ("NL", "AMMR Art 16(4)")
    assert procedure.assessment["relocation_excluded"] is True


async def test_a_screening_without_its_security_check_is_flagged(app, probe, event_of):
    person = f"p-{uuid.uuid4()}"
    await handle(app, event_of, handlers.on_case_referred, referred(person, missing=["security"]), person)
    procedure, _ = await start(app, probe, event_of, registered(person))
    assert "SECURITY_CHECK_MISSING" in procedure.assessment["flags"]


async def test_a_hit_confirmed_after_registration_updates_the_assessment(app, probe, event_of):
    person = f"p-{uuid.uuid4()}"
    data = registered(person)
    await start(app, probe, event_of, data)
    await handle(app, event_of, handlers.on_hit_confirmed, hit(person, "SAR", "MT", date(2026, 6, 20)), person)
    procedure = await procedure_of(app, data.case_id)
    assert (procedure.assessed_ms, procedure.assessment["article"]) == ("MT", "AMMR Art 33(2)")
    actions = [row.action for row in await probe.audit(procedure.id)]
    assert actions == ["procedure.started", "procedure.assessed", "procedure.assessed"]


async def test_a_beneficiary_mark_is_kept_for_the_asylum_service(app, probe, event_of):
    person = f"p-{uuid.uuid4()}"
    marked = hit(person, "APPLICANT", "DE", date(2025, 1, 5), ms_responsible="DE").model_copy(
        update={"protected_in_ms": ["DE"]}
    )
    await handle(app, event_of, handlers.on_hit_confirmed, marked, person)
    procedure, _ = await start(app, probe, event_of, registered(person))
    assert "PROTECTION_IN_OTHER_MS" in procedure.assessment["flags"]


async def test_a_dublin_iii_application_is_not_assessed(app, probe, event_of):
    person = f"p-{uuid.uuid4()}"
    procedure, elsewhere = await start(app, probe, event_of, registered(person, datetime(2026, 6, 15, 8, tzinfo=UTC)))
    assert elsewhere is None and procedure.assessment is None  # AMMR 84(2)
