"""The dublin service as a keten service: its API and event handlers."""

from __future__ import annotations

from keten_dublin.entrypoints import api
from keten_dublin.service_layer.handlers import EVENT_HANDLERS
from keten_shared.service import ServiceSpec


def spec() -> ServiceSpec:
    return ServiceSpec(
        name="dublin",
        package="keten_dublin",
        title="dublin",
        description="Determining the member state responsible under the AMMR (EU) 2024/1351.",
        routers=[api.router],
        event_handlers=EVENT_HANDLERS,
        roles=api.ROLES,
    )
