"""The return migrations create exactly the tables the ORM maps, and run down to base and up again."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from keten_return.adapters.orm import metadata
from keten_shared.db import migrate
from keten_shared.db.engine import create_engine
from keten_shared.db.plumbing import plumbing_metadata
from keten_shared.testing.fixtures import migrated

PACKAGE = "keten_return"
TABLES = {"return_cases", "return_decisions"}
PLUMBING = {"outbox", "inbox", "audit_log", "deadlines", "alembic_version"}


async def differences(url: str, target=(plumbing_metadata, metadata)) -> list:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:

            def compare(sync_connection):
                context = MigrationContext.configure(sync_connection, opts={"compare_type": True})
                return compare_metadata(context, list(target))

            return await connection.run_sync(compare)
    finally:
        await engine.dispose()


async def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_migrations_match_the_orm_and_go_down_and_up(postgres_url):
    url = await migrated(PACKAGE, postgres_url)
    assert await table_names(url) == TABLES | PLUMBING
    assert await differences(url) == []
    # The comparison has teeth: without the service metadata its tables show up as extra.
    removed = {diff[1].name for diff in await differences(url, [plumbing_metadata]) if diff[0] == "remove_table"}
    assert removed == TABLES

    await asyncio.to_thread(migrate.downgrade, PACKAGE, url, "base")
    assert await table_names(url) <= {"alembic_version"}

    await asyncio.to_thread(migrate.upgrade, PACKAGE, url)
    assert await table_names(url) == TABLES | PLUMBING
    assert await differences(url) == []
