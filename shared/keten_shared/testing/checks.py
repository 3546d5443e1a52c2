"""Assertions every service's test suite makes: problem details, and migrations that match the models."""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect

from keten_shared.db import migrate
from keten_shared.db.engine import create_engine
from keten_shared.db.plumbing import plumbing_metadata
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
