"""return: the remedy against the asylum decision; suspended and cancelled return cases (APR Art 68)

Revision ID: r0002
Revises: r0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import JSONDocument, UTCDateTime

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None

NEW_CASE_COLUMNS = [
    sa.Column("suspended_at", UTCDateTime, nullable=True),
    sa.Column("suspended_from", sa.String(40), nullable=True),
    sa.Column("suspension_reason", sa.String(40), nullable=True),
    sa.Column("suspension_basis", JSONDocument, nullable=True),
    sa.Column("withdrawn_at", UTCDateTime, nullable=True),
    sa.Column("withdrawal_reason", sa.String(40), nullable=True),
    sa.Column("withdrawal_basis", JSONDocument, nullable=True),
]
FK = "fk_return_cases_asylum_decision_id_asylum_remedies"


def upgrade() -> None:
    op.create_table(
        "asylum_remedies",
        sa.Column("asylum_decision_id", sa.String(200), nullable=False),
        sa.Column("asylum_case_id", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("right_to_remain", sa.Boolean, nullable=True),
        sa.Column("right_to_remain_until", sa.Date, nullable=True),
        sa.Column("right_to_remain_basis", sa.String(100), nullable=True),
        sa.Column("right_to_remain_as_of", UTCDateTime, nullable=True),
        sa.Column("appeal_id", sa.String(200), nullable=True),
        sa.Column("appeal_lodged_at", UTCDateTime, nullable=True),
        sa.Column("appeal_suspensive", sa.Boolean, nullable=False),
        sa.Column("appeal_result", sa.String(40), nullable=True),
        sa.Column("appeal_decided_at", UTCDateTime, nullable=True),
        sa.PrimaryKeyConstraint("asylum_decision_id", name="pk_asylum_remedies"),
    )
    op.create_index("ix_asylum_remedies_asylum_case_id", "asylum_remedies", ["asylum_case_id"])
    op.create_index("ix_asylum_remedies_right_to_remain_until", "asylum_remedies", ["right_to_remain_until"])
    # Every existing return case after an asylum decision gets its (empty) remedy record: nothing reported yet.
    op.execute(
        "INSERT INTO asylum_remedies (asylum_decision_id, asylum_case_id, created_at, appeal_suspensive) "
        "SELECT asylum_decision_id, COALESCE(asylum_case_id, ''), created_at, false FROM return_cases "
        "WHERE asylum_decision_id IS NOT NULL"
    )
    with op.batch_alter_table("return_cases") as table:
        for column in NEW_CASE_COLUMNS:
            table.add_column(column)
        table.create_foreign_key(FK, "asylum_remedies", ["asylum_decision_id"], ["asylum_decision_id"])


def downgrade() -> None:
    # The walking skeleton knows no suspension: a suspended case goes back to the state it interrupted.
    # It knows no withdrawal either; a cancelled case keeps its status and the older code cannot read it.
    op.execute(
        "UPDATE return_cases SET status = COALESCE(suspended_from, 'RETURN_DECISION_ISSUED') WHERE status = 'SUSPENDED'"
    )
    with op.batch_alter_table("return_cases") as table:
        table.drop_constraint(FK, type_="foreignkey")
        for column in reversed(NEW_CASE_COLUMNS):
            table.drop_column(column.name)
    op.drop_table("asylum_remedies")
