"""The idempotent event consumer: inbox, retries with backoff, dead letters.

For each message: parse the CloudEvent (a message that is not one goes straight to the
dead-letter topic), find the handler for its type (types this service does not handle are
skipped), then run the handler in one unit of work that also writes the inbox row, so a
redelivered event changes nothing. A failing handler is retried with exponential backoff; after
``consumer_max_attempts`` the event goes to the dead-letter topic with the error, and the
consumer moves on. A database that is unreachable is not the event's fault: those failures are
retried without limit and nothing is dead-lettered. Offsets are committed only after the
messages before them are handled or dead-lettered.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.errors import CommitFailedError, KafkaError
from opentelemetry.trace import SpanKind
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from keten_shared.audit import acting_as
from keten_shared.events.envelope import CloudEvent, EnvelopeError
from keten_shared.events.registry import EventData, UnknownEventType
from keten_shared.logging import get_logger
from keten_shared.metrics import EVENT_HANDLER_RETRIES, EVENT_HANDLING_LATENCY, EVENTS_CONSUMED
from keten_shared.tracing import span
from keten_shared.uow import UnitOfWork, UnitOfWorkFactory

log = get_logger(__name__)

EventHandler = Callable[[EventData, CloudEvent, UnitOfWork], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    initial_backoff: float = 0.2
    max_backoff: float = 10.0

    def delay(self, attempt: int) -> float:
        return min(self.max_backoff, self.initial_backoff * 2 ** (attempt - 1))


def _is_infrastructure_failure(exc: BaseException) -> bool:
    """True when the database, not the event, failed (unreachable, locked, deadlocked)."""
    return isinstance(exc, (OperationalError, InterfaceError, ConnectionError, OSError, TimeoutError))


class DeadLetterWriter:
    def __init__(self, producer: AIOKafkaProducer, topic: str, consumer_name: str) -> None:
        self._producer = producer
        self._topic = topic
        self._consumer = consumer_name

    async def write(self, message: ConsumerRecord, error: BaseException, attempts: int, at: datetime) -> None:
        headers = [(k, v) for k, v in (message.headers or ()) if not k.startswith("keten-")]
        headers += [
            ("keten-error", str(error)[:4000].encode()),
            ("keten-error-type", type(error).__name__.encode()),
            ("keten-original-topic", message.topic.encode()),
            ("keten-original-partition", str(message.partition).encode()),
            ("keten-original-offset", str(message.offset).encode()),
            ("keten-consumer", self._consumer.encode()),
            ("keten-attempts", str(attempts).encode()),
            ("keten-failed-at", at.isoformat().encode()),
        ]
        await self._producer.send_and_wait(self._topic, value=message.value, key=message.key, headers=headers)


class EventConsumer:
    def __init__(
        self,
        *,
        service: str,
        kafka_consumer: Callable[[], AIOKafkaConsumer],
        uow: UnitOfWorkFactory,
        handlers: Mapping[str, EventHandler],
        dead_letters: DeadLetterWriter,
        retry: RetryPolicy,
    ) -> None:
        self.service = service
        self._new_kafka_consumer = kafka_consumer
        self._uow = uow
        self._handlers = dict(handlers)
        self._dead_letters = dead_letters
        self._retry = retry

    async def run(self) -> None:
        consumer = self._new_kafka_consumer()
        try:
            await consumer.start()
            while True:
                batches = await consumer.getmany(timeout_ms=1000)
                for partition, messages in batches.items():
                    for message in messages:
                        await self.process(message)
                    try:
                        await consumer.commit({partition: messages[-1].offset + 1})
                    except (CommitFailedError, KafkaError) as exc:
                        # The partition moved to another instance; it resumes from the last
                        # committed offset and the inbox absorbs what is redelivered.
                        log.warning("offset commit failed", partition=str(partition), error=repr(exc))
        finally:
            await consumer.stop()

    async def process(self, message: ConsumerRecord) -> None:
        try:
            event = CloudEvent.from_bytes(message.value)
        except EnvelopeError as exc:
            await self._dead_letter(message, "unparseable", exc, attempts=1)
            return
        handler = self._handlers.get(event.type)
        if handler is None:
            EVENTS_CONSUMED.labels(self.service, event.type, "ignored").inc()
            return
        try:
            data = event.payload()
        except (EnvelopeError, UnknownEventType) as exc:
            await self._dead_letter(message, event.type, exc, attempts=1)
            return
        with structlog.contextvars.bound_contextvars(case_id=event.subject, event_id=event.id, event_type=event.type):
            await self._handle_with_retries(message, event, data, handler)

    async def _handle_with_retries(
        self, message: ConsumerRecord, event: CloudEvent, data: EventData, handler: EventHandler
    ) -> None:
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                outcome = await self._handle_once(message, event, data, handler)
            except Exception as exc:
                EVENT_HANDLER_RETRIES.labels(self.service, event.type).inc()
                if _is_infrastructure_failure(exc):
                    log.warning("database unavailable, retrying", error=repr(exc), attempt=attempt)
                    await asyncio.sleep(self._retry.max_backoff)
                    attempt -= 1
                    continue
                if attempt >= self._retry.max_attempts:
                    log.error("event handler failed, dead-lettering", error=repr(exc), attempts=attempt)
                    await self._dead_letter(message, event.type, exc, attempts=attempt)
                    return
                log.warning("event handler failed, retrying", error=repr(exc), attempt=attempt)
                await asyncio.sleep(self._retry.delay(attempt))
                continue
            EVENT_HANDLING_LATENCY.labels(self.service, event.type).observe(time.perf_counter() - started)
            EVENTS_CONSUMED.labels(self.service, event.type, outcome).inc()
            return

    async def _handle_once(
        self, message: ConsumerRecord, event: CloudEvent, data: EventData, handler: EventHandler
    ) -> str:
        with (
            acting_as(f"event:{event.source}"),
            span(f"handle {event.type}", traceparent=event.traceparent, kind=SpanKind.CONSUMER),
        ):
            async with self._uow() as uow:
                if await uow.already_processed(self.service, event.id):
                    return "duplicate"
                await handler(data, event, uow)
                try:
                    # The inbox insert runs at once, so a conflict can surface here or at commit.
                    await uow.mark_processed(
                        self.service, event, topic=message.topic, partition=message.partition, offset=message.offset
                    )
                    await uow.commit()
                except IntegrityError:
                    # Another instance handled it between our check and our inbox row.
                    async with self._uow() as check:
                        if await check.already_processed(self.service, event.id):
                            return "duplicate"
                    raise
        return "handled"

    async def _dead_letter(self, message: ConsumerRecord, event_type: str, error: BaseException, attempts: int) -> None:
        await self._dead_letters.write(message, error, attempts, self._uow.clock.now())
        EVENTS_CONSUMED.labels(self.service, event_type, "dead_lettered").inc()
        log.error("event dead-lettered", topic=message.topic, offset=message.offset, error=str(error)[:500])
