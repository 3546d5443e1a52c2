"""screening: indexes that keep list pages as cheap with a million stored records as with ten

Revision ID: s0004
Revises: s0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "s0004"
down_revision = "s0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (status, created_at, id) also serves every lookup the single-column status index served.
    op.drop_index("ix_screenings_status", table_name="screenings")
    op.create_index("ix_screenings_listed", "screenings", ["created_at", "id"])
    op.create_index("ix_screenings_status_listed", "screenings", ["status", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_screenings_status_listed", table_name="screenings")
    op.drop_index("ix_screenings_listed", table_name="screenings")
    op.create_index("ix_screenings_status", "screenings", ["status"])
