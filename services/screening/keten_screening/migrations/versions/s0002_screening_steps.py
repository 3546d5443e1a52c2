"""screening: the steps of the Screening Regulation, Eurodac, restricted security findings

Revision ID: s0002
Revises: s0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import JSONDocument, UTCDateTime

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None

_STEP_COLUMNS = (
    "info",
    "health",
    "vulnerability",
    "minor",
    "identification",
    "security",
    "biometrics",
    "cooperation",
    "form_details",
    "form_review",
    "restriction",
)


def upgrade() -> None:
    with op.batch_alter_table("screenings") as table:
        table.add_column(sa.Column("nationalities", JSONDocument, nullable=False, server_default="[]"))
        table.add_column(sa.Column("deadline_due_at", UTCDateTime, nullable=True))
        table.add_column(sa.Column("started_at", UTCDateTime, nullable=True))
        table.add_column(sa.Column("held_at_external_border", sa.Boolean, nullable=False, server_default=sa.false()))
        table.add_column(sa.Column("out_of_scope_reason", sa.String(40), nullable=True))
        table.add_column(sa.Column("relocation_member_state", sa.String(2), nullable=True))
        table.add_column(sa.Column("absconded_at", UTCDateTime, nullable=True))
        table.add_column(sa.Column("absconded", sa.Boolean, nullable=False, server_default=sa.false()))
        table.add_column(sa.Column("referral_target", sa.String(40), nullable=True))
        table.add_column(sa.Column("referral_basis", sa.String(50), nullable=True))
        table.add_column(sa.Column("closed_at", UTCDateTime, nullable=True))
        table.add_column(sa.Column("closure_note", sa.Text, nullable=True))
        table.add_column(sa.Column("merged_into", sa.String(36), nullable=True))
        for column in _STEP_COLUMNS:
            table.add_column(sa.Column(column, JSONDocument, nullable=True))
        table.create_index("ix_screenings_deadline_due_at", ["deadline_due_at"])
        table.create_index("ix_screenings_location", ["location"])
    op.create_table(
        "eurodac_registrations",
        sa.Column("screening_id", sa.String(36), nullable=False),
        sa.Column("record", JSONDocument, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("screening_id", name="pk_eurodac_registrations"),
        sa.ForeignKeyConstraint(
            ["screening_id"], ["screenings.id"], name="fk_eurodac_registrations_screening_id_screenings"
        ),
    )
    op.create_table(
        "security_findings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("screening_id", sa.String(36), nullable=False),
        sa.Column("batch", sa.String(36), nullable=False),
        sa.Column("system", sa.String(40), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("detail", JSONDocument, nullable=False),
        sa.Column("found_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_security_findings"),
        sa.ForeignKeyConstraint(
            ["screening_id"], ["screenings.id"], name="fk_security_findings_screening_id_screenings"
        ),
    )
    op.create_index("ix_security_findings_screening_id", "security_findings", ["screening_id"])


def downgrade() -> None:
    op.drop_table("security_findings")
    op.drop_table("eurodac_registrations")
    with op.batch_alter_table("screenings") as table:
        table.drop_index("ix_screenings_location")
        table.drop_index("ix_screenings_deadline_due_at")
        for column in reversed(_STEP_COLUMNS):
            table.drop_column(column)
        for column in (
            "merged_into",
            "closure_note",
            "closed_at",
            "referral_basis",
            "referral_target",
            "absconded",
            "absconded_at",
            "relocation_member_state",
            "out_of_scope_reason",
            "held_at_external_border",
            "started_at",
            "deadline_due_at",
            "nationalities",
        ):
            table.drop_column(column)
