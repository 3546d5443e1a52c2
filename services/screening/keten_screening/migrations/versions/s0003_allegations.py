"""screening: allegations for the fundamental-rights monitoring mechanism (SR Art 10); one running screening a person

Revision ID: s0003
Revises: s0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import JSONDocument, UTCDateTime

revision = "s0003"
down_revision = "s0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "allegations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("screening_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("substantiated", sa.Boolean, nullable=True),
        sa.Column("investigation_ref", sa.String(200), nullable=True),
        sa.Column("outcome", sa.Text, nullable=True),
        sa.Column("history", JSONDocument, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_allegations"),
        sa.ForeignKeyConstraint(["screening_id"], ["screenings.id"], name="fk_allegations_screening_id_screenings"),
    )
    for column in ("screening_id", "category", "received_at", "status"):
        op.create_index(f"ix_allegations_{column}", "allegations", [column])
    running = sa.text("status IN ('INITIATED', 'IN_PROGRESS', 'ABSCONDED')")
    op.create_index(
        "uq_screenings_running_person",
        "screenings",
        ["person_id"],
        unique=True,
        postgresql_where=running,
        sqlite_where=running,
    )


def downgrade() -> None:
    op.drop_index("uq_screenings_running_person", table_name="screenings")
    op.drop_table("allegations")
