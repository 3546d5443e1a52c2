"""Tables of the dublin database and their mapping onto the domain classes."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, MetaData, String, Table, Text, false
from sqlalchemy.orm import registry

from keten_dublin.adapters.dublinet import MessageKind
from keten_dublin.domain.model import DublinProcedure, ProcedureStatus, Regime, RequestKind, Suspension
from keten_shared.db.listing import listing_indexes
from keten_shared.db.plumbing import NAMING_CONVENTION
from keten_shared.db.types import JSONDocument, UTCDateTime, str_enum
from keten_shared.events.catalog.dublin import AppealOutcome, ClosureReason, NotifiedTo, TransferFailure, TransferMode

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
    Column("status", str_enum(ProcedureStatus), nullable=False),
    Column("application_registered_at", UTCDateTime, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("assessed_ms", String(2)),
    Column("assessed_action", String(40)),
    Column("request_due", Date),
    Column("assessment", JSONDocument),
    Column("date_of_birth", Date),
    *(
        Column(flag, Boolean, nullable=False, server_default=false())
        for flag in ("unaccompanied", "detained", "hit_based", "urgent", "humanitarian")
    ),
    *(
        Column(name, type_)
        for name, type_ in (
            ("responsible_ms", String(2)),
            ("basis", String(200)),
            ("determination_reason", String(40)),
            ("determined_at", UTCDateTime),
            ("request_kind", str_enum(RequestKind)),
            ("counterpart_ms", String(2)),
            ("request_message_id", String(36)),
            ("eurodac_hit_id", String(200)),
            ("urgent_reply_days", Integer),
            ("request_sent_at", UTCDateTime),
            ("reply_due", Date),
            ("accepted_at", UTCDateTime),
            ("tacit", Boolean),
            ("refused_at", UTCDateTime),
            ("refusal_reason", Text),
            ("re_examination_due", Date),
            ("decision_due", Date),
            ("transfer_decided_at", UTCDateTime),
            ("notified_at", UTCDateTime),
            ("notified_to", str_enum(NotifiedTo)),
            ("appeal_due", Date),
            ("appeal_lodged_at", UTCDateTime),
            ("suspension", str_enum(Suspension)),
            ("appeal_outcome", str_enum(AppealOutcome)),
            ("appeal_final_at", UTCDateTime),
            ("transfer_start", UTCDateTime),
            ("transfer_due", Date),
            ("detained_transfer_due", Date),
            ("transfer_failure", str_enum(TransferFailure)),
            ("informed_ms_at", UTCDateTime),
            ("transfer_scheduled_for", Date),
            ("transfer_mode", str_enum(TransferMode)),
            ("transferred_at", UTCDateTime),
            ("closed_reason", str_enum(ClosureReason)),
            ("closed_at", UTCDateTime),
        )
    ),
    *listing_indexes("procedures"),
)

# Every DubliNet message sent or received (Reg 1560/2003 Art 18-21): sent ones wait here until delivered, and a
# received one is recorded once, so a message collected twice from the mailbox is processed once.
dublinet_messages = Table(
    "dublinet_messages",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("direction", String(3), nullable=False),  # OUT or IN
    Column("kind", str_enum(MessageKind), nullable=False),
    Column("procedure_id", String(36), ForeignKey("procedures.id"), index=True),
    Column("counterpart_ms", String(2), nullable=False),
    Column("in_reply_to", String(36)),
    Column("body", JSONDocument, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime),
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
