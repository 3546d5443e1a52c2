"""The deadline scheduler: each due deadline is acted on exactly once, also with several instances."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from keten_shared.clock import FixedClock
from keten_shared.db.plumbing import audit_log, deadlines
from keten_shared.deadlines import DeadlineSpec, Purpose, Rule, Unit
from keten_shared.scheduler import DeadlineHandler, DeadlineScheduler, DueDeadline
from keten_shared.service import Runtime
from keten_shared.settings import ServiceSettings
from keten_shared.testing.fixtures import migrated, settings_for_test
from keten_shared.uow import UnitOfWork

T0 = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
REPLY = DeadlineSpec("T.1", "TEST", "1(1)", Rule.EU_1182_71, 2, Unit.WEEKS, Purpose.ACT_TIME_LIMIT, "request")


async def fired_by_audit(due: DueDeadline, uow: UnitOfWork) -> None:
    """The effect of a deadline: an audit row naming it (committed with the row marked fired)."""
    uow.audit("deadline.acted", entity_type="deadline", entity_id=str(due.id), legal_basis=due.legal_basis)


@pytest.fixture
async def make_runtime(kit) -> AsyncIterator[Callable[..., Runtime]]:
    made: list[Runtime] = []

    def make(settings: ServiceSettings, clock: FixedClock) -> Runtime:
        made.append(Runtime(kit.probe_spec(), settings, clock))
        return made[-1]

    yield make
    for runtime in made:
        await runtime.stop()


def scheduler(runtime: Runtime, handlers: dict[str, DeadlineHandler] | None = None) -> DeadlineScheduler:
    return DeadlineScheduler(
        service="probe", uow=runtime.uow, handlers=handlers or {"reply": fired_by_audit}, poll_interval=0.02
    )


async def schedule(runtime: Runtime, *due_ats: datetime, kind: str = "reply", case_id: str = "case-1") -> list[str]:
    async with runtime.uow() as uow:
        ids = [
            str(await uow.schedule(case_id=case_id, kind=kind, deadline=uow.deadline(REPLY, T0), due_at=due_at))
            for due_at in due_ats
        ]
        await uow.commit()
    return ids


async def rows(runtime: Runtime) -> dict[str, object]:
    async with runtime.sessionmaker() as session:
        return {str(r.id): r for r in (await session.execute(select(deadlines))).all()}


async def acted(runtime: Runtime) -> Counter[str]:
    async with runtime.sessionmaker() as session:
        found = await session.execute(select(audit_log.c.entity_id).where(audit_log.c.action == "deadline.acted"))
        return Counter(found.scalars())


async def test_due_deadlines_fire_once_and_others_wait(settings, make_runtime) -> None:
    clock = FixedClock(T0)
    runtime = make_runtime(settings, clock)
    due_now, due_later = await schedule(runtime, T0 - timedelta(hours=1), T0 + timedelta(days=3))
    [default_due] = await schedule(runtime, None, case_id="case-2")  # type: ignore[arg-type]
    sut = scheduler(runtime)

    assert await sut.fire_due() == 1
    assert await sut.fire_due() == 0
    assert await acted(runtime) == Counter({due_now: 1})
    stored = await rows(runtime)
    assert stored[due_now].status == "fired" and stored[due_now].fired_at == T0
    assert stored[due_later].status == "open" and stored[due_later].fired_at is None
    # By default a deadline falls due at its operational end, as computed for the member state.
    expected = REPLY.compute(T0, runtime.calendar, tz=runtime.zone).operational_end
    assert stored[default_due].due_at == expected
    assert stored[default_due].legal_basis == "TEST Art 1(1)"
    assert stored[default_due].computation["operational_end"] == expected.isoformat()

    async with runtime.sessionmaker() as session:
        actor = (await session.execute(select(audit_log.c.actor).where(audit_log.c.entity_id == due_now))).scalar()
    assert actor == "scheduler:probe"

    clock.set(T0 + timedelta(days=3))
    assert await sut.fire_due() == 1
    assert await acted(runtime) == Counter({due_now: 1, due_later: 1})


async def test_the_due_instant_is_the_boundary(settings, make_runtime) -> None:
    due = T0 + timedelta(days=10)
    clock = FixedClock(T0)
    runtime = make_runtime(settings, clock)
    [deadline_id] = await schedule(runtime, due)
    sut = scheduler(runtime)

    clock.set(due - timedelta(microseconds=1))
    assert await sut.fire_due() == 0
    clock.set(due)
    assert await sut.fire_due() == 1
    assert await acted(runtime) == Counter({deadline_id: 1})


async def test_cancelled_deadlines_never_fire(settings, make_runtime) -> None:
    clock = FixedClock(T0)
    runtime = make_runtime(settings, clock)
    [cancelled] = await schedule(runtime, T0 + timedelta(days=1), case_id="case-x")
    [other_kind] = await schedule(runtime, T0 + timedelta(days=1), case_id="case-x", kind="other")
    [other_case] = await schedule(runtime, T0 + timedelta(days=1), case_id="case-y")
    async with runtime.uow() as uow:
        await uow.cancel_deadlines("case-x", ["reply"])
        await uow.commit()

    clock.set(T0 + timedelta(days=30))
    sut = scheduler(runtime, {"reply": fired_by_audit, "other": fired_by_audit})
    assert await sut.fire_due() == 2
    assert await acted(runtime) == Counter({other_kind: 1, other_case: 1})
    assert (await rows(runtime))[cancelled].status == "cancelled"


async def test_a_failing_handler_keeps_the_deadline_open_and_does_not_block_others(settings, make_runtime) -> None:
    clock = FixedClock(T0)
    runtime = make_runtime(settings, clock)
    [failing] = await schedule(runtime, T0 - timedelta(minutes=5), kind="fragile")
    [healthy] = await schedule(runtime, T0 - timedelta(minutes=1))
    broken = True

    async def fragile(due: DueDeadline, uow: UnitOfWork) -> None:
        await fired_by_audit(due, uow)  # rolled back with the failure
        if broken:
            raise RuntimeError("registry unavailable")

    sut = scheduler(runtime, {"fragile": fragile, "reply": fired_by_audit})
    assert await sut.fire_due() == 1
    assert await acted(runtime) == Counter({healthy: 1})
    row = (await rows(runtime))[failing]
    assert (row.status, row.attempts, row.fired_at) == ("open", 1, None)
    assert "registry unavailable" in row.last_error
    assert row.retry_at > T0

    # Not retried before retry_at, even though it is due.
    assert await sut.fire_due() == 0
    clock.set(row.retry_at)
    assert await sut.fire_due() == 0  # still broken: a second attempt, a longer backoff
    second = (await rows(runtime))[failing]
    assert second.attempts == 2 and second.retry_at - clock.now() > row.retry_at - T0

    broken = False
    clock.set(second.retry_at)
    assert await sut.fire_due() == 1
    assert await acted(runtime) == Counter({healthy: 1, failing: 1})
    assert (await rows(runtime))[failing].status == "fired"


async def _race(runtimes: list[Runtime], count: int) -> Counter[str]:
    """``count`` due deadlines, the schedulers of ``runtimes`` all firing at once."""
    first = runtimes[0]
    ids = await schedule(first, *(T0 - timedelta(seconds=n) for n in range(count)))

    async def slow_handler(due: DueDeadline, uow: UnitOfWork) -> None:
        await asyncio.sleep(0.001)  # let the instances interleave
        await fired_by_audit(due, uow)

    schedulers = [scheduler(r, {"reply": slow_handler}) for r in runtimes]

    async def drain(sut: DeadlineScheduler) -> int:
        total = 0
        while fired := await sut.fire_due(limit=7):
            total += fired
        return total

    fired = await asyncio.gather(*(drain(s) for s in schedulers))
    assert sum(fired) == count
    assert all(row.status == "fired" for row in (await rows(first)).values())
    assert set(await acted(first)) == set(ids)
    return await acted(first)


async def test_three_schedulers_fire_each_deadline_exactly_once(settings, make_runtime) -> None:
    runtimes = [make_runtime(settings, FixedClock(T0)) for _ in range(3)]
    counts = await _race(runtimes, 100)
    assert set(counts.values()) == {1}


async def test_two_schedulers_on_sqlite_fire_each_deadline_exactly_once(
    tmp_path, broker, topic_prefix, make_runtime
) -> None:
    url = await migrated("keten_return", f"sqlite+aiosqlite:///{tmp_path / 'probe.db'}")
    settings = settings_for_test(url, broker, topic_prefix)
    runtimes = [make_runtime(settings, FixedClock(T0)) for _ in range(2)]
    counts = await _race(runtimes, 30)
    assert set(counts.values()) == {1}

    # The microsecond boundary holds on SQLite's text timestamps too.
    clock = FixedClock(T0)
    runtime = make_runtime(settings, clock)
    due = T0 + timedelta(days=1, microseconds=1)
    [late] = await schedule(runtime, due)
    sut = scheduler(runtime)
    clock.set(due - timedelta(microseconds=1))
    assert await sut.fire_due() == 0
    clock.set(due)
    assert await sut.fire_due() == 1
    assert (await acted(runtime))[late] == 1


async def test_the_running_service_fires_due_deadlines(service_app, kit) -> None:
    clock = FixedClock(T0)
    spec = kit.probe_spec(deadline_handlers={"reply": fired_by_audit})
    async with service_app(spec, clock=clock) as sut:
        [deadline_id] = await schedule(sut.runtime, T0 + timedelta(hours=1))
        await asyncio.sleep(0.2)  # several scheduler rounds
        assert await acted(sut.runtime) == Counter()
        clock.advance(timedelta(hours=1))
        await kit.wait_for(lambda: acted(sut.runtime))
        assert await acted(sut.runtime) == Counter({deadline_id: 1})


async def test_every_scan_is_timed_whether_or_not_a_deadline_was_due(settings, make_runtime) -> None:
    clock = FixedClock(T0)
    runtime = make_runtime(settings, clock)
    await schedule(runtime, T0 - timedelta(hours=1))
    before = _scan("probe")

    assert await scheduler(runtime).fire_due() == 1  # one scan claims it, the next finds nothing

    count, seconds = _scan("probe")
    assert count - before[0] == 2
    assert seconds > before[1]


def _scan(service: str) -> tuple[float, float]:
    """How many scans the scheduler of ``service`` timed, and their seconds in total."""
    count, total = (
        REGISTRY.get_sample_value(f"keten_deadline_scan_seconds_{part}", {"service": service}) or 0.0
        for part in ("count", "sum")
    )
    return count, total
