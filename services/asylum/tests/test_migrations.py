"""The asylum migrations create exactly the tables the ORM maps, and run down to base and up again."""

from keten_shared.testing.checks import assert_migrations_match_models

TABLES = {
    "applications",
    "decisions",
    "appeals",
    "remain_requests",
    "recognition_rates",
    # APR Art 11-16, 20-23: the procedural guarantees
    "interviews",
    "counselling_requests",
    "guarantees_assessments",
    "procedural_limits",
    "representative_appointments",
}


async def test_migrations_match_the_orm_and_go_down_and_up(postgres_url):
    await assert_migrations_match_models("keten_asylum", TABLES, postgres_url)
