"""The AsyncAPI 3 document of every keten topic and event, generated from the event models.

The whole document is committed (docs/asyncapi.yaml); each service serves the part about its
own topics at /asyncapi.json.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from keten_shared.events.envelope import CONTENT_TYPE
from keten_shared.events.registry import EventData, registered_events
from keten_shared.events.schemas import schema_for
from keten_shared.messaging.topics import Topics

SERVICES = ("screening", "asylum", "reception", "dublin", "return")
SCHEMA_FORMAT = "application/schema+json;version=draft-2020-12"


def _channel_id(service: str, kind: str) -> str:
    return f"{service}{kind.capitalize()}"


def _message_id(model: type[EventData]) -> str:
    return f"{model.event_type}.v{model.version}"


def _envelope_schema(model: type[EventData]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "CloudEvents 1.0, JSON structured mode",
        "required": ["specversion", "id", "source", "type", "time", "subject", "dataschema", "data"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {"type": "string", "description": "unique per event; consumers deduplicate on it"},
            "source": {"const": f"/keten/{model.producer}"},
            "type": {"const": model.event_type},
            "time": {"type": "string", "format": "date-time"},
            "subject": {"type": "string", "description": "case id; also the Kafka message key"},
            "datacontenttype": {"const": "application/json"},
            "dataschema": {"const": model.schema_uri()},
            "traceparent": {"type": "string", "description": "W3C trace context (distributed tracing extension)"},
            "data": schema_for(model),
        },
    }


def build(
    consumers: Mapping[str, Sequence[str]] | None = None,
    *,
    only_service: str | None = None,
    partitions: int = 12,
) -> dict[str, Any]:
    """The AsyncAPI document; ``consumers`` maps each service to the event types it handles."""
    topics = Topics()
    models = registered_events()
    services = [only_service] if only_service else list(SERVICES)
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}

    for service in services:
        produced = [m for m in models if m.producer == service]
        refs = {_message_id(m): {"$ref": f"#/components/messages/{_message_id(m)}"} for m in produced}
        for m in produced:
            messages[_message_id(m)] = {
                "name": m.event_type,
                "title": m.event_type,
                "summary": (m.__doc__ or "").strip().splitlines()[0] if m.__doc__ else m.event_type,
                "contentType": CONTENT_TYPE.split(";")[0],
                "payload": {"schemaFormat": SCHEMA_FORMAT, "schema": _envelope_schema(m)},
                "bindings": {"kafka": {"key": {"type": "string", "description": "case id"}}},
            }
        events_id = _channel_id(service, "events")
        channels[events_id] = {
            "address": topics.events(service),
            "title": f"{service} case-lifecycle events",
            "description": f"Every event the {service} service publishes, keyed by case id.",
            "messages": refs,
            "bindings": {"kafka": {"topic": topics.events(service), "partitions": partitions}},
        }
        if refs:
            operations[f"{service}Publishes"] = {
                "action": "send",
                "channel": {"$ref": f"#/channels/{events_id}"},
                "messages": [{"$ref": f"#/channels/{events_id}/messages/{mid}"} for mid in refs],
            }
        for kind, address, description in (
            ("dlq", topics.dead_letters(service), f"Events the {service} service could not handle, error in headers."),
            ("retry", topics.retry(service), f"Dead letters of the {service} service replayed by an operator."),
        ):
            channels[_channel_id(service, kind)] = {
                "address": address,
                "title": f"{service} {kind}",
                "description": description,
                "bindings": {"kafka": {"topic": address, "partitions": partitions}},
            }

    for service, handled in sorted((consumers or {}).items()):
        if only_service and service != only_service:
            continue
        for producer in SERVICES:
            wanted = [m for m in models if m.producer == producer and m.event_type in handled]
            if not wanted or _channel_id(producer, "events") not in channels:
                continue
            operations[f"{service}Receives{producer.capitalize()}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{_channel_id(producer, 'events')}"},
                "messages": [
                    {"$ref": f"#/channels/{_channel_id(producer, 'events')}/messages/{_message_id(m)}"} for m in wanted
                ],
                "bindings": {"kafka": {"groupId": {"type": "string", "const": topics.consumer_group(service)}}},
            }

    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": f"keten {only_service} events" if only_service else "keten events",
            "version": "1.0.0",
            "description": (
                "Case-lifecycle events of the keten services as CloudEvents 1.0 (JSON structured mode) "
                "on Kafka. One topic per producing service, keyed by case id. Every event type has a "
                "JSON Schema per major version; within a major version schemas only gain optional fields."
            ),
        },
        "defaultContentType": CONTENT_TYPE.split(";")[0],
        "servers": {
            "production": {"host": "kafka:9092", "protocol": "kafka", "description": "Apache Kafka (KRaft)"},
            "local": {"host": "127.0.0.1:9092", "protocol": "kafka", "description": "embedded broker of `make run`"},
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }
