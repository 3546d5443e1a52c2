"""Procedural guarantees of the APR (Art 11-16, 20-23; asylum chapter §4): personal interviews and their record,
free legal counselling, the special procedural guarantees assessment and the representative of an unaccompanied
minor.

Pure domain: each record checks its own rules when it is made; the service layer computes the time limits (T4,
T5) with the shared deadline library, counts a representative's minors and stores the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from keten_asylum.domain.model import BEFORE_DECISION, CLOSED, EXAMINATION, Application, ApplicationStatus
from keten_shared.errors import InvalidData, TransitionNotAllowed

# APR Art 11(1), 12(1): the interviews come before the decision on a lodged application.
INTERVIEW_STATES = frozenset({ApplicationStatus.LODGED}) | EXAMINATION
# APR Art 16(1): free legal counselling in the administrative procedure (in appeal: APR Art 17).
COUNSELLING_STATES = BEFORE_DECISION
# APR Art 23(10): normally no more than 30 unaccompanied minors per representative at a time.
UAM_PER_REPRESENTATIVE = 30
ADULT_AGE = 18


class InterviewType(StrEnum):
    ADMISSIBILITY = "ADMISSIBILITY"  # APR Art 11
    SUBSTANTIVE = "SUBSTANTIVE"  # APR Art 12


class InterviewOutcome(StrEnum):
    HELD = "HELD"  # APR Art 14: recorded
    OMITTED = "OMITTED"  # APR Art 13(11)(a)-(e)
    POSTPONED = "POSTPONED"  # APR Art 13(11): temporary unfitness, or unable to attend for reasons beyond control


class ApplicantConfirmation(StrEnum):
    """APR Art 14: the applicant's confirmation of the report or transcript."""

    CONFIRMED = "CONFIRMED"
    REFUSED = "REFUSED"
    NOT_REQUIRED = "NOT_REQUIRED"


class ConfirmationWaiver(StrEnum):
    """APR Art 14: why the applicant need not be asked to confirm the record."""

    RECORDING_ADMISSIBLE_IN_APPEAL = "RECORDING_ADMISSIBLE_IN_APPEAL"  # the recording/transcript is appeal evidence
    PROTECTION_CLEARLY_GRANTED = "PROTECTION_CLEARLY_GRANTED"  # SP only with the same rights as refugee status


class OmissionGround(StrEnum):
    """APR Art 13(11): when the interview may be omitted."""

    POSITIVE_DECISION = "POSITIVE_DECISION"  # (a) a positive decision is possible on the evidence
    CLEARLY_NOT_INADMISSIBLE = "CLEARLY_NOT_INADMISSIBLE"  # (b) the application is clearly not inadmissible
    ENDURING_UNFITNESS = "ENDURING_UNFITNESS"  # (c) unfit or unable for enduring reasons beyond control
    SUBSEQUENT_WRITTEN = "SUBSEQUENT_WRITTEN"  # (d) a subsequent application examined on a written statement
    INADMISSIBLE_PROTECTION_IN_OTHER_MS = "INADMISSIBLE_PROTECTION_IN_OTHER_MS"  # (e) inadmissible under 38(1)(c)


OMISSION_POINT = {
    OmissionGround.POSITIVE_DECISION: "APR Art 13(11)(a)",
    OmissionGround.CLEARLY_NOT_INADMISSIBLE: "APR Art 13(11)(b)",
    OmissionGround.ENDURING_UNFITNESS: "APR Art 13(11)(c)",
    OmissionGround.SUBSEQUENT_WRITTEN: "APR Art 13(11)(d)",
    OmissionGround.INADMISSIBLE_PROTECTION_IN_OTHER_MS: "APR Art 13(11)(e)",
}

# APR Art 13(11)(a): a positive decision omits the substantive interview; (b): clearly not inadmissible omits the
# admissibility interview. The other grounds may omit either (design).
OMISSION_ONLY_FOR = {
    OmissionGround.POSITIVE_DECISION: InterviewType.SUBSTANTIVE,
    OmissionGround.CLEARLY_NOT_INADMISSIBLE: InterviewType.ADMISSIBILITY,
}


class PostponementReason(StrEnum):
    TEMPORARY_UNFITNESS = "TEMPORARY_UNFITNESS"  # APR Art 13(11): postpone
    UNABLE_TO_ATTEND = "UNABLE_TO_ATTEND"  # APR Art 13(11): reasons beyond control, reschedule


class CounsellingStatus(StrEnum):
    REQUESTED = "REQUESTED"
    PROVIDED = "PROVIDED"
    REFUSED = "REFUSED"


class CounsellingRefusalGround(StrEnum):
    """APR Art 16 (asylum chapter §2.6): when free legal counselling may be refused."""

    SUBSEQUENT_TO_DELAY_REMOVAL = "SUBSEQUENT_TO_DELAY_REMOVAL"  # a first subsequent application to delay removal
    FURTHER_SUBSEQUENT = "FURTHER_SUBSEQUENT"  # a second or further subsequent application
    LEGAL_ADVISER_ACTS = "LEGAL_ADVISER_ACTS"  # a legal adviser already assists the applicant


SUBSEQUENT_ONLY = frozenset(
    {CounsellingRefusalGround.SUBSEQUENT_TO_DELAY_REMOVAL, CounsellingRefusalGround.FURTHER_SUBSEQUENT}
)


class RepresentativeRole(StrEnum):
    PROVISIONAL = "PROVISIONAL"  # APR Art 23(2): a person to assist the minor until the representative is appointed
    REPRESENTATIVE = "REPRESENTATIVE"  # APR Art 23(2)(b): within 15 working days of the making


class EndReason(StrEnum):
    REPLACED = "REPLACED"  # another provisional assisting person was designated
    REPRESENTATIVE_APPOINTED = "REPRESENTATIVE_APPOINTED"  # APR Art 23(2): the provisional person's role ends
    INADEQUATE_PERFORMANCE = "INADEQUATE_PERFORMANCE"  # APR Art 23: the only ground to change a representative


class ExtensionGround(StrEnum):
    """APR Art 23(3): the representative limit + 10 working days."""

    DISPROPORTIONATE_NUMBERS = "DISPROPORTIONATE_NUMBERS"  # of unaccompanied minors
    OTHER_EXCEPTIONAL_SITUATION = "OTHER_EXCEPTIONAL_SITUATION"


def is_minor(application: Application, on: date) -> bool:
    """A minor on `on`: claimed unaccompanied minor, or under 18 by the recorded date of birth (APR Art 22, 23)."""
    # Asylum chapter §9.3: a disputed age is treated as a minor's until the assessment (APR Art 25).
    if application.unaccompanied_minor:
        return True
    born = application.person.get("date_of_birth")
    if not born:
        return False
    born_on = date.fromisoformat(born)
    age = on.year - born_on.year - ((on.month, on.day) < (born_on.month, born_on.day))
    return age < ADULT_AGE


def _require_state(application: Application, allowed: frozenset[ApplicationStatus], action: str) -> None:
    if application.status not in allowed:
        raise TransitionNotAllowed(
            f"application {application.id} is {application.status}: cannot {action}",
            current_status=application.status.value,
        )


def _require_open(application: Application, action: str) -> None:
    if application.status in CLOSED:
        raise TransitionNotAllowed(
            f"application {application.id} is {application.status}: cannot {action}",
            current_status=application.status.value,
        )


def _require_between(name: str, at: datetime, earliest: datetime | None, now: datetime, what: str) -> None:
    if at > now:
        raise InvalidData(f"{name} lies in the future")
    if earliest is not None and at < earliest:
        raise InvalidData(f"{name} is before {what}")


# --- interviews (APR Art 11-14, 22) ----------------------------------------------------------------------------------


@dataclass
class Interview:
    """One step of an interview: held (with its APR Art 14 record), omitted, or postponed."""

    id: str
    application_id: str
    type: InterviewType
    outcome: InterviewOutcome
    recorded_at: datetime
    held_at: datetime | None = None
    interviewer_id: str | None = None
    interpreter_language: str | None = None
    cultural_mediator: bool = False
    legal_adviser_present: bool = False
    representative_present: bool = False
    child_sensitive: bool = False
    recording_uri: str | None = None
    transcript_uri: str | None = None
    applicant_confirmation: ApplicantConfirmation | None = None
    confirmation_waiver: ConfirmationWaiver | None = None
    omission_ground: OmissionGround | None = None
    written_submissions_offered: bool | None = None
    postponement_reason: PostponementReason | None = None
    medical_professional_consulted: bool | None = None
    rescheduled_for: datetime | None = None
    reasons: str | None = None

    @property
    def legal_basis(self) -> str:
        if self.outcome is InterviewOutcome.OMITTED:
            assert self.omission_ground is not None
            return OMISSION_POINT[self.omission_ground]
        if self.outcome is InterviewOutcome.POSTPONED:
            return "APR Art 13(11)"
        return "APR Art 11" if self.type is InterviewType.ADMISSIBILITY else "APR Art 12"


@dataclass(frozen=True)
class InterviewRecord:
    """What the caseworker records of a held interview (APR Art 13, 14)."""

    type: InterviewType
    held_at: datetime
    interviewer_id: str
    interviewer_uniformed: bool
    interpreter_language: str | None = None
    cultural_mediator: bool = False
    legal_adviser_present: bool = False
    representative_present: bool = False
    child_sensitive: bool = False
    recording_uri: str | None = None
    transcript_uri: str | None = None
    applicant_confirmation: ApplicantConfirmation = ApplicantConfirmation.CONFIRMED
    confirmation_waiver: ConfirmationWaiver | None = None


def held_interview(
    application: Application, record: InterviewRecord, *, interview_id: str, now: datetime, local_day: date
) -> Interview:
    """A held interview with its record; `local_day` is the day it was held in the member state."""
    _require_state(application, INTERVIEW_STATES, f"hold an {record.type.lower()} interview")
    # APR Art 13: the interviewer does not wear a military or law-enforcement uniform.
    if record.interviewer_uniformed:
        raise InvalidData("APR Art 13: the interviewer may not wear a military or law-enforcement uniform")
    _require_between("held_at", record.held_at, application.lodged_at, now, "the lodging")
    # APR Art 22: a minor is interviewed in a child-sensitive manner.
    if is_minor(application, local_day) and not record.child_sensitive:
        raise InvalidData("APR Art 22: the interview of a minor must be child-sensitive")
    # APR Art 14: a report or transcript, or a recording, of every interview.
    if not (record.recording_uri or record.transcript_uri):
        raise InvalidData("APR Art 14: the interview needs a recording_uri or a transcript_uri")
    _check_confirmation(record.applicant_confirmation, record.confirmation_waiver)
    return Interview(
        id=interview_id,
        application_id=application.id,
        type=record.type,
        outcome=InterviewOutcome.HELD,
        recorded_at=now,
        held_at=record.held_at,
        interviewer_id=record.interviewer_id,
        interpreter_language=record.interpreter_language,
        cultural_mediator=record.cultural_mediator,
        legal_adviser_present=record.legal_adviser_present,
        representative_present=record.representative_present,
        child_sensitive=record.child_sensitive,
        recording_uri=record.recording_uri,
        transcript_uri=record.transcript_uri,
        applicant_confirmation=record.applicant_confirmation,
        confirmation_waiver=record.confirmation_waiver,
    )


def _check_confirmation(confirmation: ApplicantConfirmation, waiver: ConfirmationWaiver | None) -> None:
    # APR Art 14: the applicant need not confirm only where the record is appeal evidence or protection is granted.
    if confirmation is ApplicantConfirmation.NOT_REQUIRED and waiver is None:
        raise InvalidData("APR Art 14: NOT_REQUIRED needs a confirmation_waiver")
    if confirmation is not ApplicantConfirmation.NOT_REQUIRED and waiver is not None:
        raise InvalidData("APR Art 14: a confirmation_waiver only goes with NOT_REQUIRED")


def omitted_interview(
    application: Application,
    earlier: list[Interview],
    *,
    type: InterviewType,
    ground: OmissionGround,
    reasons: str,
    written_submissions_offered: bool,
    interview_id: str,
    now: datetime,
) -> Interview:
    """An interview omitted on an APR Art 13(11) ground, recorded instead of the interview."""
    _require_state(application, INTERVIEW_STATES, f"omit the {type.lower()} interview")
    if any(i.type is type and i.outcome is InterviewOutcome.HELD for i in earlier):
        raise TransitionNotAllowed(f"the {type.lower()} interview was held: nothing to omit")
    only = OMISSION_ONLY_FOR.get(ground)
    if only is not None and only is not type:
        raise InvalidData(f"{OMISSION_POINT[ground]} omits only the {only.lower()} interview")
    # APR Art 13(11)(c): the applicant is offered written submissions; the omission must not count against him/her.
    if ground is OmissionGround.ENDURING_UNFITNESS and not written_submissions_offered:
        raise InvalidData("APR Art 13(11)(c): the applicant must be offered to make written submissions")
    # APR Art 13(11)(d): only a subsequent application (APR Art 55).
    if ground is OmissionGround.SUBSEQUENT_WRITTEN and application.previous_application_ref is None:
        raise InvalidData("APR Art 13(11)(d): the application is not a subsequent application")
    return Interview(
        id=interview_id,
        application_id=application.id,
        type=type,
        outcome=InterviewOutcome.OMITTED,
        recorded_at=now,
        omission_ground=ground,
        written_submissions_offered=written_submissions_offered,
        reasons=reasons,
    )


def postponed_interview(
    application: Application,
    *,
    type: InterviewType,
    reason: PostponementReason,
    medical_professional_consulted: bool,
    rescheduled_for: datetime | None,
    reasons: str | None,
    interview_id: str,
    now: datetime,
) -> Interview:
    """APR Art 13(11): temporary unfitness postpones the interview; an applicant unable to attend is rescheduled."""
    _require_state(application, INTERVIEW_STATES, f"postpone the {type.lower()} interview")
    if rescheduled_for is not None and rescheduled_for <= now:
        raise InvalidData("rescheduled_for must lie in the future")
    return Interview(
        id=interview_id,
        application_id=application.id,
        type=type,
        outcome=InterviewOutcome.POSTPONED,
        recorded_at=now,
        postponement_reason=reason,
        medical_professional_consulted=medical_professional_consulted,
        rescheduled_for=rescheduled_for,
        reasons=reasons,
    )


# --- free legal counselling (APR Art 16) -----------------------------------------------------------------------------


@dataclass
class CounsellingRequest:
    id: str
    application_id: str
    requested_at: datetime
    recorded_at: datetime
    status: CounsellingStatus = CounsellingStatus.REQUESTED
    provided_at: datetime | None = None
    provider: str | None = None
    refusal_ground: CounsellingRefusalGround | None = None
    reasons: str | None = None
    decided_at: datetime | None = None

    @classmethod
    def request(
        cls, application: Application, *, request_id: str, requested_at: datetime, now: datetime
    ) -> CounsellingRequest:
        # APR Art 16(1): free legal counselling on request in the administrative procedure.
        _require_state(application, COUNSELLING_STATES, "request free legal counselling")
        _require_between("requested_at", requested_at, application.made_at, now, "the making")
        return cls(id=request_id, application_id=application.id, requested_at=requested_at, recorded_at=now)

    def _require_requested(self) -> None:
        if self.status is not CounsellingStatus.REQUESTED:
            raise TransitionNotAllowed(f"the counselling request {self.id} is already {self.status}")

    def provide(self, *, provided_at: datetime, provider: str, now: datetime) -> None:
        self._require_requested()
        _require_between("provided_at", provided_at, self.requested_at, now, "the request")
        self.status, self.provided_at, self.provider, self.decided_at = (
            CounsellingStatus.PROVIDED,
            provided_at,
            provider,
            now,
        )

    def refuse(self, *, ground: CounsellingRefusalGround, reasons: str, subsequent: bool, now: datetime) -> None:
        self._require_requested()
        # APR Art 16: the subsequent-application grounds need a subsequent application (APR Art 55).
        if ground in SUBSEQUENT_ONLY and not subsequent:
            raise InvalidData(f"APR Art 16: {ground} applies only to a subsequent application")
        self.status, self.refusal_ground, self.reasons, self.decided_at = (
            CounsellingStatus.REFUSED,
            ground,
            reasons,
            now,
        )


# --- special procedural guarantees (APR Art 20-21) -------------------------------------------------------------------


@dataclass
class GuaranteesAssessment:
    """APR Art 20: the assessment of special procedural needs; a review replaces it and it stays on file."""

    id: str
    application_id: str
    assessed_at: datetime
    needs: list[str]
    adequate_support: bool
    recorded_at: datetime
    review: bool = False
    in_time: bool = True
    medical_examination: bool = False  # APR Art 20: may be integrated with medical examinations
    support_measures: str | None = None
    reasons: str | None = None
    superseded_at: datetime | None = None

    @property
    def special_procedural_needs_unsupported(self) -> bool:
        """The routing fact of APR Art 21(2), 53(2)(c): needs that adequate support cannot meet."""
        return bool(self.needs) and not self.adequate_support


def assessment(
    application: Application,
    current: GuaranteesAssessment | None,
    *,
    assessment_id: str,
    assessed_at: datetime,
    needs: list[str],
    adequate_support: bool,
    in_time: bool,
    now: datetime,
    medical_examination: bool = False,
    support_measures: str | None = None,
    reasons: str | None = None,
) -> GuaranteesAssessment:
    """A first assessment, or a review on a relevant change that replaces `current` (APR Art 20)."""
    _require_open(application, "assess special procedural guarantees")
    _require_between("assessed_at", assessed_at, application.made_at, now, "the making")
    if len(set(needs)) != len(needs):
        raise InvalidData("needs must not repeat")
    if not needs and not adequate_support:
        raise InvalidData("APR Art 21(2): support can only be lacking for a special procedural need")
    if current is not None:
        if assessed_at < current.assessed_at:
            raise InvalidData("a review is not older than the assessment it replaces (APR Art 20)")
        current.superseded_at = now
    return GuaranteesAssessment(
        id=assessment_id,
        application_id=application.id,
        assessed_at=assessed_at,
        needs=list(needs),
        adequate_support=adequate_support,
        recorded_at=now,
        review=current is not None,
        in_time=in_time,
        medical_examination=medical_examination,
        support_measures=support_measures,
        reasons=reasons,
    )


# --- time limits of the guarantees (T4, T5) --------------------------------------------------------------------------


@dataclass
class ProceduralLimit:
    """An APR time limit for a step the authority owes (T4 of APR Art 20, T5 of APR Art 23(2)(b))."""

    application_id: str
    kind: str
    deadline: date
    legal_basis: str
    created_at: datetime
    met_at: datetime | None = None
    overdue_since: datetime | None = None
    extension_ground: ExtensionGround | None = None
    extension_reasons: str | None = None
    extended_at: datetime | None = None

    def meet(self, at: datetime) -> None:
        if self.met_at is None:
            self.met_at = at

    def mark_overdue(self, now: datetime) -> bool:
        """True the first time the limit passes unmet."""
        if self.met_at is not None or self.overdue_since is not None:
            return False
        self.overdue_since = now
        return True

    def extend(
        self,
        *,
        ground: ExtensionGround,
        reasons: str | None,
        deadline: date,
        legal_basis: str,
        today: date,
        now: datetime,
    ) -> None:
        """Replace the limit by its extension, counted from the same event (time.md §3.3)."""
        if self.met_at is not None:
            raise TransitionNotAllowed("the step is done: the limit cannot be extended")
        if self.extension_ground is not None:
            raise TransitionNotAllowed(f"the limit was extended on {self.extended_at:%Y-%m-%d} already")
        # An extension is decided while the limit runs (design).
        if self.overdue_since is not None or today > self.deadline:
            raise TransitionNotAllowed(f"the limit passed on {self.deadline}: it can no longer be extended")
        self.extension_ground, self.extension_reasons, self.extended_at = ground, reasons, now
        self.deadline, self.legal_basis = deadline, legal_basis


def check_extension(ground: ExtensionGround, reasons: str | None, disproportionate_numbers: bool) -> None:
    # APR Art 23(3): disproportionate numbers of unaccompanied minors, or another exceptional situation.
    if ground is ExtensionGround.DISPROPORTIONATE_NUMBERS and not disproportionate_numbers:
        raise InvalidData("APR Art 23(3): no period of disproportionate numbers is recorded for today")
    if ground is ExtensionGround.OTHER_EXCEPTIONAL_SITUATION and not reasons:
        raise InvalidData("APR Art 23(3): describe the exceptional situation in reasons")


# --- the representative of an unaccompanied minor (APR Art 23) -------------------------------------------------------


@dataclass
class Appointment:
    id: str
    application_id: str
    role: RepresentativeRole
    person_id: str
    name: str
    appointed_at: datetime
    recorded_at: datetime
    organisation: str | None = None
    in_time: bool | None = None  # a representative: appointed within T5
    ended_at: datetime | None = None
    end_reason: EndReason | None = None

    def end(self, reason: EndReason, now: datetime) -> None:
        self.ended_at, self.end_reason = now, reason


@dataclass
class Representation:
    """The appointments on one unaccompanied minor's application, in order."""

    appointments: list[Appointment] = field(default_factory=list)

    def active(self, role: RepresentativeRole) -> Appointment | None:
        return next((a for a in self.appointments if a.role is role and a.ended_at is None), None)

    def appoint(
        self,
        application: Application,
        appointment: Appointment,
        *,
        change_ground: EndReason | None,
        now: datetime,
    ) -> list[Appointment]:
        """Add `appointment`; returns the appointments it ends."""
        # APR Art 23(2): only an unaccompanied minor gets a provisional assisting person and a representative.
        if not application.unaccompanied_minor:
            raise TransitionNotAllowed(f"APR Art 23: application {application.id} is not an unaccompanied minor's")
        _require_open(application, f"appoint a {appointment.role.lower()} person")
        _require_between("appointed_at", appointment.appointed_at, application.made_at, now, "the making")
        if appointment.role is RepresentativeRole.PROVISIONAL:
            return self._provisional(appointment, now)
        return self._representative(appointment, change_ground, now)

    def _provisional(self, appointment: Appointment, now: datetime) -> list[Appointment]:
        if self.active(RepresentativeRole.REPRESENTATIVE) is not None:
            raise TransitionNotAllowed("APR Art 23(2): a representative acts already; no provisional person")
        ended = self._end(RepresentativeRole.PROVISIONAL, EndReason.REPLACED, now)
        self.appointments.append(appointment)
        return ended

    def _representative(self, appointment: Appointment, change: EndReason | None, now: datetime) -> list[Appointment]:
        current = self.active(RepresentativeRole.REPRESENTATIVE)
        # APR Art 23: the representative may be changed only for inadequate performance.
        if current is not None and change is not EndReason.INADEQUATE_PERFORMANCE:
            raise TransitionNotAllowed(
                "APR Art 23: a representative acts already; change only for INADEQUATE_PERFORMANCE"
            )
        if current is None and change is not None:
            raise InvalidData("no representative acts: there is nobody to change")
        if current is not None and current.person_id == appointment.person_id:
            raise InvalidData("the new representative is the one who acts now")
        ended = self._end(RepresentativeRole.REPRESENTATIVE, EndReason.INADEQUATE_PERFORMANCE, now)
        ended += self._end(RepresentativeRole.PROVISIONAL, EndReason.REPRESENTATIVE_APPOINTED, now)
        self.appointments.append(appointment)
        return ended

    def _end(self, role: RepresentativeRole, reason: EndReason, now: datetime) -> list[Appointment]:
        active = self.active(role)
        if active is None:
            return []
        active.end(reason, now)
        return [active]


def representative_maximum(exceptional: bool, exceptional_maximum: int) -> int:
    # APR Art 23(10): normally 30 at a time; up to 50 in disproportionate numbers or other exceptional situations.
    return exceptional_maximum if exceptional else UAM_PER_REPRESENTATIVE


def check_representative_capacity(person_id: str, represented: int, maximum: int) -> None:
    # APR Art 23(10): no more than `maximum` unaccompanied minors per representative at a time.
    if represented >= maximum:
        raise TransitionNotAllowed(
            f"APR Art 23(10): representative {person_id} already represents {represented} "
            f"unaccompanied minors (at most {maximum} at a time)",
            represented=represented,
            maximum=maximum,
        )
