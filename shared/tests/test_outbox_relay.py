"""The transactional outbox and its relay, against the real PostgreSQL (and SQLite) and the real broker."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from keten_shared.clock import Clock, FixedClock
from keten_shared.db.plumbing import outbox
from keten_shared.events.envelope import CONTENT_TYPE
from keten_shared.messaging import kafka
from keten_shared.messaging.outbox_relay import OutboxRelay, mark_for_republish, unpublished_count
from keten_shared.service import Runtime
from keten_shared.settings import ServiceSettings
from keten_shared.testing.fixtures import migrated, settings_for_test

MakeRuntime = Callable[..., Runtime]


@pytest.fixture
async def runtimes(kit) -> AsyncIterator[MakeRuntime]:
    """``runtimes(settings, clock=None)``: an unstarted Runtime (engine, unit-of-work factory) per instance."""
    made: list[Runtime] = []

    def make(settings: ServiceSettings, clock: Clock | None = None) -> Runtime:
        runtime = Runtime(kit.probe_spec(), settings, clock)
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        await runtime.stop()


async def _relay(runtime: Runtime, producers, *, batch_size: int = 200, poll_interval: float = 0.02) -> OutboxRelay:
    return OutboxRelay(
        service=runtime.spec.name,
        sessionmaker=runtime.sessionmaker,
        producer=await producers(runtime.settings),
        clock=runtime.clock,
        batch_size=batch_size,
        poll_interval=poll_interval,
    )


async def _outbox_rows(runtime: Runtime) -> list:
    async with runtime.sessionmaker() as session:
        return list((await session.execute(select(outbox).order_by(outbox.c.seq))).all())


async def _publish(runtime: Runtime, kit, case_ids: list[str]) -> list[str]:
    """One committed unit of work publishing one event per case id; returns the event ids."""
    async with runtime.uow() as uow:
        events = [uow.publish(kit.probe_data(case_id), subject=case_id) for case_id in case_ids]
        await uow.commit()
    return [e.id for e in events]


def _topic(settings: ServiceSettings) -> str:
    return f"{settings.topic_prefix}probe.events"


async def test_committed_events_reach_the_topic_as_cloudevents_keyed_by_case(
    settings, runtimes, producers, kit
) -> None:
    runtime = runtimes(settings)
    await kafka.ensure_topics(settings, [_topic(settings)])
    relay = await _relay(runtime, producers)

    ids = await _publish(runtime, kit, ["case-1", "case-2", "case-1"])
    payloads = {str(row.event_id): row.payload for row in await _outbox_rows(runtime)}

    assert await relay.publish_batch() == 3
    assert await relay.publish_batch() == 0  # marked as published: nothing goes out twice
    records = await kit.read_topic(settings, _topic(settings))

    assert sorted(kit.event_ids(records)) == sorted(ids)
    for record in records:
        body = json.loads(record.value)
        assert record.value.decode() == payloads[body["id"]]  # byte for byte what the outbox holds
        assert body["specversion"] == "1.0"
        assert body["type"] == kit.probe_data("x").event_type
        assert body["source"] == "/keten/probe"
        assert record.key.decode() == body["subject"] == body["data"]["case_id"]
        assert kit.headers(record)["content-type"] == CONTENT_TYPE
    # Both events of case-1 share a partition, in the order they were written.
    case_1 = [r for r in records if r.key == b"case-1"]
    assert len({r.partition for r in case_1}) == 1
    assert kit.event_ids(case_1) == [ids[0], ids[2]]
    assert all(row.published_at is not None for row in await _outbox_rows(runtime))


async def test_a_rolled_back_unit_of_work_publishes_nothing(settings, runtimes, producers, kit) -> None:
    runtime = runtimes(settings)
    await kafka.ensure_topics(settings, [_topic(settings)])
    relay = await _relay(runtime, producers)
    committed: list[int] = []
    runtime.uow = dataclasses.replace(runtime.uow, on_events_committed=lambda: committed.append(1))

    async with runtime.uow() as uow:  # left without commit
        uow.publish(kit.probe_data("case-left"), subject="case-left")
    with pytest.raises(RuntimeError):
        async with runtime.uow() as uow:
            uow.publish(kit.probe_data("case-failed"), subject="case-failed")
            raise RuntimeError("the state change failed")

    assert await _outbox_rows(runtime) == []
    assert await relay.publish_batch() == 0
    assert committed == []
    assert await kit.read_topic(settings, _topic(settings)) == []


async def test_three_relays_publish_each_event_exactly_once_in_case_order(
    settings, runtimes, producers, kit, background
) -> None:
    await kafka.ensure_topics(settings, [_topic(settings)])
    writer = runtimes(settings)
    relays = [await _relay(runtimes(settings), producers, batch_size=7) for _ in range(3)]
    cases = [f"case-{n:02d}" for n in range(30)]
    pick = random.Random(7)  # a case's events close together, so that concurrent batches share cases
    written: list[str] = []
    for round_ in range(30):  # 300 events: half waiting when the relays start, half written while they run
        if round_ == 15:
            for relay in relays:
                background(relay.run())
        written += await _publish(writer, kit, [pick.choice(cases) for _ in range(10)])

    async def drained() -> bool:
        async with writer.sessionmaker() as session:
            return await unpublished_count(session) == 0

    await kit.wait_for(drained, within=60)
    records = await kit.read_topic(settings, _topic(settings))

    counts = Counter(kit.event_ids(records))
    assert set(counts) == set(written)
    assert [event_id for event_id, n in counts.items() if n != 1] == []
    seq_order: dict[str, list[str]] = defaultdict(list)
    for row in await _outbox_rows(writer):
        seq_order[row.key].append(str(row.event_id))
    topic_order: dict[str, list[str]] = defaultdict(list)
    for record in records:  # per partition in offset order, so per key in publish order
        topic_order[record.key.decode()].append(json.loads(record.value)["id"])
    assert topic_order == seq_order
    assert len(seq_order) == 30


async def test_a_batch_leaves_out_a_case_whose_earlier_event_another_relay_holds(
    settings, runtimes, producers, kit
) -> None:
    runtime = runtimes(settings)
    await kafka.ensure_topics(settings, [_topic(settings)])
    relay = await _relay(runtime, producers)
    k1, x1, k2, y1 = await _publish(runtime, kit, ["k", "x", "k", "y"])
    first_seq = (await _outbox_rows(runtime))[0].seq

    async with runtime.sessionmaker() as other_relay, other_relay.begin():
        # Another instance is in the middle of publishing k's first event.
        await other_relay.execute(select(outbox).where(outbox.c.seq == first_seq).with_for_update())
        assert await relay.publish_batch() == 2
        await other_relay.rollback()  # it crashed: the row is free again
    assert sorted(kit.event_ids(await kit.read_topic(settings, _topic(settings)))) == sorted([x1, y1])

    assert await relay.publish_batch() == 2
    records = await kit.read_topic(settings, _topic(settings))
    assert kit.event_ids([r for r in records if r.key == b"k"]) == [k1, k2]


async def test_mark_for_republish_sends_exactly_the_events_since_then_in_order(
    settings, runtimes, producers, kit
) -> None:
    clock = FixedClock(datetime(2026, 5, 4, 8, 0, tzinfo=UTC))
    runtime = runtimes(settings, clock)
    await kafka.ensure_topics(settings, [_topic(settings)])
    relay = await _relay(runtime, producers)

    before = await _publish(runtime, kit, ["a", "b", "a"])
    since = clock.now() + timedelta(minutes=1)
    clock.set(since)
    after = await _publish(runtime, kit, ["b", "a"])
    clock.advance(timedelta(minutes=1))
    after += await _publish(runtime, kit, ["c"])
    assert await relay.publish_batch() == 6
    first_round = kit.event_ids(await kit.read_topic(settings, _topic(settings)))

    assert await mark_for_republish(runtime.sessionmaker, since=since) == 3
    assert await relay.publish_batch() == 3
    assert await relay.publish_batch() == 0

    records = await kit.read_topic(settings, _topic(settings))
    counts = Counter(kit.event_ids(records))
    assert {e: counts[e] for e in before} == dict.fromkeys(before, 1)
    assert {e: counts[e] for e in after} == dict.fromkeys(after, 2)
    assert len(records) == len(first_round) + 3
    # Per case, the republished tail repeats the events since `since` in their original order.
    for case in ("a", "b", "c"):
        ids = kit.event_ids([r for r in records if r.key == case.encode()])
        own_after = [e for e in after if e in ids]
        assert ids[len(ids) - len(own_after) :] == own_after
    # An event type filter and an empty range select nothing more.
    assert await mark_for_republish(runtime.sessionmaker, since=since, event_type="no.such.type") == 0
    assert await mark_for_republish(runtime.sessionmaker, since=since, until=since) == 0


async def test_two_relays_on_sqlite_publish_each_event_once(
    tmp_path, broker, topic_prefix, runtimes, producers, kit, background
) -> None:
    url = await migrated("keten_return", f"sqlite+aiosqlite:///{tmp_path / 'probe.db'}")
    settings = settings_for_test(url, broker, topic_prefix)
    await kafka.ensure_topics(settings, [_topic(settings)])
    writer = runtimes(settings)
    for _ in range(2):
        background((await _relay(runtimes(settings), producers, batch_size=5)).run())

    written: list[str] = []
    for round_ in range(8):
        written += await _publish(writer, kit, [f"case-{(round_ + i) % 6}" for i in range(5)])

    async def drained() -> bool:
        async with writer.sessionmaker() as session:
            return await unpublished_count(session) == 0

    await kit.wait_for(drained, within=30)
    records = await kit.read_topic(settings, _topic(settings))
    assert sorted(kit.event_ids(records)) == sorted(written)
    for case in {r.key for r in records}:
        rows = [str(row.event_id) for row in await _outbox_rows(writer) if row.key == case.decode()]
        assert kit.event_ids([r for r in records if r.key == case]) == rows


async def test_the_relay_stops_when_cancelled_as_it_is_woken(settings, runtimes, producers) -> None:
    """A commit that wakes the relay while the service shuts down must not keep the relay running."""
    relay = await _relay(runtimes(settings), producers, poll_interval=30.0)  # idle: waits to be woken
    task = asyncio.create_task(relay.run())
    await asyncio.sleep(0.3)

    relay.wake()
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=5)
