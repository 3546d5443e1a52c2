"""HTTP clients for the services that time every request and keep every non-2xx answer."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from .stack import ROLE, Target


@dataclass
class Sample:
    service: str
    step: str
    status: int
    seconds: float


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, service: str, step: str, status: int, seconds: float, body: str = "") -> None:
        self.samples.append(Sample(service, step, status, seconds))
        if not 200 <= status < 300:
            self.errors.append({"service": service, "step": step, "status": status, "body": body[:500]})


class BenchError(RuntimeError):
    """A case could not go on (a non-2xx answer, or a wait that ran out)."""


class Clients:
    """One connection pool per service, with its officers' token; ``call`` times and records."""

    def __init__(self, target: Target, recorder: Recorder, pool: int) -> None:
        # Idle connections are dropped before uvicorn's 5 s keep-alive timeout closes them under a request.
        limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool, keepalive_expiry=2.0)
        self._clients = {
            service: httpx.AsyncClient(base_url=url, headers=target.headers(ROLE[service]), timeout=30, limits=limits)
            for service, url in target.urls.items()
        }
        self.target = target
        self.recorder = recorder

    async def call(self, service: str, method: str, path: str, step: str, *, expect: int = 200, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            response = await self._clients[service].request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            self.recorder.add(service, step, 0, time.perf_counter() - started, repr(exc))
            raise BenchError(f"{service} {step}: {exc!r}") from exc
        self.recorder.add(service, step, response.status_code, time.perf_counter() - started, response.text)
        if response.status_code != expect:
            raise BenchError(f"{service} {step}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()
