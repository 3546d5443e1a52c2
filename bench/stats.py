"""Percentiles and steady-state throughput."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank percentile (p in 0-100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: Sequence[float]) -> dict[str, float | int | None]:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
    }


def steady_throughput(finish_times: Sequence[float], trim: float = 0.1) -> float | None:
    """Completions per second between the first and last ``trim`` share of completions (ramp-up, drain).

    None with fewer than 10 completions: too few to have a steady state.
    """
    times = sorted(finish_times)
    if len(times) < 10:
        return None
    cut = int(len(times) * trim)
    window = times[cut : len(times) - cut]
    span = window[-1] - window[0]
    return (len(window) - 1) / span if span > 0 else None
