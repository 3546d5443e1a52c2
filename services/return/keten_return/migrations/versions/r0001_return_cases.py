"""return: return cases and return decisions

Revision ID: r0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import JSONDocument, UTCDateTime

revision = "r0001"
down_revision = None
branch_labels = ("return",)
depends_on = ("p0001",)


def upgrade() -> None:
    op.create_table(
        "return_cases",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("member_state", sa.String(2), nullable=False),
        sa.Column("trigger", sa.String(40), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("asylum_case_id", sa.String(200), nullable=True),
        sa.Column("asylum_decision_id", sa.String(200), nullable=True),
        sa.Column("screening_case_id", sa.String(200), nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_return_cases"),
        sa.UniqueConstraint("asylum_decision_id", name="uq_return_cases_asylum_decision_id"),
        sa.UniqueConstraint("screening_case_id", name="uq_return_cases_screening_case_id"),
    )
    op.create_index("ix_return_cases_person_id", "return_cases", ["person_id"])
    op.create_index("ix_return_cases_status", "return_cases", ["status"])
    op.create_index("ix_return_cases_asylum_case_id", "return_cases", ["asylum_case_id"])
    op.create_table(
        "return_decisions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("issued_at", UTCDateTime, nullable=False),
        sa.Column("legal_basis", JSONDocument, nullable=False),
        sa.Column("country_of_return", sa.String(3), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_return_decisions"),
        sa.ForeignKeyConstraint(["case_id"], ["return_cases.id"], name="fk_return_decisions_case_id_return_cases"),
        sa.UniqueConstraint("case_id", name="uq_return_decisions_case_id"),
    )


def downgrade() -> None:
    op.drop_table("return_decisions")
    op.drop_table("return_cases")
