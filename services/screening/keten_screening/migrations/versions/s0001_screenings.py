"""screening: screening cases

Revision ID: s0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import JSONDocument, UTCDateTime

revision = "s0001"
down_revision = None
branch_labels = ("screening",)
depends_on = ("p0001",)


def upgrade() -> None:
    op.create_table(
        "screenings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("member_state", sa.String(2), nullable=False),
        sa.Column("screening_reason", sa.String(40), nullable=False),
        sa.Column("trigger_event_ts", UTCDateTime, nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("person", JSONDocument, nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("deadline_strict", sa.Date, nullable=False),
        sa.Column("deadline_ptl", sa.Date, nullable=False),
        sa.Column("application_made_at", UTCDateTime, nullable=True),
        sa.Column("referred_at", UTCDateTime, nullable=True),
        sa.Column("completion", sa.String(40), nullable=True),
        sa.Column("missing_checks", JSONDocument, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_screenings"),
    )
    op.create_index("ix_screenings_person_id", "screenings", ["person_id"])
    op.create_index("ix_screenings_status", "screenings", ["status"])
    op.create_index("ix_screenings_deadline_strict", "screenings", ["deadline_strict"])


def downgrade() -> None:
    op.drop_table("screenings")
