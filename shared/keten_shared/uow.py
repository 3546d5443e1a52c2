"""Unit of work: one database transaction holding a state change, its events, audit rows and deadlines.

Events go to the outbox table and reach Kafka through the relay, so a change and its events
are committed together or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Self
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from keten_shared.audit import current_actor
from keten_shared.clock import Clock
from keten_shared.db.plumbing import audit_log, deadlines, inbox, outbox
from keten_shared.deadlines import Deadline, DeadlineError, DeadlineSpec, HolidayCalendar
from keten_shared.errors import InvalidData
from keten_shared.events.envelope import CloudEvent
from keten_shared.events.registry import EventData
from keten_shared.messaging.topics import Topics
from keten_shared.settings import ServiceSettings
from keten_shared.tracing import current_trace_id, current_traceparent


@dataclass(frozen=True)
class UnitOfWorkFactory:
    """Everything a unit of work needs from its service; ``runtime.uow()`` hands out units."""

    service: str
    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock
    topics: Topics
    settings: ServiceSettings
    calendar: HolidayCalendar
    zone: ZoneInfo
    adapters: Any = None  # the service's gateways to outside systems (ServiceSpec.adapters)
    on_events_committed: Callable[[], None] = lambda: None

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self)


class UnitOfWork:
    def __init__(self, factory: UnitOfWorkFactory) -> None:
        self._factory = factory
        self.clock = factory.clock
        self.settings = factory.settings
        self.calendar = factory.calendar
        self.zone = factory.zone
        self.adapters = factory.adapters
        self.session: AsyncSession = factory.sessionmaker()
        self._events: list[dict[str, Any]] = []
        self._audit: list[dict[str, Any]] = []
        self.published: list[CloudEvent] = []

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.session.rollback()  # a no-op after commit
        await self.session.close()

    def now(self) -> datetime:
        return self.clock.now()

    def deadline(self, spec: DeadlineSpec, start: datetime) -> Deadline:
        """A time limit of this service, computed for the member state's calendar, zone and configuration."""
        try:
            return spec.compute(start, self.calendar, tz=self.zone, config=self.settings.deadlines)
        except DeadlineError as exc:  # e.g. a start outside the years the holiday calendar covers
            raise InvalidData(
                f"{spec.legal_basis or spec.id} cannot be computed from {start.isoformat()}: {exc}"
            ) from exc

    def local_date(self, instant: datetime) -> date:
        """The calendar day of ``instant`` in the member state's time zone."""
        return instant.astimezone(self.zone).date()

    def publish(self, data: EventData, *, subject: str) -> CloudEvent:
        """Record an event to be published after commit; ``subject`` is the case id and Kafka key."""
        event = CloudEvent.wrap(
            data,
            source=f"/keten/{self._factory.service}",
            subject=subject,
            time=self.now(),
            traceparent=current_traceparent(),
        )
        self._events.append(
            {
                "event_id": uuid.UUID(event.id),
                "topic": self._factory.topics.events(self._factory.service),
                "key": subject,
                "event_type": event.type,
                "payload": event.to_json(),
                "created_at": event.time,
            }
        )
        self.published.append(event)
        return event

    def audit(
        self,
        action: str,
        *,
        entity_type: str,
        entity_id: str,
        legal_basis: str | None = None,
        before: str | None = None,
        after: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Append an audit-log row: who did what to which record, on which legal basis."""
        self._audit.append(
            {
                "at": self.now(),
                "actor": current_actor(),
                "action": action,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "legal_basis": legal_basis,
                "before_status": before,
                "after_status": after,
                "details": details,
                "trace_id": current_trace_id(),
            }
        )

    async def schedule(
        self,
        *,
        case_id: str,
        kind: str,
        deadline: Deadline | None = None,
        due_at: datetime | None = None,
        payload: dict[str, Any] | None = None,
        legal_basis: str | None = None,
    ) -> uuid.UUID:
        """Have the scheduler act at ``due_at``: by default the deadline's operational end, as time.md §3.10
        prescribes per purpose. Without a deadline it is a work item (e.g. a call to an outside system that the
        scheduler retries with backoff until it succeeds)."""
        if deadline is None and due_at is None:
            raise ValueError("schedule needs a deadline or a due_at")
        deadline_id = uuid.uuid4()
        await self.session.execute(
            insert(deadlines).values(
                id=deadline_id,
                case_id=case_id,
                kind=kind,
                due_at=due_at or deadline.operational_end,  # type: ignore[union-attr]
                status="open",
                legal_basis=legal_basis or (deadline.legal_basis if deadline else None),
                computation=deadline.to_dict() if deadline else None,
                payload=payload,
                created_at=self.now(),
            )
        )
        return deadline_id

    async def open_deadlines(self, case_id: str, kind: str) -> list[datetime]:
        """When the case's open deadlines of this kind fall due, earliest first."""
        found = await self.session.execute(
            select(deadlines.c.due_at)
            .where(deadlines.c.case_id == case_id, deadlines.c.kind == kind, deadlines.c.status == "open")
            .order_by(deadlines.c.due_at)
        )
        return list(found.scalars())

    async def cancel_deadlines(self, case_id: str, kinds: Iterable[str]) -> None:
        await self.session.execute(
            update(deadlines)
            .where(deadlines.c.case_id == case_id, deadlines.c.kind.in_(list(kinds)), deadlines.c.status == "open")
            .values(status="cancelled", fired_at=self.now())
        )

    async def already_processed(self, consumer: str, event_id: str) -> bool:
        found = await self.session.execute(
            select(inbox.c.event_id).where(inbox.c.consumer == consumer, inbox.c.event_id == event_id)
        )
        return found.first() is not None

    async def mark_processed(
        self, consumer: str, event: CloudEvent, *, topic: str, partition: int, offset: int
    ) -> None:
        await self.session.execute(
            insert(inbox).values(
                consumer=consumer,
                event_id=event.id,
                event_type=event.type,
                source=event.source,
                topic=topic,
                partition=partition,
                offset=offset,
                processed_at=self.now(),
            )
        )

    async def commit(self) -> None:
        if self._events:
            await self.session.execute(insert(outbox), self._events)
        if self._audit:
            await self.session.execute(insert(audit_log), self._audit)
        await self.session.commit()
        had_events = bool(self._events)
        self._events, self._audit = [], []
        if had_events:
            self._factory.on_events_committed()
