"""Many synthetic cases at once: a fixed number of cases, at most ``concurrency`` in flight."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

from .client import Clients
from .config import BenchConfig
from .lifecycle import CaseResult, run_case
from .people import Person, synthetic_person


@dataclass
class LoadResult:
    started: float
    finished: float
    cases: list[CaseResult] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _nth_of_share(n: int, share: float) -> bool:
    """Whether case n is one of ``share`` of all cases: exact shares, spread evenly over the run."""
    return int((n + 1) * share) > int(n * share)


async def run_load(clients: Clients, config: BenchConfig) -> LoadResult:
    rng = random.Random(config.seed)
    plan = [
        (n, synthetic_person(rng, n), _nth_of_share(n, config.negative_share), _nth_of_share(n, config.border_share))
        for n in range(config.cases)
    ]
    gate = asyncio.Semaphore(config.concurrency)
    result = LoadResult(started=time.time(), finished=0.0)

    async def one(number: int, person: Person, negative: bool, border: bool) -> None:
        async with gate:
            try:
                result.cases.append(
                    await run_case(
                        clients,
                        number,
                        person,
                        negative=negative,
                        border=border,
                        return_timeout=config.return_timeout_s,
                        poll_interval=config.poll_interval_s,
                    )
                )
            except Exception as exc:  # one failed case is a finding, not the end of the run
                result.failures.append(f"case {number}: {type(exc).__name__}: {exc}")

    await asyncio.gather(*(one(*p) for p in plan))
    result.finished = time.time()
    return result
