"""CloudEvents 1.0 envelope, JSON structured mode (https://github.com/cloudevents/spec).

Kafka binding: the whole event is the message value (content type
``application/cloudevents+json``), the message key is the subject (the case id), so all events
of a case land on one partition in order. ``traceparent`` is the CloudEvents distributed-tracing
extension attribute carrying the W3C trace context.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from keten_shared.events.registry import EventData, event_model, parse_schema_uri

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"


class EnvelopeError(ValueError):
    """A message that is not a valid keten CloudEvent: it can never succeed, so it is dead-lettered."""


class CloudEvent(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)  # extension attributes are allowed

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(min_length=1)
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    time: AwareDatetime
    subject: str | None = None
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str
    traceparent: str | None = None
    data: dict[str, Any]

    @classmethod
    def wrap(
        cls,
        data: EventData,
        *,
        source: str,
        subject: str,
        time: datetime,
        traceparent: str | None = None,
        event_id: str | None = None,
    ) -> CloudEvent:
        return cls(
            id=event_id or str(uuid.uuid4()),
            source=source,
            type=data.event_type,
            time=time,
            subject=subject,
            dataschema=data.schema_uri(),
            traceparent=traceparent,
            data=data.model_dump(mode="json"),
        )

    def to_json(self) -> str:
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def from_bytes(cls, raw: bytes | None) -> CloudEvent:
        if not raw:
            raise EnvelopeError("empty message")
        try:
            return cls.model_validate(json.loads(raw))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise EnvelopeError(f"not JSON: {exc}") from exc
        except ValidationError as exc:
            raise EnvelopeError(f"not a CloudEvent: {exc}") from exc

    def payload(self) -> EventData:
        """The typed ``data`` for this event's type and schema version."""
        try:
            name, version = parse_schema_uri(self.dataschema)
        except ValueError as exc:
            raise EnvelopeError(str(exc)) from exc
        if name != self.type:
            raise EnvelopeError(f"dataschema {self.dataschema} does not describe type {self.type}")
        model = event_model(name, version)
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            raise EnvelopeError(f"data does not match {self.dataschema}: {exc}") from exc
