"""Kafka plumbing: topics, clients, the outbox relay, the idempotent consumer and dead letters."""
