"""What one benchmark run does: its size, its mix of cases and how the services are tuned."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# The services' polling and consumer settings, as the end-to-end stack runs them (tests/e2e/conftest.py).
SERVICE_ENV = {
    "KETEN_TOPIC_PARTITIONS": "3",
    "KETEN_MIGRATE_ON_START": "true",
    "KETEN_RELAY_POLL_INTERVAL_MS": "100",
    "KETEN_SCHEDULER_POLL_INTERVAL_MS": "200",
    "KETEN_CONSUMER_BACKOFF_INITIAL_MS": "50",
    "KETEN_CONSUMER_BACKOFF_MAX_MS": "500",
    "KETEN_KAFKA_SESSION_TIMEOUT_MS": "6000",
    "KETEN_KAFKA_HEARTBEAT_INTERVAL_MS": "300",
    "KETEN_KAFKA_REBALANCE_TIMEOUT_MS": "1000",
    "KETEN_LOG_FORMAT": "json",
}


@dataclass(frozen=True)
class BenchConfig:
    cases: int = 400
    concurrency: int = 16
    negative_share: float = 0.5  # of decisions: REJECTED_UNFOUNDED; the rest GRANTED_REFUGEE
    border_share: float = 0.2  # of routings: with {"established_grounds": ["MISLEADING"]}
    dublin_share: float = 0.1  # of applications: a Dublin officer determines responsibility (this member state)
    minor_share: float = 0.1  # of people: accompanied minors of 6 to 17
    seed: int = 1
    return_timeout_s: float = 60.0  # how long a negative case may wait for its return decision
    poll_interval_s: float = 0.2  # how often a front end looks again for an event's effect
    baseline: bool = True
    baseline_rounds: int = 3
    profile: bool = False  # py-spy on every service during the load (bench/profile.py)
    growth_sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000)  # (6): stored cases; () to skip it
    growth_probe_cases: int = 40  # new cases through the chain at each size
    growth_probe_concurrency: int = 8
    growth_reads: int = 100  # reads by id per service at each size (and a tenth as many list pages)
    service_env: dict[str, str] = field(default_factory=lambda: dict(SERVICE_ENV))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
