"""Dead letters: an operator lists them with their error and replays them through the retry topic."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from keten_shared.db.plumbing import audit_log, inbox
from keten_shared.events.envelope import CloudEvent
from keten_shared.events.registry import EventData
from keten_shared.messaging.dead_letters import read_dead_letters, replay_dead_letters
from keten_shared.uow import UnitOfWork

SERVICE = "probe-dlq"


async def test_dead_letters_are_listed_and_replayed_through_the_retry_topic(service_app, topic_prefix, kit) -> None:
    broken: set[str] = set()
    calls: Counter[str] = Counter()

    async def handler(data: EventData, event: CloudEvent, uow: UnitOfWork) -> None:
        calls[event.id] += 1
        if event.subject in broken:
            raise ValueError(f"cannot handle {event.subject} yet")
        uow.audit("probe.handled", entity_type="event", entity_id=event.id)

    spec = kit.probe_spec(name=SERVICE, handlers={kit.probe_event("x").type: handler})
    async with service_app(spec, consumer_max_attempts=2) as sut:
        settings, topic = sut.settings, f"{topic_prefix}dublin.events"
        assert await read_dead_letters(settings, SERVICE) == []

        async def count(table, event_id: str) -> int:  # type: ignore[no-untyped-def]
            column = table.c.event_id if table is inbox else table.c.entity_id
            async with sut.runtime.sessionmaker() as session:
                return int((await session.execute(select(func.count()).where(column == event_id))).scalar_one())

        failing, later_handled = kit.probe_event("case-a"), kit.probe_event("case-b")
        broken.update({"case-a", "case-b"})
        sent = await kit.produce(
            settings, topic, [b"{broken", failing.to_json().encode(), later_handled.to_json().encode()], key=b"k"
        )

        async def three_letters() -> list:
            letters = await read_dead_letters(settings, SERVICE)
            return letters if len(letters) == 3 else []

        garbage, first, second = await kit.wait_for(three_letters)
        assert garbage.value == b"{broken" and garbage.event_summary() == ("?", "?")
        assert "not JSON" in garbage.error
        assert first.event_summary() == (failing.id, failing.type)
        assert first.error == "cannot handle case-a yet"
        assert first.headers["keten-attempts"] == "2"
        assert first.original == f"{topic}[{sent[1].partition}]@{sent[1].offset}"
        assert (first.key, first.value) == (b"k", failing.to_json().encode())
        assert second.event_summary() == (later_handled.id, later_handled.type)
        assert calls[failing.id] == 2

        # The cause is fixed; case-b's event is delivered again and handled before anyone replays it.
        broken.clear()
        await kit.produce(settings, topic, [later_handled.to_json().encode()], key=b"k")
        await kit.wait_for(lambda: count(inbox, later_handled.id))

        # Replay both, the already handled one first on the same key: once the other one is handled,
        # the retry partition has been read past the first too.
        assert await replay_dead_letters(settings, SERVICE, [second, first]) == 2
        await kit.wait_for(lambda: count(inbox, failing.id))

        assert calls == Counter({failing.id: 3, later_handled.id: 3})  # 2 failed + 1, and the replay was a no-op
        assert await count(audit_log, failing.id) == 1
        assert await count(audit_log, later_handled.id) == 1
        async with sut.runtime.sessionmaker() as session:
            row = (await session.execute(select(inbox).where(inbox.c.event_id == failing.id))).one()
        assert row.topic == f"{topic_prefix}{SERVICE}.retry"
        # Replayed messages say where they came from; the dead-letter topic itself is unchanged.
        [replayed, _] = await kit.read_topic(settings, f"{topic_prefix}{SERVICE}.retry")
        assert (
            kit.headers(replayed)["keten-replayed-from"]
            == f"{topic_prefix}{SERVICE}.dlq[{second.partition}]@{second.offset}"
        )
        assert "keten-error" not in kit.headers(replayed)
        assert len(await read_dead_letters(settings, SERVICE)) == 3
