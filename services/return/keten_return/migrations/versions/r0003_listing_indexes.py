"""return: indexes that keep list pages as cheap with a million stored records as with ten

Revision ID: r0003
Revises: r0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "r0003"
down_revision = "r0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (status, created_at, id) also serves every lookup the single-column status index served.
    op.drop_index("ix_return_cases_status", table_name="return_cases")
    op.create_index("ix_return_cases_listed", "return_cases", ["created_at", "id"])
    op.create_index("ix_return_cases_status_listed", "return_cases", ["status", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_return_cases_status_listed", table_name="return_cases")
    op.drop_index("ix_return_cases_listed", table_name="return_cases")
    op.create_index("ix_return_cases_status", "return_cases", ["status"])
