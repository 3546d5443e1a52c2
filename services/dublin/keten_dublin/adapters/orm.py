"""Tables of the dublin database and their mapping onto the domain classes."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table
from sqlalchemy.orm import registry

from keten_dublin.domain.model import DublinProcedure, ProcedureStatus, Regime
from keten_shared.db.plumbing import NAMING_CONVENTION
from keten_shared.db.types import JSONDocument, UTCDateTime, str_enum

metadata = MetaData(naming_convention=NAMING_CONVENTION)
mapper_registry = registry(metadata=metadata)

procedures = Table(
    "procedures",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("person_id", String(200), nullable=False, index=True),
    Column("member_state", String(2), nullable=False),
    Column("asylum_case_id", String(200), nullable=False, unique=True),
    Column("regime", str_enum(Regime), nullable=False),
    Column("status", str_enum(ProcedureStatus), nullable=False, index=True),
    Column("application_registered_at", UTCDateTime, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("assessed_ms", String(2)),
    Column("assessed_action", String(40)),
    Column("request_due", Date),
    Column("assessment", JSONDocument),
)

# Confirmed Eurodac hits (ED 38(4)), kept per person: the determination rests on them (AMMR 39(1), 41(1)).
eurodac_hits = Table(
    "eurodac_hits",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("person_id", String(200), nullable=False, index=True),
    Column("category", String(40), nullable=False),
    Column("member_state", String(2), nullable=False),
    Column("recorded_on", Date, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("responsible_ms", String(2)),
    Column("relocation_ms", String(2)),
)

# What screening found that the determination needs: the security check (AMMR 16(4)) and the age (Art 25).
screening_findings = Table(
    "screening_findings",
    metadata,
    Column("person_id", String(200), primary_key=True),
    Column("screening_case_id", String(200), nullable=False),
    Column("security_threat", Boolean),
    Column("unaccompanied_minor", Boolean, nullable=False),
    Column("date_of_birth", Date),
    Column("referred_at", UTCDateTime, nullable=False),
)

mapper_registry.map_imperatively(DublinProcedure, procedures, version_id_col=procedures.c.version)
