"""Kafka clients configured the one way keten uses them."""

from __future__ import annotations

import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from keten_shared.settings import ServiceSettings

log = logging.getLogger(__name__)


def producer(settings: ServiceSettings) -> AIOKafkaProducer:
    # acks=all: an event counts as published only once every in-sync replica has it. The
    # idempotent producer stays off because the embedded broker does not offer it; the
    # consumers' inbox makes a duplicate harmless.
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        acks="all",
        enable_idempotence=False,
        linger_ms=5,
        request_timeout_ms=30_000,
    )


def consumer(settings: ServiceSettings, group_id: str | None, *topics: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
        rebalance_timeout_ms=settings.kafka_rebalance_timeout_ms,
        max_poll_records=200,
    )


async def ensure_topics(settings: ServiceSettings, topics: list[str]) -> None:
    """Create the topics if missing: the broker must never auto-create them with one partition."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in dict.fromkeys(topics) if t not in existing]
        if not missing:
            return
        new = [NewTopic(t, settings.topic_partitions, settings.topic_replication_factor) for t in missing]
        try:
            await admin.create_topics(new)
        except TopicAlreadyExistsError:  # another instance created them first
            pass
        log.info("created topics %s", missing)
    finally:
        await admin.close()
