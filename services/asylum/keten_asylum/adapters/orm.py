"""Tables of the asylum database and their mapping onto the domain classes."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, MetaData, String, Table
from sqlalchemy.orm import registry, relationship

from keten_asylum.domain.model import Application, ApplicationStatus, Decision
from keten_shared.db.plumbing import NAMING_CONVENTION
from keten_shared.db.types import JSONDocument, UTCDateTime, str_enum
from keten_shared.events.catalog.asylum import DecisionOutcome, ProcedureType, ReturnDecisionMode

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
    Column("screening_referral", JSONDocument, nullable=True),
    Column("unaccompanied_minor", Boolean, nullable=False),
    Column("status", str_enum(ApplicationStatus), nullable=False, index=True),
    Column("made_at", UTCDateTime, nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    Column("registration_deadline", Date, nullable=False),
    Column("lodging_deadline", Date, nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("application_id", String(36), ForeignKey("applications.id"), nullable=False, unique=True),
    Column("outcome", str_enum(DecisionOutcome), nullable=False),
    Column("procedure_type", str_enum(ProcedureType), nullable=False),
    Column("legal_basis", JSONDocument, nullable=False),
    Column("notified_at", UTCDateTime, nullable=False),
    Column("return_decision_required", Boolean, nullable=False),
    Column("return_decision_mode", str_enum(ReturnDecisionMode), nullable=True),
    Column("decided_at", UTCDateTime, nullable=False),
)

mapper_registry.map_imperatively(Decision, decisions)
mapper_registry.map_imperatively(
    Application,
    applications,
    version_id_col=applications.c.version,
    properties={"decision": relationship(Decision, uselist=False, lazy="selectin")},
)
