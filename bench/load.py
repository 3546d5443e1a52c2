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


@dataclass(frozen=True)
class Planned:
    number: int
    person: Person
    negative: bool
    border: bool
    dublin: bool


def _nth_of_share(n: int, share: float) -> bool:
    """Whether case n is one of ``share`` of all cases: exact shares, spread evenly over the run."""
    return int((n + 1) * share) > int(n * share)


async def run_load(clients: Clients, config: BenchConfig) -> LoadResult:
    rng = random.Random(config.seed)
    plan = [
        Planned(
            number=n,
            person=synthetic_person(rng, n, minor=_nth_of_share(n, config.minor_share)),
            negative=_nth_of_share(n, config.negative_share),
            border=_nth_of_share(n, config.border_share),
            dublin=_nth_of_share(n, config.dublin_share),
        )
        for n in range(config.cases)
    ]
    gate = asyncio.Semaphore(config.concurrency)
    result = LoadResult(started=time.time(), finished=0.0)

    async def one(case: Planned) -> None:
        async with gate:
            try:
                result.cases.append(
                    await run_case(
                        clients,
                        case.number,
                        case.person,
                        negative=case.negative,
                        border=case.border,
                        dublin=case.dublin,
                        return_timeout=config.return_timeout_s,
                        poll_interval=config.poll_interval_s,
                    )
                )
            except Exception as exc:  # one failed case is a finding, not the end of the run
                result.failures.append(f"case {case.number}: {type(exc).__name__}: {exc}")

    await asyncio.gather(*(one(case) for case in plan))
    result.finished = time.time()
    return result
