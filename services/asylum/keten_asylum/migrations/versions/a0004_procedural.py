"""asylum: procedural guarantees — interviews, legal counselling, special guarantees, UAM representatives

Revision ID: a0004
Revises: a0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from keten_shared.db.types import JSONDocument, UTCDateTime

revision = "a0004"
down_revision = "a0003"
branch_labels = None
depends_on = None

ENUM = sa.String(40)  # str_enum columns are VARCHAR(40)


def _application(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("application_id", sa.String(36), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=f"fk_{table}_application_id_applications"
        ),
    ]


def upgrade() -> None:
    # APR Art 11-14: interviews held, omitted or postponed.
    op.create_table(
        "interviews",
        sa.Column("id", sa.String(36), nullable=False),
        *_application("interviews"),
        sa.Column("type", ENUM, nullable=False),
        sa.Column("outcome", ENUM, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("held_at", UTCDateTime, nullable=True),
        sa.Column("interviewer_id", sa.String(200), nullable=True),
        sa.Column("interpreter_language", sa.String(35), nullable=True),
        sa.Column("cultural_mediator", sa.Boolean, nullable=False),
        sa.Column("legal_adviser_present", sa.Boolean, nullable=False),
        sa.Column("representative_present", sa.Boolean, nullable=False),
        sa.Column("child_sensitive", sa.Boolean, nullable=False),
        sa.Column("recording_uri", sa.String(1000), nullable=True),
        sa.Column("transcript_uri", sa.String(1000), nullable=True),
        sa.Column("applicant_confirmation", ENUM, nullable=True),
        sa.Column("confirmation_waiver", ENUM, nullable=True),
        sa.Column("omission_ground", ENUM, nullable=True),
        sa.Column("written_submissions_offered", sa.Boolean, nullable=True),
        sa.Column("postponement_reason", ENUM, nullable=True),
        sa.Column("medical_professional_consulted", sa.Boolean, nullable=True),
        sa.Column("rescheduled_for", UTCDateTime, nullable=True),
        sa.Column("reasons", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_interviews"),
    )
    # APR Art 16: free legal counselling.
    op.create_table(
        "counselling_requests",
        sa.Column("id", sa.String(36), nullable=False),
        *_application("counselling_requests"),
        sa.Column("requested_at", UTCDateTime, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("status", ENUM, nullable=False),
        sa.Column("provided_at", UTCDateTime, nullable=True),
        sa.Column("provider", sa.String(200), nullable=True),
        sa.Column("refusal_ground", ENUM, nullable=True),
        sa.Column("reasons", sa.Text, nullable=True),
        sa.Column("decided_at", UTCDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_counselling_requests"),
    )
    # APR Art 20: special procedural guarantees assessments (history kept).
    op.create_table(
        "guarantees_assessments",
        sa.Column("id", sa.String(36), nullable=False),
        *_application("guarantees_assessments"),
        sa.Column("assessed_at", UTCDateTime, nullable=False),
        sa.Column("needs", JSONDocument, nullable=False),
        sa.Column("adequate_support", sa.Boolean, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("review", sa.Boolean, nullable=False),
        sa.Column("in_time", sa.Boolean, nullable=False),
        sa.Column("medical_examination", sa.Boolean, nullable=False),
        sa.Column("support_measures", sa.Text, nullable=True),
        sa.Column("reasons", sa.Text, nullable=True),
        sa.Column("superseded_at", UTCDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_guarantees_assessments"),
    )
    # APR Art 20, 23(2)(b), 23(3): the T4 and T5 limits.
    op.create_table(
        "procedural_limits",
        *_application("procedural_limits"),
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("legal_basis", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("met_at", UTCDateTime, nullable=True),
        sa.Column("overdue_since", UTCDateTime, nullable=True),
        sa.Column("extension_ground", ENUM, nullable=True),
        sa.Column("extension_reasons", sa.Text, nullable=True),
        sa.Column("extended_at", UTCDateTime, nullable=True),
        sa.PrimaryKeyConstraint("application_id", "kind", name="pk_procedural_limits"),
    )
    # APR Art 23: provisional assisting persons and representatives of unaccompanied minors.
    op.create_table(
        "representative_appointments",
        sa.Column("id", sa.String(36), nullable=False),
        *_application("representative_appointments"),
        sa.Column("role", ENUM, nullable=False),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=True),
        sa.Column("appointed_at", UTCDateTime, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("in_time", sa.Boolean, nullable=True),
        sa.Column("ended_at", UTCDateTime, nullable=True),
        sa.Column("end_reason", ENUM, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_representative_appointments"),
    )
    for table in ("interviews", "counselling_requests", "guarantees_assessments", "representative_appointments"):
        op.create_index(f"ix_{table}_application_id", table, ["application_id"])
    op.create_index("ix_representative_appointments_person_id", "representative_appointments", ["person_id"])


def downgrade() -> None:
    for table in (
        "representative_appointments",
        "procedural_limits",
        "guarantees_assessments",
        "counselling_requests",
        "interviews",
    ):
        op.drop_table(table)
