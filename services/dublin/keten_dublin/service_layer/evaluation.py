"""Evaluating responsibility on recorded facts, with the time limit for the request it leads to.

The determining member state's calendar counts the request limit (time.md §3.5: the member state that acts);
for this member state that is the service's own calendar, for another (checking an incoming request against
the requesting member state's evidence, dublin chapter §6.2) its public holidays are loaded once and kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from keten_dublin.config import DublinSettings, dublin_settings
from keten_dublin.domain import deadlines
from keten_dublin.domain.determination import Determination, NextAction, apply_request_limit, determine
from keten_dublin.domain.facts import Case
from keten_shared.deadlines import Deadline, DeadlineError, HolidayCalendar, start_instant
from keten_shared.errors import InvalidData
from keten_shared.uow import UnitOfWork


@dataclass(frozen=True)
class Evaluation:
    determination: Determination
    request_due: Deadline | None  # T01/T02/T07 for a take charge request, T05/T07 for a take back notification


def evaluate(uow: UnitOfWork, case: Case, *, today: date) -> Evaluation:
    """The member state responsible for `case` as of `today`, and until when the request can be sent."""
    settings = dublin_settings(uow)
    _check_member_states(case, settings)
    config = uow.settings.deadlines
    determination = determine(case, today=today, config=config)
    try:
        request_due = _request_due(uow, case, determination, settings)
    except DeadlineError as exc:
        raise InvalidData(f"the request limit cannot be computed: {exc}") from exc
    if request_due is not None and determination.next_action is NextAction.TAKE_CHARGE:
        assert request_due.legal_last_day is not None
        determination = apply_request_limit(
            determination,
            request_last_day=request_due.legal_last_day,
            today=today,
            uam_exception=case.person.unaccompanied and case.first_instance_merits_decision_on is None,
        )
        if determination.next_action is NextAction.SELF:
            request_due = None
    return Evaluation(determination, request_due)


def _request_due(
    uow: UnitOfWork, case: Case, determination: Determination, settings: DublinSettings
) -> Deadline | None:
    calendar = uow.calendar if case.determining_ms == uow.calendar.ms else calendar_of(case.determining_ms)
    tz = uow.zone if calendar is uow.calendar else None
    registered_at = start_instant(case.registered_on, calendar, tz=tz)
    config = uow.settings.deadlines
    if determination.next_action is NextAction.TAKE_CHARGE:
        return deadlines.take_charge_request_due(
            registered_at,
            calendar,
            hit_received_at=determination.hit_received_at,
            detained_since=case.detained_since,
            cap_at_registration_limit=settings.cap_hit_request_at_registration_limit,
            tz=tz,
            config=config,
        )
    if determination.next_action is NextAction.TAKE_BACK:
        hit_received_at = determination.hit_received_at or registered_at
        return deadlines.take_back_notification_due(
            hit_received_at,
            calendar,
            registered_at=registered_at,
            detained_since=case.detained_since,
            tz=tz,
            config=config,
        )
    return None


@cache
def calendar_of(member_state: str) -> HolidayCalendar:
    """The public holidays of another participating member state (time.md §3.5)."""
    return HolidayCalendar(member_state)


def _check_member_states(case: Case, settings: DublinSettings) -> None:
    unknown = sorted(case.member_states_named() - settings.participating_states)
    if unknown:
        raise InvalidData(f"not a participating member state: {', '.join(unknown)}")
