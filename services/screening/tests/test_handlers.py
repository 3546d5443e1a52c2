"""The screening use cases called directly, with a unit of work of the running service, where the REST API cannot
reach or cannot set the stage: merge rules, discontinuation (SR 18(6)), closure, the Eurodac transmission's
idempotency and dataset, hit decisions, the scheduler handlers' guards and optimistic concurrency.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from keten_screening.adapters.eurodac import EurodacDataset
from keten_screening.adapters.repository import ScreeningRepository
from keten_screening.domain.case import ScreeningCase, ScreeningStatus
from keten_screening.domain.eurodac import EurodacCategory, Mark, MarkKind
from keten_screening.domain.eurodac_record import Transmission
from keten_screening.domain.identity import NationalityFacts
from keten_screening.domain.records import Biometrics, FormDetails, InformationProvided, SecuritySystem
from keten_screening.domain.scope import IntakeFacts
from keten_screening.service_layer import handlers
from keten_screening.service_layer.handlers import DEADLINE_HANDLERS, Closure, DocumentShown, Step
from keten_shared.audit import acting_as
from keten_shared.errors import InvalidData, TransitionNotAllowed
from keten_shared.events.catalog.common import PersonDetails, Sex
from keten_shared.events.catalog.screening import ScreeningReason
from keten_shared.scheduler import DeadlineScheduler, DueDeadline
from keten_shared.testing.service_fixtures import NOW
from keten_shared.uow import UnitOfWork

AMS = ZoneInfo("Europe/Amsterdam")
TRIGGER = datetime(2026, 7, 9, 8, 0, tzinfo=AMS)
HADDAD = PersonDetails(
    family_name="Haddad", given_names="Omar", date_of_birth=date(1990, 1, 1), sex=Sex.MALE, nationalities=["SYR"]
)


# --- helpers ---------------------------------------------------------------------------------------------------------


async def opened(
    app: Any,
    reason: ScreeningReason = ScreeningReason.BORDER_IRREGULAR,
    *,
    person_id: str | None = None,
    start: bool = True,
    application_made_at: datetime | None = None,
    **facts: bool,
) -> str:
    with acting_as("user:officer-1"):
        async with app.runtime.uow() as uow:
            case = await handlers.open_case(
                uow,
                intake=IntakeFacts(reason=reason, **facts),
                trigger_event_ts=TRIGGER,
                location="Ter Apel",
                person=HADDAD,
                person_id=person_id,
                application_made_at=application_made_at,
            )
            if start and case.active:
                await handlers.start(uow, case, started_at=NOW, held_at_external_border=False)
            await uow.commit()
            return case.id


async def change(app: Any, sid: str, action: Callable[[UnitOfWork, ScreeningCase], Awaitable[Any]]) -> ScreeningCase:
    """Load the case, act on it and commit, as one request would."""
    with acting_as("user:officer-1"):
        async with app.runtime.uow() as uow:
            case = await ScreeningRepository(uow.session).get(sid)
            await action(uow, case)
            await uow.commit()
            return case


async def load(app: Any, sid: str) -> ScreeningCase:
    async with app.runtime.uow() as uow:
        case = await ScreeningRepository(uow.session).get(sid)
        await uow.commit()  # ends the transaction without expiring the loaded state (a rollback would)
        return case


async def fire(app: Any) -> int:
    scheduler = DeadlineScheduler(service="screening", uow=app.runtime.uow, handlers=DEADLINE_HANDLERS)
    return await scheduler.fire_due(limit=10_000)


async def statuses(probe: Any, sid: str) -> dict[str, str]:
    return {row.kind: row.status for row in await probe.deadlines(sid)}


def captured(template_ref: str) -> Biometrics:
    return Biometrics(outcome="CAPTURED", template_ref=template_ref)


async def capture(uow: UnitOfWork, case: ScreeningCase, template_ref: str) -> None:
    await handlers.record_biometrics(uow, case, captured(template_ref))


def other_ms_dataset(template_ref: str, category: EurodacCategory, code: str, on: date) -> EurodacDataset:
    return EurodacDataset(
        category=category,
        template_ref=template_ref,
        family_name="Haddad",
        given_names="Omar",
        ms_of_origin="DE",
        event_place="Berlin",
        event_date=on,
        sex=Sex.MALE,
        reference_number=f"DE{code}H{uuid.uuid4().hex[:10].upper()}",
        biometrics_taken_on=on,
        operator_user_id="de-operator",
        ms_responsible="DE" if category is EurodacCategory.APPLICANT else None,
    )


# --- merge (chapter §8.10) -------------------------------------------------------------------------------------------


async def duplicates(app: Any) -> tuple[str, str]:
    """Two running screenings under two person ids that a later biometric match shows to be one person."""
    return await opened(app), await opened(app)


async def test_merging_a_duplicate_into_the_running_screening(app, probe):
    a, b = await duplicates(app)
    await change(app, b, lambda uow, case: capture(uow, case, f"tpl-merge-{b}"))

    async def merge(uow: UnitOfWork, case: ScreeningCase) -> None:
        await handlers.merge(uow, case, await ScreeningRepository(uow.session).get(a))

    merged = await change(app, b, merge)
    assert (merged.status, merged.merged_into, merged.closure_note) == (
        ScreeningStatus.MERGED_DUPLICATE,
        a,
        f"merged into {a}",
    )
    assert merged.closed_at == NOW
    assert merged.person_id == (await load(app, a)).person_id  # the duplicate now names the one person
    assert set((await statuses(probe, b)).values()) == {"cancelled"}  # limit, warnings, Eurodac limit, transmission
    assert (await statuses(probe, b))["eurodac.transmit"] == "cancelled"
    assert set((await statuses(probe, a)).values()) == {"open"}
    assert (await load(app, a)).status is ScreeningStatus.IN_PROGRESS
    [audit] = [row for row in await probe.audit(b) if row.action == "screening.merged"]
    assert (audit.actor, audit.before_status, audit.after_status) == (
        "user:officer-1",
        "IN_PROGRESS",
        "MERGED_DUPLICATE",
    )
    assert await probe.outbox(b) == []
    # Nothing more is recorded on a merged screening, not even a late Eurodac transmission.
    with pytest.raises(TransitionNotAllowed):
        await change(app, b, lambda uow, case: handlers.record_application(uow, case, NOW))
    transmission = Transmission(
        category=EurodacCategory.IRREGULAR_CROSSER,
        reference_number="NL2LATE",
        transmitted_at=NOW,
        retention_until=date(2031, 7, 10),
        within_limit=True,
    )
    with pytest.raises(TransitionNotAllowed):
        (await load(app, b)).record_transmission(transmission, [])


async def test_merge_rules(app):
    a, b = await duplicates(app)

    def merging_into(target: str) -> Callable[[UnitOfWork, ScreeningCase], Awaitable[None]]:
        async def merge(uow: UnitOfWork, case: ScreeningCase) -> None:
            await handlers.merge(uow, case, await ScreeningRepository(uow.session).get(target))

        return merge

    with pytest.raises(InvalidData, match="itself"):
        await change(app, b, merging_into(b))
    await change(app, a, lambda uow, case: handlers.close(uow, case, Closure.DEPARTED, None))
    with pytest.raises(TransitionNotAllowed):  # only a running screening is merged
        await change(app, a, merging_into(b))
    merged = await change(app, b, merging_into(a))  # into the person's screening that ended: allowed
    assert merged.status is ScreeningStatus.MERGED_DUPLICATE


async def test_a_screening_is_not_merged_into_a_void_one(app):
    person_id = f"P-{uuid.uuid4()}"
    rejected = await opened(app, person_id=person_id, union_citizen_or_beneficiary_of_free_movement=True)
    assert (await load(app, rejected)).status is ScreeningStatus.REJECTED_OUT_OF_SCOPE
    running = await opened(app, person_id=person_id)

    async def merge(uow: UnitOfWork, case: ScreeningCase) -> None:
        await handlers.merge(uow, case, await ScreeningRepository(uow.session).get(rejected))

    with pytest.raises(TransitionNotAllowed):
        await change(app, running, merge)


async def test_concurrent_intakes_of_one_person_open_one_screening(app):
    """Chapter §8.10: two intakes of one person racing each other: the database lets only one screening run."""
    person_id = f"P-{uuid.uuid4()}"
    intake = IntakeFacts(reason=ScreeningReason.BORDER_IRREGULAR)

    async def intake_in_its_own_transaction() -> None:
        async with app.runtime.uow() as uow:
            await handlers.open_case(
                uow, intake=intake, trigger_event_ts=TRIGGER, location="Ter Apel", person=HADDAD, person_id=person_id
            )
            await uow.commit()

    outcomes = await asyncio.gather(*(intake_in_its_own_transaction() for _ in range(2)), return_exceptions=True)
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], IntegrityError | TransitionNotAllowed), outcomes
    async with app.runtime.uow() as uow:
        assert await ScreeningRepository(uow.session).active_case_of(person_id) is not None


# --- discontinuation (SR 18(6)) --------------------------------------------------------------------------------------


async def test_discontinuation_refers_with_a_note_to_registration_not_relocation(app, probe):
    sid = await opened(app)

    async def prepare(uow: UnitOfWork, case: ScreeningCase) -> None:
        await handlers.record_application(uow, case, NOW)
        await handlers.mark_for_relocation(uow, case, "PT")
        await handlers.record_step(
            uow, case, Step.INFORMATION, InformationProvided(provided_at=NOW, language="ar", channel="ORAL")
        )

    await change(app, sid, prepare)
    case = await change(app, sid, lambda uow, case: handlers.discontinue(uow, case, "extradition request from BE"))
    assert (case.status, case.referral_target, case.referral_basis) == (
        ScreeningStatus.REFERRED_ASYLUM,
        "ASYLUM",
        "SR Art 18(6)",
    )
    assert (case.relocation_member_state, case.completion, case.closure_note) == (
        None,  # SR 18(6) names the return and registration authorities only
        "INCOMPLETE",
        "extradition request from BE",
    )
    assert case.missing_checks == ["health", "vulnerability", "identity", "security", "biometrics", "form"]
    [referred] = await probe.event_data(sid, "screening.case.referred")
    assert (referred["basis"], referred["referral_note"], referred["relocation_member_state"]) == (
        "SR Art 18(6)",
        "extradition request from BE",
        None,
    )
    assert referred["form"]["application_made"] is True
    limits = await statuses(probe, sid)
    assert (limits["screening.completion_limit"], limits["screening.deadline_warning.6h"]) == ("cancelled", "cancelled")


@pytest.mark.parametrize(
    ("reason", "status", "target"),
    [
        (ScreeningReason.BORDER_SAR, ScreeningStatus.REFERRED_RETURN, "RETURN"),
        (ScreeningReason.TERRITORY, ScreeningStatus.CONTINUE_RETURN, "RETURN"),
    ],
)
async def test_discontinuation_without_application_goes_to_return(app, reason, status, target):
    sid = await opened(app, reason)
    case = await change(app, sid, lambda uow, case: handlers.discontinue(uow, case, "national criminal proceedings"))
    assert (case.status, case.referral_target, case.referral_basis) == (status, target, "SR Art 18(6)")


async def test_an_absconded_person_may_be_discontinued_but_a_referred_one_not(app):
    sid = await opened(app)
    await change(app, sid, lambda uow, case: handlers.abscond(uow, case, NOW))
    case = await change(app, sid, lambda uow, case: handlers.discontinue(uow, case, "arrested elsewhere"))
    assert (case.status, case.absconded) == (ScreeningStatus.REFERRED_RETURN, True)
    with pytest.raises(TransitionNotAllowed):
        await change(app, sid, lambda uow, case: handlers.discontinue(uow, case, "again"))


# --- closure (SR 5(3)) ---------------------------------------------------------------------------------------------


async def test_entry_conditions_met_from_intake(app, probe):
    sid = await opened(app, start=False)
    case = await change(
        app, sid, lambda uow, case: handlers.close(uow, case, Closure.ENTRY_CONDITIONS_MET, "Schengen visa valid")
    )
    assert (case.status, case.closed_at, case.referred_at, case.completion) == (
        ScreeningStatus.CLOSED_ENTRY_CONDITIONS_MET,
        NOW,
        None,
        None,
    )
    assert await probe.outbox(sid) == []
    [audit] = [row for row in await probe.audit(sid) if row.action == "screening.closed"]
    assert (audit.legal_basis, audit.before_status, audit.after_status) == (
        "SR Art 5(3)",
        "INITIATED",
        "CLOSED_ENTRY_CONDITIONS_MET",
    )
    limits = await statuses(probe, sid)
    assert {kind: limits[kind] for kind in ("screening.completion_limit", *handlers.WARNINGS)} == dict.fromkeys(
        ("screening.completion_limit", *handlers.WARNINGS), "cancelled"
    )
    # What the code does: the Eurodac limit stays open (the duty to transmit is not ended by the closure).
    assert limits["eurodac.transmission_limit"] == "cancelled"  # SR 5(3): no irregular crosser, no ED 22 duty


async def test_closure_rules(app):
    sid = await opened(app)
    await change(app, sid, lambda uow, case: handlers.abscond(uow, case, NOW))
    with pytest.raises(TransitionNotAllowed):  # an absconded person is not found to meet the entry conditions
        await change(app, sid, lambda uow, case: handlers.close(uow, case, Closure.ENTRY_CONDITIONS_MET, None))
    case = await change(app, sid, lambda uow, case: handlers.close(uow, case, Closure.DEPARTED, "left for Morocco"))
    assert (case.status, case.closure_note) == (ScreeningStatus.CLOSED_DEPARTED, "left for Morocco")
    for closure in Closure:
        with pytest.raises(TransitionNotAllowed):
            await change(app, sid, lambda uow, case, closure=closure: handlers.close(uow, case, closure, None))


async def test_a_departed_applicant_is_still_referred_to_registration(app, probe):
    sid = await opened(app)
    await change(app, sid, lambda uow, case: handlers.record_application(uow, case, NOW))
    await change(app, sid, lambda uow, case: handlers.close(uow, case, Closure.DEPARTED, "left for Turkey"))
    [referred] = await probe.event_data(sid, "screening.case.referred")
    assert referred["target"] == "ASYLUM"


async def test_no_intake_events_for_a_person_out_of_scope(app, probe):
    sid = await opened(
        app,
        ScreeningReason.BORDER_BCP_APPLICANT,
        application_made_at=TRIGGER,
        union_citizen_or_beneficiary_of_free_movement=True,
    )
    case = await load(app, sid)
    assert (case.status, case.out_of_scope_reason) == (
        ScreeningStatus.REJECTED_OUT_OF_SCOPE,
        "NOT_A_THIRD_COUNTRY_NATIONAL",
    )
    assert await probe.outbox(sid) == []
    assert await probe.deadlines(sid) == []


# --- Eurodac transmission ------------------------------------------------------------------------------------------


async def test_the_transmitted_dataset(app, clock):
    """ED 22(2): what goes to Eurodac, biometrics only by their template reference."""
    await fire(app)
    sid = await opened(app)
    template = f"tpl-dataset-{sid}"

    async def steps(uow: UnitOfWork, case: ScreeningCase) -> None:
        passport = DocumentShown(type="PASSPORT", number="N1234567", issuing_country="SYR", expiry=date(2030, 1, 31))
        await handlers.record_identification(
            uow,
            case,
            documents=[passport],
            nationality=NationalityFacts(("SYR", "LBN")),
            biometric_match=False,
            documents_destroyed=False,
        )
        await handlers.record_step(uow, case, Step.FORM_DETAILS, FormDetails(place_of_birth="Aleppo"))
        await handlers.run_security_check(
            uow,
            case,
            systems=[SecuritySystem.SIS],
            armed=False,
            violent=True,
            terrorist_indications=False,
            eaw_offence_indications=False,
        )
        await capture(uow, case, template)

    case = await change(app, sid, steps)
    assert case.security.security_flag is True and case.security.flag_reason == "violent"
    clock.set(NOW + timedelta(minutes=5))
    await fire(app)
    [dataset] = app.runtime.adapters.eurodac.stored(template)
    assert (dataset.category, dataset.template_ref, dataset.ms_of_origin, dataset.event_place) == (
        EurodacCategory.IRREGULAR_CROSSER,
        template,
        "NL",
        "Ter Apel",
    )
    assert (dataset.event_date, dataset.biometrics_taken_on, dataset.date_of_birth) == (
        date(2026, 7, 9),  # the day of apprehension, local
        date(2026, 7, 10),
        date(1990, 1, 1),
    )
    assert (dataset.family_name, dataset.given_names, dataset.sex, dataset.place_of_birth) == (
        "Haddad",
        "Omar",
        Sex.MALE,
        "Aleppo",
    )
    assert dataset.nationalities == ("SYR", "LBN")
    assert (dataset.document.number, dataset.document.issuing_country) == ("N1234567", "SYR")
    assert (dataset.security_flag, dataset.operator_user_id) == (True, "user:officer-1")
    assert dataset.reference_number == "NL2" + sid.replace("-", "").upper()
    transmission = (await load(app, sid)).eurodac.transmissions[0]
    assert (transmission.reference_number, transmission.transmitted_at) == (dataset.reference_number, clock.now())


async def test_a_second_dataset_of_the_same_category_is_never_transmitted(app, probe):
    await fire(app)
    sid = await opened(app)
    template = f"tpl-once-{sid}"
    await change(app, sid, lambda uow, case: capture(uow, case, template))
    await fire(app)
    assert len(app.runtime.adapters.eurodac.stored(template)) == 1

    # The same work item again: nothing left to transmit.
    due = DueDeadline(uuid.uuid4(), sid, handlers.EURODAC_TRANSMIT, NOW, None, None)
    await change(app, sid, lambda uow, _case: handlers.on_eurodac_transmit(due, uow))
    # A retake of the biometrics: a new work item, still nothing to transmit.
    case = await change(app, sid, lambda uow, case: capture(uow, case, template))
    assert case.eurodac.due == []
    await fire(app)
    assert len(app.runtime.adapters.eurodac.stored(template)) == 1
    assert len(await probe.outbox(sid, "eurodac.data.transmitted")) == 1
    # The record itself refuses a second dataset of the category.
    case = await load(app, sid)
    with pytest.raises(TransitionNotAllowed, match="already transmitted"):
        case.record_transmission(case.eurodac.transmissions[0], [])


async def test_the_applicant_dataset_of_a_bcp_applicant(app):
    await fire(app)
    made = TRIGGER + timedelta(minutes=30)
    sid = await opened(app, ScreeningReason.BORDER_BCP_APPLICANT, application_made_at=made)
    template = f"tpl-bcp-{sid}"
    await change(app, sid, lambda uow, case: capture(uow, case, template))
    await fire(app)
    [dataset] = app.runtime.adapters.eurodac.stored(template)
    assert (dataset.category, dataset.event_date) == (EurodacCategory.APPLICANT, date(2026, 7, 9))
    assert dataset.reference_number.startswith("NL1")
    [transmission] = (await load(app, sid)).eurodac.transmissions
    assert transmission.retention_until == date(2036, 7, 10)  # ED 29(1): 10 years from transmission


async def test_confirmed_hits_with_a_protection_mark_and_rejected_hits(app, probe):
    """ED 38(4), 38(6), 31(1): only confirmed hits go downstream; a protection mark travels as protected_in_ms."""
    await fire(app)
    template = f"tpl-marks-{uuid.uuid4().hex[:8]}"
    eurodac = app.runtime.adapters.eurodac
    eurodac.preload(
        template,
        other_ms_dataset(template, EurodacCategory.APPLICANT, "1", date(2024, 3, 1)),
        marks=(Mark(MarkKind.PROTECTION_GRANTED, "DE", date(2025, 1, 15)),),
    )
    eurodac.preload(template, other_ms_dataset(template, EurodacCategory.SAR, "9", date(2023, 9, 9)))
    sid = await opened(app)
    await change(app, sid, lambda uow, case: capture(uow, case, template))
    await fire(app)
    applicant_hit, sar_hit = (await load(app, sid)).eurodac.hits
    assert (applicant_hit.matched_category, sar_hit.matched_category) == (
        EurodacCategory.APPLICANT,
        EurodacCategory.SAR,
    )
    assert handlers.eurodac_facts(await load(app, sid)).protected_in_ms == []  # nothing confirmed yet

    await change(app, sid, lambda uow, case: handlers.decide_hit(uow, case, sar_hit.hit_id, confirmed=False))
    case = await change(
        app, sid, lambda uow, case: handlers.decide_hit(uow, case, applicant_hit.hit_id, confirmed=True)
    )
    facts = handlers.eurodac_facts(case)
    assert facts.protected_in_ms == ["DE"]
    assert [r.member_state for r in facts.earlier_applications] == ["DE"]
    assert facts.earlier_sar_disembarkations == []  # rejected (ED 38(6))
    [confirmed] = await probe.event_data(sid, "eurodac.hit.confirmed")
    assert (confirmed["record"]["category"], confirmed["protected_in_ms"]) == ("APPLICANT", ["DE"])
    actions = {row.action: row for row in await probe.audit(sid)}
    assert actions["eurodac.hit.rejected"].legal_basis == "ED Art 38(6)"
    assert actions["eurodac.hit.confirmed"].legal_basis == "ED Art 38(4)"
    assert [hit.checked_by for hit in case.eurodac.hits] == ["user:officer-1", "user:officer-1"]


# --- what the scheduler handlers leave alone ------------------------------------------------------------------------


async def test_scheduler_handlers_do_nothing_on_a_screening_that_ended(app, probe):
    sid = await opened(app)
    await change(app, sid, lambda uow, case: handlers.close(uow, case, Closure.DEPARTED, None))

    def due(kind: str, payload: dict[str, Any] | None = None) -> DueDeadline:
        return DueDeadline(uuid.uuid4(), sid, kind, NOW, None, payload)

    for item in [
        due(handlers.COMPLETION_LIMIT),
        due("screening.deadline_warning.24h"),
        due(handlers.EURODAC_TRANSMIT),  # no biometrics: nothing to transmit
    ]:
        await change(app, sid, lambda uow, _case, item=item: DEADLINE_HANDLERS[item.kind](item, uow))
    case = await load(app, sid)
    assert (case.status, case.referred_at, case.eurodac) == (ScreeningStatus.CLOSED_DEPARTED, None, None)
    assert await probe.outbox(sid) == []
    assert not [row for row in await probe.audit(sid) if row.action == "screening.deadline.warning"]


async def test_no_eurodac_delay_is_reported_for_a_merged_duplicate(app, probe):
    a, b = await duplicates(app)

    async def merge(uow: UnitOfWork, case: ScreeningCase) -> None:
        await handlers.merge(uow, case, await ScreeningRepository(uow.session).get(a))

    await change(app, b, merge)
    due = DueDeadline(uuid.uuid4(), b, handlers.EURODAC_LIMIT, NOW, None, {"category": "IRREGULAR_CROSSER"})
    await change(app, b, lambda uow, _case: handlers.on_eurodac_limit(due, uow))
    assert await probe.outbox(b) == []


# --- optimistic concurrency --------------------------------------------------------------------------------------


async def test_the_second_of_two_concurrent_writers_loses(app):
    sid = await opened(app)
    info = InformationProvided(provided_at=NOW, language="ar", channel="ORAL")
    async with app.runtime.uow() as first, app.runtime.uow() as second:
        one = await ScreeningRepository(first.session).get(sid)
        other = await ScreeningRepository(second.session).get(sid)
        await handlers.record_step(first, one, Step.INFORMATION, info)
        await handlers.record_step(second, other, Step.FORM_DETAILS, FormDetails(languages=["ar"]))
        await first.commit()
        with pytest.raises(StaleDataError):
            await second.commit()
    case = await load(app, sid)
    assert (case.info is not None, case.form_details, case.version) == (True, None, 3)
