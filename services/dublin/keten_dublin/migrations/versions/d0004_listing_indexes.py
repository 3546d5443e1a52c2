"""dublin: indexes that keep list pages as cheap with a million stored records as with ten

Revision ID: d0004
Revises: d0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "d0004"
down_revision = "d0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (status, created_at, id) also serves every lookup the single-column status index served.
    op.drop_index("ix_procedures_status", table_name="procedures")
    op.create_index("ix_procedures_listed", "procedures", ["created_at", "id"])
    op.create_index("ix_procedures_status_listed", "procedures", ["status", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_procedures_status_listed", table_name="procedures")
    op.drop_index("ix_procedures_listed", table_name="procedures")
    op.create_index("ix_procedures_status", "procedures", ["status"])
