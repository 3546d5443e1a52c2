"""Fundamental-rights monitoring of screening (SR Art 10; screening chapter §6).

Allegations of rights violations are recorded against a screening and followed to their outcome;
the figures the independent monitoring mechanism needs are computed from the screenings of a period.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from keten_shared.errors import InvalidData, TransitionNotAllowed


class AllegationKind(StrEnum):
    COMPLAINT = "COMPLAINT"  # brought by or for the person
    INCIDENT = "INCIDENT"  # reported by staff, a monitor or an organisation


class AllegationCategory(StrEnum):
    """SR Art 10(2)(a): what the mechanism must watch in particular (chapter §6)."""

    ASYLUM_ACCESS = "ASYLUM_ACCESS"
    NON_REFOULEMENT = "NON_REFOULEMENT"
    CHILD_BEST_INTERESTS = "CHILD_BEST_INTERESTS"
    DETENTION = "DETENTION"
    ILL_TREATMENT = "ILL_TREATMENT"
    DATA_PROTECTION = "DATA_PROTECTION"
    OTHER = "OTHER"


class AllegationSource(StrEnum):
    PERSON = "PERSON"
    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"
    STAFF = "STAFF"
    MONITORING_BODY = "MONITORING_BODY"  # SR 10(2): spot checks and unannounced random checks
    OMBUDSPERSON = "OMBUDSPERSON"  # SR 10(2) second subparagraph: national human-rights bodies, OPCAT mechanisms
    ORGANISATION = "ORGANISATION"  # international and non-governmental organisations
    OTHER = "OTHER"


class AllegationStatus(StrEnum):
    RECEIVED = "RECEIVED"
    UNDER_INVESTIGATION = "UNDER_INVESTIGATION"
    SUBSTANTIATED = "SUBSTANTIATED"
    UNSUBSTANTIATED = "UNSUBSTANTIATED"
    REFERRED_FOR_PROCEEDINGS = "REFERRED_FOR_PROCEEDINGS"  # SR 10(1): civil or criminal proceedings
    CLOSED = "CLOSED"


# SR 10(1), 10(2)(b): allegations are investigated, substantiated ones referred where appropriate, then closed.
NEXT: dict[AllegationStatus, frozenset[AllegationStatus]] = {
    AllegationStatus.RECEIVED: frozenset({AllegationStatus.UNDER_INVESTIGATION, AllegationStatus.UNSUBSTANTIATED}),
    AllegationStatus.UNDER_INVESTIGATION: frozenset(
        {AllegationStatus.SUBSTANTIATED, AllegationStatus.UNSUBSTANTIATED, AllegationStatus.REFERRED_FOR_PROCEEDINGS}
    ),
    AllegationStatus.SUBSTANTIATED: frozenset({AllegationStatus.REFERRED_FOR_PROCEEDINGS, AllegationStatus.CLOSED}),
    AllegationStatus.UNSUBSTANTIATED: frozenset({AllegationStatus.CLOSED}),
    AllegationStatus.REFERRED_FOR_PROCEEDINGS: frozenset({AllegationStatus.CLOSED}),
    AllegationStatus.CLOSED: frozenset(),
}


@dataclass
class Allegation:
    id: str
    screening_id: str
    kind: AllegationKind
    category: AllegationCategory
    source: AllegationSource
    received_at: datetime
    description: str
    created_at: datetime
    status: AllegationStatus = AllegationStatus.RECEIVED
    substantiated: bool | None = None
    investigation_ref: str | None = None
    outcome: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    version: int = 1

    def move(
        self,
        to: AllegationStatus,
        *,
        by: str,
        at: datetime,
        note: str = "",
        investigation_ref: str | None = None,
        outcome: str | None = None,
    ) -> None:
        """Follow the allegation to its outcome (SR 10(2)(b)); every step is kept in its history."""
        if to not in NEXT[self.status]:
            raise TransitionNotAllowed(
                f"allegation {self.id} is {self.status.value}: it cannot become {to.value}",
                current_status=self.status.value,
            )
        if to is AllegationStatus.UNDER_INVESTIGATION and not (investigation_ref or self.investigation_ref):
            raise InvalidData("an investigation needs its reference (SR 10(2)(b): investigations are followed)")
        if to is AllegationStatus.CLOSED and not (outcome or self.outcome):
            raise InvalidData("closing an allegation needs its outcome")
        if to is AllegationStatus.SUBSTANTIATED:
            self.substantiated = True
        elif to is AllegationStatus.UNSUBSTANTIATED:
            self.substantiated = False
        self.investigation_ref = investigation_ref or self.investigation_ref
        self.outcome = outcome or self.outcome
        self.history = [
            *self.history,
            {"from": self.status.value, "to": to.value, "at": at.isoformat(), "by": by, "note": note},
        ]
        self.status = to


@dataclass(frozen=True)
class ScreeningFacts:
    """What the report reads of one screening (no personal data leaves into the figures)."""

    status: str
    reason: str
    trigger_event_ts: datetime
    referred_at: datetime | None
    completion: str | None
    application_made: bool
    info_provided: bool
    unaccompanied_minor: bool
    detention: bool
    coercion_used: bool
    absconded: bool


@dataclass(frozen=True)
class AllegationFacts:
    category: str
    status: str
    substantiated: bool | None


def monitoring_report(screenings: list[ScreeningFacts], allegations: list[AllegationFacts]) -> dict[str, Any]:
    """The figures of chapter §6 for one period: outcomes, limits kept, access to asylum, children, detention,
    coercion, information, and the allegations by category and outcome."""
    referred = [s for s in screenings if s.referred_at is not None]
    hours = [(s.referred_at - s.trigger_event_ts).total_seconds() / 3600 for s in referred]  # type: ignore[operator]
    forced = sum(1 for s in referred if s.completion == "INCOMPLETE")
    return {
        "screenings": len(screenings),
        "by_reason": dict(Counter(s.reason for s in screenings)),
        "by_status": dict(Counter(s.status for s in screenings)),
        "referred": len(referred),
        # SR 18(5): a referral forced at the SR 8 limit with checks missing is a limit the checks did not keep.
        "referred_incomplete": forced,
        "referred_incomplete_rate": round(forced / len(referred), 4) if referred else None,
        "hours_to_referral": {
            "median": round(statistics.median(hours), 1) if hours else None,
            "max": round(max(hours), 1) if hours else None,
        },
        "applications_made": sum(1 for s in screenings if s.application_made),  # access to the asylum procedure
        "information_provided_rate": (
            round(sum(1 for s in screenings if s.info_provided) / len(screenings), 4) if screenings else None
        ),
        "unaccompanied_minors": sum(1 for s in screenings if s.unaccompanied_minor),
        "detention_used": sum(1 for s in screenings if s.detention),
        "coercion_for_biometrics": sum(1 for s in screenings if s.coercion_used),  # ED 13(3)
        "absconded_at_referral": sum(1 for s in referred if s.absconded),
        "allegations": {
            "total": len(allegations),
            "by_category": dict(Counter(a.category for a in allegations)),
            "by_status": dict(Counter(a.status for a in allegations)),
            "substantiated": sum(1 for a in allegations if a.substantiated),
        },
    }
