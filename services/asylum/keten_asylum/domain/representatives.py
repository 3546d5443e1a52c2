"""The provisional assisting person and the representative of an unaccompanied minor (APR Art 23)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from keten_asylum.domain.model import Application
from keten_asylum.domain.procedural import require_between, require_open
from keten_shared.errors import InvalidData, TransitionNotAllowed

# APR Art 23(10): normally no more than 30 unaccompanied minors per representative at a time.
UAM_PER_REPRESENTATIVE = 30


class RepresentativeRole(StrEnum):
    PROVISIONAL = "PROVISIONAL"  # APR Art 23(2): a person to assist the minor until the representative is appointed
    REPRESENTATIVE = "REPRESENTATIVE"  # APR Art 23(2)(b): within 15 working days of the making


class EndReason(StrEnum):
    REPLACED = "REPLACED"  # another provisional assisting person was designated
    REPRESENTATIVE_APPOINTED = "REPRESENTATIVE_APPOINTED"  # APR Art 23(2): the provisional person's role ends
    INADEQUATE_PERFORMANCE = "INADEQUATE_PERFORMANCE"  # APR Art 23: the only ground to change a representative


@dataclass
class Appointment:
    id: str
    application_id: str
    role: RepresentativeRole
    person_id: str
    name: str
    appointed_at: datetime
    recorded_at: datetime
    organisation: str | None = None
    in_time: bool | None = None  # a representative: appointed within T5
    ended_at: datetime | None = None
    end_reason: EndReason | None = None

    def end(self, reason: EndReason, now: datetime) -> None:
        self.ended_at, self.end_reason = now, reason


@dataclass
class Representation:
    """The appointments on one unaccompanied minor's application, in order."""

    appointments: list[Appointment] = field(default_factory=list)

    def active(self, role: RepresentativeRole) -> Appointment | None:
        return next((a for a in self.appointments if a.role is role and a.ended_at is None), None)

    def appoint(
        self,
        application: Application,
        appointment: Appointment,
        *,
        change_ground: EndReason | None,
        now: datetime,
    ) -> list[Appointment]:
        """Add `appointment`; returns the appointments it ends."""
        # APR Art 23(2): only an unaccompanied minor gets a provisional assisting person and a representative.
        if not application.unaccompanied_minor:
            raise TransitionNotAllowed(f"APR Art 23: application {application.id} is not an unaccompanied minor's")
        require_open(application, f"appoint a {appointment.role.lower()} person")
        require_between("appointed_at", appointment.appointed_at, application.made_at, now, "the making")
        if appointment.role is RepresentativeRole.PROVISIONAL:
            return self._provisional(appointment, now)
        return self._representative(appointment, change_ground, now)

    def _provisional(self, appointment: Appointment, now: datetime) -> list[Appointment]:
        if self.active(RepresentativeRole.REPRESENTATIVE) is not None:
            raise TransitionNotAllowed("APR Art 23(2): a representative acts already; no provisional person")
        ended = self._end(RepresentativeRole.PROVISIONAL, EndReason.REPLACED, now)
        self.appointments.append(appointment)
        return ended

    def _representative(self, appointment: Appointment, change: EndReason | None, now: datetime) -> list[Appointment]:
        current = self.active(RepresentativeRole.REPRESENTATIVE)
        # APR Art 23: the representative may be changed only for inadequate performance.
        if current is not None and change is not EndReason.INADEQUATE_PERFORMANCE:
            raise TransitionNotAllowed(
                "APR Art 23: a representative acts already; change only for INADEQUATE_PERFORMANCE"
            )
        if current is None and change is not None:
            raise InvalidData("no representative acts: there is nobody to change")
        if current is not None and current.person_id == appointment.person_id:
            raise InvalidData("the new representative is the one who acts now")
        ended = self._end(RepresentativeRole.REPRESENTATIVE, EndReason.INADEQUATE_PERFORMANCE, now)
        ended += self._end(RepresentativeRole.PROVISIONAL, EndReason.REPRESENTATIVE_APPOINTED, now)
        self.appointments.append(appointment)
        return ended

    def _end(self, role: RepresentativeRole, reason: EndReason, now: datetime) -> list[Appointment]:
        active = self.active(role)
        if active is None:
            return []
        active.end(reason, now)
        return [active]


def representative_maximum(exceptional: bool, exceptional_maximum: int) -> int:
    # APR Art 23(10): normally 30 at a time; up to 50 in disproportionate numbers or other exceptional situations.
    return exceptional_maximum if exceptional else UAM_PER_REPRESENTATIVE


def check_representative_capacity(person_id: str, represented: int, maximum: int) -> None:
    # APR Art 23(10): no more than `maximum` unaccompanied minors per representative at a time.
    if represented >= maximum:
        raise TransitionNotAllowed(
            f"APR Art 23(10): representative {person_id} already represents {represented} "
            f"unaccompanied minors (at most {maximum} at a time)",
            represented=represented,
            maximum=maximum,
        )
