"""Tables of the screening database and their mapping onto the domain classes."""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, MetaData, String, Table
from sqlalchemy.orm import registry

from keten_screening.domain.model import ScreeningCase, ScreeningStatus
from keten_shared.db.plumbing import NAMING_CONVENTION
from keten_shared.db.types import JSONDocument, UTCDateTime, str_enum
from keten_shared.events.catalog.screening import Completion, ScreeningReason

metadata = MetaData(naming_convention=NAMING_CONVENTION)
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
    Column("status", str_enum(ScreeningStatus), nullable=False, index=True),
    Column("deadline_strict", Date, nullable=False, index=True),
    Column("deadline_ptl", Date, nullable=False),
    Column("application_made_at", UTCDateTime, nullable=True),
    Column("referred_at", UTCDateTime, nullable=True),
    Column("completion", str_enum(Completion), nullable=True),
    Column("missing_checks", JSONDocument, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

mapper_registry.map_imperatively(ScreeningCase, screenings, version_id_col=screenings.c.version)
