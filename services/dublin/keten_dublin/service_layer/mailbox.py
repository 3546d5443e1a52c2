"""Collecting this member state's DubliNet mailbox: each reply processed in its own transaction, then removed."""

from __future__ import annotations

import asyncio

from keten_dublin.adapters.dublinet import DubliNetGateway
from keten_dublin.config import DublinSettings
from keten_dublin.service_layer.replies import ReplyNotYetExpected, receive_reply
from keten_shared.audit import acting_as
from keten_shared.logging import get_logger
from keten_shared.uow import UnitOfWorkFactory

log = get_logger(__name__)


async def collect(uow_factory: UnitOfWorkFactory) -> int:
    """Process what waits in the mailbox; returns how many messages were done with.

    A message is acknowledged only after its transaction committed, so a crash in between means it is collected
    again and recognised as already received. One that fails stays in the mailbox for the next round.
    """
    gateway: DubliNetGateway = uow_factory.adapters.dublinet
    done = 0
    for reply in await gateway.receive():
        try:
            with acting_as("dublinet"):
                async with uow_factory() as uow:
                    await receive_reply(uow, reply)
                    await uow.commit()
        except ReplyNotYetExpected:
            continue
        except Exception as exc:
            log.error("DubliNet message could not be processed", message_id=reply.id, error=repr(exc))
            continue
        await gateway.acknowledge(reply.id)
        done += 1
    return done


async def poll(uow_factory: UnitOfWorkFactory) -> None:
    """Collect the mailbox for as long as the service runs."""
    settings: DublinSettings = uow_factory.adapters.config
    while True:
        await collect(uow_factory)
        await asyncio.sleep(settings.dublinet_poll_interval_ms / 1000)
