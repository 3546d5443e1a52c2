"""Bulk seeding for figure (6): many stored cases, written by PostgreSQL itself in seconds.

The services' own code writes the template: the cases of the load that has just run, every row
they left in every table (records, deadlines, audit log, inbox, published outbox). Seeding
then copies the template as often as asked, inside each database (``INSERT … SELECT`` over
``generate_series``): copy ``g`` gets every identifier mapped to ``md5(identifier:g)`` as a UUID,
so the copies keep the template's references between rows and between services, and nothing
collides. Serial keys are left to their sequences; everything else is copied as it is. Copies
of a case are therefore realistic in shape and in the spread of their values (statuses, dates,
open deadlines), which is what the planner and the indexes see.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import asyncpg

from .stack import connect

TEMPLATE = "bench_template"
UUID_TEXT = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
SKIPPED = {"alembic_version"}
HISTORY = {"outbox", "inbox", "audit_log"}
# Copy g of a (random, version 4) UUID: its first 96 bits, which tell the template's identifiers apart, then g.
COPY_OF = "overlay({} placing lpad(to_hex(g), 12, '0') from 25)"


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    serial: bool

    @property
    def is_identifier(self) -> bool:
        return self.name in ("id", "key") or self.name.endswith("_id")

    def copied(self) -> str:
        """The expression that fills this column in copy ``g``."""
        quoted = f'"{self.name}"'
        if self.data_type == "uuid":
            return f"{COPY_OF.format(f'{quoted}::text')}::uuid"
        if self.is_identifier and self.data_type in ("text", "character varying"):
            return f"CASE WHEN {quoted} ~ '{UUID_TEXT}' THEN {COPY_OF.format(quoted)} ELSE {quoted} END"
        return quoted


async def _columns(conn: asyncpg.Connection, table: str) -> list[Column]:
    rows = await conn.fetch(
        "SELECT column_name, data_type, is_identity = 'YES' OR coalesce(column_default, '') LIKE 'nextval(%' AS serial"
        " FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        table,
    )
    return [Column(r["column_name"], r["data_type"], r["serial"]) for r in rows]


async def _tables(conn: asyncpg.Connection) -> list[str]:
    rows = await conn.fetch(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    return [r["table_name"] for r in rows if r["table_name"] not in SKIPPED]


async def take_template(url: str) -> dict[str, int]:
    """Keep what the database holds now as the template; its row count per table."""
    conn = await connect(url)
    try:
        unpublished = await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        if unpublished:  # a copy of an unpublished event would be published again under a new id
            raise RuntimeError(f"{unpublished} events still in the outbox: the template must be taken after the drain")
        await conn.execute(f"DROP SCHEMA IF EXISTS {TEMPLATE} CASCADE; CREATE SCHEMA {TEMPLATE}")
        counts = {}
        for table in await _tables(conn):
            await conn.execute(f'CREATE TABLE {TEMPLATE}."{table}" AS TABLE public."{table}"')
            counts[table] = await conn.fetchval(f'SELECT count(*) FROM {TEMPLATE}."{table}"')
        return counts
    finally:
        await conn.close()


async def copy_template(url: str, first: int, last: int) -> int:
    """Add copies ``first``..``last`` (inclusive) of the template; the rows written.

    Each table in one transaction; its plain indexes are dropped for the copy and built again
    after it (one sorted build instead of millions of random insertions), its keys and unique
    constraints stay and are checked as the rows go in.
    """
    conn = await connect(url)
    try:
        await conn.execute("SET session_replication_role = replica")  # the copies' references are consistent
        await conn.execute("SET synchronous_commit = off")
        await conn.execute("SET maintenance_work_mem = '256MB'")
        written = 0
        for table in await _tables(conn):
            columns = [c for c in await _columns(conn, table) if not c.serial]
            names = ", ".join(f'"{c.name}"' for c in columns)
            values = ", ".join(c.copied() for c in columns)
            async with conn.transaction():
                plain = await conn.fetch(
                    "SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = 'public' AND tablename = $1"
                    " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                    table,
                )
                for index in plain:
                    await conn.execute(f'DROP INDEX public."{index["indexname"]}"')
                status = await conn.execute(
                    f'INSERT INTO public."{table}" ({names}) SELECT {values}'
                    f' FROM {TEMPLATE}."{table}", generate_series($1::int, $2::int) AS g',
                    first,
                    last,
                )
                for index in plain:
                    await conn.execute(index["indexdef"])
            written += int(status.rsplit(" ", 1)[1])
        return written
    finally:
        await conn.close()


async def analyse(url: str) -> None:
    """What autovacuum would have done by the time a real database held this much: fresh statistics, and the
    visibility map (index-only scans, such as asylum's count of this year's border procedures, rely on it)
    of every table but the history tables, which are only appended to and read by key."""
    conn = await connect(url)
    try:
        for table in await _tables(conn):
            await conn.execute(f'{"ANALYZE" if table in HISTORY else "VACUUM (ANALYZE)"} public."{table}"')
    finally:
        await conn.close()


@dataclass(frozen=True)
class Grown:
    copies: int
    rows: int
    seconds: float


async def grow(urls: list[str], have: int, want: int) -> Grown:
    """From ``have`` copies of the template (the template itself counts as one) to ``want``."""
    started = time.monotonic()
    written = await asyncio.gather(*(copy_template(url, have, want - 1) for url in urls)) if want > have else []
    await asyncio.gather(*(analyse(url) for url in urls))
    return Grown(copies=want, rows=sum(written), seconds=round(time.monotonic() - started, 1))
