"""The asylum service's event handlers, use cases and deadline handlers against real PostgreSQL.

The module's service runs with its consumer and scheduler off: each test hands screening's events to
``EVENT_HANDLERS`` itself, calls the use cases with a unit of work of the running service, moves the clock and
runs one round of the deadline scheduler. One test starts a second service with its consumer on, to see a
redelivery through the broker absorbed. The clock stands at Fri 2026-07-10 12:00 in the Netherlands (NOW) and
is put back after each test; every test works on its own screening case and application.

Dates are those of the NL calendar under APR Art 73 (time.md §2, §3.5): the event day is not counted and a
period ending on a Saturday, Sunday or Dutch public holiday ends on the next working day. A deadline is acted
on at its end, 24:00 local time of its last day (liberty caps at the unrolled end, time.md §3.10).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from keten_asylum.adapters.repository import ApplicationRepository
from keten_asylum.domain.decision import CourtRuling
from keten_asylum.domain.model import Application, ApplicationStatus
from keten_asylum.entrypoints.app import spec
from keten_asylum.service_layer import decisions, dublin, handlers, intake, postponement, return_link, routing
from keten_shared.audit import acting_as
from keten_shared.clock import FixedClock
from keten_shared.errors import InvalidData, TransitionNotAllowed
from keten_shared.events.catalog.asylum import (
    AcceleratedGround,
    DecisionOutcome,
    DocumentType,
    FamilyMember,
    ProcedureType,
    ReturnDecisionMode,
    RoutedProcedure,
)
from keten_shared.events.catalog.common import PersonDetails, Sex
from keten_shared.events.catalog.screening import (
    AsylumRoutingFacts,
    Completion,
    EurodacFacts,
    EurodacReference,
    FormHealthCheck,
    FormVulnerabilityCheck,
    ReferralOutcome,
    ReferralTarget,
    ScreeningApplicationMade,
    ScreeningCaseReferred,
    ScreeningForm,
    ScreeningReason,
)
from keten_shared.events.envelope import CloudEvent
from keten_shared.events.registry import EventData
from keten_shared.scheduler import DeadlineScheduler
from keten_shared.testing.service_fixtures import NOW, cloud_event, eventually
from keten_shared.uow import UnitOfWork

APP_SETTINGS = {"consumer_enabled": False, "scheduler_enabled": False}

AMS = ZoneInfo("Europe/Amsterdam")
R = ScreeningReason
SR_5_1 = (R.BORDER_IRREGULAR, R.BORDER_SAR)
ARRIVAL = {
    R.BORDER_IRREGULAR: "IRREGULAR_CROSSING",
    R.BORDER_SAR: "SEARCH_AND_RESCUE",
    R.BORDER_BCP_APPLICANT: "BORDER_CROSSING_POINT",
    R.TERRITORY: None,
}
SR_CATEGORY = {R.BORDER_IRREGULAR: "5(1)", R.BORDER_SAR: "5(1)", R.BORDER_BCP_APPLICANT: "5(2)", R.TERRITORY: "7"}
PERSON = PersonDetails(
    family_name="Tesfay", given_names="Selam", date_of_birth=date(1998, 3, 1), sex=Sex.FEMALE, nationalities=["ERI"]
)
REGISTRATION_LIMIT, LODGING_LIMIT = "asylum.registration_limit", "asylum.lodging_limit"
EXAMINATION_LIMIT, BORDER_MAXIMUM = "asylum.examination_limit", "asylum.border_maximum"
APPEAL_WINDOW, REMAIN_REQUEST_WINDOW = "asylum.appeal_window", "asylum.remain_request_window"
GUARANTEES_LIMIT, REPRESENTATIVE_LIMIT = "asylum.special_guarantees_limit", "asylum.representative_limit"
MICROSECOND = timedelta(microseconds=1)


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=AMS)


def end_of(day: date) -> datetime:
    """24:00 local time of ``day``: the instant a period whose last day it is has expired."""
    return datetime(day.year, day.month, day.day, tzinfo=AMS) + timedelta(days=1)


# --- screening's events ----------------------------------------------------------------------------------------------


def application_made(sid: str, reason: ScreeningReason, made_at: datetime) -> ScreeningApplicationMade:
    return ScreeningApplicationMade(
        case_id=sid,
        person_id=f"person-{sid}",
        member_state="NL",
        screening_reason=reason,
        made_at=made_at,
        registration_clock_start="REFERRAL" if reason in SR_5_1 else "MADE",
        person=PERSON,
    )


def referral(
    sid: str,
    reason: ScreeningReason,
    *,
    made_at: datetime | None,
    referred_at: datetime,
    target: ReferralTarget = ReferralTarget.ASYLUM,
    unaccompanied_minor: bool = False,
) -> ScreeningCaseReferred:
    to_asylum = target is ReferralTarget.ASYLUM
    return ScreeningCaseReferred(
        case_id=sid,
        person_id=f"person-{sid}",
        member_state="NL",
        screening_reason=reason,
        trigger_event_ts=(made_at or referred_at) - timedelta(hours=6),
        location="Ter Apel",
        referred_at=referred_at,
        target=target,
        outcome=ReferralOutcome.REFERRED_ASYLUM if to_asylum else ReferralOutcome.REFERRED_RETURN,
        basis="SR Art 18(2)" if to_asylum else "SR Art 18(1)",
        completion=Completion.COMPLETE,
        application_made_at=made_at,
        person=PERSON,
        referral_note="screening completed within the limit",
        form=ScreeningForm(
            family_name=PERSON.family_name,
            given_names=PERSON.given_names,
            nationalities=["ERI"],
            screening_reason=reason,
            health_check=FormHealthCheck(done=True),
            vulnerability_check=FormVulnerabilityCheck(done=True),
            application_made=made_at is not None,
            application_made_at=made_at,
            security_db_hit=False,
            cooperation_complied=True,
        ),
        asylum_routing=AsylumRoutingFacts(
            sr_category=SR_CATEGORY[reason],
            arrival_mode=ARRIVAL[reason],
            nationalities=["ERI"],
            minor=unaccompanied_minor,
            unaccompanied_minor=unaccompanied_minor,
        ),
        eurodac=EurodacFacts(
            references=[
                EurodacReference(category="APPLICANT", reference_number=f"NL-{sid[:8]}", transmitted_at=referred_at)
            ]
        ),
    )


def event(data: EventData) -> CloudEvent:
    return cloud_event(data, subject=data.case_id)  # type: ignore[attr-defined]


async def handle(app: Any, delivered: CloudEvent) -> None:
    """What the consumer does with one delivery, without its inbox: the handler in one unit of work."""
    with acting_as(f"event:{delivered.source}"):
        async with app.runtime.uow() as uow:
            await handlers.EVENT_HANDLERS[delivered.type](delivered.payload(), delivered, uow)
            await uow.commit()


def new_case() -> str:
    return str(uuid.uuid4())


# --- reading and changing applications -------------------------------------------------------------------------------


async def of_screening_case(app: Any, sid: str) -> list[Application]:
    async with app.runtime.uow() as uow:
        found = await ApplicationRepository(uow.session).list(cursor=None, limit=10, screening_case_id=sid)
        await uow.commit()  # ends the transaction without expiring the loaded state
        return found


async def the_application(app: Any, sid: str) -> Application:
    [application] = await of_screening_case(app, sid)
    return application


async def load(app: Any, application_id: str) -> Application:
    async with app.runtime.uow() as uow:
        application = await ApplicationRepository(uow.session).get(application_id)
        await uow.commit()
        return application


async def change(app: Any, application_id: str, action: Callable[[UnitOfWork, Application], Awaitable[Any]]) -> Any:
    """Load the application, act on it and commit, as one request would."""
    with acting_as("user:caseworker-1"):
        async with app.runtime.uow() as uow:
            application = await ApplicationRepository(uow.session).get(application_id)
            result = await action(uow, application)
            await uow.commit()
            return result


async def fire(app: Any) -> int:
    """One round of the deadline scheduler at the clock's time."""
    scheduler = DeadlineScheduler(service="asylum", uow=app.runtime.uow, handlers=handlers.DEADLINE_HANDLERS)
    return await scheduler.fire_due(limit=10_000)


async def deadline_rows(probe: Any, application_id: str) -> dict[str, list[Any]]:
    """The application's deadline rows by kind, by creation and then due time (the rows' ids are random)."""
    rows: dict[str, list[Any]] = {}
    for row in sorted(await probe.deadlines(application_id), key=lambda row: (row.created_at, row.due_at)):
        rows.setdefault(row.kind, []).append(row)
    return rows


async def the_deadline(probe: Any, application_id: str, kind: str) -> Any:
    [row] = (await deadline_rows(probe, application_id)).get(kind, [])
    return row


async def published(probe: Any, application_id: str, event_type: str | None = None) -> list[Any]:
    return [
        CloudEvent.model_validate_json(row.payload).payload() for row in await probe.outbox(application_id, event_type)
    ]


async def event_types(probe: Any, application_id: str) -> list[str]:
    return [row.event_type for row in await probe.outbox(application_id)]


async def audit_actions(probe: Any, application_id: str) -> list[str]:
    return [row.action for row in await probe.audit(application_id)]


# --- the way to an examination ---------------------------------------------------------------------------------------


async def made_in_screening(app: Any, reason: ScreeningReason = R.TERRITORY, made_at: datetime | None = None) -> str:
    """An application made during screening inside the territory; returns the application id."""
    sid = new_case()
    await handle(app, event(application_made(sid, reason, made_at or local(2026, 7, 6, 9))))
    return (await the_application(app, sid)).id


async def register(app: Any, application_id: str, **data: Any) -> None:
    async def act(uow: UnitOfWork, application: Application) -> None:
        await intake.register(uow, application, intake.Registration(**data))

    await change(app, application_id, act)


async def lodge(app: Any, application_id: str, lodged_at: datetime, mode: str = "IN_PERSON") -> None:
    async def act(uow: UnitOfWork, application: Application) -> None:
        await intake.lodge(uow, application, lodged_at=lodged_at, mode=mode)

    await change(app, application_id, act)


async def route(app: Any, application_id: str, **overrides: Any) -> routing.Evaluation:
    async def act(uow: UnitOfWork, application: Application) -> routing.Evaluation:
        return await routing.route_application(uow, application, overrides)

    return await change(app, application_id, act)


async def in_examination(app: Any, *grounds: AcceleratedGround) -> str:
    """Made Mon 07-06 in the territory, registered and lodged at NOW, routed (REGULAR without grounds)."""
    application_id = await made_in_screening(app)
    await register(app, application_id)
    await lodge(app, application_id, NOW)
    await route(app, application_id, established_grounds=frozenset(grounds))
    return application_id


async def decide(app: Any, application_id: str, outcome: DecisionOutcome, notified_at: datetime, **kw: Any) -> Any:
    async def act(uow: UnitOfWork, application: Application) -> Any:
        return await decisions.decide(uow, application, outcome=outcome, notified_at=notified_at, **kw)

    return await change(app, application_id, act)


# --- screening.application.made and screening.case.referred ----------------------------------------------------------


def test_the_handlers_are_registered_for_the_events_consumed_and_every_deadline_kind():
    assert handlers.EVENT_HANDLERS == {
        "screening.application.made": handlers.on_application_made,
        "screening.case.referred": handlers.on_screening_case_referred,
        **dublin.EVENT_HANDLERS,
        "return.decision.issued": return_link.on_return_decision_issued,
    }
    assert set(dublin.EVENT_HANDLERS) == {
        "dublin.procedure.started",
        "dublin.responsibility.determined",
        "dublin.responsibility.shifted",
        "dublin.transfer.completed",
        "dublin.arrival.confirmed",
    }
    assert (
        handlers.DEADLINE_HANDLERS.items()
        >= {
            REGISTRATION_LIMIT: handlers.on_registration_limit,
            LODGING_LIMIT: handlers.on_lodging_limit,
            EXAMINATION_LIMIT: routing.on_examination_limit,
            BORDER_MAXIMUM: routing.on_border_maximum,
            APPEAL_WINDOW: decisions.on_appeal_window_end,
            REMAIN_REQUEST_WINDOW: decisions.on_remain_request_window_end,
            postponement.POSTPONEMENT_REVIEW: postponement.on_review_due,
        }.items()
    )


async def test_made_then_referred_is_one_application_with_the_screening_facts(app, probe):
    # SR 5(1): made Mon 07-06 during screening at the border, referred Thu 07-09.
    sid, made_at, referred_at = new_case(), local(2026, 7, 6, 9), local(2026, 7, 9, 15)
    await handle(app, event(application_made(sid, R.BORDER_IRREGULAR, made_at)))
    made = await the_application(app, sid)
    # APR Art 26, 3(13): the application exists from the making; APR 27(7): no registration clock yet.
    assert (made.status, made.made_at, made.person_id) == (ApplicationStatus.MADE, made_at, f"person-{sid}")
    assert (made.screening_reason, made.screening_referral, made.unaccompanied_minor) == (
        R.BORDER_IRREGULAR,
        None,
        False,
    )
    assert made.registration_deadline is None
    # APR Art 20: only the special guarantees limit (T4) runs from the making.
    assert [row.kind for row in await probe.deadlines(made.id)] == [GUARANTEES_LIMIT]
    [announced] = await published(probe, made.id)
    assert (announced.screening_case_id, announced.during_screening, announced.sr_category) == (sid, True, "5(1)")
    assert (announced.made_at, announced.registration_deadline, announced.person) == (made_at, None, PERSON)

    referred = referral(sid, R.BORDER_IRREGULAR, made_at=made_at, referred_at=referred_at, unaccompanied_minor=True)
    await handle(app, event(referred))
    application = await the_application(app, sid)
    assert application.id == made.id
    assert application.screening_referral == referred.model_dump(mode="json", include=handlers.REFERRAL_FACTS)
    assert application.screening_referral["asylum_routing"]["arrival_mode"] == "IRREGULAR_CROSSING"
    assert application.unaccompanied_minor is True
    # APR 27(1), (7): 5 days from the referral on Thu 07-09 -> Tue 07-14.
    assert application.registration_deadline == date(2026, 7, 14)
    limit = await the_deadline(probe, made.id, REGISTRATION_LIMIT)
    assert (limit.status, limit.due_at, limit.legal_basis) == ("open", end_of(date(2026, 7, 14)), "APR Art 27(1)")
    # APR Art 23(2)(b): screening found an unaccompanied minor: the representative is due 15 working days from
    # the making, Mon 07-06 -> Mon 07-27.
    representative = await the_deadline(probe, made.id, REPRESENTATIVE_LIMIT)
    assert (representative.status, representative.due_at) == ("open", end_of(date(2026, 7, 27)))
    assert await event_types(probe, made.id) == ["asylum.application.made"]


async def test_referred_then_made_is_one_application_with_the_screening_facts(app, probe):
    sid, made_at, referred_at = new_case(), local(2026, 7, 6, 9), local(2026, 7, 9, 15)
    referred = referral(sid, R.BORDER_SAR, made_at=made_at, referred_at=referred_at, unaccompanied_minor=True)
    await handle(app, event(referred))
    await handle(app, event(application_made(sid, R.BORDER_SAR, made_at)))  # arrives late: nothing new
    application = await the_application(app, sid)
    assert (application.status, application.made_at, application.screening_reason) == (
        ApplicationStatus.MADE,
        made_at,
        R.BORDER_SAR,
    )
    assert application.screening_referral == referred.model_dump(mode="json", include=handlers.REFERRAL_FACTS)
    assert application.unaccompanied_minor is True
    assert application.registration_deadline == date(2026, 7, 14)  # from the referral, APR 27(7)
    # APR Art 20, 23(2)(b): T4 and, for the unaccompanied minor, T5 run from the making.
    assert sorted(row.kind for row in await probe.deadlines(application.id)) == [
        REGISTRATION_LIMIT,
        REPRESENTATIVE_LIMIT,
        GUARANTEES_LIMIT,
    ]
    [announced] = await published(probe, application.id)
    assert (announced.made_at, announced.uam_claimed, announced.registration_deadline) == (
        made_at,
        True,
        date(2026, 7, 14),
    )


@pytest.mark.parametrize("made_first", [True, False], ids=["made first", "referred first"])
async def test_redelivered_events_change_nothing(app, probe, made_first):
    sid, made_at, referred_at = new_case(), local(2026, 7, 6, 9), local(2026, 7, 9, 15)
    made = event(application_made(sid, R.BORDER_IRREGULAR, made_at))
    referred = event(referral(sid, R.BORDER_IRREGULAR, made_at=made_at, referred_at=referred_at))
    first, second = (made, referred) if made_first else (referred, made)
    await handle(app, first)
    await handle(app, second)
    [application] = await of_screening_case(app, sid)
    before = (
        await event_types(probe, application.id),
        await audit_actions(probe, application.id),
        sorted((row.kind, row.due_at) for row in await probe.deadlines(application.id)),
    )
    assert before == (
        ["asylum.application.made"],
        ["application.made"],
        [(REGISTRATION_LIMIT, end_of(date(2026, 7, 14))), (GUARANTEES_LIMIT, end_of(date(2026, 8, 5)))],
    )
    # The same events again, and the referral once more under a new event id (republished by screening).
    await handle(app, made)
    await handle(app, referred)
    await handle(app, event(referral(sid, R.BORDER_IRREGULAR, made_at=made_at, referred_at=referred_at)))
    [again] = await of_screening_case(app, sid)
    assert (again.id, again.version, again.registration_deadline) == (
        application.id,
        application.version,
        date(2026, 7, 14),
    )
    assert (
        await event_types(probe, application.id),
        await audit_actions(probe, application.id),
        sorted((row.kind, row.due_at) for row in await probe.deadlines(application.id)),
    ) == before


@pytest.mark.parametrize(
    ("target", "made_at"),
    [(ReferralTarget.RETURN, None), (ReferralTarget.ASYLUM, None), (ReferralTarget.RETURN, local(2026, 7, 6, 9))],
    ids=["to return", "no application made", "to return with a making"],
)
async def test_a_referral_not_for_asylum_creates_nothing(app, target, made_at):
    sid = new_case()
    data = referral(sid, R.BORDER_IRREGULAR, made_at=made_at, referred_at=local(2026, 7, 9, 15), target=target)
    await handle(app, event(data))
    assert await of_screening_case(app, sid) == []


async def test_the_consumer_absorbs_a_redelivery(service_app, probe_for):
    """Through the broker: the same event twice is handled once (inbox), and the order does not matter."""
    async with service_app(spec(), clock=FixedClock(NOW), scheduler_enabled=False) as sut:
        probe = probe_for(sut)
        sid, made_at, referred_at = new_case(), local(2026, 7, 6, 9), local(2026, 7, 9, 15)
        referred = event(referral(sid, R.BORDER_IRREGULAR, made_at=made_at, referred_at=referred_at))
        made = event(application_made(sid, R.BORDER_IRREGULAR, made_at))
        # Last, the referral republished under a new id: keyed by the case, it is handled after the others.
        last = event(referral(sid, R.BORDER_IRREGULAR, made_at=made_at, referred_at=referred_at))
        topic = sut.runtime.topics.events("screening")
        for delivered in (referred, made, referred, made, last):
            await sut.runtime.producer.send_and_wait(topic, value=delivered.to_json().encode(), key=sid.encode())

        await eventually(lambda: probe.inbox(last.id))
        assert [len(await probe.inbox(e.id)) for e in (referred, made)] == [1, 1]
        [application] = await of_screening_case(sut, sid)
        assert application.screening_referral is not None
        assert application.registration_deadline == date(2026, 7, 14)
        assert await event_types(probe, application.id) == ["asylum.application.made"]
        [row] = await probe.audit(application.id)
        assert (row.action, row.actor) == ("application.made", "event:/keten/screening")


# --- APR Art 27(1), (7): when the registration period starts -----------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "after_making", "after_referral"),
    [
        # SR 5(1): nothing until screening ends; then 5 days from the referral Thu 07-09 -> Tue 07-14.
        (R.BORDER_IRREGULAR, None, date(2026, 7, 14)),
        (R.BORDER_SAR, None, date(2026, 7, 14)),
        # SR 5(2), SR 7: 5 days from the making Mon 07-06 -> Sat 07-11, rolled to Mon 07-13 (APR 73(c)).
        (R.BORDER_BCP_APPLICANT, date(2026, 7, 13), date(2026, 7, 13)),
        (R.TERRITORY, date(2026, 7, 13), date(2026, 7, 13)),
    ],
)
async def test_the_registration_period_starts_at_the_referral_only_for_sr_5_1(
    app, probe, nl, reason, after_making, after_referral
):
    assert nl.non_working_reason(date(2026, 7, 11)) == "Saturday"
    sid, made_at, referred_at = new_case(), local(2026, 7, 6, 9), local(2026, 7, 9, 15)
    await handle(app, event(application_made(sid, reason, made_at)))
    application = await the_application(app, sid)
    assert application.registration_deadline == after_making
    limits = (await deadline_rows(probe, application.id)).get(REGISTRATION_LIMIT, [])
    assert [row.due_at for row in limits] == ([end_of(after_making)] if after_making else [])

    await handle(app, event(referral(sid, reason, made_at=made_at, referred_at=referred_at)))
    application = await the_application(app, sid)
    assert application.registration_deadline == after_referral
    [limit] = (await deadline_rows(probe, application.id))[REGISTRATION_LIMIT]
    assert (limit.status, limit.due_at) == ("open", end_of(after_referral))


@pytest.mark.parametrize(
    ("reason", "made_at", "referred_at"),
    [
        # SR 5(1): referred Sat 05-09; 5 days -> Thu 05-14, Ascension Day -> Fri 05-15 (from the making: Tue 05-12).
        (R.BORDER_SAR, local(2026, 5, 7, 10), local(2026, 5, 9, 14)),
        # SR 7: made Sat 05-09 -> Thu 05-14, Ascension Day -> Fri 05-15.
        (R.TERRITORY, local(2026, 5, 9, 10), local(2026, 5, 12, 14)),
    ],
    ids=["SR 5(1) from the referral", "SR 7 from the making"],
)
async def test_a_registration_period_ending_on_a_dutch_public_holiday_ends_the_next_working_day(
    app, probe, nl, reason, made_at, referred_at
):
    assert nl.non_working_reason(date(2026, 5, 14)) == "public holiday: Ascension Day"
    sid = new_case()
    await handle(app, event(referral(sid, reason, made_at=made_at, referred_at=referred_at)))
    application = await the_application(app, sid)
    assert application.registration_deadline == date(2026, 5, 15)
    limit = await the_deadline(probe, application.id, REGISTRATION_LIMIT)
    assert limit.due_at == end_of(date(2026, 5, 15))
    assert limit.computation["legal_last_day"] == "2026-05-15"
    assert limit.computation["unrolled_last_day"] == "2026-05-14"


# --- registration and lodging (APR Art 27-29) ------------------------------------------------------------------------


async def test_register_and_lodge(app, clock, probe):
    application_id = await made_in_screening(app)  # SR 7, made Mon 07-06: registration due Mon 07-13
    assert (await the_deadline(probe, application_id, REGISTRATION_LIMIT)).status == "open"
    spouse = FamilyMember(relation="SPOUSE", name="Tesfay Dawit", member_state="DE")
    await register(app, application_id, family_members=(spouse,), address="COA Ter Apel")

    application = await load(app, application_id)
    assert (application.status, application.registered_at) == (ApplicationStatus.REGISTERED, NOW)
    # APR Art 28(1): 21 days from registration on Fri 07-10 -> Fri 07-31.
    assert application.lodging_deadline == date(2026, 7, 31)
    assert application.registration["address"] == "COA Ter Apel"
    rows = await deadline_rows(probe, application_id)
    assert [row.status for row in rows[REGISTRATION_LIMIT]] == ["cancelled"]
    [lodging] = rows[LODGING_LIMIT]
    assert (lodging.status, lodging.due_at, lodging.legal_basis) == ("open", end_of(date(2026, 7, 31)), "APR Art 28(1)")
    [registered] = await published(probe, application_id, "asylum.application.registered")
    assert (registered.case_id, registered.registered_at, registered.lodging_deadline) == (
        application_id,
        NOW,
        date(2026, 7, 31),
    )
    assert (registered.screening_case_id, registered.person, registered.family_members) == (
        application.screening_case_id,
        PERSON,
        [spouse],
    )
    [certificate] = await published(probe, application_id, "asylum.document.issued")
    assert (certificate.document_type, certificate.legal_basis, certificate.issued_at) == (
        DocumentType.REGISTRATION_CERT,
        "APR Art 29(1)",
        NOW,
    )
    [audit] = [row for row in await probe.audit(application_id) if row.action == "application.registered"]
    assert (audit.legal_basis, audit.before_status, audit.after_status, audit.details) == (
        "APR Art 27(1)",
        "MADE",
        "REGISTERED",
        {"late": False},
    )

    clock.set(local(2026, 7, 14, 11))
    await lodge(app, application_id, local(2026, 7, 14, 10), mode="FORM")
    application = await load(app, application_id)
    assert (application.status, application.lodged_at, application.lodging_mode) == (
        ApplicationStatus.LODGED,
        local(2026, 7, 14, 10),
        "FORM",
    )
    assert (await the_deadline(probe, application_id, LODGING_LIMIT)).status == "cancelled"
    [lodged] = await published(probe, application_id, "asylum.application.lodged")
    assert (lodged.case_id, lodged.lodged_at, lodged.lodging_mode) == (application_id, local(2026, 7, 14, 10), "FORM")
    documents = await published(probe, application_id, "asylum.document.issued")
    assert [(d.document_type, d.legal_basis) for d in documents] == [
        (DocumentType.REGISTRATION_CERT, "APR Art 29(1)"),
        (DocumentType.APPLICANT_DOCUMENT, "APR Art 29(4)"),  # replaces the 29(1) document (APR 29(3))
    ]
    assert await event_types(probe, application_id) == [
        "asylum.application.made",
        "asylum.application.registered",
        "asylum.document.issued",
        "asylum.application.lodged",
        "asylum.document.issued",
    ]
    # Both limits were met: when their days have passed, nothing is recorded as overdue.
    clock.set(end_of(date(2026, 8, 3)))
    await fire(app)
    assert not {"registration.overdue", "lodging.overdue"} & set(await audit_actions(probe, application_id))


@pytest.mark.parametrize(
    ("registered_at", "lodging_deadline"),
    [
        (NOW, date(2026, 7, 31)),  # Fri 07-10 + 21 days = Fri 07-31
        (local(2026, 7, 12, 10), date(2026, 8, 3)),  # Sun 07-12 + 21 days = Sun 08-02 -> Mon 08-03 (APR 73(c))
    ],
    ids=["on a working day", "rolled forward"],
)
async def test_the_lodging_period_runs_21_days_from_registration(app, clock, probe, registered_at, lodging_deadline):
    application_id = await made_in_screening(app)
    clock.set(registered_at)
    await register(app, application_id)
    assert (await load(app, application_id)).lodging_deadline == lodging_deadline
    assert (await the_deadline(probe, application_id, LODGING_LIMIT)).due_at == end_of(lodging_deadline)


async def test_lodging_comes_after_registration_and_not_in_the_future(app):
    application_id = await made_in_screening(app)
    with pytest.raises(TransitionNotAllowed, match="cannot lodge"):
        await lodge(app, application_id, NOW)
    await register(app, application_id)
    with pytest.raises(InvalidData, match="before the registration"):
        await lodge(app, application_id, NOW - timedelta(minutes=1))
    with pytest.raises(InvalidData, match="future"):
        await lodge(app, application_id, NOW + timedelta(minutes=1))
    assert (await load(app, application_id)).status is ApplicationStatus.REGISTERED


# --- deadline handlers: registration and lodging limits -----------------------------------------------------------


async def test_late_registration_is_recorded_from_the_day_after_the_last_day(app, clock, probe):
    # SR 7, made Mon 07-06: 5 days -> Sat 07-11, rolled to Mon 07-13; late from Tue 07-14 00:00.
    application_id = await made_in_screening(app)
    for before in (end_of(date(2026, 7, 11)), end_of(date(2026, 7, 13)) - MICROSECOND):
        clock.set(before)
        await fire(app)
        assert "registration.overdue" not in await audit_actions(probe, application_id)
        assert (await the_deadline(probe, application_id, REGISTRATION_LIMIT)).status == "open"

    clock.set(end_of(date(2026, 7, 13)))
    await fire(app)
    [overdue] = [row for row in await probe.audit(application_id) if row.action == "registration.overdue"]
    assert (overdue.legal_basis, overdue.actor, overdue.at) == ("APR Art 27(1)", "scheduler:asylum", clock.now())
    limit = await the_deadline(probe, application_id, REGISTRATION_LIMIT)
    assert (limit.status, limit.fired_at) == ("fired", end_of(date(2026, 7, 13)))
    # The rights run from the making regardless (APR Art 3(13)): the application stays open for registration.
    assert (await load(app, application_id)).status is ApplicationStatus.MADE
    await register(app, application_id)
    [registered] = [row for row in await probe.audit(application_id) if row.action == "application.registered"]
    assert registered.details == {"late": True}


async def test_lodging_not_done_in_time_is_recorded_as_overdue(app, clock, probe):
    application_id = await made_in_screening(app)
    await register(app, application_id)  # lodging due Fri 07-31
    clock.set(end_of(date(2026, 7, 31)) - MICROSECOND)
    await fire(app)
    assert "lodging.overdue" not in await audit_actions(probe, application_id)

    clock.set(end_of(date(2026, 7, 31)))
    await fire(app)
    [overdue] = [row for row in await probe.audit(application_id) if row.action == "lodging.overdue"]
    assert overdue.legal_basis == "APR Art 28(1)"
    assert (await the_deadline(probe, application_id, LODGING_LIMIT)).status == "fired"
    # APR Art 41(1)(a) needs a finding of no good cause: no implicit withdrawal by the clock.
    application = await load(app, application_id)
    assert (application.status, application.decisions) == (ApplicationStatus.REGISTERED, [])


# --- deadline handlers: examination limit and border maximum (APR Art 35, 51(2)) ------------------------------------


async def test_the_examination_limit_marks_the_case_overdue_and_nothing_else(app, clock, probe):
    application_id = await in_examination(app)
    application = await load(app, application_id)
    # APR Art 35(4): 6 months from lodging Fri 07-10 -> Sun 2027-01-10, rolled to Mon 2027-01-11.
    assert (application.status, application.examination_deadline) == (ApplicationStatus.EXAM_REGULAR, date(2027, 1, 11))
    limit = await the_deadline(probe, application_id, EXAMINATION_LIMIT)
    assert (limit.due_at, limit.legal_basis) == (end_of(date(2027, 1, 11)), "APR Art 35(4)")

    clock.set(end_of(date(2027, 1, 11)) - MICROSECOND)
    await fire(app)
    assert (await load(app, application_id)).examination_overdue_since is None

    clock.set(end_of(date(2027, 1, 11)))
    await fire(app)
    application = await load(app, application_id)
    assert (application.status, application.examination_overdue_since) == (
        ApplicationStatus.EXAM_REGULAR,
        end_of(date(2027, 1, 11)),
    )
    [overdue] = [row for row in await probe.audit(application_id) if row.action == "examination.overdue"]
    assert (overdue.legal_basis, overdue.after_status) == ("APR Art 35(4)", "EXAM_REGULAR")
    assert (await the_deadline(probe, application_id, EXAMINATION_LIMIT)).status == "fired"
    # A decision is still possible after the limit; it ends the tracking.
    await decide(app, application_id, DecisionOutcome.REJECTED_UNFOUNDED, end_of(date(2027, 1, 11)))
    assert (await load(app, application_id)).status is ApplicationStatus.APPEAL_WINDOW


async def test_an_extension_replaces_the_examination_limit(app, clock, probe):
    application_id = await in_examination(app)

    async def extend(uow: UnitOfWork, application: Application) -> Any:
        return await routing.extend_examination(uow, application, "APR Art 35(5)(b): complex issues")

    await change(app, application_id, extend)
    # APR Art 35(5): 12 months in total from lodging Fri 07-10 -> Sat 2027-07-10, rolled to Mon 2027-07-12.
    application = await load(app, application_id)
    assert (application.examination_deadline, application.examination_extended) == (
        date(2027, 7, 12),
        "APR Art 35(5)(b): complex issues",
    )
    [first, extended] = (await deadline_rows(probe, application_id))[EXAMINATION_LIMIT]
    assert (first.status, first.due_at) == ("cancelled", end_of(date(2027, 1, 11)))
    assert (extended.status, extended.due_at, extended.legal_basis) == (
        "open",
        end_of(date(2027, 7, 12)),
        "APR Art 35(5)",
    )
    [announced] = await published(probe, application_id, "asylum.examination.extended")
    assert (announced.new_deadline, announced.legal_basis) == (date(2027, 7, 12), "APR Art 35(5)")
    clock.set(end_of(date(2027, 1, 11)))
    await fire(app)
    assert (await load(app, application_id)).examination_overdue_since is None
    with pytest.raises(TransitionNotAllowed, match="already extended"):
        await change(app, application_id, extend)


async def test_the_accelerated_limit_cannot_be_extended(app, probe):
    application_id = await in_examination(app, AcceleratedGround.INCONSISTENT)
    application = await load(app, application_id)
    # APR Art 35(3): 3 months from lodging Fri 07-10 -> Sat 10-10, rolled to Mon 10-12.
    assert (application.status, application.examination_deadline) == (
        ApplicationStatus.EXAM_ACCELERATED,
        date(2026, 10, 12),
    )

    async def extend(uow: UnitOfWork, application: Application) -> Any:
        return await routing.extend_examination(uow, application, "complex")

    with pytest.raises(InvalidData, match="cannot be extended"):
        await change(app, application_id, extend)
    assert [row.status for row in (await deadline_rows(probe, application_id))[EXAMINATION_LIMIT]] == ["open"]


async def at_the_border(app: Any, clock: Any) -> str:
    """SR 5(1), apprehended crossing irregularly; registered Sun 07-12, lodged Mon 07-13, routed to the border on
    APR 42(1)(c) (mandatory, APR 45(1))."""
    sid = new_case()
    data = referral(sid, R.BORDER_IRREGULAR, made_at=local(2026, 7, 6, 9), referred_at=local(2026, 7, 9, 15))
    await handle(app, event(data))
    application_id = (await the_application(app, sid)).id
    clock.set(local(2026, 7, 12, 10))
    await register(app, application_id)
    clock.set(local(2026, 7, 13, 10))
    await lodge(app, application_id, local(2026, 7, 13, 9))
    result = await route(app, application_id, established_grounds=frozenset({AcceleratedGround.MISLEADING}))
    assert result.routing.procedure is RoutedProcedure.BORDER
    return application_id


async def test_the_border_maximum_ends_the_border_procedure_at_the_unrolled_end(app, clock, probe):
    application_id = await at_the_border(app, clock)
    application = await load(app, application_id)
    # APR Art 51(2): 12 weeks from registration Sun 07-12 -> Sun 10-04; a liberty cap is enforced at the end of
    # that day, not rolled forward to Mon 10-05 (time.md §3.10, liberty_cap_policy=UNROLLED).
    assert (application.status, application.border_deadline) == (ApplicationStatus.EXAM_BORDER, date(2026, 10, 4))
    maximum = await the_deadline(probe, application_id, BORDER_MAXIMUM)
    assert (maximum.due_at, maximum.legal_basis) == (end_of(date(2026, 10, 4)), "APR Art 51(2)")
    assert EXAMINATION_LIMIT not in await deadline_rows(probe, application_id)

    clock.set(end_of(date(2026, 10, 4)) - MICROSECOND)
    await fire(app)
    assert (await load(app, application_id)).status is ApplicationStatus.EXAM_BORDER

    clock.set(end_of(date(2026, 10, 4)))
    await fire(app)
    application = await load(app, application_id)
    # APR Art 53(2): entry authorised, the examination continues accelerated on the ground it rested on,
    # 3 months from lodging Mon 07-13 -> Tue 10-13 (APR Art 35(3)).
    assert (application.status, application.procedure, application.border_deadline) == (
        ApplicationStatus.EXAM_ACCELERATED,
        RoutedProcedure.ACCELERATED,
        None,
    )
    assert (application.examination_deadline, application.examination_overdue_since) == (date(2026, 10, 13), None)
    assert application.routing["border_terminated"] == "MAX_DURATION"
    rows = await deadline_rows(probe, application_id)
    assert [row.status for row in rows[BORDER_MAXIMUM]] == ["fired"]
    [limit] = rows[EXAMINATION_LIMIT]
    assert (limit.status, limit.due_at) == ("open", end_of(date(2026, 10, 13)))
    [terminated] = await published(probe, application_id, "asylum.border_procedure.terminated")
    assert (terminated.reason, terminated.continues_in, terminated.entry_authorised_at) == (
        "MAX_DURATION",
        RoutedProcedure.ACCELERATED,
        end_of(date(2026, 10, 4)),
    )
    [audit] = [row for row in await probe.audit(application_id) if row.action == "border_procedure.terminated"]
    assert (audit.legal_basis, audit.after_status) == ("MAX_DURATION", "EXAM_ACCELERATED")


async def test_a_border_case_decided_in_time_is_not_released(app, clock, probe):
    application_id = await at_the_border(app, clock)
    clock.set(local(2026, 9, 1, 10))
    await decide(app, application_id, DecisionOutcome.REJECTED_MANIFESTLY_UNFOUNDED, local(2026, 9, 1, 9))
    # APR Art 51(2): the maximum covers the appeal stage too, so it keeps running after the decision.
    assert (await the_deadline(probe, application_id, BORDER_MAXIMUM)).status == "open"
    clock.set(end_of(date(2026, 10, 4)))
    await fire(app)
    application = await load(app, application_id)
    assert application.status is ApplicationStatus.FINAL  # the 7-day appeal window lapsed on Tue 09-08
    assert await probe.outbox(application_id, "asylum.border_procedure.terminated") == []


# --- decisions (APR Art 36-37) ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "stored_mode", "required", "requested"),
    [
        (None, ReturnDecisionMode.SEPARATE_ACT, True, True),
        (ReturnDecisionMode.SEPARATE_ACT, ReturnDecisionMode.SEPARATE_ACT, True, True),
        (ReturnDecisionMode.INTEGRATED, ReturnDecisionMode.INTEGRATED, True, False),
        (ReturnDecisionMode.PRE_EXISTING, ReturnDecisionMode.PRE_EXISTING, False, False),
    ],
    ids=["default", "separate act", "integrated", "pre-existing"],
)
async def test_a_negative_decision_requests_the_return_decision(app, probe, mode, stored_mode, required, requested):
    application_id = await in_examination(app)
    notified_at = local(2026, 7, 10, 11)
    decision = await decide(
        app, application_id, DecisionOutcome.REJECTED_UNFOUNDED, notified_at, return_decision_mode=mode
    )
    application = await load(app, application_id)
    [issued] = await published(probe, application_id, "asylum.decision.issued")
    assert (issued.case_id, issued.decision_id, issued.person_id, issued.member_state) == (
        application_id,
        decision.id,
        application.person_id,
        "NL",
    )
    assert (issued.outcome, issued.procedure_type, issued.notified_at, issued.nationalities) == (
        DecisionOutcome.REJECTED_UNFOUNDED,
        ProcedureType.REGULAR,
        notified_at,
        ["ERI"],
    )
    assert issued.legal_basis == ["APR Art 39(3)"] + (["APR Art 37"] if required else [])
    assert (issued.return_decision_required, issued.return_decision_mode) == (required, stored_mode)
    # APR Art 67(7)(b), national 1 month from Fri 07-10 -> Mon 08-10; APR 68(2): automatic suspensive effect.
    assert (issued.appeal_deadline, issued.appeal_deadline_rule, issued.automatic_suspensive_effect) == (
        date(2026, 8, 10),
        "T14",
        True,
    )
    requests = await published(probe, application_id, "asylum.return_decision.requested")
    if requested:
        [request] = requests
        assert (request.case_id, request.decision_id, request.person_id, request.member_state) == (
            application_id,
            decision.id,
            application.person_id,
            "NL",
        )
        assert (request.outcome, request.notified_at, request.nationalities) == (
            DecisionOutcome.REJECTED_UNFOUNDED,
            notified_at,
            ["ERI"],
        )
    else:
        assert requests == []
    assert await probe.outbox(application_id, "asylum.protection.granted") == []
    assert (application.status, application.right_to_remain, application.right_to_remain_until) == (
        ApplicationStatus.APPEAL_WINDOW,
        True,
        date(2026, 8, 10),
    )
    rows = await deadline_rows(probe, application_id)
    assert [row.status for row in rows[EXAMINATION_LIMIT]] == ["cancelled"]
    [window] = rows[APPEAL_WINDOW]
    assert (window.status, window.due_at) == ("open", end_of(date(2026, 8, 10)))


@pytest.mark.parametrize(
    ("outcome", "validity", "status", "appeal_deadline"),
    [
        # APR 67(1): nothing to appeal; QR 24(2): a permit of at least 3 years.
        (DecisionOutcome.GRANTED_REFUGEE, 3, ApplicationStatus.FINAL, None),
        # APR 67(2): the refusal of refugee status can be appealed (T14); QR 24(2): at least 1 year.
        (DecisionOutcome.GRANTED_SUBSIDIARY, 1, ApplicationStatus.APPEAL_WINDOW, date(2026, 8, 10)),
    ],
)
async def test_a_positive_decision_grants_protection_and_requests_no_return_decision(
    app, probe, outcome, validity, status, appeal_deadline
):
    application_id = await in_examination(app)
    notified_at = local(2026, 7, 10, 11)
    decision = await decide(app, application_id, outcome, notified_at)
    [granted] = await published(probe, application_id, "asylum.protection.granted")
    assert (granted.case_id, granted.decision_id, granted.status) == (application_id, decision.id, outcome)
    # QR Art 24(4): the permit within 90 days of notification on Fri 07-10 -> Thu 10-08.
    assert (granted.permit_initial_validity_years, granted.permit_due_by) == (validity, date(2026, 10, 8))
    assert await probe.outbox(application_id, "asylum.return_decision.requested") == []
    [issued] = await published(probe, application_id, "asylum.decision.issued")
    assert (issued.outcome, issued.return_decision_required, issued.return_decision_mode) == (outcome, False, None)
    assert issued.appeal_deadline == appeal_deadline
    application = await load(app, application_id)
    assert application.status is status
    finals = await published(probe, application_id, "asylum.decision.final")
    windows = (await deadline_rows(probe, application_id)).get(APPEAL_WINDOW, [])
    if status is ApplicationStatus.FINAL:
        [final] = finals
        assert (final.decision_id, final.final_at, final.return_decision_required) == (decision.id, notified_at, False)
        assert windows == []
    else:
        assert finals == []
        assert [row.due_at for row in windows] == [end_of(date(2026, 8, 10))]


async def test_a_decision_notified_in_the_future_is_refused(app, probe):
    application_id = await in_examination(app)
    with pytest.raises(InvalidData, match="future"):
        await decide(app, application_id, DecisionOutcome.REJECTED_UNFOUNDED, NOW + timedelta(minutes=1))
    assert await probe.outbox(application_id, "asylum.decision.issued") == []
    assert (await the_deadline(probe, application_id, EXAMINATION_LIMIT)).status == "open"


# --- deadline handlers: the appeal and remain-request windows (APR Art 67-68) -------------------------------------


async def test_the_appeal_window_ends_after_its_last_day_and_the_decision_becomes_final(app, clock, probe):
    application_id = await in_examination(app)
    clock.set(local(2026, 7, 16, 10))
    decision = await decide(app, application_id, DecisionOutcome.REJECTED_UNFOUNDED, local(2026, 7, 16, 9))
    # APR Art 67(7)(b), national 1 month from Thu 07-16 -> Sun 08-16, rolled to Mon 08-17 (APR 73(c)).
    assert decision.appeal_deadline == date(2026, 8, 17)
    window = await the_deadline(probe, application_id, APPEAL_WINDOW)
    assert (window.due_at, window.legal_basis) == (end_of(date(2026, 8, 17)), "APR Art 67(7)(b)")

    # The unrolled end has passed, and the last day itself up to its final instant: still open to an appeal.
    for before in (end_of(date(2026, 8, 16)), end_of(date(2026, 8, 17)) - MICROSECOND):
        clock.set(before)
        await fire(app)
        application = await load(app, application_id)
        assert (application.status, application.right_to_remain, application.final_at) == (
            ApplicationStatus.APPEAL_WINDOW,
            True,
            None,
        )
        assert await probe.outbox(application_id, "asylum.decision.final") == []

    clock.set(end_of(date(2026, 8, 17)))
    await fire(app)
    application = await load(app, application_id)
    assert (application.status, application.final_at) == (ApplicationStatus.FINAL, end_of(date(2026, 8, 17)))
    assert (application.right_to_remain, application.right_to_remain_until, application.right_to_remain_basis) == (
        False,
        None,
        None,
    )
    [final] = await published(probe, application_id, "asylum.decision.final")
    assert (final.decision_id, final.outcome, final.final_at) == (
        decision.id,
        DecisionOutcome.REJECTED_UNFOUNDED,
        end_of(date(2026, 8, 17)),
    )
    assert (final.right_to_remain, final.return_decision_required) == (False, True)
    *_, remain = await published(probe, application_id, "asylum.right_to_remain.updated")
    assert (remain.decision_id, remain.right_to_remain, remain.until, remain.basis) == (decision.id, False, None, None)
    [audit] = [row for row in await probe.audit(application_id) if row.action == "decision.final"]
    assert (audit.legal_basis, audit.before_status, audit.after_status, audit.actor) == (
        "APR Art 3(8)",
        "APPEAL_WINDOW",
        "FINAL",
        "scheduler:asylum",
    )
    assert (await the_deadline(probe, application_id, APPEAL_WINDOW)).status == "fired"


async def test_an_appeal_lodged_on_the_last_day_keeps_the_decision_from_becoming_final(app, clock, probe):
    application_id = await in_examination(app)
    await decide(app, application_id, DecisionOutcome.REJECTED_UNFOUNDED, local(2026, 7, 10, 9))  # until Mon 08-10
    clock.set(local(2026, 8, 10, 23, 30))

    async def appeal(uow: UnitOfWork, application: Application) -> Any:
        return await decisions.lodge_appeal(
            uow, application, lodged_at=local(2026, 8, 10, 23, 0), court_reference="AWB 1"
        )

    lodged = await change(app, application_id, appeal)
    assert (lodged.in_time, lodged.suspensive) == (True, True)
    assert (await the_deadline(probe, application_id, APPEAL_WINDOW)).status == "cancelled"
    clock.set(end_of(date(2026, 8, 10)))
    await fire(app)
    application = await load(app, application_id)
    assert (application.status, application.right_to_remain, application.right_to_remain_basis) == (
        ApplicationStatus.APPEAL_PENDING,
        True,
        "APR Art 68(2)",
    )
    assert await probe.outbox(application_id, "asylum.decision.final") == []


async def manifestly_unfounded_in_the_accelerated_examination(app: Any) -> str:
    """APR 68(3)(a)(i): no automatic suspensive effect. Notified Fri 07-10: the remain request may be made until
    Wed 07-15 (APR 68(5)(a), 5 days), the appeal until Fri 07-17 (APR 67(7)(a), national 7 days)."""
    application_id = await in_examination(app, AcceleratedGround.INCONSISTENT)
    decision = await decide(app, application_id, DecisionOutcome.REJECTED_MANIFESTLY_UNFOUNDED, local(2026, 7, 10, 9))
    assert (decision.appeal_rule, decision.appeal_deadline, decision.remain_request_deadline) == (
        "T13",
        date(2026, 7, 17),
        date(2026, 7, 15),
    )
    application = await load(app, application_id)
    assert (application.right_to_remain, application.right_to_remain_until, application.right_to_remain_basis) == (
        True,
        date(2026, 7, 15),
        "APR Art 68(5)(d)",
    )
    return application_id


async def test_without_a_remain_request_the_right_to_remain_ends_with_its_window(app, clock, probe):
    application_id = await manifestly_unfounded_in_the_accelerated_examination(app)
    window = await the_deadline(probe, application_id, REMAIN_REQUEST_WINDOW)
    assert (window.due_at, window.legal_basis) == (end_of(date(2026, 7, 15)), "APR Art 68(5)(a)")

    clock.set(end_of(date(2026, 7, 15)) - MICROSECOND)
    await fire(app)
    assert (await load(app, application_id)).right_to_remain is True

    clock.set(end_of(date(2026, 7, 15)))
    await fire(app)
    application = await load(app, application_id)
    # APR Art 68(5)(a): removal is no longer barred; the appeal period itself runs on until Fri 07-17.
    assert (application.status, application.right_to_remain, application.right_to_remain_basis) == (
        ApplicationStatus.APPEAL_WINDOW,
        False,
        None,
    )
    *_, remain = await published(probe, application_id, "asylum.right_to_remain.updated")
    assert (remain.right_to_remain, remain.until, remain.basis) == (False, None, None)
    [ended] = [row for row in await probe.audit(application_id) if row.action == "right_to_remain.ended"]
    assert ended.legal_basis == "APR Art 68(5)(a)"
    rows = await deadline_rows(probe, application_id)
    assert ([r.status for r in rows[REMAIN_REQUEST_WINDOW]], [r.status for r in rows[APPEAL_WINDOW]]) == (
        ["fired"],
        ["open"],
    )

    clock.set(end_of(date(2026, 7, 17)))
    await fire(app)
    assert (await load(app, application_id)).status is ApplicationStatus.FINAL
    [final] = await published(probe, application_id, "asylum.decision.final")
    assert final.outcome is DecisionOutcome.REJECTED_MANIFESTLY_UNFOUNDED


async def test_a_remain_request_in_time_keeps_the_right_to_remain_past_its_window(app, clock, probe):
    application_id = await manifestly_unfounded_in_the_accelerated_examination(app)
    clock.set(local(2026, 7, 15, 16))

    async def request(uow: UnitOfWork, application: Application) -> None:
        await decisions.lodge_remain_request(uow, application, lodged_at=local(2026, 7, 15, 15))

    await change(app, application_id, request)
    assert (await the_deadline(probe, application_id, REMAIN_REQUEST_WINDOW)).status == "cancelled"
    clock.set(end_of(date(2026, 7, 15)))
    await fire(app)
    application = await load(app, application_id)
    # APR Art 68(5)(d): no removal until the court has ruled on a request made in time.
    assert (application.right_to_remain, application.right_to_remain_until, application.right_to_remain_basis) == (
        True,
        None,
        "APR Art 68(5)(d)",
    )
    assert "right_to_remain.ended" not in await audit_actions(probe, application_id)
    [lodged] = await published(probe, application_id, "asylum.remain_request.lodged")
    assert lodged.in_time is True


async def test_a_late_scheduler_still_makes_the_decision_final_at_the_end_of_the_period(app, clock, probe):
    application_id = await in_examination(app)
    clock.set(local(2026, 7, 16, 10))
    await decide(app, application_id, DecisionOutcome.REJECTED_UNFOUNDED, local(2026, 7, 16, 9))  # due Mon 08-17
    clock.set(local(2026, 8, 20, 9))  # the scheduler was down for three days
    await fire(app)
    application = await load(app, application_id)
    assert (application.status, application.final_at) == (ApplicationStatus.FINAL, end_of(date(2026, 8, 17)))


async def test_a_withdrawal_before_lodging_ends_the_lodging_limit(app, clock, probe):
    application_id = await made_in_screening(app)
    await register(app, application_id)  # lodging due Fri 07-31
    await decide(app, application_id, DecisionOutcome.EXPLICITLY_WITHDRAWN, local(2026, 7, 10, 11))
    assert (await the_deadline(probe, application_id, LODGING_LIMIT)).status == "cancelled"
    clock.set(end_of(date(2026, 7, 31)))
    await fire(app)
    assert "lodging.overdue" not in await audit_actions(probe, application_id)


async def test_a_postponement_review_not_recorded_in_time_shows_as_overdue(app, clock, probe):
    application_id = await in_examination(app)  # lodged Fri 07-10, regular

    async def act(uow: UnitOfWork, application: Application) -> None:
        await postponement.postpone(uow, application, country="SYR", reasons="uncertain")

    await change(app, application_id, act)
    review = await the_deadline(probe, application_id, postponement.POSTPONEMENT_REVIEW)
    assert review.due_at == end_of(date(2026, 11, 10))  # APR Art 35(7): 4 months from Fri 07-10: Tue 11-10
    clock.set(end_of(date(2026, 11, 10)) - MICROSECOND)
    await fire(app)
    assert "postponement.review_overdue" not in await audit_actions(probe, application_id)
    clock.set(end_of(date(2026, 11, 10)))
    await fire(app)
    assert "postponement.review_overdue" in await audit_actions(probe, application_id)


@pytest.mark.parametrize(
    ("ruling", "entry"),
    [(CourtRuling.ALLOWED, True), (CourtRuling.REFUSED, False)],
    ids=["may remain: enters", "may not remain: APR 43(3)"],
)
async def test_the_border_maximum_reached_during_the_appeal(app, clock, probe, ruling, entry):
    application_id = await at_the_border(app, clock)  # border maximum Sun 10-04 (unrolled)
    clock.set(local(2026, 9, 28, 10))
    await decide(app, application_id, DecisionOutcome.REJECTED_MANIFESTLY_UNFOUNDED, local(2026, 9, 28, 9))

    async def appeal_and_ask_to_remain(uow: UnitOfWork, application: Application) -> None:
        await decisions.lodge_appeal(uow, application, lodged_at=local(2026, 9, 29, 9), court_reference=None)
        await decisions.lodge_remain_request(uow, application, lodged_at=local(2026, 9, 29, 9))
        await decisions.rule_on_remaining(uow, application, ruling)

    clock.set(local(2026, 9, 30, 10))
    await change(app, application_id, appeal_and_ask_to_remain)
    clock.set(end_of(date(2026, 10, 4)))
    await fire(app)
    [terminated] = await published(probe, application_id, "asylum.border_procedure.terminated")
    # APR Art 51(2): at the maximum the person enters and the appeal continues, unless Art 43(3) applies.
    assert (terminated.reason, terminated.continues_in, terminated.return_border_procedure) == (
        "MAX_DURATION",
        None,
        not entry,
    )
    assert (terminated.entry_authorised_at is not None) is entry
    assert (await load(app, application_id)).status is ApplicationStatus.APPEAL_PENDING
