"""The asylum service as a keten service: its API, event handlers, deadline handlers and national choices."""

from __future__ import annotations

from dataclasses import dataclass

from keten_asylum.config import AsylumSettings
from keten_asylum.entrypoints import decisions_api, examination_api, intake_api, procedural_api, worklists_api
from keten_asylum.entrypoints.application_access import ROLES
from keten_asylum.service_layer.handlers import DEADLINE_HANDLERS, EVENT_HANDLERS
from keten_shared.clock import Clock
from keten_shared.service import ServiceSpec
from keten_shared.settings import ServiceSettings


@dataclass
class AsylumAdapters:
    config: AsylumSettings  # the member state's choices inside the APR ranges, read from KETEN_ASYLUM_*


def adapters(_settings: ServiceSettings, _clock: Clock) -> AsylumAdapters:
    return AsylumAdapters(config=AsylumSettings())


def spec() -> ServiceSpec:
    return ServiceSpec(
        name="asylum",
        package="keten_asylum",
        title="asylum",
        description="Applications for international protection under the Asylum Procedure Regulation (EU) 2024/1348.",
        routers=[
            intake_api.router,
            examination_api.router,
            decisions_api.router,
            examination_api.procedure_router,
            worklists_api.router,
            procedural_api.router,
        ],
        event_handlers=EVENT_HANDLERS,
        deadline_handlers=DEADLINE_HANDLERS,
        roles=ROLES,
        adapters=adapters,
    )
