"""asylum: the return decision issued for a negative decision (APR Art 37)

Revision ID: a0006
Revises: a0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import UTCDateTime

revision = "a0006"
down_revision = "a0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("decisions", sa.Column("return_decision_id", sa.String(200), nullable=True))
    op.add_column("decisions", sa.Column("return_decision_issued_at", UTCDateTime, nullable=True))


def downgrade() -> None:
    op.drop_column("decisions", "return_decision_issued_at")
    op.drop_column("decisions", "return_decision_id")
