"""The reception file of an applicant (pure domain)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from keten_shared.events.catalog.asylum import DecisionOutcome, ProtectionOutcome
from keten_shared.events.catalog.reception import ReceptionEndReason


class ReceptionFileStatus(StrEnum):
    OPEN_UNPLACED = "OPEN_UNPLACED"  # entitled to material reception conditions, no place allocated yet
    ENDED = "ENDED"  # no longer entitled here; `ended_reason` says why


class ReceptionConditions(StrEnum):
    """Which reception conditions the applicant is entitled to in this member state (dublin chapter §3.10, §6.0)."""

    FULL = "FULL"  # RCD Arts 17-20
    RCD_ART21_MINIMUM = "RCD_ART21_MINIMUM"  # AMMR Art 18(1), RCD Art 21: only the minimum standard of living
    ENDED = "ENDED"  # the file ended: transferred out (AMMR Art 46(1)) or a final decision (RCD Art 2(2))


@dataclass(frozen=True)
class ConditionsChange:
    before: ReceptionConditions
    after: ReceptionConditions
    since: datetime
    basis: str


@dataclass
class ReceptionFile:
    id: str
    person_id: str
    member_state: str
    asylum_case_id: str
    application_made_at: datetime
    needs_assessment_due: date
    opened_at: datetime
    created_at: datetime
    status: ReceptionFileStatus = ReceptionFileStatus.OPEN_UNPLACED
    conditions: ReceptionConditions = ReceptionConditions.FULL
    conditions_since: datetime | None = None  # None: full conditions since the file was opened
    conditions_basis: str | None = None
    # The effective instant of the latest Dublin effect on record, whether it changed the conditions or found them
    # in force already: an effect no later than this one arrived out of order and changes nothing.
    conditions_effect_at: datetime | None = None
    ended_at: datetime | None = None
    ended_reason: ReceptionEndReason | None = None
    version: int = 1

    def change_conditions(self, to: ReceptionConditions, *, since: datetime, basis: str) -> ConditionsChange | None:
        """Apply a Dublin effect on the reception conditions, effective ``since``; None if nothing changes.

        Events may arrive late, twice or out of order: the effect with the later effective instant wins, an
        effect no later than the one on record changes nothing, and a file whose conditions ended stays ended.
        """
        if self.conditions is ReceptionConditions.ENDED:
            return None
        if self.conditions_effect_at is not None and since <= self.conditions_effect_at:
            return None  # an older (or the same) effect must not overwrite the newer one on record
        self.conditions_effect_at = since
        if self.conditions is to:
            return None
        change = ConditionsChange(before=self.conditions, after=to, since=since, basis=basis)
        self.conditions, self.conditions_since, self.conditions_basis = to, since, basis
        return change

    def end(self, reason: ReceptionEndReason, *, at: datetime, basis: str) -> ConditionsChange | None:
        """Close the file: nothing is owed here from ``at``; None if it ended already (an end is final)."""
        if self.status is ReceptionFileStatus.ENDED:
            return None
        change = ConditionsChange(before=self.conditions, after=ReceptionConditions.ENDED, since=at, basis=basis)
        self.status, self.ended_at, self.ended_reason = ReceptionFileStatus.ENDED, at, reason
        self.conditions, self.conditions_since, self.conditions_basis = ReceptionConditions.ENDED, at, basis
        self.conditions_effect_at = max(at, self.conditions_effect_at or at)
        return change


# The Dublin effects on reception (dublin chapter §3.10, §6.0), each with its legal basis.
MINIMUM_AFTER_TRANSFER_DECISION = "AMMR Art 18(1); RCD Art 21"
FULL_AFTER_ANNULMENT = "AMMR Art 43"
FULL_AFTER_SHIFT = "AMMR Art 37(1)"
ENDED_AFTER_TRANSFER = "AMMR Art 46(1)"


def after_transfer_decision() -> tuple[ReceptionConditions, str]:
    # AMMR Art 18(1) with RCD Art 21: from notification of the transfer decision only the minimum standard here.
    return ReceptionConditions.RCD_ART21_MINIMUM, MINIMUM_AFTER_TRANSFER_DECISION


def after_appeal(annulled: bool) -> tuple[ReceptionConditions, str] | None:
    # AMMR Art 43: an annulled transfer decision no longer limits reception; a dismissal changes nothing.
    return (ReceptionConditions.FULL, FULL_AFTER_ANNULMENT) if annulled else None


def after_shift(to_ms: str, member_state: str) -> tuple[ReceptionConditions, str] | None:
    # AMMR Art 37(1): responsibility came to this member state, where the applicant must now be present.
    return (ReceptionConditions.FULL, FULL_AFTER_SHIFT) if to_ms == member_state else None


def after_transfer() -> tuple[ReceptionEndReason, str]:
    # AMMR Art 46(1): transferred to the responsible member state, which takes over reception.
    return ReceptionEndReason.TRANSFERRED_OUT, ENDED_AFTER_TRANSFER


POSITIVE = frozenset({DecisionOutcome.GRANTED_REFUGEE, DecisionOutcome.GRANTED_SUBSIDIARY})
ENDED_AFTER_FINAL_DECISION = "RCD Art 2(2); APR Art 3"


def after_final_decision(outcome: DecisionOutcome | ProtectionOutcome) -> tuple[ReceptionEndReason, str]:
    # RCD Art 2(2): an applicant is one without a final decision; the RCD gives no grace period after it.
    positive = outcome in POSITIVE
    reason = ReceptionEndReason.FINAL_DECISION_POSITIVE if positive else ReceptionEndReason.FINAL_DECISION_NEGATIVE
    return reason, ENDED_AFTER_FINAL_DECISION
