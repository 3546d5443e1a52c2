"""What the asylum service does with the events it consumes, and which use case each deadline triggers."""

from __future__ import annotations

from keten_asylum.adapters.repository import ApplicationRepository
from keten_asylum.service_layer import decisions, dublin, intake, postponement, procedural, return_link, routing
from keten_shared.events import CloudEvent
from keten_shared.events.catalog.screening import ReferralTarget, ScreeningApplicationMade, ScreeningCaseReferred
from keten_shared.scheduler import DueDeadline
from keten_shared.uow import UnitOfWork

REFERRAL_FACTS = {"form", "asylum_routing", "eurodac", "referral_note"}


async def on_application_made(data: ScreeningApplicationMade, _event: CloudEvent, uow: UnitOfWork) -> None:
    """APR Art 26: an application made during screening exists from the making (rights: APR Art 3(13))."""
    if await ApplicationRepository(uow.session).find_one(screening_case_id=data.case_id) is not None:
        return  # the referral arrived first, or this is a redelivery
    await intake.make_application(
        uow,
        person=data.person,
        made_at=data.made_at,
        person_id=data.person_id,
        screening_case_id=data.case_id,
        screening_reason=data.screening_reason,
    )


async def on_screening_case_referred(data: ScreeningCaseReferred, _event: CloudEvent, uow: UnitOfWork) -> None:
    """SR Art 18(2): screening ended and the applicant is referred here for registration."""
    if data.target is not ReferralTarget.ASYLUM or data.application_made_at is None:
        return
    referral = data.model_dump(mode="json", include=REFERRAL_FACTS)
    application = await ApplicationRepository(uow.session).find_one(screening_case_id=data.case_id)
    if application is None:
        application = await intake.make_application(
            uow,
            person=data.person,
            made_at=data.application_made_at,
            person_id=data.person_id,
            screening_case_id=data.case_id,
            screening_reason=data.screening_reason,
            referred_at=data.referred_at,
            screening_referral=referral,
            unaccompanied_minor=bool(data.asylum_routing and data.asylum_routing.unaccompanied_minor),
        )
        return
    if application.screening_referral is not None:
        return  # a redelivered referral
    application.unaccompanied_minor = bool(data.asylum_routing and data.asylum_routing.unaccompanied_minor)
    await intake.screening_ended(uow, application, referred_at=data.referred_at, referral=referral)


async def on_registration_limit(due: DueDeadline, uow: UnitOfWork) -> None:
    """APR Art 27(1): registration is late; the rights run from the making regardless, the case shows as late."""
    application = await ApplicationRepository(uow.session).get(due.case_id)
    if application.registered_at is None:
        uow.audit(
            "registration.overdue", entity_type="application", entity_id=application.id, legal_basis=due.legal_basis
        )


async def on_lodging_limit(due: DueDeadline, uow: UnitOfWork) -> None:
    """APR Art 28(1): not lodged in time; implicit withdrawal (41(1)(a)) needs a finding of no good cause."""
    application = await ApplicationRepository(uow.session).get(due.case_id)
    if application.lodged_at is None:
        uow.audit("lodging.overdue", entity_type="application", entity_id=application.id, legal_basis=due.legal_basis)


EVENT_HANDLERS = {
    "screening.application.made": on_application_made,
    "screening.case.referred": on_screening_case_referred,
    **dublin.EVENT_HANDLERS,
    "return.decision.issued": return_link.on_return_decision_issued,
}

DEADLINE_HANDLERS = {
    intake.REGISTRATION_LIMIT: on_registration_limit,
    intake.LODGING_LIMIT: on_lodging_limit,
    **routing.DEADLINE_HANDLERS,
    **decisions.DEADLINE_HANDLERS,
    **postponement.DEADLINE_HANDLERS,
    **procedural.DEADLINE_HANDLERS,
}
