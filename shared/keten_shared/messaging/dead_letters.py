"""Reading and replaying a service's dead-letter topic (operators' CLI: ``keten-<service> dlq``).

Replay sends the original message to the service's retry topic, which only that service's
consumer reads, so other subscribers of the original topic are not disturbed; the consumer's
inbox makes replaying an event that meanwhile succeeded harmless.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from aiokafka import TopicPartition

from keten_shared.messaging import kafka
from keten_shared.messaging.topics import Topics
from keten_shared.settings import ServiceSettings


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def error(self) -> str:
        return self.headers.get("keten-error", "")

    @property
    def original(self) -> str:
        h = self.headers
        return f"{h.get('keten-original-topic')}[{h.get('keten-original-partition')}]@{h.get('keten-original-offset')}"

    def event_summary(self) -> tuple[str, str]:
        """(event id, event type) as far as the message can be read."""
        try:
            body = json.loads(self.value or b"")
            return str(body.get("id", "?")), str(body.get("type", "?"))
        except (ValueError, AttributeError):
            return "?", "?"


async def read_dead_letters(settings: ServiceSettings, service: str) -> list[DeadLetter]:
    """Every message currently on the service's dead-letter topic, oldest first."""
    topic = Topics(settings.topic_prefix).dead_letters(service)
    consumer = kafka.consumer(settings, None)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        # Dead letters are written one message per request, so even the embedded broker, which
        # under-reports end offsets after batched sends, reports these exactly.
        ends = await consumer.end_offsets(partitions)
        letters: list[DeadLetter] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                letters.extend(
                    DeadLetter(
                        partition=r.partition,
                        offset=r.offset,
                        key=r.key,
                        value=r.value,
                        headers={k: v.decode(errors="replace") for k, v in r.headers or ()},
                    )
                    for r in records
                    if r.offset < ends[TopicPartition(topic, r.partition)]
                )
        return sorted(letters, key=lambda d: (d.partition, d.offset))
    finally:
        await consumer.stop()


async def replay_dead_letters(settings: ServiceSettings, service: str, letters: list[DeadLetter]) -> int:
    topics = Topics(settings.topic_prefix)
    producer = kafka.producer(settings)
    await producer.start()
    try:
        for letter in letters:
            headers = [(k, v.encode()) for k, v in letter.headers.items() if not k.startswith("keten-")]
            headers.append(
                ("keten-replayed-from", f"{topics.dead_letters(service)}[{letter.partition}]@{letter.offset}".encode())
            )
            await producer.send_and_wait(topics.retry(service), value=letter.value, key=letter.key, headers=headers)
    finally:
        await producer.stop()
    return len(letters)
