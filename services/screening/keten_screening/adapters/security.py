"""The databases a security check consults (SR Art 15(2)), behind one interface, with a local simulator.

Production connects each system through the European Search Portal or its national access point
(SR 16(1)); the simulator answers from a watch list loaded by tests or by an operator for training.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from keten_screening.domain.records import SecuritySystem


@dataclass(frozen=True)
class Subject:
    """What the query is made with: identity data and document numbers (SR 15(2), recital 41)."""

    family_name: str
    given_names: str
    date_of_birth: date | None
    document_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class SecurityFinding:
    """One hit: which system, its own reference, and what it may lawfully return (SR 15(3)-(4))."""

    system: SecuritySystem
    reference: str
    detail: dict[str, Any] = field(default_factory=dict)


class SecurityDatabases(Protocol):
    async def query(self, subject: Subject, systems: Sequence[SecuritySystem]) -> list[SecurityFinding]: ...


@dataclass(frozen=True)
class WatchEntry:
    system: SecuritySystem
    reference: str
    family_name: str | None = None
    date_of_birth: date | None = None
    document_number: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def matches(self, subject: Subject) -> bool:
        if self.document_number is not None and self.document_number in subject.document_numbers:
            return True
        return (
            self.family_name is not None
            and self.family_name.casefold() == subject.family_name.casefold()
            and self.date_of_birth == subject.date_of_birth
        )


class SecurityDatabaseSimulator:
    """Answers from a watch list; an entry matches by document number, or by family name and date of birth."""

    def __init__(self, entries: Iterable[WatchEntry] = ()) -> None:
        self._entries = list(entries)

    def watch(self, entry: WatchEntry) -> None:
        self._entries.append(entry)

    async def query(self, subject: Subject, systems: Sequence[SecuritySystem]) -> list[SecurityFinding]:
        wanted = set(systems)
        return [
            SecurityFinding(entry.system, entry.reference, entry.detail)
            for entry in self._entries
            if entry.system in wanted and entry.matches(subject)
        ]
