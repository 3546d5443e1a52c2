"""The asylum service as a keten service: its API, event handlers and deadline handlers."""

from __future__ import annotations

from keten_asylum.entrypoints import api
from keten_asylum.service_layer.handlers import EVENT_HANDLERS
from keten_shared.service import ServiceSpec


def spec() -> ServiceSpec:
    return ServiceSpec(
        name="asylum",
        package="keten_asylum",
        title="asylum",
        description="Applications for international protection under the Asylum Procedure Regulation (EU) 2024/1348.",
        routers=[api.router],
        event_handlers=EVENT_HANDLERS,
        roles=api.ROLES,
    )
