"""Tables of the screening database and their mapping onto the domain classes.

Each step record is one JSON document on the case row (the audit log keeps every earlier version);
restricted security findings live in their own table, read only by supervisors.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, MetaData, String, Table, Text, false, text
from sqlalchemy.orm import registry, relationship

from keten_screening.domain.case import ScreeningCase, ScreeningStatus
from keten_screening.domain.eurodac_record import EurodacRecord, EurodacRegistration
from keten_screening.domain.monitoring import (
    Allegation,
    AllegationCategory,
    AllegationKind,
    AllegationSource,
    AllegationStatus,
)
from keten_screening.domain.records import (
    Biometrics,
    Cooperation,
    FormDetails,
    FormReview,
    HealthCheck,
    Identification,
    InformationProvided,
    MinorStatus,
    Restriction,
    SecurityCheck,
    VulnerabilityCheck,
)
from keten_screening.domain.scope import OutOfScope
from keten_shared.db.listing import listing_indexes
from keten_shared.db.plumbing import NAMING_CONVENTION
from keten_shared.db.types import JSONDocument, PydanticJSON, UTCDateTime, str_enum
from keten_shared.events.catalog.screening import Completion, ReferralTarget, ScreeningReason

metadata = MetaData(naming_convention=NAMING_CONVENTION)
RUNNING = text("status IN ('INITIATED', 'IN_PROGRESS', 'ABSCONDED')")
mapper_registry = registry(metadata=metadata)

screenings = Table(
    "screenings",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("person_id", String(200), nullable=False, index=True),
    Column("member_state", String(2), nullable=False),
    Column("screening_reason", str_enum(ScreeningReason), nullable=False),
    Column("trigger_event_ts", UTCDateTime, nullable=False),
    Column("location", String(200), nullable=False),
    Column("person", JSONDocument, nullable=False),
    Column("nationalities", JSONDocument, nullable=False, server_default="[]"),
    Column("status", str_enum(ScreeningStatus), nullable=False),
    Column("deadline_strict", Date, nullable=False, index=True),
    Column("deadline_ptl", Date, nullable=False),
    Column("deadline_due_at", UTCDateTime, nullable=True, index=True),
    Column("started_at", UTCDateTime, nullable=True),
    Column("held_at_external_border", Boolean, nullable=False, server_default=false()),
    Column("out_of_scope_reason", str_enum(OutOfScope), nullable=True),
    Column("application_made_at", UTCDateTime, nullable=True),
    Column("relocation_member_state", String(2), nullable=True),
    Column("absconded_at", UTCDateTime, nullable=True),
    Column("absconded", Boolean, nullable=False, server_default=false()),
    Column("referred_at", UTCDateTime, nullable=True),
    Column("referral_target", str_enum(ReferralTarget), nullable=True),
    Column("referral_basis", String(50), nullable=True),
    Column("completion", str_enum(Completion), nullable=True),
    Column("missing_checks", JSONDocument, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("closure_note", Text, nullable=True),
    Column("merged_into", String(36), nullable=True),
    Column("info", PydanticJSON(InformationProvided), nullable=True),
    Column("health", PydanticJSON(HealthCheck), nullable=True),
    Column("vulnerability", PydanticJSON(VulnerabilityCheck), nullable=True),
    Column("minor", PydanticJSON(MinorStatus), nullable=True),
    Column("identification", PydanticJSON(Identification), nullable=True),
    Column("security", PydanticJSON(SecurityCheck), nullable=True),
    Column("biometrics", PydanticJSON(Biometrics), nullable=True),
    Column("cooperation", PydanticJSON(Cooperation), nullable=True),
    Column("form_details", PydanticJSON(FormDetails), nullable=True),
    Column("form_review", PydanticJSON(FormReview), nullable=True),
    Column("restriction", PydanticJSON(Restriction), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_screenings_location", "location"),
    # Chapter §8.10: one running screening per person, also when two intakes race.
    Index("uq_screenings_running_person", "person_id", unique=True, postgresql_where=RUNNING, sqlite_where=RUNNING),
    *listing_indexes("screenings"),
)

# ED 13-31: the person's Eurodac registration, versioned on its own (see EurodacRegistration).
eurodac_registrations = Table(
    "eurodac_registrations",
    metadata,
    Column("screening_id", String(36), ForeignKey("screenings.id"), primary_key=True),
    Column("record", PydanticJSON(EurodacRecord), nullable=False),
    Column("version", Integer, nullable=False),
)

# SR 15-16, 17(1)(h): what a security database returned; the form and the referral say only whether there was a hit.
security_findings = Table(
    "security_findings",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("screening_id", String(36), ForeignKey("screenings.id"), nullable=False, index=True),
    Column("batch", String(36), nullable=False),  # one security check's findings; the case keeps this reference
    Column("system", String(40), nullable=False),
    Column("reference", String(200), nullable=False),
    Column("detail", JSONDocument, nullable=False),
    Column("found_at", UTCDateTime, nullable=False),
)

# SR 10: allegations of rights violations, followed to their outcome by the monitoring mechanism.
allegations = Table(
    "allegations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("screening_id", String(36), ForeignKey("screenings.id"), nullable=False, index=True),
    Column("kind", str_enum(AllegationKind), nullable=False),
    Column("category", str_enum(AllegationCategory), nullable=False, index=True),
    Column("source", str_enum(AllegationSource), nullable=False),
    Column("received_at", UTCDateTime, nullable=False, index=True),
    Column("description", Text, nullable=False),
    Column("status", str_enum(AllegationStatus), nullable=False, index=True),
    Column("substantiated", Boolean, nullable=True),
    Column("investigation_ref", String(200), nullable=True),
    Column("outcome", Text, nullable=True),
    Column("history", JSONDocument, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

mapper_registry.map_imperatively(
    EurodacRegistration, eurodac_registrations, version_id_col=eurodac_registrations.c.version
)
mapper_registry.map_imperatively(
    ScreeningCase,
    screenings,
    version_id_col=screenings.c.version,
    properties={"eurodac_registration": relationship(EurodacRegistration, uselist=False, lazy="selectin")},
)
mapper_registry.map_imperatively(Allegation, allegations, version_id_col=allegations.c.version)
