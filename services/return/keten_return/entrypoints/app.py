"""The return service as a keten service: its API, event handlers and deadline handlers."""

from __future__ import annotations

from keten_return.entrypoints import api
from keten_return.service_layer.handlers import DEADLINE_HANDLERS, EVENT_HANDLERS
from keten_shared.service import ServiceSpec


def spec() -> ServiceSpec:
    return ServiceSpec(
        name="return",
        package="keten_return",
        title="return",
        description="Return decisions after negative asylum decisions and screening referrals (Dir. 2008/115/EC), "
        "suspended while the person may remain pending the remedy (APR Art 68), in effect again the day after "
        "the right to remain ends, and withdrawn on annulment.",
        routers=[api.router],
        event_handlers=EVENT_HANDLERS,
        deadline_handlers=DEADLINE_HANDLERS,
        roles=api.ROLES,
    )
