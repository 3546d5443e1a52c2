"""Alembic environment shared by every service (async engines: asyncpg or aiosqlite)."""

from __future__ import annotations

import asyncio
import importlib
import os

from alembic import context

from keten_shared.db.engine import create_engine
from keten_shared.db.plumbing import plumbing_metadata

config = context.config


def _target_metadata():  # type: ignore[no-untyped-def]
    module_name, _, attribute = config.get_main_option("keten_metadata", "").partition(":")
    service_metadata = getattr(importlib.import_module(module_name), attribute)
    return [plumbing_metadata, service_metadata]


def _url() -> str:
    return os.environ.get("KETEN_DATABASE_URL") or config.get_main_option("sqlalchemy.url") or ""


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=_target_metadata(),
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_engine(_url())
    async with engine.connect() as connection:
        await connection.run_sync(_configure)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=_target_metadata(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
