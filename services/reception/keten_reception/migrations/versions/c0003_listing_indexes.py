"""reception: indexes that keep list pages as cheap with a million stored records as with ten

Revision ID: c0003
Revises: c0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (status, created_at, id) also serves every lookup the single-column status index served.
    op.drop_index("ix_reception_files_status", table_name="reception_files")
    op.create_index("ix_reception_files_listed", "reception_files", ["created_at", "id"])
    op.create_index("ix_reception_files_status_listed", "reception_files", ["status", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_reception_files_status_listed", table_name="reception_files")
    op.drop_index("ix_reception_files_listed", table_name="reception_files")
    op.create_index("ix_reception_files_status", "reception_files", ["status"])
