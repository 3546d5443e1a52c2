"""The dublin service as a keten service: its API and event handlers."""

from __future__ import annotations

from dataclasses import dataclass

from keten_dublin.config import DublinSettings
from keten_dublin.entrypoints import api, responsibility_api
from keten_dublin.service_layer.handlers import EVENT_HANDLERS
from keten_shared.clock import Clock
from keten_shared.service import ServiceSpec
from keten_shared.settings import ServiceSettings


@dataclass
class DublinAdapters:
    config: DublinSettings  # the member state's choices and reference data, read from KETEN_DUBLIN_*


def adapters(_settings: ServiceSettings, _clock: Clock) -> DublinAdapters:
    return DublinAdapters(config=DublinSettings())


def spec() -> ServiceSpec:
    return ServiceSpec(
        name="dublin",
        package="keten_dublin",
        title="dublin",
        description="Determining the member state responsible under the AMMR (EU) 2024/1351.",
        routers=[api.router, responsibility_api.router],
        event_handlers=EVENT_HANDLERS,
        roles=api.ROLES,
        adapters=adapters,
    )
