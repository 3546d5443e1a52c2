"""Personal interviews and their record (APR Art 11-14, 22): held, omitted or postponed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from keten_asylum.domain.model import EXAMINATION, Application, ApplicationStatus
from keten_asylum.domain.procedural import require_between, require_state
from keten_shared.errors import InvalidData, TransitionNotAllowed

# APR Art 11(1), 12(1): the interviews come before the decision on a lodged application.
INTERVIEW_STATES = frozenset({ApplicationStatus.LODGED}) | EXAMINATION
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
    require_state(application, INTERVIEW_STATES, f"hold an {record.type.lower()} interview")
    # APR Art 13: the interviewer does not wear a military or law-enforcement uniform.
    if record.interviewer_uniformed:
        raise InvalidData("APR Art 13: the interviewer may not wear a military or law-enforcement uniform")
    require_between("held_at", record.held_at, application.lodged_at, now, "the lodging")
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
    require_state(application, INTERVIEW_STATES, f"omit the {type.lower()} interview")
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
    require_state(application, INTERVIEW_STATES, f"postpone the {type.lower()} interview")
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
