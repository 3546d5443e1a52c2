"""Screening use cases: each loads the case, asks the domain, and saves it with its events in one unit of work."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from keten_screening.adapters.eurodac import EurodacDataset, EurodacGateway, TravelDocument
from keten_screening.adapters.repository import ScreeningRepository
from keten_screening.adapters.security import SecurityDatabases, Subject
from keten_screening.domain import eurodac
from keten_screening.domain.case import VOID, ScreeningCase, ScreeningStatus, open_screening
from keten_screening.domain.deadlines import completion_limit
from keten_screening.domain.eurodac_record import Transmission
from keten_screening.domain.form import asylum_routing_facts, screening_form
from keten_screening.domain.identity import (
    DocumentFindingCode,
    IdentityDocument,
    NationalityFacts,
    age_on,
    identity_status,
    parse_mrz,
)
from keten_screening.domain.records import (
    Biometrics,
    BiometricsOutcome,
    Cooperation,
    DocumentRecord,
    FormDetails,
    FormReview,
    HealthCheck,
    Identification,
    InformationProvided,
    MinorStatus,
    NotTakenReason,
    Record,
    Restriction,
    SecurityCheck,
    SecuritySystem,
    VulnerabilityCheck,
)
from keten_screening.domain.referral import Referral
from keten_screening.domain.scope import SR_5_1, IntakeFacts, out_of_scope
from keten_shared.audit import current_actor
from keten_shared.deadlines import Deadline
from keten_shared.errors import TransitionNotAllowed
from keten_shared.events.catalog.common import PersonDetails
from keten_shared.events.catalog.screening import (
    EurodacDataTransmitted,
    EurodacEarlierRecord,
    EurodacFacts,
    EurodacHitConfirmed,
    EurodacReference,
    EurodacTransmissionDelayed,
    ScreeningApplicationMade,
    ScreeningCaseReferred,
    ScreeningReason,
    VulnerabilityIdentified,
)
from keten_shared.scheduler import DueDeadline
from keten_shared.uow import UnitOfWork

COMPLETION_LIMIT = "screening.completion_limit"
WARNINGS = {"screening.deadline_warning.24h": timedelta(hours=24), "screening.deadline_warning.6h": timedelta(hours=6)}
EURODAC_TRANSMIT = "eurodac.transmit"
EURODAC_LIMIT = "eurodac.transmission_limit"


@dataclass(frozen=True)
class ScreeningAdapters:
    eurodac: EurodacGateway
    security: SecurityDatabases


# --- opening and starting -----------------------------------------------------------------------------------------


async def open_case(
    uow: UnitOfWork,
    *,
    intake: IntakeFacts,
    trigger_event_ts: datetime,
    location: str,
    person: PersonDetails,
    person_id: str | None = None,
    application_made_at: datetime | None = None,
) -> ScreeningCase:
    repository = ScreeningRepository(uow.session)
    if person_id and (open_case_id := await repository.active_case_of(person_id)):
        # Chapter §8.10 (design): one active screening per person; a new trigger belongs on the open case.
        raise TransitionNotAllowed(f"person {person_id} is already being screened", open_case_id=open_case_id)
    limit = completion_limit(intake.reason, trigger_event_ts, uow.deadline)
    case = open_screening(
        case_id=str(uuid.uuid4()),
        person_id=person_id or str(uuid.uuid4()),
        member_state=uow.settings.member_state,
        reason=intake.reason,
        trigger_event_ts=trigger_event_ts,
        location=location,
        person=person.model_dump(mode="json"),
        limit_strict=limit.unrolled_last_day,  # type: ignore[arg-type]
        limit_ptl=limit.legal_last_day,  # type: ignore[arg-type]
        limit_due_at=limit.operational_end,
        out_of_scope_reason=out_of_scope(intake),
        application_made_at=application_made_at,
        now=uow.now(),
    )
    repository.add(case)
    uow.audit(
        "screening.opened",
        entity_type="screening",
        entity_id=case.id,
        legal_basis=case.closure_note or limit.legal_basis,
        after=case.status.value,
        details={"reason": intake.reason.value},
    )
    if case.active:
        await _schedule_completion_limit(uow, case, limit)
        for category in case.eurodac_categories():
            if category is not eurodac.EurodacCategory.APPLICANT:  # the applicant limit runs from the capture
                await _schedule_eurodac_limit(uow, case, category)
        if application_made_at is not None:
            _publish_application(uow, case)
    return case


async def _schedule_completion_limit(uow: UnitOfWork, case: ScreeningCase, limit: Deadline) -> None:
    case.deadline_strict = limit.unrolled_last_day  # type: ignore[assignment]
    case.deadline_ptl = limit.legal_last_day  # type: ignore[assignment]
    case.deadline_due_at = limit.operational_end
    await uow.cancel_deadlines(case.id, [COMPLETION_LIMIT, *WARNINGS])
    await uow.schedule(case_id=case.id, kind=COMPLETION_LIMIT, deadline=limit)
    for kind, ahead in WARNINGS.items():  # screening chapter §7: warnings 24 h and 6 h before the limit
        if limit.operational_end - ahead > uow.now():
            await uow.schedule(case_id=case.id, kind=kind, deadline=limit, due_at=limit.operational_end - ahead)


def _eurodac_limit(uow: UnitOfWork, case: ScreeningCase, category: eurodac.EurodacCategory) -> Deadline:
    """ED 22(2), 23(2), 24(2): 72 hours from the apprehension or disembarkation; ED 15(1)(b): for an applicant at a
    border crossing point, from the taking of the biometrics at the making of the application."""
    if category is eurodac.EurodacCategory.APPLICANT:
        return eurodac.transmission_limit(
            category,
            _taken_at(case.biometrics),
            uow.calendar,  # type: ignore[arg-type]
            applicant_trigger=eurodac.ApplicantTrigger.MAKING,
            tz=uow.zone,
        )
    return eurodac.transmission_limit(category, case.trigger_event_ts, uow.calendar, tz=uow.zone)


async def _schedule_eurodac_limit(uow: UnitOfWork, case: ScreeningCase, category: eurodac.EurodacCategory) -> None:
    limit = _eurodac_limit(uow, case, category)
    await uow.schedule(
        case_id=case.id, kind=EURODAC_LIMIT, deadline=limit, due_at=limit.legal_end, payload={"category": category}
    )


async def start(uow: UnitOfWork, case: ScreeningCase, *, started_at: datetime, held_at_external_border: bool) -> None:
    case.start(started_at, held_at_external_border=held_at_external_border, now=uow.now())
    limit = completion_limit(
        case.screening_reason,
        case.trigger_event_ts,
        uow.deadline,
        held_at_external_border=held_at_external_border,
        started_at=started_at,
    )
    if limit.operational_end != case.deadline_due_at:  # SR 8(3) second sentence shortened the limit
        await _schedule_completion_limit(uow, case, limit)
    uow.audit(
        "screening.started",
        entity_type="screening",
        entity_id=case.id,
        legal_basis=limit.legal_basis,
        before=ScreeningStatus.INITIATED.value,
        after=case.status.value,
        details={"held_at_external_border": held_at_external_border, "deadline_strict": str(case.deadline_strict)},
    )


# --- the steps ----------------------------------------------------------------------------------------------------


class Step(StrEnum):
    INFORMATION = "information"
    HEALTH_CHECK = "health-check"
    VULNERABILITY_CHECK = "vulnerability-check"
    MINOR_STATUS = "minor-status"
    COOPERATION = "cooperation"
    FORM_DETAILS = "form-details"
    FORM_REVIEW = "form-review"
    RESTRICTION = "restriction"


STEPS: dict[Step, tuple[type[Record], str, str]] = {  # record type, case attribute, legal basis
    Step.INFORMATION: (InformationProvided, "info", "SR Art 11"),
    Step.HEALTH_CHECK: (HealthCheck, "health", "SR Art 12(1)-(2)"),
    Step.VULNERABILITY_CHECK: (VulnerabilityCheck, "vulnerability", "SR Art 12(3)"),
    Step.MINOR_STATUS: (MinorStatus, "minor", "SR Art 13"),
    Step.COOPERATION: (Cooperation, "cooperation", "SR Art 9"),
    Step.FORM_DETAILS: (FormDetails, "form_details", "SR Art 17(1)-(2)"),
    Step.FORM_REVIEW: (FormReview, "form_review", "SR Art 17(3)"),
    Step.RESTRICTION: (Restriction, "restriction", "SR Art 6, 7(1)"),
}

_RECORDERS = {
    Step.INFORMATION: ScreeningCase.record_information,
    Step.HEALTH_CHECK: ScreeningCase.record_health_check,
    Step.VULNERABILITY_CHECK: ScreeningCase.record_vulnerability_check,
    Step.MINOR_STATUS: ScreeningCase.record_minor_status,
    Step.COOPERATION: ScreeningCase.record_cooperation,
    Step.FORM_DETAILS: ScreeningCase.record_form_details,
    Step.FORM_REVIEW: ScreeningCase.record_form_review,
    Step.RESTRICTION: ScreeningCase.record_restriction,
}


def stamped(uow: UnitOfWork, record: Record) -> Record:
    """The record with who recorded it and when."""
    return record.model_copy(update={"recorded_by": current_actor(), "recorded_at": uow.now()})


async def record_step(uow: UnitOfWork, case: ScreeningCase, step: Step, record: Record) -> Record:
    record = stamped(uow, record)
    _RECORDERS[step](case, record)  # type: ignore[operator]
    uow.audit(
        f"screening.{step.value}.recorded", entity_type="screening", entity_id=case.id, legal_basis=STEPS[step][2]
    )
    if isinstance(record, VulnerabilityCheck) and (record.vulnerabilities or record.special_reception_needs):
        # Chapter §2.3, §7: the preliminary findings go out at once, so reception can act before screening ends.
        uow.publish(
            VulnerabilityIdentified(
                case_id=case.id,
                person_id=case.person_id,
                member_state=case.member_state,
                identified_at=record.recorded_at,  # type: ignore[arg-type]
                vulnerabilities=[v.value for v in record.vulnerabilities],
                special_reception_needs=record.special_reception_needs,
                special_procedural_needs=record.special_procedural_needs,
                minor=bool(case.minor and case.minor.minor),
                unaccompanied_minor=case.unaccompanied_minor,
            ),
            subject=case.id,
        )
    return record


@dataclass(frozen=True)
class DocumentShown:
    type: str
    number: str
    issuing_country: str
    expiry: date | None = None
    authentic: bool | None = None
    mrz: tuple[str, ...] = ()


# Findings that point to a false document or a misleading identity (a signal for APR 42(1)(c), not a finding of it).
_MISLEADING = frozenset(DocumentFindingCode) - {DocumentFindingCode.EXPIRED}


async def record_identification(
    uow: UnitOfWork,
    case: ScreeningCase,
    *,
    documents: list[DocumentShown],
    nationality: NationalityFacts,
    biometric_match: bool,
    documents_destroyed: bool,
) -> Identification:
    """SR Art 14: documents checked (MRZ check digits, expiry, authenticity), identity status and nationality."""
    today = uow.local_date(uow.now())
    records, misleading = [], documents_destroyed
    for shown in documents:
        mrz = parse_mrz(shown.mrz, today=today) if shown.mrz else None
        document = IdentityDocument(
            type=shown.type,
            number=shown.number,
            issuing_country=shown.issuing_country,
            expiry=shown.expiry,
            authentic=shown.authentic,
            mrz=mrz,
        )
        findings = document.findings(today)
        misleading = misleading or any(f.code in _MISLEADING for f in findings)
        records.append(
            DocumentRecord(
                type=document.type,
                number=document.number,
                issuing_country=document.issuing_country,
                expiry=document.expiry,
                authentic=document.authentic,
                mrz=list(mrz.lines) if mrz else None,
                mrz_failed_checks=[check.value for check in mrz.failed_checks] if mrz else [],
                findings=[f"{f.code.value}: {f.detail}" for f in findings],
            )
        )
    # An authentic document proves identity even once expired (identity.py); other findings put it in doubt.
    authentic = any(
        r.authentic and not any(f.startswith(("NOT_AUTHENTIC", "MRZ_")) for f in r.findings) for r in records
    )
    status = identity_status(authentic_document=authentic, biometric_match=biometric_match, declared=True)
    record = stamped(
        uow,
        Identification(
            documents=records,
            nationalities=list(nationality.nationalities),
            stateless=nationality.stateless,
            nationality_unknown=nationality.nationality_unknown,
            identity_status=status,
            identity_confirmed_by_authorities=status.confirmed_by_authorities,
            cir_match=biometric_match,
            misleading_identity_or_destroyed_documents=misleading,
        ),
    )
    case.record_identification(record)  # type: ignore[arg-type]
    uow.audit(
        "screening.identification.recorded",
        entity_type="screening",
        entity_id=case.id,
        legal_basis="SR Art 14",
        details={"identity_status": status.value, "documents": len(records)},
    )
    return record  # type: ignore[return-value]


async def run_security_check(
    uow: UnitOfWork,
    case: ScreeningCase,
    *,
    systems: list[SecuritySystem],
    armed: bool,
    violent: bool,
    terrorist_indications: bool,
    eaw_offence_indications: bool,
) -> SecurityCheck:
    """SR Art 15-16: query the databases; the case keeps only whether there was a hit, the details stay restricted."""
    case.require_step("record the security check")  # refused before any database is asked
    person = PersonDetails.model_validate(case.person)
    documents = tuple(d.number for d in case.identification.documents) if case.identification else ()
    subject = Subject(person.family_name, person.given_names, person.date_of_birth, documents)
    findings = await uow.adapters.security.query(subject, systems)
    repository = ScreeningRepository(uow.session)
    restricted_ref = await repository.add_security_findings(case.id, findings, uow.now()) if findings else None
    flag = eurodac.security_flag_due(armed, violent, terrorist_indications, eaw_offence_indications)
    record = SecurityCheck(
        systems_consulted=systems,
        hit=bool(findings),
        restricted_ref=restricted_ref,
        security_flag=flag,
        flag_reason=", ".join(
            reason
            for reason, present in (
                ("armed", armed),
                ("violent", violent),
                ("terrorist offence indications", terrorist_indications),
                ("FD 2002/584 Art 2(2) offence indications", eaw_offence_indications),
            )
            if present
        )
        or None,
    )
    record = stamped(uow, record)
    case.record_security_check(record)  # type: ignore[arg-type]
    uow.audit(
        "screening.security-check.recorded",
        entity_type="screening",
        entity_id=case.id,
        legal_basis="SR Art 15-16",
        details={"systems": [s.value for s in systems], "hit": bool(findings), "security_flag": flag},
    )
    return record  # type: ignore[return-value]


def _taken_at(record: Biometrics) -> datetime:
    return record.taken_at or record.recorded_at  # type: ignore[return-value]


def _age(case: ScreeningCase, today: date) -> int | None:
    person = PersonDetails.model_validate(case.person)
    if person.date_of_birth is not None:
        return age_on(person.date_of_birth, today)
    return case.minor.claimed_age if case.minor and case.minor.minor else None


async def record_biometrics(uow: UnitOfWork, case: ScreeningCase, record: Biometrics) -> None:
    record = stamped(uow, record)  # type: ignore[assignment]
    case.record_biometrics(record, age=_age(case, uow.local_date(uow.now())))
    uow.audit(
        "screening.biometrics.recorded",
        entity_type="screening",
        entity_id=case.id,
        legal_basis="SR Art 8(5)(d); ED Art 13",
        details={"outcome": record.outcome.value, "coercion": record.coercion is not None},
    )
    if record.outcome is BiometricsOutcome.CAPTURED:
        if case.screening_reason is ScreeningReason.BORDER_BCP_APPLICANT:
            # ED 15(1)(b): the applicant's data are due 72 hours after the biometrics were taken at the making.
            await _schedule_eurodac_limit(uow, case, eurodac.EurodacCategory.APPLICANT)
        # The transmission is work for the scheduler: retried with backoff until Eurodac answers.
        await uow.schedule(case_id=case.id, kind=EURODAC_TRANSMIT, due_at=uow.now(), legal_basis="ED Art 13(1)")
    elif record.not_taken_reason in (NotTakenReason.UNDER_6, NotTakenReason.ALREADY_REGISTERED):
        # ED 14(1): no Eurodac data for a child under 6; SR 8(5)(d): nothing to transmit when already registered.
        await uow.cancel_deadlines(case.id, [EURODAC_LIMIT])


async def record_application(uow: UnitOfWork, case: ScreeningCase, made_at: datetime) -> None:
    case.record_application(made_at, now=uow.now())
    uow.audit("screening.application.recorded", entity_type="screening", entity_id=case.id, legal_basis="SR Art 18(2)")
    _publish_application(uow, case)


def _publish_application(uow: UnitOfWork, case: ScreeningCase) -> None:
    # Chapter §3 (T12), §8.7: the asylum service is told at once; for SR 5(1) persons the APR 27(1) registration
    # period starts only at the referral (APR Art 27(7)).
    uow.publish(
        ScreeningApplicationMade(
            case_id=case.id,
            person_id=case.person_id,
            member_state=case.member_state,
            screening_reason=case.screening_reason,
            made_at=case.application_made_at,  # type: ignore[arg-type]
            registration_clock_start="REFERRAL" if case.screening_reason in SR_5_1 else "MADE",
            person=PersonDetails.model_validate(case.person),
        ),
        subject=case.id,
    )


async def mark_for_relocation(uow: UnitOfWork, case: ScreeningCase, member_state: str) -> None:
    case.mark_for_relocation(member_state)
    uow.audit("screening.relocation.marked", entity_type="screening", entity_id=case.id, legal_basis="SR Art 18(3)")


async def abscond(uow: UnitOfWork, case: ScreeningCase, at: datetime) -> None:
    before = case.status.value
    case.abscond(at, now=uow.now())
    uow.audit("screening.absconded", entity_type="screening", entity_id=case.id, before=before, after=case.status.value)


async def locate(uow: UnitOfWork, case: ScreeningCase) -> None:
    before = case.status.value
    case.locate()
    uow.audit("screening.located", entity_type="screening", entity_id=case.id, before=before, after=case.status.value)


# --- ending -------------------------------------------------------------------------------------------------------


def eurodac_facts(case: ScreeningCase) -> EurodacFacts | None:
    if case.eurodac is None:
        return None
    facts = eurodac.downstream_facts(case.eurodac.hits)

    def earlier(records: tuple[eurodac.EarlierRecord, ...]) -> list[EurodacEarlierRecord]:
        return [EurodacEarlierRecord.model_validate(r.to_dict()) for r in records]

    return EurodacFacts(
        references=[
            EurodacReference(
                category=t.category.value, reference_number=t.reference_number, transmitted_at=t.transmitted_at
            )
            for t in case.eurodac.transmissions
        ],
        earlier_applications=earlier(facts.earlier_applications),
        earlier_irregular_entries=earlier(facts.earlier_irregular_entries),
        earlier_sar_disembarkations=earlier(facts.earlier_sar_disembarkations),
        earlier_illegal_stays=earlier(facts.earlier_illegal_stays),
        protected_in_ms=list(facts.protected_in_ms),
        residence_document_ms=list(facts.residence_document_ms),
    )


async def _referred(uow: UnitOfWork, case: ScreeningCase, before: str, referral: Referral) -> None:
    await uow.cancel_deadlines(case.id, [COMPLETION_LIMIT, *WARNINGS])
    await _release(uow, case)
    uow.audit(
        "screening.referred",
        entity_type="screening",
        entity_id=case.id,
        legal_basis=referral.basis,
        before=before,
        after=case.status.value,
        details={"completion": case.completion.value if case.completion else None, "missing": case.missing_checks},
    )
    uow.publish(
        ScreeningCaseReferred(
            case_id=case.id,
            person_id=case.person_id,
            member_state=case.member_state,
            screening_reason=case.screening_reason,
            trigger_event_ts=case.trigger_event_ts,
            location=case.location,
            referred_at=case.referred_at,  # type: ignore[arg-type]
            target=referral.target,
            outcome=referral.outcome,
            basis=referral.basis,
            completion=case.completion,  # type: ignore[arg-type]
            missing_checks=case.missing_checks,
            application_made_at=case.application_made_at,
            person=PersonDetails.model_validate(case.person),
            absconded=case.absconded,
            relocation_member_state=case.relocation_member_state,
            referral_note=case.closure_note,
            form=screening_form(case),
            asylum_routing=asylum_routing_facts(case),
            eurodac=eurodac_facts(case),
        ),
        subject=case.id,
    )


async def complete(uow: UnitOfWork, case: ScreeningCase) -> None:
    before = case.status.value
    await _referred(uow, case, before, case.complete(uow.now()))


async def discontinue(uow: UnitOfWork, case: ScreeningCase, note: str) -> None:
    before = case.status.value
    await _referred(uow, case, before, case.discontinue_for_criminal_proceedings(uow.now(), note))


class Closure(StrEnum):
    ENTRY_CONDITIONS_MET = "ENTRY_CONDITIONS_MET"  # SR Art 5(3) second subparagraph
    DEPARTED = "DEPARTED"  # SR Art 5(3) third subparagraph, 7(3)


async def close(uow: UnitOfWork, case: ScreeningCase, closure: Closure, note: str | None) -> None:
    before = case.status.value
    if closure is Closure.ENTRY_CONDITIONS_MET:
        case.close_entry_conditions_met(uow.now(), note)
        # SR 5(3): a person who meets the entry conditions is no irregular crosser: no Eurodac duty under ED 22.
        await uow.cancel_deadlines(case.id, [EURODAC_LIMIT])
    elif referral := case.close_departed(uow.now(), note):
        await _referred(uow, case, before, referral)  # chapter §8.8: the applicant still goes to registration
        return
    await _release(uow, case)
    await uow.cancel_deadlines(case.id, [COMPLETION_LIMIT, *WARNINGS])
    uow.audit(
        "screening.closed",
        entity_type="screening",
        entity_id=case.id,
        legal_basis="SR Art 5(3)",
        before=before,
        after=case.status.value,
    )


async def merge(uow: UnitOfWork, case: ScreeningCase, into: ScreeningCase) -> None:
    if into.status in VOID:
        raise TransitionNotAllowed(f"screening {into.id} is {into.status.value}: nothing can be merged into it")
    before = case.status.value
    case.merge_into(into.id, uow.now(), other_person_id=into.person_id)
    await uow.cancel_deadlines(case.id, [COMPLETION_LIMIT, *WARNINGS, EURODAC_LIMIT, EURODAC_TRANSMIT])
    uow.audit("screening.merged", entity_type="screening", entity_id=case.id, before=before, after=case.status.value)


async def decide_hit(uow: UnitOfWork, case: ScreeningCase, hit_id: str, *, confirmed: bool) -> eurodac.Hit:
    hit = case.decide_hit(hit_id, confirmed=confirmed, expert=current_actor(), at=uow.now())
    uow.audit(
        f"eurodac.hit.{'confirmed' if confirmed else 'rejected'}",
        entity_type="screening",
        entity_id=case.id,
        legal_basis="ED Art 38(4)" if confirmed else "ED Art 38(6)",
        details={"hit_id": hit_id},
    )
    if confirmed:
        facts = eurodac.downstream_facts([hit])
        [record] = [
            *facts.earlier_applications,
            *facts.earlier_irregular_entries,
            *facts.earlier_sar_disembarkations,
            *facts.earlier_illegal_stays,
        ]
        uow.publish(
            EurodacHitConfirmed(
                case_id=case.id,
                person_id=case.person_id,
                member_state=case.member_state,
                confirmed_at=hit.checked_at,  # type: ignore[arg-type]
                record=EurodacEarlierRecord.model_validate(record.to_dict()),
                protected_in_ms=list(facts.protected_in_ms),
                residence_document_ms=list(facts.residence_document_ms),
            ),
            subject=case.id,
        )
    return hit


# --- what the scheduler does --------------------------------------------------------------------------------------


async def on_completion_limit(due: DueDeadline, uow: UnitOfWork) -> None:
    """SR Art 18(5): at the SR 8 limit screening ends and the person is referred, checks done or not."""
    case = await ScreeningRepository(uow.session).get(due.case_id)
    if case.active:
        before = case.status.value
        await _referred(uow, case, before, case.force_referral(uow.now()))


async def on_warning(due: DueDeadline, uow: UnitOfWork) -> None:
    """Screening chapter §7: a warning ahead of the limit, for the officers' work lists and monitoring."""
    case = await ScreeningRepository(uow.session).get(due.case_id)
    if case.active:
        uow.audit("screening.deadline.warning", entity_type="screening", entity_id=case.id, details={"kind": due.kind})


async def on_eurodac_transmit(due: DueDeadline, uow: UnitOfWork) -> None:
    """Transmit every due dataset; if Eurodac is unavailable the scheduler tries again later."""
    case = await ScreeningRepository(uow.session).get(due.case_id)
    if case.eurodac is None or case.biometrics is None or not case.biometrics.template_ref:
        return
    gateway: EurodacGateway = uow.adapters.eurodac
    for category in list(case.eurodac.due):
        receipt = await gateway.transmit(_dataset(uow, case, category))
        limit = _eurodac_limit(uow, case, category)
        transmission = Transmission(
            category=category,
            reference_number=receipt.reference_number,
            transmitted_at=receipt.transmitted_at,
            retention_until=eurodac.retention_until(category, receipt.transmitted_at, uow.calendar, tz=uow.zone),
            within_limit=receipt.transmitted_at < limit.legal_end,
        )
        case.record_transmission(transmission, list(receipt.hits))
        uow.audit(
            "eurodac.data.transmitted",
            entity_type="screening",
            entity_id=case.id,
            legal_basis=category.article,
            details={"reference_number": transmission.reference_number, "hits": len(receipt.hits)},
        )
        uow.publish(
            EurodacDataTransmitted(
                case_id=case.id,
                person_id=case.person_id,
                member_state=case.member_state,
                category=category.value,
                reference_number=transmission.reference_number,
                transmitted_at=transmission.transmitted_at,
                within_limit=transmission.within_limit,
                retention_until=transmission.retention_until,
            ),
            subject=case.id,
        )


def _dataset(uow: UnitOfWork, case: ScreeningCase, category: eurodac.EurodacCategory) -> EurodacDataset:
    """The ED 17(1) / 22(2) / 23(2) / 24(2) data; biometrics only by their template reference."""
    person = PersonDetails.model_validate(case.person)
    identification, biometrics = case.identification, case.biometrics
    document = identification.documents[0] if identification and identification.documents else None
    event_ts = case.application_made_at if category is eurodac.EurodacCategory.APPLICANT else case.trigger_event_ts
    return EurodacDataset(
        category=category,
        template_ref=biometrics.template_ref,  # type: ignore[union-attr, arg-type]
        family_name=person.family_name,
        given_names=person.given_names,
        ms_of_origin=case.member_state,
        event_place=case.location,
        event_date=uow.local_date(event_ts),  # type: ignore[arg-type]
        sex=person.sex,
        reference_number=eurodac.reference_number(
            eurodac.member_state_letters(case.member_state), category, case.id.replace("-", "").upper()
        ),
        biometrics_taken_on=uow.local_date(_taken_at(biometrics)),  # type: ignore[arg-type]
        operator_user_id=biometrics.recorded_by,  # type: ignore[union-attr]
        nationalities=tuple(case.nationalities),
        date_of_birth=person.date_of_birth,
        place_of_birth=case.form_details.place_of_birth or None if case.form_details else None,
        document=TravelDocument(
            document_type=document.type,
            number=document.number,
            issuing_country=document.issuing_country,
            expiry_date=document.expiry,
            authentic=document.authentic,
        )
        if document
        else None,
        security_flag=bool(case.security and case.security.security_flag),
    )


async def on_eurodac_limit(due: DueDeadline, uow: UnitOfWork) -> None:
    """ED 15(1), 22(5), 23(4), 24(4): a missed limit does not end the duty; it is reported once."""
    case = await ScreeningRepository(uow.session).get(due.case_id)
    category = eurodac.EurodacCategory((due.payload or {})["category"])
    if case.status in VOID:
        return
    # ED 22(4): a person held for more than 72 hours from apprehension: the data are due before release, which is
    # checked when screening ends (_release).
    if case.active and eurodac.due_before_release(
        category, case.trigger_event_ts, held_since_apprehension=case.held_in_custody, released_at=None, now=uow.now()
    ):
        return
    await _report_delay(uow, case, category, due.due_at)


async def _release(uow: UnitOfWork, case: ScreeningCase) -> None:
    """When screening ends the person leaves its custody: data still untransmitted past their limit are late."""
    if not case.held_in_custody:
        return
    for category in case.eurodac_categories():
        if category is eurodac.EurodacCategory.APPLICANT:
            continue  # its limit runs from the capture and is checked by its own deadline row
        limit = _eurodac_limit(uow, case, category)
        if uow.now() >= limit.legal_end:
            await _report_delay(uow, case, category, limit.legal_end)


async def _report_delay(
    uow: UnitOfWork, case: ScreeningCase, category: eurodac.EurodacCategory, legal_end: datetime
) -> None:
    if not case.report_transmission_delay(category):
        return
    biometrics = case.biometrics
    reason = (
        "BIOMETRICS_REFUSED"
        if biometrics and biometrics.outcome is BiometricsOutcome.REFUSED
        else "BIOMETRICS_NOT_CAPTURED"
        if biometrics is None or biometrics.outcome is not BiometricsOutcome.CAPTURED
        else "NOT_YET_TRANSMITTED"
    )
    uow.audit("eurodac.transmission.delayed", entity_type="screening", entity_id=case.id, details={"reason": reason})
    uow.publish(
        EurodacTransmissionDelayed(
            case_id=case.id,
            person_id=case.person_id,
            member_state=case.member_state,
            category=category.value,
            legal_end=legal_end,
            reason=reason,
        ),
        subject=case.id,
    )


DEADLINE_HANDLERS = {
    COMPLETION_LIMIT: on_completion_limit,
    **dict.fromkeys(WARNINGS, on_warning),
    EURODAC_TRANSMIT: on_eurodac_transmit,
    EURODAC_LIMIT: on_eurodac_limit,
}
