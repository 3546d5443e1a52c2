"""The screening case: its state machine (chapter §7), its check tracks and the SR 18 referral."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from keten_screening.domain.eurodac import (
    EurodacCategory,
    Hit,
    biometrics_due,
    categories_for,
    check_biometric_capture,
)
from keten_screening.domain.eurodac_record import EurodacRecord, EurodacRegistration, Transmission
from keten_screening.domain.records import (
    Biometrics,
    BiometricsOutcome,
    CheckOutcome,
    Cooperation,
    FormDetails,
    FormReview,
    HealthCheck,
    Identification,
    InformationProvided,
    MinorStatus,
    NotTakenReason,
    Restriction,
    RestrictionMeasure,
    SecurityCheck,
    VulnerabilityCheck,
)
from keten_screening.domain.referral import Referral, referral_for
from keten_screening.domain.scope import OutOfScope
from keten_shared.errors import InvalidData, NotFound, TransitionNotAllowed
from keten_shared.events.catalog.screening import Completion, ReferralTarget, ScreeningReason


class ScreeningStatus(StrEnum):
    INITIATED = "INITIATED"
    IN_PROGRESS = "IN_PROGRESS"
    ABSCONDED = "ABSCONDED"
    REFERRED_ASYLUM = "REFERRED_ASYLUM"
    REFERRED_RETURN = "REFERRED_RETURN"
    REFERRED_RELOCATION = "REFERRED_RELOCATION"
    CONTINUE_RETURN = "CONTINUE_RETURN"
    CLOSED_ENTRY_CONDITIONS_MET = "CLOSED_ENTRY_CONDITIONS_MET"
    CLOSED_DEPARTED = "CLOSED_DEPARTED"
    REJECTED_OUT_OF_SCOPE = "REJECTED_OUT_OF_SCOPE"
    MERGED_DUPLICATE = "MERGED_DUPLICATE"


ACTIVE = frozenset({ScreeningStatus.INITIATED, ScreeningStatus.IN_PROGRESS, ScreeningStatus.ABSCONDED})
LAST_INSTANT = timedelta(microseconds=1)
# Cases that never were, or live on in another case: nothing more is recorded on them.
VOID = frozenset({ScreeningStatus.REJECTED_OUT_OF_SCOPE, ScreeningStatus.MERGED_DUPLICATE})


class Track(StrEnum):
    """The checks that run side by side inside IN_PROGRESS (chapter §7)."""

    HEALTH = "health"  # SR 12(1)-(2)
    VULNERABILITY = "vulnerability"  # SR 12(3)
    IDENTITY = "identity"  # SR 14
    BIOMETRICS = "biometrics"  # SR 8(5)(d), ED 13
    SECURITY = "security"  # SR 15-16
    FORM = "form"  # SR 17


class TrackState(StrEnum):
    PENDING = "PENDING"
    DONE = "DONE"
    NOT_POSSIBLE = "NOT_POSSIBLE"
    REFUSED = "REFUSED"


READY = frozenset({TrackState.DONE, TrackState.NOT_POSSIBLE})


def _check_state(record: Any) -> TrackState:
    if record is None:
        return TrackState.PENDING
    return TrackState.DONE if record.outcome is CheckOutcome.DONE else TrackState.NOT_POSSIBLE


@dataclass
class ScreeningCase:
    id: str
    person_id: str
    member_state: str
    screening_reason: ScreeningReason
    trigger_event_ts: datetime
    location: str
    person: dict[str, Any]
    deadline_strict: date
    deadline_ptl: date
    deadline_due_at: datetime
    created_at: datetime
    status: ScreeningStatus = ScreeningStatus.INITIATED
    started_at: datetime | None = None
    held_at_external_border: bool = False
    out_of_scope_reason: OutOfScope | None = None
    application_made_at: datetime | None = None
    relocation_member_state: str | None = None
    absconded_at: datetime | None = None
    absconded: bool = False
    referred_at: datetime | None = None
    referral_target: ReferralTarget | None = None
    referral_basis: str | None = None
    completion: Completion | None = None
    missing_checks: list[str] = field(default_factory=list)
    closed_at: datetime | None = None
    closure_note: str | None = None
    merged_into: str | None = None
    info: InformationProvided | None = None
    health: HealthCheck | None = None
    vulnerability: VulnerabilityCheck | None = None
    minor: MinorStatus | None = None
    identification: Identification | None = None
    security: SecurityCheck | None = None
    biometrics: Biometrics | None = None
    cooperation: Cooperation | None = None
    form_details: FormDetails | None = None
    form_review: FormReview | None = None
    restriction: Restriction | None = None
    eurodac_registration: EurodacRegistration | None = None
    nationalities: list[str] = field(default_factory=list)  # searchable: as declared, then as established
    version: int = 1

    # --- derived state -------------------------------------------------------------------------------

    @property
    def eurodac(self) -> EurodacRecord | None:
        return self.eurodac_registration.record if self.eurodac_registration else None

    def _keep_eurodac(self, record: EurodacRecord) -> None:
        if self.eurodac_registration is None:
            self.eurodac_registration = EurodacRegistration(screening_id=self.id, record=record)
        else:
            self.eurodac_registration.record = record

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def unaccompanied_minor(self) -> bool:
        return bool(self.minor and self.minor.unaccompanied)

    def tracks(self) -> dict[Track, TrackState]:
        biometrics = self.biometrics
        return {
            # SR 12(1): emergency care alone is not the preliminary health check.
            Track.HEALTH: TrackState.PENDING
            if self.health and self.health.emergency_care_only
            else _check_state(self.health),
            Track.VULNERABILITY: _check_state(self.vulnerability),
            Track.IDENTITY: _check_state(self.identification),
            Track.SECURITY: _check_state(self.security),
            Track.BIOMETRICS: (
                TrackState.PENDING
                if biometrics is None
                else {
                    BiometricsOutcome.CAPTURED: TrackState.DONE,
                    BiometricsOutcome.NOT_TAKEN: TrackState.NOT_POSSIBLE,
                    BiometricsOutcome.REFUSED: TrackState.REFUSED,
                }[biometrics.outcome]
            ),
            # SR 17(3): the form is finished once the person could point out incorrect information.
            Track.FORM: TrackState.DONE if self.form_review else TrackState.PENDING,
        }

    def missing(self) -> list[str]:
        """Tracks that are neither done nor impossible with a reason (chapter §7: READY_FOR_REFERRAL)."""
        return [track.value for track, state in self.tracks().items() if state not in READY]

    @property
    def ready_for_referral(self) -> bool:
        return self.status is ScreeningStatus.IN_PROGRESS and not self.missing()

    # --- starting and the steps -----------------------------------------------------------------------

    def _require(self, *allowed: ScreeningStatus, doing: str) -> None:
        if self.status not in allowed:
            raise TransitionNotAllowed(
                f"screening {self.id} is {self.status.value}: cannot {doing}", current_status=self.status.value
            )

    def start(self, started_at: datetime, *, held_at_external_border: bool, now: datetime) -> None:
        self._require(ScreeningStatus.INITIATED, doing="start")
        if started_at < self.trigger_event_ts:
            raise InvalidData("screening cannot start before its trigger event")
        if started_at > now:
            raise InvalidData("started_at lies in the future")
        self.started_at = started_at.astimezone(UTC)
        self.held_at_external_border = held_at_external_border
        self.status = ScreeningStatus.IN_PROGRESS

    def require_step(self, doing: str) -> None:
        """Refuse now what recording a step would refuse (e.g. before asking outside systems)."""
        self._step(doing)

    def _step(self, doing: str, *, emergency_health_care: bool = False) -> None:
        self._require(ScreeningStatus.IN_PROGRESS, doing=doing)
        # SR Art 13(3) (design invariant, chapter §2.4): apart from emergency health care, no step on an
        # unaccompanied minor without a representative or a trained person at the child's side.
        if self.unaccompanied_minor and not self.minor.safeguarded and not emergency_health_care:  # type: ignore[union-attr]
            raise TransitionNotAllowed(
                f"screening {self.id}: an unaccompanied minor needs a representative or a trained person first "
                "(SR Art 13(3))",
                current_status=self.status.value,
            )

    def record_information(self, record: InformationProvided) -> None:
        self._step("record the information given")  # SR Art 11
        self.info = record

    def record_health_check(self, record: HealthCheck) -> None:
        self._step("record the health check", emergency_health_care=record.emergency_care_only)  # SR Art 12(1)
        self.health = record

    def record_vulnerability_check(self, record: VulnerabilityCheck) -> None:
        self._step("record the vulnerability check")  # SR Art 12(3)
        self.vulnerability = record

    def record_minor_status(self, record: MinorStatus) -> None:
        # Recording who assists the child is what unblocks the other steps, so only the state is checked here.
        self._require(ScreeningStatus.IN_PROGRESS, doing="record minor status")
        previous = self.minor
        # Chapter §8.1 (design): never downgrade a (claimed) minor without the competent authority's age assessment.
        if previous and (previous.minor or previous.age_doubt) and not record.minor and not record.age_assessment_ref:
            raise InvalidData("a claimed minor is recorded as adult only with age_assessment_ref (SR Art 13)")
        self.minor = record

    def record_identification(self, record: Identification) -> None:
        self._step("record identification")  # SR Art 14
        self.identification = record
        if record.outcome is CheckOutcome.DONE:  # an impossible identification leaves the declared nationality
            self.nationalities = list(record.nationalities)

    def record_security_check(self, record: SecurityCheck) -> None:
        self._step("record the security check")  # SR Art 15-16
        self.security = record

    def record_biometrics(self, record: Biometrics, *, age: int | None) -> None:
        """``age`` in completed years where known (date of birth or claimed age)."""
        self._step("record biometrics")  # SR Art 8(5)(d), ED 13
        minor = self.minor
        if record.outcome is BiometricsOutcome.CAPTURED:
            # ED 14(1), 15(1), 22(1), 23(1), 24(1): no Eurodac biometrics under 6, nor when it is doubtful.
            check_biometric_capture(age, bool(minor and minor.age_doubt_around_six))
            # Chapter §2.4, §8.1: minor safeguards apply while a doubt about the age lasts.
            if (
                minor
                and (minor.minor or minor.age_doubt)
                and not (record.trained_official and record.representative_present)
            ):
                # ED 14(1): a minor's biometrics are taken by trained officials, the adult or representative present.
                raise InvalidData(
                    "a minor's biometrics are taken by a trained official with the family member or "
                    "representative present (ED Art 14(1))"
                )
            eurodac = self.eurodac or EurodacRecord()
            due = [c for c in self.eurodac_categories() if not eurodac.transmitted(c)]
            self._keep_eurodac(eurodac.model_copy(update={"due": due}))
        elif record.not_taken_reason is NotTakenReason.UNDER_6 and biometrics_due(
            age, bool(minor and minor.age_doubt_around_six)
        ):
            # ED 14(1): "under 6" only for a child under 6, or one who may be (no proof of age).
            raise InvalidData("the person is 6 or older: biometrics are due (ED Art 14(1), 22(1))")
        self.biometrics = record

    @property
    def held_in_custody(self) -> bool:
        """Held at the external border or detained (ED 22(4): then the data are due before release)."""
        return self.held_at_external_border or bool(
            self.restriction and self.restriction.measure is RestrictionMeasure.DETENTION
        )

    def eurodac_categories(self) -> list[EurodacCategory]:
        """The datasets screening transmits for the person (screening chapter §5.1)."""
        if self.screening_reason is ScreeningReason.BORDER_BCP_APPLICANT:
            return [EurodacCategory.APPLICANT]  # ED 15(1)(b): biometrics taken when the application is made
        # ED 22(1), 23(1), 24(1). An applicant dataset under ED 15(1)(a) follows registration of the application.
        return categories_for(self.screening_reason, application_made=False)

    def record_transmission(self, transmission: Transmission, hits: list[Hit]) -> None:
        """ED 22(5), 23(4), 24(4): the duty outlives the limit and screening itself, so any state but a void one."""
        if self.status in VOID:
            raise TransitionNotAllowed(f"screening {self.id} is {self.status.value}", current_status=self.status.value)
        eurodac = self.eurodac or EurodacRecord()
        if eurodac.transmitted(transmission.category):
            raise TransitionNotAllowed(
                f"the {transmission.category.value} dataset was already transmitted", current_status=self.status.value
            )
        self._keep_eurodac(
            eurodac.model_copy(
                update={
                    "due": [c for c in eurodac.due if c is not transmission.category],
                    "transmissions": [*eurodac.transmissions, transmission],
                    "hits": [*eurodac.hits, *hits],
                }
            )
        )

    def decide_hit(self, hit_id: str, *, confirmed: bool, expert: str, at: datetime) -> Hit:
        """ED 38(4), 38(6): a fingerprint expert confirms or rejects a hit; only confirmed hits go downstream."""
        if self.status in VOID or self.eurodac is None:
            raise NotFound(f"screening {self.id} has no Eurodac hit {hit_id}")
        hit = self.eurodac.hit(hit_id)
        decided = hit.confirm(expert, at) if confirmed else hit.reject(expert, at)
        self._keep_eurodac(
            self.eurodac.model_copy(update={"hits": [decided if h.hit_id == hit_id else h for h in self.eurodac.hits]})
        )
        return decided

    def report_transmission_delay(self, category: EurodacCategory) -> bool:
        """Whether the delay of ``category`` is new (the event is sent once)."""
        eurodac = self.eurodac or EurodacRecord()
        if eurodac.transmitted(category) or category in eurodac.delayed_reported:
            return False
        self._keep_eurodac(eurodac.model_copy(update={"delayed_reported": [*eurodac.delayed_reported, category]}))
        return True

    def record_cooperation(self, record: Cooperation) -> None:
        self._step("record cooperation")  # SR Art 9
        self.cooperation = record

    def record_form_details(self, record: FormDetails) -> None:
        self._step("record form details")  # SR Art 17(1)-(2)
        self.form_details = record

    def record_form_review(self, record: FormReview) -> None:
        self._step("record the form review with the person")  # SR Art 17(3)
        self.form_review = record

    def record_restriction(self, record: Restriction) -> None:
        # SR 6, 7(1): how the person is kept available; may change at any time while screening runs.
        self._require(*ACTIVE, doing="record a restriction measure")
        self.restriction = record

    def record_application(self, made_at: datetime, *, now: datetime) -> None:
        """SR Art 18(2): an application made in any non-final state turns the referral to asylum; the clock runs on."""
        self._require(*ACTIVE, doing="record an application")
        if self.application_made_at is not None:
            raise TransitionNotAllowed(
                f"screening {self.id} already records an application", current_status=self.status.value
            )
        if made_at > now:
            raise InvalidData("made_at lies in the future")
        if made_at < self.trigger_event_ts:
            raise InvalidData("an application made during screening cannot precede its trigger event")
        self.application_made_at = made_at.astimezone(UTC)

    def mark_for_relocation(self, member_state: str) -> None:
        """SR Art 18(3): the person is to be relocated under AMMR Art 67 to ``member_state``."""
        self._require(*ACTIVE, doing="mark for relocation")
        if member_state == self.member_state:
            raise InvalidData("relocation goes to another member state")
        self.relocation_member_state = member_state

    def abscond(self, at: datetime, *, now: datetime) -> None:
        """Chapter §8.6: the clock runs on; at the limit the referral is forced with absconded=true."""
        self._require(ScreeningStatus.IN_PROGRESS, doing="record absconding")
        if not (self.started_at or self.trigger_event_ts) <= at <= now:
            raise InvalidData("absconding is dated between the start of screening and now")
        self.status = ScreeningStatus.ABSCONDED
        self.absconded_at = at.astimezone(UTC)
        self.absconded = True

    def locate(self) -> None:
        self._require(ScreeningStatus.ABSCONDED, doing="record that the person was located")
        self.status = ScreeningStatus.IN_PROGRESS
        self.absconded = False  # the referral's flag means "absconded and not found"; absconded_at keeps the history

    # --- ending ---------------------------------------------------------------------------------------

    def _refer(
        self, now: datetime, completion: Completion, missing: list[str], *, basis: str | None = None
    ) -> Referral:
        referral = referral_for(
            self.screening_reason,
            application_made=self.application_made_at is not None,
            to_be_relocated=self.relocation_member_state is not None,
        )
        self.status = ScreeningStatus(referral.outcome.value)
        self.referred_at = now
        self.referral_target = referral.target
        self.referral_basis = basis or referral.basis
        self.completion = completion
        self.missing_checks = missing
        return Referral(referral.target, referral.outcome, self.referral_basis)

    def complete(self, now: datetime) -> Referral:
        """End screening once every check is done or impossible, and refer (SR Art 18(1)-(4))."""
        self._require(ScreeningStatus.IN_PROGRESS, doing="complete")
        if missing := self.missing():
            raise TransitionNotAllowed(
                f"screening {self.id} still misses: {', '.join(missing)}",
                current_status=self.status.value,
                missing_checks=missing,
            )
        return self._refer(now, Completion.COMPLETE, [])

    def force_referral(self, now: datetime) -> Referral:
        """SR Art 18(5): at the SR 8 limit screening ends and the person is referred, checks done or not.

        The referral is dated at the last instant of the limit's last day, when screening ended in law, even if the
        scheduler acts a moment later: periods that run from the referral (APR Art 27(7)) count from that day."""
        self._require(*ACTIVE, doing="force the referral")
        missing = self.missing()
        ended = min(now, self.deadline_due_at - LAST_INSTANT) if self.deadline_due_at else now
        return self._refer(ended, Completion.INCOMPLETE if missing else Completion.COMPLETE, missing)

    def discontinue_for_criminal_proceedings(self, now: datetime, note: str) -> Referral:
        """SR Art 18(6): screening stops; the form goes with a note to the return or registration authority."""
        self._require(*ACTIVE, doing="discontinue")
        self.closure_note = note
        self.relocation_member_state = None  # SR 18(6) names only the return and registration authorities
        return self._refer(now, Completion.INCOMPLETE, self.missing(), basis="SR Art 18(6)")

    def _close(self, status: ScreeningStatus, now: datetime, note: str | None) -> None:
        self.status = status
        self.closed_at = now
        self.closure_note = note

    def close_entry_conditions_met(self, now: datetime, note: str | None = None) -> None:
        # SR Art 5(3) second subparagraph: a person found to meet the SBC Art 6 entry conditions is no longer screened.
        self._require(ScreeningStatus.INITIATED, ScreeningStatus.IN_PROGRESS, doing="close: entry conditions met")
        self._close(ScreeningStatus.CLOSED_ENTRY_CONDITIONS_MET, now, note)

    def close_departed(self, now: datetime, note: str | None = None) -> Referral | None:
        """SR Art 5(3) third subparagraph, 7(3): the person left for the country of origin or another accepting one.

        Chapter §8.8: a person who had applied is still referred to the registration authority, which decides on
        the application (e.g. implicit withdrawal, APR Art 41); the referral is returned in that case."""
        self._require(*ACTIVE, doing="close: departed")
        if self.application_made_at is not None:
            self.closure_note = f"departed; {note}" if note else "departed"
            self.relocation_member_state = None
            return self._refer(now, Completion.INCOMPLETE, self.missing())
        self._close(ScreeningStatus.CLOSED_DEPARTED, now, note)
        return None

    def merge_into(self, other_case_id: str, now: datetime, *, other_person_id: str | None = None) -> None:
        """Chapter §8.10 (design): one active case per person. A screening found to concern the person of another
        screening (e.g. by a biometric match) is merged into it and takes over that person's id."""
        self._require(*ACTIVE, doing="merge")
        if other_case_id == self.id:
            raise InvalidData("a screening cannot be merged into itself")
        self.merged_into = other_case_id
        self.person_id = other_person_id or self.person_id
        self._close(ScreeningStatus.MERGED_DUPLICATE, now, f"merged into {other_case_id}")


def open_screening(
    *,
    case_id: str,
    person_id: str,
    member_state: str,
    reason: ScreeningReason,
    trigger_event_ts: datetime,
    location: str,
    person: dict[str, Any],
    limit_strict: date,
    limit_ptl: date,
    limit_due_at: datetime,
    out_of_scope_reason: OutOfScope | None,
    application_made_at: datetime | None,
    now: datetime,
) -> ScreeningCase:
    """A new screening, or the record of a refusal at intake when the person is out of scope (chapter §1.2)."""
    # Chapter §8.15: the trigger event dates every limit, so it must be known and not lie in the future.
    if trigger_event_ts > now:
        raise InvalidData("trigger_event_ts lies in the future")
    if application_made_at is not None and application_made_at > now:
        raise InvalidData("application_made_at lies in the future")
    # SR Art 5(2): this category is defined by the application made at the border crossing point.
    if reason is ScreeningReason.BORDER_BCP_APPLICANT and application_made_at is None:
        raise InvalidData("a BORDER_BCP_APPLICANT screening needs application_made_at (SR Art 5(2))")
    # Time.md §3.8: instants are kept in UTC, so a case reads the same however it was submitted.
    trigger_event_ts = trigger_event_ts.astimezone(UTC)
    application_made_at = application_made_at.astimezone(UTC) if application_made_at else None
    case = ScreeningCase(
        id=case_id,
        person_id=person_id,
        member_state=member_state,
        screening_reason=reason,
        trigger_event_ts=trigger_event_ts,
        location=location,
        person=person,
        deadline_strict=limit_strict,
        deadline_ptl=limit_ptl,
        deadline_due_at=limit_due_at,
        created_at=now,
        application_made_at=application_made_at,
        nationalities=list(person.get("nationalities", [])),
    )
    if out_of_scope_reason is not None:
        case.out_of_scope_reason = out_of_scope_reason
        case._close(ScreeningStatus.REJECTED_OUT_OF_SCOPE, now, f"out of scope: {out_of_scope_reason.value}")
    return case
