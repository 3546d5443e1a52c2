"""reception: reception files

Revision ID: c0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import UTCDateTime

revision = "c0001"
down_revision = None
branch_labels = ("reception",)
depends_on = ("p0001",)


def upgrade() -> None:
    op.create_table(
        "reception_files",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("member_state", sa.String(2), nullable=False),
        sa.Column("asylum_case_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("application_made_at", UTCDateTime, nullable=False),
        sa.Column("needs_assessment_due", sa.Date, nullable=False),
        sa.Column("opened_at", UTCDateTime, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reception_files"),
        sa.UniqueConstraint("asylum_case_id", name="uq_reception_files_asylum_case_id"),
    )
    op.create_index("ix_reception_files_person_id", "reception_files", ["person_id"])
    op.create_index("ix_reception_files_status", "reception_files", ["status"])
    op.create_index("ix_reception_files_needs_assessment_due", "reception_files", ["needs_assessment_due"])


def downgrade() -> None:
    op.drop_table("reception_files")
