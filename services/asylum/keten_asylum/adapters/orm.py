"""Tables of the asylum database and their mapping onto the domain classes."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import registry, relationship
from sqlalchemy.types import TypeDecorator

from keten_asylum.domain.counselling import CounsellingRefusalGround, CounsellingRequest, CounsellingStatus
from keten_asylum.domain.decision import Appeal, AppealResult, CourtRuling, Decision, NotifiedTo, Outcome, RemainRequest
from keten_asylum.domain.guarantees import GuaranteesAssessment
from keten_asylum.domain.interviews import (
    ApplicantConfirmation,
    ConfirmationWaiver,
    Interview,
    InterviewOutcome,
    InterviewType,
    OmissionGround,
    PostponementReason,
)
from keten_asylum.domain.model import Application, ApplicationStatus, DublinStatus
from keten_asylum.domain.procedural import ExtensionGround, ProceduralLimit
from keten_asylum.domain.recognition import RecognitionRate
from keten_asylum.domain.representatives import Appointment, EndReason, RepresentativeRole
from keten_shared.db.listing import listing_indexes
from keten_shared.db.plumbing import NAMING_CONVENTION
from keten_shared.db.types import JSONDocument, UTCDateTime, str_enum
from keten_shared.events.catalog.asylum import (
    DecisionOutcome,
    ProcedureType,
    ProtectionOutcome,
    ReturnDecisionMode,
    RoutedProcedure,
)
from keten_shared.events.catalog.screening import ScreeningReason

PROTECTION_VALUES = frozenset(o.value for o in ProtectionOutcome)


class OutcomeType(TypeDecorator[Outcome]):
    """A decision's outcome stored by value: a DecisionOutcome, or a ProtectionOutcome for a decision on a grant."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Outcome | None, dialect: Dialect) -> str | None:
        return None if value is None else value.value

    def process_result_value(self, value: str | None, dialect: Dialect) -> Outcome | None:
        if value is None:
            return None
        return ProtectionOutcome(value) if value in PROTECTION_VALUES else DecisionOutcome(value)


RETURN_DECISION_MISSING = text(
    "return_decision_required IS true AND return_decision_id IS NULL AND annulled_at IS NULL"
)
metadata = MetaData(naming_convention=NAMING_CONVENTION)
mapper_registry = registry(metadata=metadata)

applications = Table(
    "applications",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("person_id", String(200), nullable=False, index=True),
    Column("member_state", String(2), nullable=False),
    Column("person", JSONDocument, nullable=False),
    Column("screening_case_id", String(200), nullable=True, unique=True),
    Column("screening_reason", str_enum(ScreeningReason), nullable=True),
    Column("screening_referral", JSONDocument, nullable=True),
    Column("unaccompanied_minor", Boolean, nullable=False),
    Column("previous_application_ref", String(200), nullable=True),
    Column("subsequent_ordinal", Integer, nullable=False),
    Column("status", str_enum(ApplicationStatus), nullable=False),
    Column("made_at", UTCDateTime, nullable=False),
    Column("made_to_authority", String(200), nullable=True),
    Column("made_place", String(200), nullable=True),
    Column("registration_deadline", Date, nullable=True, index=True),
    Column("registered_at", UTCDateTime, nullable=True),
    Column("registration", JSONDocument, nullable=True),
    Column("lodging_deadline", Date, nullable=True, index=True),
    Column("lodged_at", UTCDateTime, nullable=True),
    Column("lodging_mode", String(40), nullable=True),
    Column("procedure", str_enum(RoutedProcedure), nullable=True),
    Column("routing", JSONDocument, nullable=True),
    Column("examination_deadline", Date, nullable=True),
    Column("examination_extended", String(200), nullable=True),
    Column("border_deadline", Date, nullable=True),
    Column("border_started_at", UTCDateTime, nullable=True, index=True),
    Column("examination_overdue_since", UTCDateTime, nullable=True),
    Column("dublin_status", str_enum(DublinStatus), nullable=False),
    Column("right_to_remain", Boolean, nullable=False),
    Column("right_to_remain_until", Date, nullable=True),
    Column("right_to_remain_basis", String(40), nullable=True),
    Column("final_at", UTCDateTime, nullable=True),
    Column("postponed_at", UTCDateTime, nullable=True),
    Column("postponement_country", String(3), nullable=True),
    Column("postponement_reasons", Text, nullable=True),
    Column("postponement_review_due", Date, nullable=True, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    *listing_indexes("applications"),
    # The examinations work list: the active cases by their limit, however many decided ones are stored.
    Index("ix_applications_examination_due", "status", "examination_deadline", "id"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("application_id", String(36), ForeignKey("applications.id"), nullable=False, index=True),
    Column("outcome", OutcomeType(), nullable=False),
    Column("procedure_type", str_enum(ProcedureType), nullable=False),
    Column("procedure", str_enum(RoutedProcedure), nullable=True),
    Column("legal_basis", JSONDocument, nullable=False),
    Column("grounds_applied", JSONDocument, nullable=True),
    Column("reasons", Text, nullable=True),
    Column("notified_at", UTCDateTime, nullable=False),
    Column("notified_to", str_enum(NotifiedTo), nullable=False),
    Column("language", String(40), nullable=True),
    Column("return_decision_required", Boolean, nullable=False),
    Column("return_decision_mode", str_enum(ReturnDecisionMode), nullable=True),
    Column("appealable", Boolean, nullable=False),
    Column("appeal_rule", String(8), nullable=True),
    Column("appeal_deadline", Date, nullable=True),
    Column("automatic_suspensive_effect", Boolean, nullable=False),
    Column("remain_request_deadline", Date, nullable=True),
    Column("decided_at", UTCDateTime, nullable=False),
    Column("annulled_at", UTCDateTime, nullable=True),
    Column("return_decision_id", String(200), nullable=True),
    Column("return_decision_issued_at", UTCDateTime, nullable=True),
    # The work list of negative decisions still without their return decision (APR Art 37).
    Index(
        "ix_decisions_return_decision_missing",
        "decided_at",
        "id",
        postgresql_where=RETURN_DECISION_MISSING,
        sqlite_where=RETURN_DECISION_MISSING,
    ),
)

appeals = Table(
    "appeals",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("application_id", String(36), ForeignKey("applications.id"), nullable=False, index=True),
    Column("decision_id", String(36), ForeignKey("decisions.id"), nullable=False),
    Column("lodged_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("in_time", Boolean, nullable=False),
    Column("suspensive", Boolean, nullable=False),
    Column("court_reference", String(200), nullable=True),
    Column("suspension_ruling", str_enum(CourtRuling), nullable=True),
    Column("result", str_enum(AppealResult), nullable=True),
    Column("decided_at", UTCDateTime, nullable=True),
)

remain_requests = Table(
    "remain_requests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("application_id", String(36), ForeignKey("applications.id"), nullable=False, index=True),
    Column("decision_id", String(36), ForeignKey("decisions.id"), nullable=False),
    Column("lodged_at", UTCDateTime, nullable=False),
    Column("in_time", Boolean, nullable=False),
    Column("ruling", str_enum(CourtRuling), nullable=True),
    Column("ruled_at", UTCDateTime, nullable=True),
)

# APR Art 42(1)(j): EU-wide first-instance recognition rates, one row per release, country and year.
recognition_rates = Table(
    "recognition_rates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("release", String(100), nullable=False),
    Column("country", String(3), nullable=False),
    Column("reference_year", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("refugee", Integer, nullable=False),
    Column("subsidiary", Integer, nullable=False),
    Column("rate", Numeric(6, 4), nullable=False),
    Column("flags", String(20), nullable=False),
    Column("source", String(400), nullable=False),
    Column("imported_at", UTCDateTime, nullable=False),
    UniqueConstraint("release", "country", "reference_year"),
    Index("ix_recognition_rates_country_year", "country", "reference_year"),
)

mapper_registry.map_imperatively(Decision, decisions)
mapper_registry.map_imperatively(Appeal, appeals)
mapper_registry.map_imperatively(RemainRequest, remain_requests)
mapper_registry.map_imperatively(RecognitionRate, recognition_rates)
mapper_registry.map_imperatively(
    Application,
    applications,
    version_id_col=applications.c.version,
    properties={
        "decisions": relationship(Decision, lazy="selectin", order_by=decisions.c.decided_at),
        "appeals": relationship(Appeal, lazy="selectin", order_by=appeals.c.recorded_at),
        "remain_requests": relationship(RemainRequest, lazy="selectin", order_by=remain_requests.c.lodged_at),
    },
)

# --- procedural guarantees (APR Art 11-16, 20-23) ---------------------------------------------------------------

# APR Art 11-14: each interview held (with its record), omitted or postponed.
interviews = Table(
    "interviews",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("application_id", String(36), ForeignKey("applications.id"), nullable=False, index=True),
    Column("type", str_enum(InterviewType), nullable=False),
    Column("outcome", str_enum(InterviewOutcome), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("held_at", UTCDateTime, nullable=True),
    Column("interviewer_id", String(200), nullable=True),
    Column("interpreter_language", String(35), nullable=True),
    Column("cultural_mediator", Boolean, nullable=False),
    Column("legal_adviser_present", Boolean, nullable=False),
    Column("representative_present", Boolean, nullable=False),
    Column("child_sensitive", Boolean, nullable=False),
    Column("recording_uri", String(1000), nullable=True),
    Column("transcript_uri", String(1000), nullable=True),
    Column("applicant_confirmation", str_enum(ApplicantConfirmation), nullable=True),
    Column("confirmation_waiver", str_enum(ConfirmationWaiver), nullable=True),
    Column("omission_ground", str_enum(OmissionGround), nullable=True),
    Column("written_submissions_offered", Boolean, nullable=True),
    Column("postponement_reason", str_enum(PostponementReason), nullable=True),
    Column("medical_professional_consulted", Boolean, nullable=True),
    Column("rescheduled_for", UTCDateTime, nullable=True),
    Column("reasons", Text, nullable=True),
)

# APR Art 16: requests for free legal counselling and what became of them.
counselling_requests = Table(
    "counselling_requests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("application_id", String(36), ForeignKey("applications.id"), nullable=False, index=True),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("status", str_enum(CounsellingStatus), nullable=False),
    Column("provided_at", UTCDateTime, nullable=True),
    Column("provider", String(200), nullable=True),
    Column("refusal_ground", str_enum(CounsellingRefusalGround), nullable=True),
    Column("reasons", Text, nullable=True),
    Column("decided_at", UTCDateTime, nullable=True),
)

# APR Art 20: special procedural guarantees assessments; a review supersedes the current one, which stays.
guarantees_assessments = Table(
    "guarantees_assessments",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("application_id", String(36), ForeignKey("applications.id"), nullable=False, index=True),
    Column("assessed_at", UTCDateTime, nullable=False),
    Column("needs", JSONDocument, nullable=False),
    Column("adequate_support", Boolean, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("review", Boolean, nullable=False),
    Column("in_time", Boolean, nullable=False),
    Column("medical_examination", Boolean, nullable=False),
    Column("support_measures", Text, nullable=True),
    Column("reasons", Text, nullable=True),
    Column("superseded_at", UTCDateTime, nullable=True),
)

# APR Art 20, 23(2)(b), 23(3): the T4 and T5 limits of an application, met, extended or overdue.
procedural_limits = Table(
    "procedural_limits",
    metadata,
    Column("application_id", String(36), ForeignKey("applications.id"), primary_key=True),
    Column("kind", String(100), primary_key=True),
    Column("deadline", Date, nullable=False),
    Column("legal_basis", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("met_at", UTCDateTime, nullable=True),
    Column("overdue_since", UTCDateTime, nullable=True),
    Column("extension_ground", str_enum(ExtensionGround), nullable=True),
    Column("extension_reasons", Text, nullable=True),
    Column("extended_at", UTCDateTime, nullable=True),
)

# APR Art 23: provisional assisting persons and representatives of unaccompanied minors.
representative_appointments = Table(
    "representative_appointments",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("application_id", String(36), ForeignKey("applications.id"), nullable=False, index=True),
    Column("role", str_enum(RepresentativeRole), nullable=False),
    Column("person_id", String(200), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("organisation", String(200), nullable=True),
    Column("appointed_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("in_time", Boolean, nullable=True),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("end_reason", str_enum(EndReason), nullable=True),
)

mapper_registry.map_imperatively(Interview, interviews)
mapper_registry.map_imperatively(CounsellingRequest, counselling_requests)
mapper_registry.map_imperatively(GuaranteesAssessment, guarantees_assessments)
mapper_registry.map_imperatively(ProceduralLimit, procedural_limits)
mapper_registry.map_imperatively(Appointment, representative_appointments)
