"""Tables of the return database and their mapping onto the domain classes."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table
from sqlalchemy.orm import registry, relationship

from keten_return.domain.model import ReturnCase, ReturnCaseStatus, ReturnDecision
from keten_shared.db.plumbing import NAMING_CONVENTION
from keten_shared.db.types import JSONDocument, UTCDateTime, str_enum
from keten_shared.events.catalog.return_ import ReturnTrigger

metadata = MetaData(naming_convention=NAMING_CONVENTION)
mapper_registry = registry(metadata=metadata)

return_cases = Table(
    "return_cases",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("person_id", String(200), nullable=False, index=True),
    Column("member_state", String(2), nullable=False),
    Column("trigger", str_enum(ReturnTrigger), nullable=False),
    Column("status", str_enum(ReturnCaseStatus), nullable=False, index=True),
    # One return case per triggering decision or referral, however often its event arrives.
    Column("asylum_case_id", String(200), nullable=True, index=True),
    Column("asylum_decision_id", String(200), nullable=True, unique=True),
    Column("screening_case_id", String(200), nullable=True, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

return_decisions = Table(
    "return_decisions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("case_id", String(36), ForeignKey("return_cases.id"), nullable=False, unique=True),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("legal_basis", JSONDocument, nullable=False),
    Column("country_of_return", String(3), nullable=True),
)

mapper_registry.map_imperatively(ReturnDecision, return_decisions)
mapper_registry.map_imperatively(
    ReturnCase,
    return_cases,
    version_id_col=return_cases.c.version,
    properties={"decision": relationship(ReturnDecision, uselist=False, lazy="selectin")},
)
