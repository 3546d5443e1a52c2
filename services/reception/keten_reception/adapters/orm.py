"""Tables of the reception database and their mapping onto the domain classes."""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, MetaData, String, Table
from sqlalchemy.orm import registry

from keten_reception.domain.model import ReceptionConditions, ReceptionFile, ReceptionFileStatus
from keten_shared.db.listing import listing_indexes
from keten_shared.db.plumbing import NAMING_CONVENTION
from keten_shared.db.types import UTCDateTime, str_enum
from keten_shared.events.catalog.reception import ReceptionEndReason

metadata = MetaData(naming_convention=NAMING_CONVENTION)
mapper_registry = registry(metadata=metadata)

reception_files = Table(
    "reception_files",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("person_id", String(200), nullable=False, index=True),
    Column("member_state", String(2), nullable=False),
    Column("asylum_case_id", String(200), nullable=False, unique=True),
    Column("status", str_enum(ReceptionFileStatus), nullable=False),
    Column("application_made_at", UTCDateTime, nullable=False),
    Column("needs_assessment_due", Date, nullable=False, index=True),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("conditions", str_enum(ReceptionConditions), nullable=False),
    Column("conditions_since", UTCDateTime, nullable=True),
    Column("conditions_basis", String(100), nullable=True),
    Column("conditions_effect_at", UTCDateTime, nullable=True),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("ended_reason", str_enum(ReceptionEndReason), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    *listing_indexes("reception_files"),
)

mapper_registry.map_imperatively(ReceptionFile, reception_files, version_id_col=reception_files.c.version)
