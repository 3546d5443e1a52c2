"""asylum: keep what the screening referral brought

Revision ID: a0002
Revises: a0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import JSONDocument

revision = "a0002"
down_revision = "a0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications") as table:
        table.add_column(sa.Column("screening_referral", JSONDocument, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("applications") as table:
        table.drop_column("screening_referral")
