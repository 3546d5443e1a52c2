"""The screening service as a keten service: its API and deadline handlers."""

from __future__ import annotations

from keten_screening.entrypoints import api
from keten_screening.service_layer.handlers import DEADLINE_HANDLERS
from keten_shared.service import ServiceSpec


def spec() -> ServiceSpec:
    return ServiceSpec(
        name="screening",
        package="keten_screening",
        title="screening",
        description="Screening of third-country nationals under the Screening Regulation (EU) 2024/1356.",
        routers=[api.router],
        deadline_handlers=DEADLINE_HANDLERS,
        roles=api.ROLES,
    )
