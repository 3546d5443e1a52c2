"""Topic names: one event topic per producing service, plus a dead-letter and a retry topic per consumer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topics:
    prefix: str = ""

    def events(self, service: str) -> str:
        """The topic a service publishes its case-lifecycle events to, keyed by case id."""
        return f"{self.prefix}{service}.events"

    def dead_letters(self, service: str) -> str:
        """Events a service's consumer could not handle, with the error in the headers."""
        return f"{self.prefix}{service}.dlq"

    def retry(self, service: str) -> str:
        """Dead letters replayed by an operator; read only by that service's consumer."""
        return f"{self.prefix}{service}.retry"

    def consumer_group(self, service: str) -> str:
        return f"{self.prefix}{service}"
