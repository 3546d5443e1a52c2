"""reception: the end of a reception file, and why (RCD Art 2(2); AMMR Art 46(1))

Revision ID: c0004
Revises: c0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import UTCDateTime

revision = "c0004"
down_revision = "c0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reception_files") as table:
        table.add_column(sa.Column("ended_at", UTCDateTime, nullable=True))
        table.add_column(sa.Column("ended_reason", sa.String(40), nullable=True))
    # A file whose conditions ended was transferred out (the only end before this revision).
    op.execute(
        "UPDATE reception_files SET status = 'ENDED', ended_at = conditions_since, ended_reason = 'TRANSFERRED_OUT'"
        " WHERE conditions = 'ENDED'"
    )


def downgrade() -> None:
    op.execute("UPDATE reception_files SET status = 'OPEN_UNPLACED' WHERE status = 'ENDED'")
    with op.batch_alter_table("reception_files") as table:
        table.drop_column("ended_reason")
        table.drop_column("ended_at")
