"""asylum: postponement of the examination for a temporary uncertain situation (APR Art 35(7))

Revision ID: a0005
Revises: a0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import UTCDateTime

revision = "a0005"
down_revision = "a0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("applications", sa.Column("postponed_at", UTCDateTime, nullable=True))
    op.add_column("applications", sa.Column("postponement_country", sa.String(3), nullable=True))
    op.add_column("applications", sa.Column("postponement_reasons", sa.Text, nullable=True))
    op.add_column("applications", sa.Column("postponement_review_due", sa.Date, nullable=True))
    op.create_index("ix_applications_postponement_review_due", "applications", ["postponement_review_due"])


def downgrade() -> None:
    op.drop_index("ix_applications_postponement_review_due", table_name="applications")
    for column in ("postponement_review_due", "postponement_reasons", "postponement_country", "postponed_at"):
        op.drop_column("applications", column)
