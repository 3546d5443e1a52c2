"""The services' own counters, read from their Prometheus /metrics."""

from __future__ import annotations

import asyncio
import time

import httpx

CONSUMED = "keten_events_consumed_total"


async def sums(url: str, *names: str) -> list[float]:
    """For each name, the sum of every labelled sample a service exposes under it (0 when absent), read at once."""
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        lines = (await client.get("/metrics")).text.splitlines()
    return [sum(float(line.rsplit(" ", 1)[1]) for line in lines if line.startswith(name + "{")) for name in names]


async def counter(url: str, name: str) -> float:
    """The sum of every sample of one counter a service exposes (0 when absent)."""
    [total] = await sums(url, name)
    return total


async def consumed(urls: dict[str, str]) -> dict[str, float]:
    values = await asyncio.gather(*(counter(url, CONSUMED) for url in urls.values()))
    return dict(zip(urls, values, strict=True))


async def drained(
    urls: dict[str, str], *, quiet_s: float = 1.5, within: float = 60.0
) -> tuple[dict[str, float], float]:
    """Wait until no service consumes anything for ``quiet_s``; the counters and when they last moved."""
    last = await consumed(urls)
    last_change = time.time()
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and time.time() - last_change < quiet_s:
        await asyncio.sleep(0.25)
        now = await consumed(urls)
        if now != last:
            last, last_change = now, time.time()
    return last, last_change
