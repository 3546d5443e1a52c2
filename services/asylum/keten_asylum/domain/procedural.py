"""What the procedural guarantees of the APR (Art 11-16, 20-23; asylum chapter §4) share: the checks of the
application's state and of a step's time, and the time limits the authority owes (T4, T5).

The guarantees themselves: interviews.py (APR Art 11-14, 22), counselling.py (APR Art 16), guarantees.py (APR Art
20-21) and representatives.py (APR Art 23). Pure domain: each record checks its own rules when it is made; the
service layer computes the time limits (T4, T5) with the shared deadline library, counts a representative's minors
and stores the records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from keten_asylum.domain.model import CLOSED, Application, ApplicationStatus
from keten_shared.errors import InvalidData, TransitionNotAllowed


def require_state(application: Application, allowed: frozenset[ApplicationStatus], action: str) -> None:
    if application.status not in allowed:
        raise TransitionNotAllowed(
            f"application {application.id} is {application.status}: cannot {action}",
            current_status=application.status.value,
        )


def require_open(application: Application, action: str) -> None:
    if application.status in CLOSED:
        raise TransitionNotAllowed(
            f"application {application.id} is {application.status}: cannot {action}",
            current_status=application.status.value,
        )


def require_between(name: str, at: datetime, earliest: datetime | None, now: datetime, what: str) -> None:
    if at > now:
        raise InvalidData(f"{name} lies in the future")
    if earliest is not None and at < earliest:
        raise InvalidData(f"{name} is before {what}")


# --- time limits of the guarantees (T4, T5) --------------------------------------------------------------------------


class ExtensionGround(StrEnum):
    """APR Art 23(3): the representative limit + 10 working days."""

    DISPROPORTIONATE_NUMBERS = "DISPROPORTIONATE_NUMBERS"  # of unaccompanied minors
    OTHER_EXCEPTIONAL_SITUATION = "OTHER_EXCEPTIONAL_SITUATION"


@dataclass
class ProceduralLimit:
    """An APR time limit for a step the authority owes (T4 of APR Art 20, T5 of APR Art 23(2)(b))."""

    application_id: str
    kind: str
    deadline: date
    legal_basis: str
    created_at: datetime
    met_at: datetime | None = None
    overdue_since: datetime | None = None
    extension_ground: ExtensionGround | None = None
    extension_reasons: str | None = None
    extended_at: datetime | None = None

    def meet(self, at: datetime) -> None:
        if self.met_at is None:
            self.met_at = at

    def mark_overdue(self, now: datetime) -> bool:
        """True the first time the limit passes unmet."""
        if self.met_at is not None or self.overdue_since is not None:
            return False
        self.overdue_since = now
        return True

    def extend(
        self,
        *,
        ground: ExtensionGround,
        reasons: str | None,
        deadline: date,
        legal_basis: str,
        today: date,
        now: datetime,
    ) -> None:
        """Replace the limit by its extension, counted from the same event (time.md §3.3)."""
        if self.met_at is not None:
            raise TransitionNotAllowed("the step is done: the limit cannot be extended")
        if self.extension_ground is not None:
            raise TransitionNotAllowed(f"the limit was extended on {self.extended_at:%Y-%m-%d} already")
        # An extension is decided while the limit runs (design).
        if self.overdue_since is not None or today > self.deadline:
            raise TransitionNotAllowed(f"the limit passed on {self.deadline}: it can no longer be extended")
        self.extension_ground, self.extension_reasons, self.extended_at = ground, reasons, now
        self.deadline, self.legal_basis = deadline, legal_basis


def check_extension(ground: ExtensionGround, reasons: str | None, disproportionate_numbers: bool) -> None:
    # APR Art 23(3): disproportionate numbers of unaccompanied minors, or another exceptional situation.
    if ground is ExtensionGround.DISPROPORTIONATE_NUMBERS and not disproportionate_numbers:
        raise InvalidData("APR Art 23(3): no period of disproportionate numbers is recorded for today")
    if ground is ExtensionGround.OTHER_EXCEPTIONAL_SITUATION and not reasons:
        raise InvalidData("APR Art 23(3): describe the exceptional situation in reasons")
