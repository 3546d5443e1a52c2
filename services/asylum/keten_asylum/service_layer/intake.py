"""Making, registering and lodging an application (APR Art 26-29), from screening or at a caseworker's desk."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from keten_asylum.adapters.repository import ApplicationRepository
from keten_asylum.config import AsylumSettings, Derogation, asylum_settings
from keten_asylum.domain import deadlines, subsequent
from keten_asylum.domain.model import Application, registration_clock_start
from keten_asylum.service_layer import procedural, routing
from keten_shared.countries import validate_nationality
from keten_shared.errors import InvalidData
from keten_shared.events.catalog.asylum import (
    ApplicationLodged,
    ApplicationMade,
    ApplicationRegistered,
    DocumentIssued,
    DocumentType,
    FamilyMember,
    IdentityDocument,
    SubsequentApplicationLodged,
)
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.screening import ScreeningReason
from keten_shared.uow import UnitOfWork

REGISTRATION_LIMIT = "asylum.registration_limit"
LODGING_LIMIT = "asylum.lodging_limit"
INTAKE_LIMITS = (REGISTRATION_LIMIT, LODGING_LIMIT)

SR_CATEGORY = {
    ScreeningReason.BORDER_IRREGULAR: "5(1)",
    ScreeningReason.BORDER_SAR: "5(1)",
    ScreeningReason.BORDER_BCP_APPLICANT: "5(2)",
    ScreeningReason.TERRITORY: "7",
}


@dataclass(frozen=True)
class Registration:
    """The APR Art 27(1) data; what the screening form already holds need not be asked again."""

    stateless: bool = False
    place_of_birth: str = ""
    family_members: tuple[FamilyMember, ...] = ()
    documents: tuple[IdentityDocument, ...] = ()
    address: str | None = None  # APR Art 27(1)(d)
    phone: str | None = None
    email: str | None = None
    information_confirmed: bool | None = None  # APR Art 8(2): confirmation of the leaflet, or refusal (False)


async def make_application(
    uow: UnitOfWork,
    *,
    person: PersonDetails,
    made_at: datetime,
    person_id: str | None = None,
    authority: str | None = None,
    place: str | None = None,
    screening_case_id: str | None = None,
    screening_reason: ScreeningReason | None = None,
    referred_at: datetime | None = None,
    screening_referral: dict[str, Any] | None = None,
    unaccompanied_minor: bool = False,
    previous_application_ref: str | None = None,
) -> Application:
    """APR Art 26: the application exists from the moment the wish is expressed; rights run from then (3(13))."""
    now = uow.now()
    made_at = made_at.astimezone(UTC)  # time.md §3.8: instants are kept in UTC
    if made_at > now:
        raise InvalidData("made_at lies in the future")
    for code in person.nationalities:
        validate_nationality(code)  # APR Art 27(1)(a): nationalities as ISO 3166 records them
    previous = await _previous_application(uow, person_id, previous_application_ref, direct=screening_case_id is None)
    if previous is not None:
        previous_application_ref = previous.id
    application = Application(
        id=str(uuid.uuid4()),
        person_id=person_id or str(uuid.uuid4()),
        member_state=uow.settings.member_state,
        person=person.model_dump(mode="json"),
        made_at=made_at,
        created_at=now,
        made_to_authority=authority,
        made_place=place,
        screening_case_id=screening_case_id,
        screening_reason=screening_reason,
        screening_referral=screening_referral,
        unaccompanied_minor=unaccompanied_minor,
        previous_application_ref=previous_application_ref,
    )
    if previous_application_ref is not None:
        application.subsequent_ordinal = subsequent.ordinal(previous)
        if subsequent.remain_excepted(previous, asylum_settings(uow).subsequent_remain_exception):
            application.set_right_to_remain(False, until=None, basis="APR Art 10(4)(a)")
    ApplicationRepository(uow.session).add(application)
    start = registration_clock_start(made_at, referred_at, screening_reason)
    if start is not None:
        await _start_registration_clock(uow, application, start)
    await procedural.start_limits(uow, application)  # APR Art 20 (T4), 23(2)(b) for an unaccompanied minor (T5)
    uow.audit(
        "application.made",
        entity_type="application",
        entity_id=application.id,
        legal_basis="APR Art 26(1)",
        after=application.status.value,
    )
    uow.publish(
        ApplicationMade(
            case_id=application.id,
            person_id=application.person_id,
            member_state=application.member_state,
            made_at=made_at,
            authority=authority,
            place=place,
            during_screening=screening_case_id is not None,
            screening_case_id=screening_case_id,
            sr_category=SR_CATEGORY.get(screening_reason) if screening_reason else None,
            uam_claimed=unaccompanied_minor,
            person=person,
            registration_deadline=application.registration_deadline,
        ),
        subject=application.id,
    )
    return application


async def _previous_application(
    uow: UnitOfWork, person_id: str | None, reference: str | None, *, direct: bool
) -> Application | None:
    """The application whose final decision a new one follows (APR Art 55(1)), if this service holds it."""
    repo = ApplicationRepository(uow.session)
    history = await repo.of_person(person_id) if person_id else []
    if direct:
        subsequent.refuse_while_pending(history)  # screening refers what it found; a caseworker adds to the file
    if reference is None:
        return subsequent.latest_final(history)
    previous = await repo.find_one(id=reference)
    if previous is not None:
        subsequent.refuse_while_pending([previous])
    return previous  # None: an application decided before this service held the files


async def screening_ended(
    uow: UnitOfWork, application: Application, *, referred_at: datetime, referral: dict[str, Any]
) -> None:
    """SR Art 18: the referral brings the screening facts; for SR 5(1) persons registration time starts now."""
    application.screening_referral = referral
    if application.unaccompanied_minor:
        await procedural.start_representative_limit(uow, application)  # APR Art 23(2)(b): found in screening
    if application.registration_deadline is None:
        # APR Art 27(7): Art 27(1)-(6) apply to SR 5(1) persons once screening has ended.
        await _start_registration_clock(uow, application, referred_at.astimezone(UTC))


async def _start_registration_clock(uow: UnitOfWork, application: Application, start: datetime) -> None:
    settings = asylum_settings(uow)
    made_on = uow.local_date(application.made_at)
    spec = deadlines.registration_spec(
        settings,
        crisis_active=_derogates_registration(settings, made_on),
        disproportionate=settings.disproportionate_numbers_on(made_on) is not None,
    )
    deadline = uow.deadline(spec, start)
    application.start_registration_clock(start, deadline.legal_last_day)
    await uow.schedule(case_id=application.id, kind=REGISTRATION_LIMIT, deadline=deadline)


def _derogates_registration(settings: AsylumSettings, made_on: date) -> bool:
    regime = settings.crisis_regime_on(made_on)
    # CR Art 10(1): the 4-week registration limit only for applications made during the authorised period.
    return regime is not None and Derogation.REGISTRATION_4_WEEKS in regime.derogations


async def register(
    uow: UnitOfWork,
    application: Application,
    data: Registration,
    *,
    transferred_from: str | None = None,
    identified_at: datetime | None = None,
) -> None:
    """APR Art 27: record the registration data; the lodging period of Art 28 (or 51(1)) starts.

    After a transfer (AMMR Art 46) the 21 days run from when the applicant identified himself or herself here
    (APR Art 28(2)), without the disproportionate-numbers extension.
    """
    now = uow.now()
    settings = asylum_settings(uow)
    before = application.status.value
    if transferred_from is not None:
        lodging = uow.deadline(deadlines.lodging_spec(settings, after_transfer=True), identified_at or now)
    else:
        lodging = uow.deadline(
            deadlines.lodging_spec(
                settings,
                border=await routing.border_procedure_expected(uow, application, stateless=data.stateless),
                disproportionate=settings.disproportionate_numbers_on(uow.local_date(now)) is not None,
            ),
            now,
        )
    record = {
        "stateless": data.stateless,
        "place_of_birth": data.place_of_birth,
        "family_members": [m.model_dump(mode="json") for m in data.family_members],
        "documents": [d.model_dump(mode="json") for d in data.documents],
        "address": data.address,
        "phone": data.phone,
        "email": data.email,
        "information_confirmed": data.information_confirmed,
    }
    application.register(record, registered_at=now, lodging_deadline=lodging.legal_last_day)
    await uow.cancel_deadlines(application.id, [REGISTRATION_LIMIT])
    await uow.schedule(case_id=application.id, kind=LODGING_LIMIT, deadline=lodging)
    uow.audit(
        "application.registered",
        entity_type="application",
        entity_id=application.id,
        legal_basis="APR Art 27(1)",
        before=before,
        after=application.status.value,
        details={
            "late": application.registration_deadline is not None
            and uow.local_date(now) > application.registration_deadline
        },
    )
    regime = settings.crisis_regime_on(uow.local_date(application.made_at))
    uow.publish(
        ApplicationRegistered(
            case_id=application.id,
            person_id=application.person_id,
            member_state=application.member_state,
            screening_case_id=application.screening_case_id,
            made_at=application.made_at,
            registered_at=now,
            lodging_deadline=lodging.legal_last_day,
            person=PersonDetails.model_validate(application.person),
            unaccompanied_minor=application.unaccompanied_minor,
            stateless=data.stateless,
            family_members=list(data.family_members),
            documents=list(data.documents),
            crisis_regime_id=regime.decision_ref if regime else None,
            transferred_from=transferred_from,
        ),
        subject=application.id,
    )
    # APR Art 29(1): a document stating that the application was made and registered (after a transfer, that
    # the applicant is to lodge it here).
    if transferred_from is None:
        _issue_document(uow, application, DocumentType.REGISTRATION_CERT, "APR Art 29(1)")
    else:
        _issue_document(uow, application, DocumentType.TRANSFER_CERT, "APR Art 29(1), second subparagraph")


async def lodge(uow: UnitOfWork, application: Application, *, lodged_at: datetime, mode: str) -> None:
    """APR Art 28: lodging; the examination periods of Art 35 run from it."""
    before = application.status.value
    application.lodge(lodged_at=lodged_at.astimezone(UTC), mode=mode, now=uow.now())
    await uow.cancel_deadlines(application.id, [LODGING_LIMIT])
    uow.audit(
        "application.lodged",
        entity_type="application",
        entity_id=application.id,
        legal_basis="APR Art 28(1)",
        before=before,
        after=application.status.value,
    )
    if application.previous_application_ref is not None:
        # APR Art 55: the subsequent application is examined preliminarily first (reception, return listen).
        uow.publish(
            SubsequentApplicationLodged(
                case_id=application.id,
                person_id=application.person_id,
                member_state=application.member_state,
                previous_case_ref=application.previous_application_ref,
                ordinal=max(application.subsequent_ordinal, 1),
                lodged_at=application.lodged_at,
                right_to_remain=application.right_to_remain,
            ),
            subject=application.id,
        )
    uow.publish(
        ApplicationLodged(
            case_id=application.id,
            person_id=application.person_id,
            member_state=application.member_state,
            lodged_at=application.lodged_at,
            lodging_mode=mode,
        ),
        subject=application.id,
    )
    # APR Art 29(4): the applicant document as soon as possible after lodging (replacing 29(1), Art 29(3)).
    _issue_document(uow, application, DocumentType.APPLICANT_DOCUMENT, "APR Art 29(4)")


def _issue_document(uow: UnitOfWork, application: Application, kind: DocumentType, basis: str) -> None:
    uow.audit(
        "document.issued",
        entity_type="application",
        entity_id=application.id,
        legal_basis=basis,
        details={"document_type": kind.value},
    )
    uow.publish(
        DocumentIssued(
            case_id=application.id,
            person_id=application.person_id,
            member_state=application.member_state,
            document_type=kind,
            issued_at=uow.now(),
            legal_basis=basis,
        ),
        subject=application.id,
    )
