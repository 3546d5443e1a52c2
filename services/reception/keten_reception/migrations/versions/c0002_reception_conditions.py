"""reception: the reception conditions a Dublin procedure leaves the applicant (AMMR Art 18(1); RCD Art 21)

Revision ID: c0002
Revises: c0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import UTCDateTime

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None

NEW_FILE_COLUMNS = [
    # Every existing file has had the full conditions since it was opened.
    sa.Column("conditions", sa.String(40), nullable=False, server_default="FULL"),
    sa.Column("conditions_since", UTCDateTime, nullable=True),
    sa.Column("conditions_basis", sa.String(100), nullable=True),
    sa.Column("conditions_effect_at", UTCDateTime, nullable=True),
]


def upgrade() -> None:
    with op.batch_alter_table("reception_files") as table:
        for column in NEW_FILE_COLUMNS:
            table.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("reception_files") as table:
        for column in reversed(NEW_FILE_COLUMNS):
            table.drop_column(column.name)
