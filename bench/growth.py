"""Figure (6): what the services cost as the number of stored cases grows.

After the load of figures (1)–(5) has drained, its cases become the template (bench/seed.py) and
every service database is grown to each of ``growth_sizes`` stored cases in turn. At each size a
probe measures, against the same running services:

- the REST latency of new cases through the chain (the same lifecycle as the load, fewer cases);
- the REST latency of caseworkers' reads of stored cases: one record by id, the first page of
  the list, a page filtered by the most common status, a person's records, asylum's work lists;
- the deadline scheduler's scan: the mean time of the query that finds and claims the next due
  deadline (``keten_deadline_scan_seconds``, measured inside each service) over the probe;
- each database's size.

What should not grow with the stored cases: reads by key, first pages (keyset pagination) and
the scheduler's scan (a partial index on open deadlines).
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from . import metrics, seed
from .client import Clients, Recorder
from .config import BenchConfig
from .load import run_load
from .stack import Target, connect, token
from .stats import summary

SCAN = "keten_deadline_scan_seconds"


@dataclass(frozen=True)
class Collection:
    """A service's main record: its table and where the REST API lists it."""

    table: str
    path: str


COLLECTIONS = {
    "screening": Collection("screenings", "/v1/screenings"),
    "asylum": Collection("applications", "/v1/applications"),
    "reception": Collection("reception_files", "/v1/reception-files"),
    "dublin": Collection("procedures", "/v1/procedures"),
    "return": Collection("return_cases", "/v1/return-cases"),
}
WORK_LISTS = ("/v1/work-lists/examinations", "/v1/work-lists/return-decisions-missing")


async def _scans(url: str) -> tuple[float, float]:
    """How many deadline scans a service has timed, and their seconds in total."""
    count, seconds = await metrics.sums(url, f"{SCAN}_count", f"{SCAN}_sum")
    return count, seconds


async def _sample(database_url: str, collection: Collection, n: int) -> tuple[list[dict[str, str]], str | None]:
    """``n`` stored records (id and person) picked at random, and the most common status."""
    conn = await connect(database_url)
    try:
        rows = await conn.fetch(f"SELECT id::text, person_id FROM {collection.table} ORDER BY random() LIMIT $1", n)
        status = await conn.fetchval(
            f"SELECT status FROM {collection.table} GROUP BY status ORDER BY count(*) DESC LIMIT 1"
        )
        return [dict(r) for r in rows], status
    finally:
        await conn.close()


async def _database_mb(database_url: str) -> float:
    conn = await connect(database_url)
    try:
        return round(await conn.fetchval("SELECT pg_database_size(current_database())") / 2**20, 1)
    finally:
        await conn.close()


async def _reads(clients: Clients, target: Target, reads: int) -> None:
    """Caseworkers' reads of stored cases, one after another (their latency, not the server's capacity)."""
    rng = random.Random(reads)
    supervisor = {"Authorization": f"Bearer {token('supervisor')}"}
    for service, collection in COLLECTIONS.items():
        records, status = await _sample(target.database_urls[service], collection, reads)
        pages = max(1, reads // 10)
        for record in records:
            await clients.call(service, "GET", f"{collection.path}/{record['id']}", "read-one")
        for _ in range(pages):
            await clients.call(service, "GET", collection.path, "read-first-page")
            await clients.call(service, "GET", collection.path, "read-status-page", params={"status": status})
            person = rng.choice(records)["person_id"] if records else "nobody"
            await clients.call(service, "GET", collection.path, "read-by-person", params={"person_id": person})
        if service == "asylum":
            for _ in range(pages):
                for path in WORK_LISTS:
                    await clients.call(service, "GET", path, "read-work-list", headers=supervisor)


def _latencies(recorder: Recorder) -> dict[str, Any]:
    """p50/p95/p99 per service for the chain's actions, and per service and kind of read."""
    grouped: dict[str, list[float]] = defaultdict(list)
    for sample in recorder.samples:
        if sample.step.startswith("poll-"):
            continue
        kind = sample.step if sample.step.startswith("read-") else "chain"
        grouped[f"{sample.service} {kind}"].append(sample.seconds)
    return {key: summary(values) for key, values in sorted(grouped.items())}


async def probe(target: Target, config: BenchConfig, stored: int) -> dict[str, Any]:
    """The measurements at one size (see the module's docstring)."""
    before = dict(zip(target.urls, await asyncio.gather(*(_scans(u) for u in target.urls.values())), strict=True))
    recorder = Recorder()
    clients = Clients(target, recorder, pool=config.growth_probe_concurrency * 2)
    started = time.monotonic()
    try:
        probe_config = replace(
            config, cases=config.growth_probe_cases, concurrency=config.growth_probe_concurrency, seed=stored
        )
        load = await run_load(clients, probe_config)
        await _reads(clients, target, config.growth_reads)
    finally:
        await clients.close()
    after = dict(zip(target.urls, await asyncio.gather(*(_scans(u) for u in target.urls.values())), strict=True))
    scans = {}
    for service, (count, seconds) in after.items():
        n, total = count - before[service][0], seconds - before[service][1]
        scans[service] = {"scans": int(n), "mean_seconds": total / n if n else None}
    sizes = await asyncio.gather(*(_database_mb(u) for u in target.database_urls.values()))
    return {
        "probe_seconds": round(time.monotonic() - started, 1),
        "failures": load.failures,
        "errors": recorder.errors[:20],
        "error_total": len(recorder.errors),
        "rest": _latencies(recorder),
        "deadline_scan": scans,
        "database_mb": dict(zip(target.database_urls, sizes, strict=True)),
    }


async def measure_growth(target: Target, config: BenchConfig, template_cases: int) -> dict[str, Any]:
    """Grow the databases from the template of ``template_cases`` cases to each size; probe at each."""
    urls = list(target.database_urls.values())
    template = await asyncio.gather(*(seed.take_template(url) for url in urls))
    steps = []
    copies = 1
    for size in config.growth_sizes:
        wanted = max(copies, math.ceil(size / template_cases))
        grown = await seed.grow(urls, copies, wanted)
        copies = wanted
        steps.append(
            {
                "stored_cases": copies * template_cases,
                "seeded_rows": grown.rows,
                "seed_seconds": grown.seconds,
                **await probe(target, config, copies * template_cases),
            }
        )
    return {
        "template_cases": template_cases,
        "template_rows": dict(zip(target.database_urls, template, strict=True)),
        "steps": steps,
    }
