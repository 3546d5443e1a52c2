"""The DubliNet gateway: the port through which messages go to and come from other member states, and a simulator.

DubliNet (Reg 1560/2003 Art 18-21) carries the standard forms between the national access points. The service
sends through `send()`, which returns when the message was delivered; the time of delivery starts the partner's
reply period (AMMR Art 40(1), 41(3)). Messages for this member state wait in the national access point's mailbox
until `receive()` collects them and `acknowledge()` removes them, so a message is never lost between the two.

The simulator stands in for the other member states in tests and local runs: each partner accepts, refuses or
stays silent, as configured (KETEN_DUBLIN_DUBLINET_PARTNERS).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from keten_shared.clock import Clock, SystemClock
from keten_shared.errors import KetenError


class DubliNetUnavailable(KetenError):
    """The national access point cannot take the message now; the transmission is retried."""

    status, slug, title = 503, "dublinet-unavailable", "DubliNet unavailable"


class MessageKind(StrEnum):
    TAKE_CHARGE_REQUEST = "TAKE_CHARGE_REQUEST"  # AMMR Art 39(3), Reg 1560/2003 Annex I
    TAKE_BACK_NOTIFICATION = "TAKE_BACK_NOTIFICATION"  # AMMR Art 41(2), Reg 1560/2003 Annex III
    REPLY = "REPLY"  # AMMR Art 40(1), 41(3)


class ReplyOutcome(StrEnum):
    ACCEPTED = "ACCEPTED"
    REFUSED = "REFUSED"


class PartnerBehaviour(StrEnum):
    """How a simulated member state answers: the three cases the procedure has to handle."""

    ACCEPT = "ACCEPT"
    REFUSE = "REFUSE"
    SILENT = "SILENT"


@dataclass(frozen=True)
class OutgoingMessage:
    id: str  # also the DubliNet reference the partner replies to
    kind: MessageKind
    from_ms: str
    to_ms: str
    procedure_id: str
    body: Mapping[str, object]


@dataclass(frozen=True)
class IncomingReply:
    """A partner's reply to one of this member state's requests or notifications."""

    id: str
    in_reply_to: str
    from_ms: str
    outcome: ReplyOutcome
    sent_at: datetime
    reason: str | None = None  # a refusal states the legal reason and the evidence (AMMR Art 40(8), 41(3))


@runtime_checkable
class DubliNetGateway(Protocol):
    async def send(self, message: OutgoingMessage) -> datetime:
        """Deliver `message` to its member state; returns the delivery time. Raises DubliNetUnavailable."""
        ...

    async def receive(self) -> Sequence[IncomingReply]:
        """The messages waiting in this member state's mailbox, oldest first."""
        ...

    async def acknowledge(self, message_id: str) -> None:
        """Remove a processed message from the mailbox."""
        ...


@dataclass
class DubliNetSimulator:
    """In-memory partner member states: they answer each message at once, or never."""

    clock: Clock = field(default_factory=SystemClock)
    partners: Mapping[str, PartnerBehaviour] = field(default_factory=dict)
    default: PartnerBehaviour = PartnerBehaviour.ACCEPT
    refusal_reason: str = "no criterion of AMMR Chapter III designates the requested member state"
    sent: list[OutgoingMessage] = field(default_factory=list, init=False)
    _mailbox: dict[str, IncomingReply] = field(default_factory=dict, init=False, repr=False)
    _failures_left: int = field(default=0, init=False)

    def fail_next(self, n: int = 1) -> None:
        """Make the next `n` sends raise DubliNetUnavailable."""
        self._failures_left = n

    def behaviour_of(self, member_state: str) -> PartnerBehaviour:
        return self.partners.get(member_state, self.default)

    async def send(self, message: OutgoingMessage) -> datetime:
        if self._failures_left:
            self._failures_left -= 1
            raise DubliNetUnavailable("DubliNet simulator: the access point did not take the message")
        delivered_at = self.clock.now()
        if any(sent.id == message.id for sent in self.sent):
            return delivered_at  # a retry of a message already delivered: the partner ignores the duplicate
        self.sent.append(message)
        behaviour = self.behaviour_of(message.to_ms)
        if behaviour is not PartnerBehaviour.SILENT:
            self.reply(message, behaviour)
        return delivered_at

    def reply(self, message: OutgoingMessage, behaviour: PartnerBehaviour, *, reason: str | None = None) -> None:
        """Put the partner's answer to `message` in this member state's mailbox."""
        accepted = behaviour is PartnerBehaviour.ACCEPT
        reply = IncomingReply(
            id=str(uuid.uuid4()),
            in_reply_to=message.id,
            from_ms=message.to_ms,
            outcome=ReplyOutcome.ACCEPTED if accepted else ReplyOutcome.REFUSED,
            sent_at=self.clock.now(),
            reason=None if accepted else reason or self.refusal_reason,
        )
        self._mailbox[reply.id] = reply

    async def receive(self) -> Sequence[IncomingReply]:
        return list(self._mailbox.values())

    async def acknowledge(self, message_id: str) -> None:
        self._mailbox.pop(message_id, None)
