"""The reception service as a keten service: its API and event handlers."""

from __future__ import annotations

from keten_reception.entrypoints import api
from keten_reception.service_layer.handlers import EVENT_HANDLERS
from keten_shared.service import ServiceSpec


def spec() -> ServiceSpec:
    return ServiceSpec(
        name="reception",
        package="keten_reception",
        title="reception",
        description="Reception conditions for applicants under the Reception Conditions Directive (EU) 2024/1346.",
        routers=[api.router],
        event_handlers=EVENT_HANDLERS,
        roles=api.ROLES,
    )
