"""The screening service as a keten service: its API, its deadline handlers and its gateways."""

from __future__ import annotations

from keten_screening.adapters.eurodac import EurodacSimulator
from keten_screening.adapters.security import SecurityDatabaseSimulator
from keten_screening.entrypoints import api, monitoring_api
from keten_screening.service_layer.handlers import DEADLINE_HANDLERS, ScreeningAdapters
from keten_shared.clock import Clock
from keten_shared.service import ServiceSpec
from keten_shared.settings import ServiceSettings


def adapters(_settings: ServiceSettings, clock: Clock) -> ScreeningAdapters:
    """The local simulators; a deployment connected to Eurodac and the EU systems plugs its gateways in here."""
    return ScreeningAdapters(eurodac=EurodacSimulator(clock=clock), security=SecurityDatabaseSimulator())


def spec() -> ServiceSpec:
    return ServiceSpec(
        name="screening",
        package="keten_screening",
        title="screening",
        description="Screening of third-country nationals under the Screening Regulation (EU) 2024/1356, "
        "with Eurodac registration (Reg. (EU) 2024/1358).",
        routers=[api.router, monitoring_api.router],
        deadline_handlers=DEADLINE_HANDLERS,
        roles=(*api.ROLES, monitoring_api.MONITOR),
        adapters=adapters,
    )
