"""dublin: responsibility-determination procedures

Revision ID: d0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import UTCDateTime

revision = "d0001"
down_revision = None
branch_labels = ("dublin",)
depends_on = ("p0001",)


def upgrade() -> None:
    op.create_table(
        "procedures",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("member_state", sa.String(2), nullable=False),
        sa.Column("asylum_case_id", sa.String(200), nullable=False),
        sa.Column("regime", sa.String(40), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("application_registered_at", UTCDateTime, nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_procedures"),
        sa.UniqueConstraint("asylum_case_id", name="uq_procedures_asylum_case_id"),
    )
    op.create_index("ix_procedures_person_id", "procedures", ["person_id"])
    op.create_index("ix_procedures_status", "procedures", ["status"])


def downgrade() -> None:
    op.drop_table("procedures")
