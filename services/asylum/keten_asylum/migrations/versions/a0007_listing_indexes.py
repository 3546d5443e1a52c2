"""asylum: indexes that keep list pages and work lists as cheap with a million stored records as with ten

Revision ID: a0007
Revises: a0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a0007"
down_revision = "a0006"
branch_labels = None
depends_on = None

RETURN_DECISION_MISSING = sa.text(
    "return_decision_required IS true AND return_decision_id IS NULL AND annulled_at IS NULL"
)


def upgrade() -> None:
    # (status, created_at, id) also serves every lookup the single-column status index served.
    op.drop_index("ix_applications_status", table_name="applications")
    op.create_index("ix_applications_listed", "applications", ["created_at", "id"])
    op.create_index("ix_applications_status_listed", "applications", ["status", "created_at", "id"])
    op.drop_index("ix_applications_examination_deadline", table_name="applications")
    op.create_index("ix_applications_examination_due", "applications", ["status", "examination_deadline", "id"])
    op.create_index(
        "ix_decisions_return_decision_missing",
        "decisions",
        ["decided_at", "id"],
        postgresql_where=RETURN_DECISION_MISSING,
        sqlite_where=RETURN_DECISION_MISSING,
    )


def downgrade() -> None:
    op.drop_index("ix_decisions_return_decision_missing", table_name="decisions")
    op.drop_index("ix_applications_examination_due", table_name="applications")
    op.create_index("ix_applications_examination_deadline", "applications", ["examination_deadline"])
    op.drop_index("ix_applications_status_listed", table_name="applications")
    op.drop_index("ix_applications_listed", table_name="applications")
    op.create_index("ix_applications_status", "applications", ["status"])
