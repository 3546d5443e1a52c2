"""asylum: applications and decisions

Revision ID: a0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import JSONDocument, UTCDateTime

revision = "a0001"
down_revision = None
branch_labels = ("asylum",)
depends_on = ("p0001",)


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("member_state", sa.String(2), nullable=False),
        sa.Column("person", JSONDocument, nullable=False),
        sa.Column("screening_case_id", sa.String(200), nullable=True),
        sa.Column("unaccompanied_minor", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("made_at", UTCDateTime, nullable=False),
        sa.Column("registered_at", UTCDateTime, nullable=False),
        sa.Column("registration_deadline", sa.Date, nullable=False),
        sa.Column("lodging_deadline", sa.Date, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_applications"),
        sa.UniqueConstraint("screening_case_id", name="uq_applications_screening_case_id"),
    )
    op.create_index("ix_applications_person_id", "applications", ["person_id"])
    op.create_index("ix_applications_status", "applications", ["status"])
    op.create_index("ix_applications_lodging_deadline", "applications", ["lodging_deadline"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("application_id", sa.String(36), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("procedure_type", sa.String(40), nullable=False),
        sa.Column("legal_basis", JSONDocument, nullable=False),
        sa.Column("notified_at", UTCDateTime, nullable=False),
        sa.Column("return_decision_required", sa.Boolean, nullable=False),
        sa.Column("return_decision_mode", sa.String(40), nullable=True),
        sa.Column("decided_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name="fk_decisions_application_id_applications"
        ),
        sa.UniqueConstraint("application_id", name="uq_decisions_application_id"),
    )


def downgrade() -> None:
    op.drop_table("decisions")
    op.drop_table("applications")
