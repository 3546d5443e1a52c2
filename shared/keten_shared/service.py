"""What a keten service is made of, and the runtime that wires it: database, Kafka, the outbox
relay, the event consumer, the deadline scheduler and the REST API.

A service declares a ``ServiceSpec`` (its routers, event handlers, deadline handlers) and calls
``create_app``; everything else is the same for all five.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, Depends, FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from keten_shared.clock import Clock, OffsetClock, SystemClock
from keten_shared.db.engine import create_engine, session_factory
from keten_shared.deadlines import HolidayCalendar, member_state_timezone
from keten_shared.http.auth import TokenVerifier
from keten_shared.http.input import refuse_nul_characters
from keten_shared.http.middleware import ObservabilityMiddleware
from keten_shared.http.operational import operational_router
from keten_shared.http.problems import install_problem_handlers
from keten_shared.logging import get_logger, setup_logging
from keten_shared.messaging import kafka
from keten_shared.messaging.consumer import DeadLetterWriter, EventConsumer, EventHandler, RetryPolicy
from keten_shared.messaging.outbox_relay import OutboxRelay
from keten_shared.messaging.topics import Topics
from keten_shared.scheduler import DeadlineHandler, DeadlineScheduler
from keten_shared.settings import ServiceSettings
from keten_shared.tracing import setup_tracing
from keten_shared.uow import UnitOfWork, UnitOfWorkFactory

log = get_logger(__name__)


@dataclass(frozen=True)
class ServiceSpec:
    name: str  # "asylum": names its topic, consumer group and roles
    package: str  # "keten_asylum": holds adapters.orm.metadata and migrations/versions
    title: str
    description: str
    routers: Sequence[APIRouter] = ()
    event_handlers: Mapping[str, EventHandler] = field(default_factory=dict)
    deadline_handlers: Mapping[str, DeadlineHandler] = field(default_factory=dict)
    roles: Sequence[str] = ()  # the roles its endpoints admit, for `keten token` and the docs
    # Gateways to systems outside keten (Eurodac, DubliNet, ...), built once per process.
    adapters: Callable[[ServiceSettings, Clock], Any] | None = None
    # Loops that collect what outside systems hold for the service (e.g. the DubliNet mailbox), run supervised.
    pollers: Mapping[str, Callable[[UnitOfWorkFactory], Awaitable[None]]] = field(default_factory=dict)

    @property
    def consumed_services(self) -> list[str]:
        return sorted({event_type.split(".", 1)[0] for event_type in self.event_handlers})


class Runtime:
    """The long-lived parts of one running service instance."""

    def __init__(self, spec: ServiceSpec, settings: ServiceSettings, clock: Clock | None = None) -> None:
        self.spec = spec
        self.settings = settings
        self.clock = clock or (OffsetClock(settings.clock_offset) if settings.clock_offset else SystemClock())
        self.topics = Topics(settings.topic_prefix)
        self.engine: AsyncEngine = create_engine(
            settings.database_url_for(spec.name), pool_size=settings.database_pool_size
        )
        self.sessionmaker: async_sessionmaker[AsyncSession] = session_factory(self.engine)
        self.calendar = HolidayCalendar(settings.member_state)
        self.zone = ZoneInfo(settings.timezone) if settings.timezone else member_state_timezone(settings.member_state)
        self.token_verifier = TokenVerifier(settings)
        self.adapters = spec.adapters(settings, self.clock) if spec.adapters else None
        self.producer: AIOKafkaProducer | None = None
        self.relay: OutboxRelay | None = None
        self.consumer: EventConsumer | None = None
        self.scheduler: DeadlineScheduler | None = None
        self.uow = UnitOfWorkFactory(
            service=spec.name,
            sessionmaker=self.sessionmaker,
            clock=self.clock,
            topics=self.topics,
            settings=settings,
            calendar=self.calendar,
            zone=self.zone,
            adapters=self.adapters,
            on_events_committed=self._wake_relay,
        )
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.task_states: dict[str, str] = {}

    def _wake_relay(self) -> None:
        if self.relay is not None:
            self.relay.wake()

    def own_topics(self) -> list[str]:
        name = self.spec.name
        return [self.topics.events(name), self.topics.dead_letters(name), self.topics.retry(name)]

    def consumed_topics(self) -> list[str]:
        return [self.topics.events(s) for s in self.spec.consumed_services] + [self.topics.retry(self.spec.name)]

    async def start(self) -> None:
        s = self.settings
        await kafka.ensure_topics(s, self.own_topics() + self.consumed_topics())
        self.producer = kafka.producer(s)
        await self.producer.start()
        if s.relay_enabled:
            self.relay = OutboxRelay(
                service=self.spec.name,
                sessionmaker=self.sessionmaker,
                producer=self.producer,
                clock=self.clock,
                batch_size=s.relay_batch_size,
                poll_interval=s.relay_poll_interval_ms / 1000,
            )
            self._spawn("outbox-relay", self.relay.run)
        if s.consumer_enabled and self.spec.event_handlers:
            self.consumer = EventConsumer(
                service=self.spec.name,
                kafka_consumer=lambda: kafka.consumer(
                    s, self.topics.consumer_group(self.spec.name), *self.consumed_topics()
                ),
                uow=self.uow,
                handlers=self.spec.event_handlers,
                dead_letters=DeadLetterWriter(self.producer, self.topics.dead_letters(self.spec.name), self.spec.name),
                retry=RetryPolicy(
                    max_attempts=s.consumer_max_attempts,
                    initial_backoff=s.consumer_backoff_initial_ms / 1000,
                    max_backoff=s.consumer_backoff_max_ms / 1000,
                ),
            )
            self._spawn("event-consumer", self.consumer.run)
        if s.scheduler_enabled and self.spec.deadline_handlers:
            self.scheduler = DeadlineScheduler(
                service=self.spec.name,
                uow=self.uow,
                handlers=self.spec.deadline_handlers,
                poll_interval=s.scheduler_poll_interval_ms / 1000,
            )
            self._spawn("deadline-scheduler", self.scheduler.run)
        if s.pollers_enabled:
            for name, poll in self.spec.pollers.items():
                self._spawn(name, lambda poll=poll: poll(self.uow))

    def _spawn(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        async def supervised() -> None:
            # A background loop that dies is logged, reported by /health/ready and restarted.
            while True:
                self.task_states[name] = "running"
                try:
                    await run()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    self.task_states[name] = f"failed, restarting: {exc!r}"
                    log.exception("background task failed, restarting", task=name)
                    await asyncio.sleep(2)
                else:
                    self.task_states[name] = "stopped"
                    return

        self._tasks[name] = asyncio.create_task(supervised(), name=f"{self.spec.name}-{name}")

    def task_status(self) -> dict[str, str]:
        """Each background loop: running, failed (and being restarted) or stopped."""
        return {
            name: self.task_states.get(name, "starting") if not task.done() else "stopped"
            for name, task in self._tasks.items()
        }

    async def stop(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        if self.producer is not None:
            await self.producer.stop()
        await self.engine.dispose()


def create_app(spec: ServiceSpec, settings: ServiceSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or ServiceSettings()
    setup_logging(spec.name, settings.log_level, settings.log_format)
    setup_tracing(spec.name)
    runtime = Runtime(spec, settings, clock)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        log.info("service started", url=settings.base_url)
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title=f"keten {spec.title}",
        description=spec.description,
        version="1.0.0",
        lifespan=lifespan,
        dependencies=[Depends(refuse_nul_characters)],
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.add_middleware(ObservabilityMiddleware, service=spec.name)
    install_problem_handlers(app)
    app.include_router(operational_router())
    for router in spec.routers:
        app.include_router(router)
    return app


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    """A FastAPI dependency: one unit of work per request."""
    async with runtime_of(request).uow() as uow:
        yield uow
