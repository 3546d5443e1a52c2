"""dublin: the outbound procedure (request, reply, transfer decision, remedy, transfer) and DubliNet messages

Revision ID: d0003
Revises: d0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import JSONDocument, UTCDateTime

revision = "d0003"
down_revision = "d0002"
branch_labels = None
depends_on = None

FLAGS = ("unaccompanied", "detained", "hit_based", "urgent", "humanitarian")
COLUMNS = {
    "date_of_birth": sa.Date,
    "responsible_ms": sa.String(2),
    "basis": sa.String(200),
    "determination_reason": sa.String(40),
    "determined_at": UTCDateTime,
    "request_kind": sa.String(40),
    "counterpart_ms": sa.String(2),
    "request_message_id": sa.String(36),
    "eurodac_hit_id": sa.String(200),
    "urgent_reply_days": sa.Integer,
    "request_sent_at": UTCDateTime,
    "reply_due": sa.Date,
    "accepted_at": UTCDateTime,
    "tacit": sa.Boolean,
    "refused_at": UTCDateTime,
    "refusal_reason": sa.Text,
    "re_examination_due": sa.Date,
    "decision_due": sa.Date,
    "transfer_decided_at": UTCDateTime,
    "notified_at": UTCDateTime,
    "notified_to": sa.String(40),
    "appeal_due": sa.Date,
    "appeal_lodged_at": UTCDateTime,
    "suspension": sa.String(40),
    "appeal_outcome": sa.String(40),
    "appeal_final_at": UTCDateTime,
    "transfer_start": UTCDateTime,
    "transfer_due": sa.Date,
    "detained_transfer_due": sa.Date,
    "transfer_failure": sa.String(40),
    "informed_ms_at": UTCDateTime,
    "transfer_scheduled_for": sa.Date,
    "transfer_mode": sa.String(40),
    "transferred_at": UTCDateTime,
    "closed_reason": sa.String(40),
    "closed_at": UTCDateTime,
}


def upgrade() -> None:
    with op.batch_alter_table("procedures") as batch:
        for name in FLAGS:
            batch.add_column(sa.Column(name, sa.Boolean, nullable=False, server_default=sa.false()))
        for name, type_ in COLUMNS.items():
            batch.add_column(sa.Column(name, type_, nullable=True))
    op.create_table(
        "dublinet_messages",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column(
            "procedure_id",
            sa.String(36),
            sa.ForeignKey("procedures.id", name="fk_dublinet_messages_procedure_id_procedures"),
            nullable=True,
        ),
        sa.Column("counterpart_ms", sa.String(2), nullable=False),
        sa.Column("in_reply_to", sa.String(36), nullable=True),
        sa.Column("body", JSONDocument, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("delivered_at", UTCDateTime, nullable=True),
    )
    op.create_index("ix_dublinet_messages_procedure_id", "dublinet_messages", ["procedure_id"])


def downgrade() -> None:
    op.drop_index("ix_dublinet_messages_procedure_id", table_name="dublinet_messages")
    op.drop_table("dublinet_messages")
    with op.batch_alter_table("procedures") as batch:
        for name in (*COLUMNS, *FLAGS)[::-1]:
            batch.drop_column(name)
