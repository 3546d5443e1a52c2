"""The dublin service as a keten service: its API, event handlers, deadline handlers and gateways."""

from __future__ import annotations

from dataclasses import dataclass

from keten_dublin.adapters.dublinet import DubliNetGateway, DubliNetSimulator
from keten_dublin.config import DublinSettings
from keten_dublin.entrypoints import api, procedure_api, responsibility_api
from keten_dublin.service_layer import lifecycle, mailbox, replies, requests, transfers
from keten_dublin.service_layer.handlers import EVENT_HANDLERS
from keten_shared.clock import Clock
from keten_shared.service import ServiceSpec
from keten_shared.settings import ServiceSettings


@dataclass
class DublinAdapters:
    config: DublinSettings  # the member state's choices and reference data, read from KETEN_DUBLIN_*
    dublinet: DubliNetGateway  # messages to and from the other member states


def adapters(_settings: ServiceSettings, clock: Clock) -> DublinAdapters:
    """The DubliNet simulator; a deployment connected to its national access point plugs its gateway in here."""
    config = DublinSettings()
    simulator = DubliNetSimulator(
        clock=clock, partners=config.dublinet_partners, default=config.dublinet_default_partner
    )
    return DublinAdapters(config=config, dublinet=simulator)


DEADLINE_HANDLERS = {
    lifecycle.TRANSMIT: replies.transmit,
    lifecycle.REQUEST_LIMIT: requests.on_request_limit,
    lifecycle.REPLY_LIMIT: replies.on_reply_limit,
    lifecycle.DECISION_LIMIT: transfers.on_decision_limit,
    lifecycle.APPEAL_WINDOW: transfers.on_appeal_window,
    lifecycle.TRANSFER_LIMIT: transfers.on_transfer_limit,
    lifecycle.DETAINED_TRANSFER_LIMIT: transfers.on_detained_transfer_limit,
}


def spec() -> ServiceSpec:
    return ServiceSpec(
        name="dublin",
        package="keten_dublin",
        title="dublin",
        description="Determining the member state responsible under the AMMR (EU) 2024/1351, and the transfer.",
        routers=[api.router, procedure_api.router, responsibility_api.router],
        event_handlers=EVENT_HANDLERS,
        deadline_handlers=DEADLINE_HANDLERS,
        roles=api.ROLES,
        adapters=adapters,
        pollers={"dublinet-mailbox": mailbox.poll},
    )
