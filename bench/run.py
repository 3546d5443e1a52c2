"""One benchmark run: start the stack, drive the load, count, run the baseline, grow the data, report, stop."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import figures, metrics
from .baseline import run_baseline
from .client import Clients, Recorder
from .config import BenchConfig
from .growth import measure_growth
from .load import run_load
from .machine import machine_info
from .profile import Profiler
from .stack import Target, local_stack


async def measure(target: Target, config: BenchConfig, profiles: Path) -> dict[str, Any]:
    """The load against running services (profiled into ``profiles`` if asked), then the baseline on the same
    broker and PostgreSQL server, then the growth of the stored data."""
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    machine = await machine_info(target.admin_postgres_url)  # the commit the services were started from
    recorder = Recorder()
    profiler = Profiler(target.pids, profiles) if config.profile else None
    before = await metrics.consumed(target.urls)
    if profiler:
        profiler.start()
    clients = Clients(target, recorder, pool=config.concurrency * 2)
    try:
        load = await run_load(clients, config)
    finally:
        await clients.close()
    after, last_change = await metrics.drained(target.urls)
    profile = profiler.stop() if profiler else None
    window = max(load.finished, last_change) - load.started
    total = int(sum(after.values()) - sum(before.values()))
    baseline = (
        await run_baseline(target.bootstrap_servers, target.topic_prefix, total, config.baseline_rounds)
        if config.baseline and total and target.bootstrap_servers
        else None
    )
    seedable = config.growth_sizes and set(target.database_urls) == set(target.urls)
    growth = await measure_growth(target, config, template_cases=config.cases) if seedable else None
    return {
        "started": started,
        "machine": machine,
        "config": config.as_dict(),
        "target": target.description,
        "figures": {
            "chain": figures.chain_throughput(load),
            "propagation": figures.propagation_latency(load),
            "rest": figures.rest_latency(recorder),
            "events": figures.event_throughput(before, after, window, baseline),
            "baseline": baseline.as_dict() if baseline else None,
            "growth": growth,
            "profile": profile,
        },
        "failures": load.failures,
    }


async def run_remote(target: Target, config: BenchConfig, logs: Path) -> dict[str, Any]:
    """Services already running elsewhere (``--target``): figure (5) if given the broker, (6) the databases."""
    return await measure(target, config, logs / "profiles")


async def run_local(config: BenchConfig, logs: Path) -> dict[str, Any]:
    began = time.monotonic()
    async with local_stack(logs, config.service_env) as target:
        ready = time.monotonic() - began
        result = await measure(target, config, logs / "profiles")
    result["stack_start_seconds"] = round(ready, 2)
    return result
