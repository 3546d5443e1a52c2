"""dublin: Eurodac hits and screening findings per person; the first assessment of each procedure

Revision ID: d0002
Revises: d0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import JSONDocument, UTCDateTime

revision = "d0002"
down_revision = "d0001"
branch_labels = None
depends_on = None

ASSESSMENT_COLUMNS = [
    sa.Column("assessed_ms", sa.String(2), nullable=True),
    sa.Column("assessed_action", sa.String(40), nullable=True),
    sa.Column("request_due", sa.Date, nullable=True),
    sa.Column("assessment", JSONDocument, nullable=True),
]


def upgrade() -> None:
    op.create_table(
        "eurodac_hits",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("member_state", sa.String(2), nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
        sa.Column("responsible_ms", sa.String(2), nullable=True),
        sa.Column("relocation_ms", sa.String(2), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_eurodac_hits"),
    )
    op.create_index("ix_eurodac_hits_person_id", "eurodac_hits", ["person_id"])
    op.create_table(
        "screening_findings",
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("screening_case_id", sa.String(200), nullable=False),
        sa.Column("security_threat", sa.Boolean, nullable=True),
        sa.Column("unaccompanied_minor", sa.Boolean, nullable=False),
        sa.Column("date_of_birth", sa.Date, nullable=True),
        sa.Column("referred_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("person_id", name="pk_screening_findings"),
    )
    with op.batch_alter_table("procedures") as table:
        for column in ASSESSMENT_COLUMNS:
            table.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("procedures") as table:
        for column in ASSESSMENT_COLUMNS:
            table.drop_column(column.name)
    op.drop_table("screening_findings")
    op.drop_table("eurodac_hits")
