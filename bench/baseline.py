"""The limit the platform sets: the same number of events through the same broker into PostgreSQL.

Produced with aiokafka as the services' outbox relay produces (keten_shared.messaging.kafka), then
consumed with a consumer group, each event one committed row in an inbox-like table, in batches
as big as a poll returns: one COPY and one transaction per batch, then the offsets committed.
Repeated a few rounds (a new topic and table each), since one round is over in well under a second.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import asyncpg
from aiokafka import ConsumerRebalanceListener

from keten_shared.messaging.kafka import consumer, ensure_topics, producer
from keten_shared.settings import ServiceSettings
from keten_shared.testing.fixtures import create_database, drop_database

from .stack import connect

PAYLOAD_BYTES = 1024  # about the size of one of the services' CloudEvents
BATCH = 1000


@dataclass
class Round:
    produce_seconds: float
    consume_seconds: float  # partitions assigned → last batch's rows and offsets committed
    rows_committed: int
    batches: int

    @property
    def consume_commit_per_s(self) -> float:
        return self.rows_committed / self.consume_seconds if self.consume_seconds else 0.0


@dataclass
class BaselineResult:
    events: int
    payload_bytes: int
    rounds: list[Round]

    @property
    def produce_per_s(self) -> float:
        return statistics.median(self.events / r.produce_seconds for r in self.rounds if r.produce_seconds)

    @property
    def consume_commit_per_s(self) -> float:
        """The median over the rounds: one round of a few thousand events takes well under a second."""
        return statistics.median(r.consume_commit_per_s for r in self.rounds)

    def as_dict(self) -> dict[str, object]:
        return {
            "events": self.events,
            "payload_bytes": self.payload_bytes,
            "produce_per_s": self.produce_per_s,
            "consume_commit_per_s": self.consume_commit_per_s,
            "rounds": [asdict(r) | {"consume_commit_per_s": r.consume_commit_per_s} for r in self.rounds],
        }


class _Assigned(ConsumerRebalanceListener):
    def __init__(self) -> None:
        self.event = asyncio.Event()

    async def on_partitions_revoked(self, revoked: object) -> None:
        pass

    async def on_partitions_assigned(self, assigned: object) -> None:
        self.event.set()


def _event(number: int) -> bytes:
    body = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "urn:keten:bench",
        "type": "bench.event.produced",
        "subject": str(uuid.uuid4()),
        "time": datetime.now(UTC).isoformat(),
        "datacontenttype": "application/json",
        "data": {"number": number, "padding": ""},
    }
    size = len(json.dumps(body))
    body["data"]["padding"] = "x" * max(0, PAYLOAD_BYTES - size)  # type: ignore[index]
    return json.dumps(body).encode()


async def run_baseline(bootstrap_servers: str, topic_prefix: str, events: int, rounds: int) -> BaselineResult:
    """``rounds`` times: produce ``events`` to a new topic, then consume them into a new table."""
    settings = ServiceSettings(kafka_bootstrap_servers=bootstrap_servers, topic_partitions=3)
    name, url = await create_database()
    connection = await connect(url)
    try:
        done = [await _round(settings, connection, f"{topic_prefix}baseline{n}", events) for n in range(rounds)]
    finally:
        await connection.close()
        await drop_database(name)
    return BaselineResult(events=events, payload_bytes=PAYLOAD_BYTES, rounds=done)


async def _round(settings: ServiceSettings, connection: asyncpg.Connection, name: str, events: int) -> Round:
    topic, table = f"{name}.events", name.replace(".", "_")
    await ensure_topics(settings, [topic])
    payloads = [(str(uuid.uuid4()).encode(), _event(n)) for n in range(events)]

    sending = producer(settings)
    await sending.start()
    try:
        started = time.perf_counter()
        futures = [await sending.send(topic, value=value, key=key) for key, value in payloads]
        await asyncio.gather(*futures)
        produce_seconds = time.perf_counter() - started
    finally:
        await sending.stop()

    await connection.execute(
        f'CREATE TABLE "{table}" (event_id uuid PRIMARY KEY, topic text NOT NULL, partition int NOT NULL,'
        ' "offset" bigint NOT NULL, payload jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())'
    )
    receiving = consumer(settings, name)
    assigned = _Assigned()
    receiving.subscribe([topic], listener=assigned)
    await receiving.start()
    try:
        await asyncio.wait_for(assigned.event.wait(), 60)  # the group join is not timed
        deadline = time.monotonic() + 120
        rows = batches = 0
        started = time.perf_counter()
        while rows < events and time.monotonic() < deadline:
            fetched = await receiving.getmany(timeout_ms=500, max_records=BATCH)
            records = [r for rs in fetched.values() for r in rs]
            if not records:
                continue
            async with connection.transaction():
                await connection.copy_records_to_table(
                    table,
                    records=[
                        (uuid.UUID(json.loads(r.value)["id"]), r.topic, r.partition, r.offset, r.value.decode())
                        for r in records
                    ],
                    columns=["event_id", "topic", "partition", "offset", "payload"],
                )
            await receiving.commit()
            rows += len(records)
            batches += 1
        consume_seconds = time.perf_counter() - started
    finally:
        await receiving.stop()
    committed = await connection.fetchval(f'SELECT count(*) FROM "{table}"')
    return Round(produce_seconds, consume_seconds, committed, batches)
