"""The figures of one run, from what the load generator saw and the services counted."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from .baseline import BaselineResult
from .client import Recorder
from .load import LoadResult
from .stats import steady_throughput, summary


def _ts(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def chain_throughput(load: LoadResult) -> dict[str, Any]:
    """(1) Completed lifecycles per second at steady state, and over the whole run."""
    finished = [c.finished for c in load.cases]
    wall = load.finished - load.started
    return {
        "completed": len(load.cases),
        "failed": len(load.failures),
        "negative": sum(c.negative for c in load.cases),
        "border": sum(c.border for c in load.cases),
        "dublin": sum(c.dublin for c in load.cases),
        "minors": sum(c.minor for c in load.cases),
        "procedures": dict(Counter(str(c.procedure) for c in load.cases)),
        "wall_seconds": round(wall, 3),
        "steady_per_s": steady_throughput(finished),
        "overall_per_s": len(load.cases) / wall if wall > 0 else None,
        "lifecycle_seconds": summary([c.finished - c.started for c in load.cases]),
    }


def propagation_latency(load: LoadResult) -> dict[str, Any]:
    """(2) From the asylum decision to the return decision, for each negative case.

    ``recorded``: the decision's ``decided_at`` to the return decision's ``issued_at`` (both stamped
    by the services). ``observed``: the decision's response to the first poll that saw it (poll_interval_s).
    """
    negatives = [c for c in load.cases if c.negative and c.return_issued_at and c.decided_at]
    return {
        "recorded_seconds": summary([_ts(c.return_issued_at) - _ts(c.decided_at) for c in negatives]),  # type: ignore[arg-type]
        "observed_seconds": summary(
            [
                c.return_seen_at - c.decision_response_at
                for c in negatives
                if c.return_seen_at and c.decision_response_at
            ]
        ),
    }


def rest_latency(recorder: Recorder) -> dict[str, Any]:
    """(3) REST latency per service, actions and polls apart, and the non-2xx answers."""
    by_service: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    for sample in recorder.samples:
        # The caseworkers' actions apart from the polls that wait for an event's effect.
        key = f"{sample.service} (polls)" if sample.step.startswith("poll-") else sample.service
        by_service[key].append(sample.seconds)
        if not 200 <= sample.status < 300:
            errors[key] += 1
    return {
        service: {**summary(seconds), "errors": errors.get(service, 0)}
        for service, seconds in sorted(by_service.items())
    } | {"error_total": len(recorder.errors), "errors_sample": recorder.errors[:20]}


def event_throughput(
    before: dict[str, float], after: dict[str, float], seconds: float, baseline: BaselineResult | None
) -> dict[str, Any]:
    """(4) Events each service consumed per second over the run; (5) its ratio to the baseline limit."""
    limit = baseline.consume_commit_per_s if baseline else None
    services = {}
    for service in before:
        count = after[service] - before[service]
        rate = count / seconds if seconds > 0 else 0.0
        services[service] = {
            "consumed": int(count),
            "per_s": rate,
            "ratio_to_baseline": rate / limit if limit else None,
        }
    return {
        "window_seconds": round(seconds, 3),
        "services": services,
        "total_consumed": int(sum(after.values()) - sum(before.values())),
    }
