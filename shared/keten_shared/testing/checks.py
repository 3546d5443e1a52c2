"""Assertions every service's test suite makes: problem details, migrations that match the models, query plans."""

from __future__ import annotations

import asyncio
import importlib
from datetime import UTC, datetime
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, Select, inspect, select
from sqlalchemy.dialects import postgresql

from keten_shared.db import migrate
from keten_shared.db.engine import create_engine
from keten_shared.db.plumbing import plumbing_metadata
from keten_shared.http.pagination import encode_cursor, keyset
from keten_shared.testing.fixtures import migrated

PLUMBING_TABLES = {"outbox", "inbox", "audit_log", "deadlines", "alembic_version"}


def assert_problem(response: Any, status: int, slug: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status (and type slug); returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["type"].startswith("urn:keten:problem:")
    if slug is not None:
        assert problem["type"] == f"urn:keten:problem:{slug}"
    return problem


async def _differences(url: str, target: list[MetaData]) -> list[Any]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:

            def compare(sync_connection: Any) -> list[Any]:
                context = MigrationContext.configure(sync_connection, opts={"compare_type": True})
                return list(compare_metadata(context, target))

            return await connection.run_sync(compare)
    finally:
        await engine.dispose()


async def _table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def assert_migrations_match_models(package: str, tables: set[str], empty_database_url: str) -> None:
    """The service's migrations create exactly its ORM tables plus the plumbing, and go down and up again."""
    metadata = importlib.import_module(f"{package}.adapters.orm").metadata
    url = await migrated(package, empty_database_url)
    assert await _table_names(url) == tables | PLUMBING_TABLES
    assert await _differences(url, [plumbing_metadata, metadata]) == []
    # The comparison has teeth: without the service metadata its tables show up as extra.
    removed = {diff[1].name for diff in await _differences(url, [plumbing_metadata]) if diff[0] == "remove_table"}
    assert removed == tables

    await asyncio.to_thread(migrate.downgrade, package, url, "base")
    assert await _table_names(url) <= {"alembic_version"}

    await asyncio.to_thread(migrate.upgrade, package, url)
    assert await _table_names(url) == tables | PLUMBING_TABLES
    assert await _differences(url, [plumbing_metadata, metadata]) == []


async def query_plan(url: str, query: Select[Any]) -> str:
    """PostgreSQL's plan for ``query`` as if the table were large: the plan that avoids reading or sorting the
    whole table when an index allows it (on a test's near-empty table a full read would be cheaper)."""
    sql = str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            for method in ("seqscan", "bitmapscan", "sort"):
                await connection.exec_driver_sql(f"SET enable_{method} = off")
            return "\n".join((await connection.exec_driver_sql(f"EXPLAIN {sql}")).scalars())
    finally:
        await engine.dispose()


async def assert_pages_read_in_index_order(package: str, table_name: str, url: str, status: str) -> None:
    """Every page of a listed table, of all records or of one status, first or later, is an index range read:
    no sort of the stored records (keten_shared.db.listing)."""
    table = importlib.import_module(f"{package}.adapters.orm").metadata.tables[table_name]
    cursor = encode_cursor(datetime(2026, 7, 1, tzinfo=UTC), "00000000-0000-0000-0000-000000000000")
    for where in ([], [table.c.status == status]):
        for after in (None, cursor):
            query = keyset(select(table).where(*where), table.c.created_at, table.c.id, after, 50)
            plan = await query_plan(url, query)
            assert "Sort" not in plan and f"Index Scan using ix_{table_name}_" in plan, plan
