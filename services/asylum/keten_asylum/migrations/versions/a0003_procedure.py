"""asylum: the APR procedure — making, lodging, routing, appeals, right to remain, recognition rates

Revision ID: a0003
Revises: a0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import JSONDocument, UTCDateTime

revision = "a0003"
down_revision = "a0002"
branch_labels = None
depends_on = None

NEW_APPLICATION_COLUMNS = [
    sa.Column("screening_reason", sa.String(40), nullable=True),
    sa.Column("previous_application_ref", sa.String(200), nullable=True),
    sa.Column("subsequent_ordinal", sa.Integer, nullable=False, server_default="0"),
    sa.Column("made_to_authority", sa.String(200), nullable=True),
    sa.Column("made_place", sa.String(200), nullable=True),
    sa.Column("registration", JSONDocument, nullable=True),
    sa.Column("lodged_at", UTCDateTime, nullable=True),
    sa.Column("lodging_mode", sa.String(40), nullable=True),
    sa.Column("procedure", sa.String(40), nullable=True),
    sa.Column("routing", JSONDocument, nullable=True),
    sa.Column("examination_deadline", sa.Date, nullable=True),
    sa.Column("examination_extended", sa.String(200), nullable=True),
    sa.Column("border_deadline", sa.Date, nullable=True),
    sa.Column("border_started_at", UTCDateTime, nullable=True),
    sa.Column("examination_overdue_since", UTCDateTime, nullable=True),
    sa.Column("dublin_status", sa.String(40), nullable=False, server_default="NONE"),
    sa.Column("right_to_remain", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("right_to_remain_until", sa.Date, nullable=True),
    sa.Column("right_to_remain_basis", sa.String(40), nullable=True),
    sa.Column("final_at", UTCDateTime, nullable=True),
]

NEW_DECISION_COLUMNS = [
    sa.Column("procedure", sa.String(40), nullable=True),
    sa.Column("grounds_applied", JSONDocument, nullable=True),
    sa.Column("reasons", sa.Text, nullable=True),
    sa.Column("notified_to", sa.String(40), nullable=False, server_default="APPLICANT"),
    sa.Column("language", sa.String(40), nullable=True),
    sa.Column("appealable", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("appeal_rule", sa.String(8), nullable=True),
    sa.Column("appeal_deadline", sa.Date, nullable=True),
    sa.Column("automatic_suspensive_effect", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("remain_request_deadline", sa.Date, nullable=True),
    sa.Column("annulled_at", UTCDateTime, nullable=True),
]


def upgrade() -> None:
    with op.batch_alter_table("applications") as table:
        for column in NEW_APPLICATION_COLUMNS:
            table.add_column(column)
        # APR Art 26, 27(7): an application exists from the making; registration and lodging come later.
        table.alter_column("registered_at", existing_type=UTCDateTime, nullable=True)
        table.alter_column("registration_deadline", existing_type=sa.Date, nullable=True)
        table.alter_column("lodging_deadline", existing_type=sa.Date, nullable=True)
    for name in ("registration_deadline", "examination_deadline", "border_started_at"):
        op.create_index(f"ix_applications_{name}", "applications", [name])
    # Decisions of the walking skeleton had no appeal period on record: they are taken as final.
    op.execute("UPDATE applications SET status = 'FINAL', right_to_remain = false WHERE status = 'DECIDED'")
    with op.batch_alter_table("decisions") as table:
        for column in NEW_DECISION_COLUMNS:
            table.add_column(column)
        # A court may annul a decision (APR Art 67): an application can hold several decisions over time.
        table.drop_constraint("uq_decisions_application_id", type_="unique")
    op.create_index("ix_decisions_application_id", "decisions", ["application_id"])
    op.create_table(
        "appeals",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("application_id", sa.String(36), nullable=False),
        sa.Column("decision_id", sa.String(36), nullable=False),
        sa.Column("lodged_at", UTCDateTime, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("in_time", sa.Boolean, nullable=False),
        sa.Column("suspensive", sa.Boolean, nullable=False),
        sa.Column("court_reference", sa.String(200), nullable=True),
        sa.Column("suspension_ruling", sa.String(40), nullable=True),
        sa.Column("result", sa.String(40), nullable=True),
        sa.Column("decided_at", UTCDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_appeals"),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"], name="fk_appeals_application_id_applications"),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], name="fk_appeals_decision_id_decisions"),
    )
    op.create_index("ix_appeals_application_id", "appeals", ["application_id"])
    op.create_table(
        "remain_requests",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("application_id", sa.String(36), nullable=False),
        sa.Column("decision_id", sa.String(36), nullable=False),
        sa.Column("lodged_at", UTCDateTime, nullable=False),
        sa.Column("in_time", sa.Boolean, nullable=False),
        sa.Column("ruling", sa.String(40), nullable=True),
        sa.Column("ruled_at", UTCDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_remain_requests"),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name="fk_remain_requests_application_id_applications"
        ),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], name="fk_remain_requests_decision_id_decisions"),
    )
    op.create_index("ix_remain_requests_application_id", "remain_requests", ["application_id"])
    op.create_table(
        "recognition_rates",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("release", sa.String(100), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("reference_year", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("refugee", sa.Integer, nullable=False),
        sa.Column("subsidiary", sa.Integer, nullable=False),
        sa.Column("rate", sa.Numeric(6, 4), nullable=False),
        sa.Column("flags", sa.String(20), nullable=False),
        sa.Column("source", sa.String(400), nullable=False),
        sa.Column("imported_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_recognition_rates"),
        sa.UniqueConstraint("release", "country", "reference_year", name="uq_recognition_rates_release"),
    )
    op.create_index("ix_recognition_rates_country_year", "recognition_rates", ["country", "reference_year"])


def downgrade() -> None:
    op.drop_table("recognition_rates")
    op.drop_table("remain_requests")
    op.drop_table("appeals")
    op.drop_index("ix_decisions_application_id", "decisions")
    with op.batch_alter_table("decisions") as table:
        table.create_unique_constraint("uq_decisions_application_id", ["application_id"])
        for column in reversed(NEW_DECISION_COLUMNS):
            table.drop_column(column.name)
    for name in ("registration_deadline", "examination_deadline", "border_started_at"):
        op.drop_index(f"ix_applications_{name}", "applications")
    with op.batch_alter_table("applications") as table:
        for column in reversed(NEW_APPLICATION_COLUMNS):
            table.drop_column(column.name)
