"""The tables every service database has: outbox, inbox, audit log and deadlines.

They live on their own MetaData and are created by the shared Alembic branch ``plumbing``
(keten_shared/migrations); each service's migrations depend on that branch.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, Uuid, text

from keten_shared.db.types import BigIntKey, JSONDocument, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

plumbing_metadata = MetaData(naming_convention=NAMING_CONVENTION)

# Transactional outbox: written in the same transaction as the state change it reports.
outbox = Table(
    "outbox",
    plumbing_metadata,
    Column("seq", BigIntKey, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("topic", String(200), nullable=False),
    Column("key", String(200), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("payload", Text, nullable=False),  # the CloudEvent, serialised once, published byte for byte
    Column("created_at", UTCDateTime, nullable=False),
    Column("published_at", UTCDateTime, nullable=True),
    Index(
        "ix_outbox_unpublished",
        "seq",
        postgresql_where=text("published_at IS NULL"),
        sqlite_where=text("published_at IS NULL"),
    ),
    Index("ix_outbox_created_at", "created_at"),
)

# Idempotent consumer: one row per (consumer, event id), committed with the handler's changes.
inbox = Table(
    "inbox",
    plumbing_metadata,
    Column("consumer", String(100), primary_key=True),
    Column("event_id", String(200), primary_key=True),
    Column("event_type", String(200), nullable=False),
    Column("source", String(200), nullable=False),
    Column("topic", String(200), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("offset", BigIntKey, nullable=False),
    Column("processed_at", UTCDateTime, nullable=False),
)

# Append-only audit log (update and delete are refused by a trigger, see the plumbing migration).
audit_log = Table(
    "audit_log",
    plumbing_metadata,
    Column("id", BigIntKey, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(100), nullable=False),
    Column("entity_type", String(100), nullable=False),
    Column("entity_id", String(200), nullable=False),
    Column("legal_basis", String(500), nullable=True),
    Column("before_status", String(100), nullable=True),
    Column("after_status", String(100), nullable=True),
    Column("details", JSONDocument, nullable=True),
    Column("trace_id", String(32), nullable=True),
    Index("ix_audit_log_entity", "entity_type", "entity_id"),
    Index("ix_audit_log_at", "at"),
)

# Open legal time limits of this service; the scheduler acts on each due row exactly once.
deadlines = Table(
    "deadlines",
    plumbing_metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", String(200), nullable=False),
    Column("kind", String(100), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False),  # open | fired | cancelled
    Column("legal_basis", String(500), nullable=True),
    Column("computation", JSONDocument, nullable=True),  # the deadline library's trace
    Column("payload", JSONDocument, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("fired_at", UTCDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("retry_at", UTCDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Index(
        "ix_deadlines_open_due",
        "due_at",
        postgresql_where=text("status = 'open'"),
        sqlite_where=text("status = 'open'"),
    ),
    Index("ix_deadlines_case", "case_id", "kind"),
)
