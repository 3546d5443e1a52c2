"""The outbox relay: publishes committed outbox rows to Kafka, in order per case, at least once.

Safe to run in several instances: on PostgreSQL each batch is claimed with
``FOR UPDATE SKIP LOCKED``, so instances share the work without waiting on each other; on SQLite
every transaction starts with ``BEGIN IMMEDIATE`` (see db/engine.py), so one relay at a time holds
the database. To keep the events of one case in order even when another instance holds an
earlier row of that case, a batch leaves out every case whose earlier rows are not all in it.
A crash between publishing and marking re-publishes the batch; consumers' inboxes absorb that.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime

from aiokafka import AIOKafkaProducer
from sqlalchemy import Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from keten_shared.clock import Clock
from keten_shared.db.plumbing import outbox
from keten_shared.events.envelope import CONTENT_TYPE
from keten_shared.logging import get_logger
from keten_shared.metrics import OUTBOX_PUBLISHED, OUTBOX_RELAY_ERRORS

log = get_logger(__name__)


class OutboxRelay:
    def __init__(
        self,
        *,
        service: str,
        sessionmaker: async_sessionmaker[AsyncSession],
        producer: AIOKafkaProducer,
        clock: Clock,
        batch_size: int = 200,
        poll_interval: float = 0.5,
    ) -> None:
        self.service = service
        self._sessionmaker = sessionmaker
        self._producer = producer
        self._clock = clock
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Called after a commit that wrote events, so they go out without waiting for the poll."""
        self._wake.set()

    async def run(self) -> None:
        failures = 0
        while True:
            try:
                published = await self.publish_batch()
                failures = 0
            except Exception as exc:  # broker or database unreachable: keep the rows, retry later
                failures += 1
                OUTBOX_RELAY_ERRORS.labels(self.service).inc()
                log.warning("outbox relay failed", error=repr(exc), failures=failures)
                await asyncio.sleep(min(30.0, self._poll_interval * 2**failures))
                continue
            if published == 0:
                self._wake.clear()
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that
                # arrives as the event is set, and the relay would then never stop.
                with suppress(TimeoutError):
                    async with asyncio.timeout(self._poll_interval):
                        await self._wake.wait()

    async def publish_batch(self) -> int:
        """Publish one batch; returns how many events went out."""
        async with self._sessionmaker() as session, session.begin():
            rows = (
                await session.execute(
                    select(outbox.c.seq, outbox.c.topic, outbox.c.key, outbox.c.payload)
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.seq)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            rows = await self._in_case_order(session, rows)
            if not rows:
                return 0
            sent = [
                await self._producer.send(
                    row.topic,
                    value=row.payload.encode(),
                    key=row.key.encode(),
                    headers=[("content-type", CONTENT_TYPE.encode())],
                )
                for row in rows
            ]
            await asyncio.gather(*sent)
            await session.execute(
                update(outbox).where(outbox.c.seq.in_([row.seq for row in rows])).values(published_at=self._clock.now())
            )
        OUTBOX_PUBLISHED.labels(self.service).inc(len(rows))
        return len(rows)

    @staticmethod
    async def _in_case_order(session: AsyncSession, rows: Sequence[Row]) -> list[Row]:
        """Drop the rows of a case whose earlier unpublished rows are outside this batch."""
        seqs = [row.seq for row in rows]
        earliest_elsewhere = dict(
            (
                await session.execute(
                    select(outbox.c.key, func.min(outbox.c.seq))
                    .where(
                        outbox.c.published_at.is_(None),
                        outbox.c.key.in_({row.key for row in rows}),
                        outbox.c.seq.not_in(seqs),
                        outbox.c.seq < max(seqs),
                    )
                    .group_by(outbox.c.key)
                )
            ).all()
        )
        return [row for row in rows if row.seq < earliest_elsewhere.get(row.key, row.seq + 1)]


async def mark_for_republish(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    since: datetime,
    until: datetime | None = None,
    event_type: str | None = None,
) -> int:
    """Queue already published events created in [since, until) for publishing again, in order."""
    conditions = [outbox.c.created_at >= since, outbox.c.published_at.is_not(None)]
    if until is not None:
        conditions.append(outbox.c.created_at < until)
    if event_type is not None:
        conditions.append(outbox.c.event_type == event_type)
    async with sessionmaker() as session, session.begin():
        result = await session.execute(update(outbox).where(*conditions).values(published_at=None))
    return int(result.rowcount or 0)


async def unpublished_count(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).where(outbox.c.published_at.is_(None)))).scalar_one())
