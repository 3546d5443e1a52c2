"""The deadline scheduler: acts on each due deadline of a service exactly once.

A due row is claimed with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; on SQLite ``BEGIN IMMEDIATE``
serialises instances), its handler runs in the same transaction and the row is marked fired
before commit, so several instances never act twice and a crash acts never or fully. A failing
handler is retried later with backoff and its error kept on the row.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import or_, select, update

from keten_shared.audit import acting_as
from keten_shared.db.plumbing import deadlines
from keten_shared.logging import get_logger
from keten_shared.metrics import DEADLINE_ERRORS, DEADLINE_SCAN, DEADLINES_FIRED
from keten_shared.uow import UnitOfWork, UnitOfWorkFactory

log = get_logger(__name__)


@dataclass(frozen=True)
class DueDeadline:
    id: uuid.UUID
    case_id: str
    kind: str
    due_at: datetime
    legal_basis: str | None
    payload: dict[str, Any] | None


DeadlineHandler = Callable[[DueDeadline, UnitOfWork], Awaitable[None]]


class DeadlineScheduler:
    def __init__(
        self,
        *,
        service: str,
        uow: UnitOfWorkFactory,
        handlers: Mapping[str, DeadlineHandler],
        poll_interval: float = 1.0,
        max_backoff: timedelta = timedelta(minutes=30),
    ) -> None:
        self.service = service
        self._uow = uow
        self._handlers = dict(handlers)
        self._poll_interval = poll_interval
        self._max_backoff = max_backoff

    async def run(self) -> None:
        while True:
            try:
                fired = await self.fire_due()
            except Exception as exc:  # database unreachable: try again next round
                log.warning("deadline scheduler round failed", error=repr(exc))
                fired = 0
            if fired == 0:
                await asyncio.sleep(self._poll_interval)

    async def fire_due(self, limit: int = 100) -> int:
        """Act on up to ``limit`` due deadlines, one transaction each; returns how many fired."""
        fired = 0
        while fired < limit:
            outcome = await self._fire_one()
            if outcome is None:
                break
            fired += outcome
        return fired

    async def _fire_one(self) -> int | None:
        """1 if a deadline fired, 0 if one failed, None if none is due."""
        with acting_as(f"scheduler:{self.service}"):
            async with self._uow() as uow:
                now = uow.now()
                scan_started = time.perf_counter()
                row = (
                    await uow.session.execute(
                        select(deadlines)
                        .where(
                            deadlines.c.status == "open",
                            deadlines.c.due_at <= now,
                            or_(deadlines.c.retry_at.is_(None), deadlines.c.retry_at <= now),
                        )
                        .order_by(deadlines.c.due_at)
                        .limit(1)
                        .with_for_update(skip_locked=True)
                    )
                ).first()
                DEADLINE_SCAN.labels(self.service).observe(time.perf_counter() - scan_started)
                if row is None:
                    return None
                due = DueDeadline(row.id, row.case_id, row.kind, row.due_at, row.legal_basis, row.payload)
                try:
                    with structlog.contextvars.bound_contextvars(case_id=due.case_id, deadline=due.kind):
                        await self._handlers[due.kind](due, uow)
                        await uow.session.execute(
                            update(deadlines).where(deadlines.c.id == due.id).values(status="fired", fired_at=now)
                        )
                        await uow.commit()
                except Exception as exc:
                    await uow.session.rollback()
                    await self._record_failure(row.id, row.kind, row.attempts + 1, exc)
                    return 0
        DEADLINES_FIRED.labels(self.service, due.kind).inc()
        log.info("deadline acted on", case_id=due.case_id, deadline=due.kind, due_at=due.due_at.isoformat())
        return 1

    async def _record_failure(self, deadline_id: uuid.UUID, kind: str, attempts: int, exc: Exception) -> None:
        DEADLINE_ERRORS.labels(self.service, kind).inc()
        log.error("deadline handler failed", deadline_id=str(deadline_id), kind=kind, error=repr(exc))
        async with self._uow() as uow:
            backoff = min(self._max_backoff, timedelta(seconds=5 * 2 ** min(attempts, 20)))
            await uow.session.execute(
                update(deadlines)
                .where(deadlines.c.id == deadline_id, deadlines.c.status == "open")
                .values(attempts=attempts, retry_at=uow.now() + backoff, last_error=repr(exc)[:4000])
            )
            await uow.commit()
