"""Event contracts: the CloudEvents envelope, one Pydantic model per event type and version."""

from keten_shared.events.envelope import CloudEvent, EnvelopeError
from keten_shared.events.registry import (
    EventData,
    UnknownEventType,
    event_model,
    event_type,
    registered_events,
)

__all__ = [
    "CloudEvent",
    "EnvelopeError",
    "EventData",
    "UnknownEventType",
    "event_model",
    "event_type",
    "registered_events",
]
