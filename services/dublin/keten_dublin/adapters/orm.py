"""Tables of the dublin database and their mapping onto the domain classes."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.orm import registry

from keten_dublin.domain.model import DublinProcedure, ProcedureStatus, Regime
from keten_shared.db.plumbing import NAMING_CONVENTION
from keten_shared.db.types import UTCDateTime, str_enum

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
)

mapper_registry.map_imperatively(DublinProcedure, procedures, version_id_col=procedures.c.version)
