"""The registry of event types: one Pydantic model per event type and major version.

A model is registered with ``@event_type("asylum.decision.issued", version=1, producer="asylum")``.
Within a major version a schema may only grow by optional fields (checked against the
committed JSON Schemas by the schema compatibility test); any other change needs version+1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict


class EventData(BaseModel):
    """Base of every event payload (the CloudEvent ``data``)."""

    # Unknown fields are ignored so that an older consumer reads a newer minor revision.
    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    version: ClassVar[int]
    producer: ClassVar[str]

    @classmethod
    def schema_uri(cls) -> str:
        return schema_uri(cls.event_type, cls.version)


class UnknownEventType(LookupError):
    pass


_REGISTRY: dict[tuple[str, int], type[EventData]] = {}

E = TypeVar("E", bound=type[EventData])


def event_type(name: str, *, version: int, producer: str) -> Callable[[E], E]:
    """Class decorator registering an event payload model."""

    def register(cls: E) -> E:
        if not name.startswith(f"{producer}.") and not name.startswith("eurodac."):
            raise ValueError(f"event type {name} must be named after its producer {producer}")
        if (name, version) in _REGISTRY:
            raise ValueError(f"event type {name} v{version} registered twice")
        cls.event_type, cls.version, cls.producer = name, version, producer
        _REGISTRY[(name, version)] = cls
        return cls

    return register


def schema_uri(name: str, version: int) -> str:
    return f"urn:keten:schema:{name}:v{version}"


def parse_schema_uri(uri: str) -> tuple[str, int]:
    prefix = "urn:keten:schema:"
    if not uri.startswith(prefix):
        raise ValueError(f"dataschema {uri!r} is not a keten schema URI")
    name, _, version = uri.removeprefix(prefix).rpartition(":v")
    if not name or not version.isdigit():
        raise ValueError(f"dataschema {uri!r} has no version")
    return name, int(version)


def event_model(name: str, version: int) -> type[EventData]:
    _load_catalog()
    try:
        return _REGISTRY[(name, version)]
    except KeyError:
        raise UnknownEventType(f"{name} v{version}") from None


def registered_events() -> list[type[EventData]]:
    _load_catalog()
    return [model for _, model in sorted(_REGISTRY.items())]


def _load_catalog() -> None:
    # The catalogue modules register themselves on import.
    import keten_shared.events.catalog  # noqa: F401
