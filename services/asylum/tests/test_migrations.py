"""The asylum migrations create exactly the tables the ORM maps, and run down to base and up again."""

from datetime import UTC, date, datetime, timedelta

from keten_asylum.entrypoints.worklists_api import examinations_due
from keten_asylum.service_layer.return_link import missing_query
from keten_shared.testing.checks import (
    assert_migrations_match_models,
    assert_pages_read_in_index_order,
    query_plan,
)
from keten_shared.testing.fixtures import migrated

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


async def test_applications_pages_are_read_in_index_order_however_many_are_stored(postgres_url):
    url = await migrated("keten_asylum", postgres_url)
    await assert_pages_read_in_index_order("keten_asylum", "applications", url, status="LODGED")


async def test_the_supervisors_work_lists_read_only_open_cases_by_index(postgres_url):
    url = await migrated("keten_asylum", postgres_url)
    today = date(2026, 7, 10)

    examinations = await query_plan(url, examinations_due(today, today + timedelta(days=14), False, 100))
    assert "Index Scan using ix_applications_examination_due" in examinations, examinations
    assert "Index Cond: (((status)::text = ANY" in examinations, examinations

    missing = await query_plan(url, missing_query(decided_before=datetime(2026, 7, 9, tzinfo=UTC), limit=100))
    assert "Index Scan using ix_decisions_return_decision_missing" in missing, missing
    assert "Sort" not in missing, missing
