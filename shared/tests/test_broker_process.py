"""The embedded broker process."""

from __future__ import annotations

import socket

import pytest

from keten_shared.messaging.broker_process import EmbeddedBroker


def test_a_taken_port_is_refused_instead_of_borrowing_whatever_listens_there():
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(RuntimeError, match=f"port {port} is taken"):
            EmbeddedBroker(port=port).start()
