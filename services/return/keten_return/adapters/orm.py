"""Tables of the return database and their mapping onto the domain classes."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, MetaData, String, Table
from sqlalchemy.orm import registry, relationship

from keten_return.domain.model import AppealResult, AsylumRemedy, ReturnCase, ReturnCaseStatus, ReturnDecision
from keten_shared.db.listing import listing_indexes
from keten_shared.db.plumbing import NAMING_CONVENTION
from keten_shared.db.types import JSONDocument, UTCDateTime, str_enum
from keten_shared.events.catalog.return_ import ReturnTrigger, SuspensionReason, WithdrawalReason

metadata = MetaData(naming_convention=NAMING_CONVENTION)
mapper_registry = registry(metadata=metadata)

# What the asylum service reported on the remedy against each of its decisions, whichever event came first:
# every handler of an asylum decision locks this row, so the handlers of one decision never interleave.
asylum_remedies = Table(
    "asylum_remedies",
    metadata,
    Column("asylum_decision_id", String(200), primary_key=True),
    Column("asylum_case_id", String(200), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("right_to_remain", Boolean, nullable=True),
    Column("right_to_remain_until", Date, nullable=True, index=True),
    Column("right_to_remain_basis", String(100), nullable=True),
    Column("right_to_remain_as_of", UTCDateTime, nullable=True),
    Column("appeal_id", String(200), nullable=True),
    Column("appeal_lodged_at", UTCDateTime, nullable=True),
    Column("appeal_suspensive", Boolean, nullable=False),
    Column("appeal_result", str_enum(AppealResult), nullable=True),
    Column("appeal_decided_at", UTCDateTime, nullable=True),
)

return_cases = Table(
    "return_cases",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("person_id", String(200), nullable=False, index=True),
    Column("member_state", String(2), nullable=False),
    Column("trigger", str_enum(ReturnTrigger), nullable=False),
    Column("status", str_enum(ReturnCaseStatus), nullable=False),
    # One return case per triggering decision or referral, however often its event arrives.
    Column("asylum_case_id", String(200), nullable=True, index=True),
    Column(
        "asylum_decision_id",
        String(200),
        ForeignKey("asylum_remedies.asylum_decision_id"),
        nullable=True,
        unique=True,
    ),
    Column("screening_case_id", String(200), nullable=True, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    # APR Art 68(1): the suspension in force, and the state it interrupted.
    Column("suspended_at", UTCDateTime, nullable=True),
    Column("suspended_from", str_enum(ReturnCaseStatus), nullable=True),
    Column("suspension_reason", str_enum(SuspensionReason), nullable=True),
    Column("suspension_basis", JSONDocument, nullable=True),
    Column("withdrawn_at", UTCDateTime, nullable=True),
    Column("withdrawal_reason", str_enum(WithdrawalReason), nullable=True),
    Column("withdrawal_basis", JSONDocument, nullable=True),
    *listing_indexes("return_cases"),
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

mapper_registry.map_imperatively(AsylumRemedy, asylum_remedies)
mapper_registry.map_imperatively(ReturnDecision, return_decisions)
mapper_registry.map_imperatively(
    ReturnCase,
    return_cases,
    version_id_col=return_cases.c.version,
    properties={
        "decision": relationship(ReturnDecision, uselist=False, lazy="selectin"),
        "remedy": relationship(AsylumRemedy, uselist=False, lazy="selectin"),
    },
)
