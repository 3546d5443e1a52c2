"""The per-case time limits of the Dublin chapter (§4, T01-T24), each computed by the shared deadline library.

Here: T01-T11 and T13-T23b, the Art 37(4) absence window, the re-examination of Reg 1560/2003 Art 5(2) and
the Crisis Regulation derogations of CR Art 12(2) (T24). Not here: T12 (the suspension request has no period
of its own, it is bounded by T11), T25 and T26 (pool-year dates, not per case), and the Art 67(10) notice
before a relocation transfer (a minimum counted back from the transfer day).

Every AMMR period is counted under AMMR Art 75; a CR Art 12(2) derogation under the rule of the act whose
limit it replaces, AMMR Art 75 (time.md §2); Reg 1560/2003 has no counting article and follows Reg 1182/71.
Applications registered before 1 July 2026 stay under Dublin III (AMMR Art 84(2)), with its own periods and
its Art 42 counting; this service does not run them. T16-T21 and the Art 37(4) absence are
eligibility windows (time.md §3.6), counted with window(). Inter-state periods use the holidays of the
member state that must act (time.md §3.5): the requesting MS for requests and notifications, the requested
MS for replies; a tacit acceptance or confirmation is dated on the last day of the reply period and the
periods running from it count from that day (time.md §3.1).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from keten_shared.deadlines import (
    DEFAULT_CONFIG,
    Deadline,
    DeadlineConfig,
    DeadlineSpec,
    EligibilityWindow,
    HolidayCalendar,
    Purpose,
    Rule,
    TraceStep,
    Unit,
    WindowKind,
    window,
)
from keten_shared.deadlines.inputs import require_aware

_TRANSFER_START = "acceptance or confirmation, or the final decision on an appeal with suspensive effect"


def _ammr75(
    spec_id: str,
    article: str,
    amount: int,
    unit: Unit,
    start_event: str,
    *,
    act: str = "AMMR",
    purpose: Purpose = Purpose.ACT_TIME_LIMIT,
) -> DeadlineSpec:
    # AMMR Art 75 counts every AMMR period, and a CR Art 12(2) derogation replacing one (time.md §2).
    return DeadlineSpec(
        id=spec_id,
        act=act,
        article=article,
        rule=Rule.AMMR_75,
        amount=amount,
        unit=unit,
        purpose=purpose,
        start_event=start_event,
        legal_basis=f"{act} Art {article}",
    )


def _reg1560(spec_id: str, amount: int, unit: Unit, start_event: str) -> DeadlineSpec:
    # Reg 1560/2003 has no counting article: Reg 1182/71 (time.md §2).
    return DeadlineSpec(
        id=spec_id,
        act="Reg 1560/2003",
        article="5(2)",
        rule=Rule.EU_1182_71,
        amount=amount,
        unit=unit,
        purpose=Purpose.ACT_TIME_LIMIT,
        start_event=start_event,
        legal_basis="Reg 1560/2003 Art 5(2)",
    )


def _ammr75_window(spec_id: str, article: str, amount: int, unit: Unit, start_event: str) -> DeadlineSpec:
    return _ammr75(spec_id, article, amount, unit, start_event, purpose=Purpose.ELIGIBILITY_WINDOW)


# --- take charge ------------------------------------------------------------------------------------

# AMMR Art 39(1): the take-charge request at the latest 2 months after registration (T01).
TAKE_CHARGE_REQUEST = _ammr75("AMMR.39.1", "39(1)", 2, Unit.MONTHS, "registration")

# AMMR Art 39(1): 1 month from receipt of a Eurodac hit on Art 22/24 data or a VIS hit (T02).
TAKE_CHARGE_REQUEST_HIT = _ammr75(
    "AMMR.39.1.hit", "39(1)", 1, Unit.MONTHS, "receipt of a Eurodac (Eurodac Art 22 or 24 data) or VIS hit"
)

# AMMR Art 40(1): the reply at the latest 1 month after receipt of the request (T03).
TAKE_CHARGE_REPLY = _ammr75("AMMR.40.1", "40(1)", 1, Unit.MONTHS, "receipt of the take-charge request")

# AMMR Art 39(2), 40(7): an urgent request without a reply limit of its own is answered within 2 weeks (T03).
TAKE_CHARGE_REPLY_URGENT = _ammr75("AMMR.40.7", "40(7)", 2, Unit.WEEKS, "receipt of the urgent take-charge request")

# AMMR Art 40(2): 2 weeks where the request rests on a Eurodac (Art 22/24) or VIS hit (T04).
TAKE_CHARGE_REPLY_HIT = _ammr75("AMMR.40.2", "40(2)", 2, Unit.WEEKS, "receipt of the hit-based take-charge request")

# --- take back --------------------------------------------------------------------------------------

# AMMR Art 41(1): the take-back notification at the latest 2 weeks after receipt of the Eurodac hit (T05).
TAKE_BACK_NOTIFICATION = _ammr75("AMMR.41.1", "41(1)", 2, Unit.WEEKS, "receipt of the Eurodac hit")

# AMMR Art 41(3): confirmation of receipt (or rebuttal) within 2 weeks; silence confirms (41(4)) (T06).
TAKE_BACK_CONFIRMATION = _ammr75("AMMR.41.3", "41(3)", 2, Unit.WEEKS, "receipt of the take-back notification")

# --- detained persons -------------------------------------------------------------------------------

# AMMR Art 45(1): request or notification within 2 weeks of registration (no new application: of the hit) (T07).
DETAINED_REQUEST = _ammr75(
    "AMMR.45.1", "45(1)", 2, Unit.WEEKS, "registration (no new application: receipt of the Eurodac hit)"
)

# AMMR Art 45(1): 1 week from the start of detention where it began after registration (T07).
DETAINED_REQUEST_AFTER_DETENTION = _ammr75(
    "AMMR.45.1.detention", "45(1)", 1, Unit.WEEKS, "start of detention after registration"
)

# AMMR Art 45(2): the reply within 1 week of receipt; silence is acceptance (T08).
DETAINED_REPLY = _ammr75("AMMR.45.2", "45(2)", 1, Unit.WEEKS, "receipt of the request")

# AMMR Art 45(3)-(4): transfer within 5 weeks, else detention ends: a liberty cap (time.md §3.10) (T09).
DETAINED_TRANSFER = _ammr75(
    "AMMR.45.3",
    "45(3)",
    5,
    Unit.WEEKS,
    "acceptance or confirmation, or the end of the suspensive effect of an appeal",
    purpose=Purpose.LIBERTY_CAP,
)

# --- transfer decision, remedies, transfer ----------------------------------------------------------

# AMMR Art 42(1): the transfer decision within 2 weeks of acceptance or confirmation (T10).
TRANSFER_DECISION = _ammr75("AMMR.42.1", "42(1)", 2, Unit.WEEKS, "acceptance or confirmation")

# AMMR Art 43(3): the court rules on suspension within 1 month of receiving the request (T13).
SUSPENSION_RULING = _ammr75("AMMR.43.3", "43(3)", 1, Unit.MONTHS, "suspension request reached the court")

# AMMR Art 43(3): once suspension is granted, the court endeavours to decide on the merits within 1 month (T13).
APPEAL_MERITS_AFTER_SUSPENSION = _ammr75("AMMR.43.3.merits", "43(3)", 1, Unit.MONTHS, "suspension granted")

# AMMR Art 46(1): the transfer within 6 months of acceptance (the IT text names the request, unverified) (T14).
TRANSFER = _ammr75("AMMR.46.1", "46(1)", 6, Unit.MONTHS, _TRANSFER_START)

# AMMR Art 46(2): up to 1 year, counted from the original start, where the person was imprisoned (T14).
TRANSFER_IMPRISONMENT = _ammr75("AMMR.46.2.imprisonment", "46(2)", 1, Unit.YEARS, _TRANSFER_START)

# AMMR Art 46(2): up to 3 years from informing the responsible MS of absconding, resistance or unfitness (T14).
TRANSFER_ABSCONDING = _ammr75(
    "AMMR.46.2.absconding", "46(2)", 3, Unit.YEARS, "the transferring MS informed the responsible MS"
)

# AMMR Art 46(2): 3 months once the person is available again, where less than that remains (T14).
TRANSFER_AVAILABLE_AGAIN = _ammr75("AMMR.46.2.available", "46(2)", 3, Unit.MONTHS, "the person is available again")

# --- discretionary clause ---------------------------------------------------------------------------

# AMMR Art 35(2): the reply to a humanitarian request within 2 months of receipt; no tacit acceptance (T15).
HUMANITARIAN_REPLY = _ammr75("AMMR.35.2", "35(2)", 2, Unit.MONTHS, "receipt of the humanitarian request")

# --- eligibility windows (time.md §3.6) -------------------------------------------------------------

# AMMR Art 33(1): responsibility ceases if registration is more than 20 months after the crossing (T16).
IRREGULAR_ENTRY = _ammr75_window("AMMR.33.1", "33(1)", 20, Unit.MONTHS, "irregular crossing of the external border")

# AMMR Art 33(2): ceases if registration is more than 12 months after the disembarkation (T17).
SEARCH_AND_RESCUE = _ammr75_window("AMMR.33.2", "33(2)", 12, Unit.MONTHS, "disembarkation after a SAR operation")

# AMMR Art 29(4): an expired or withdrawn residence document counts less than 3 years after (T18).
EXPIRED_RESIDENCE_DOCUMENT = _ammr75_window(
    "AMMR.29.4.residence", "29(4)", 3, Unit.YEARS, "expiry, annulment, revocation or withdrawal of the document"
)

# AMMR Art 29(4): an expired or withdrawn visa counts less than 18 months after (T19).
EXPIRED_VISA = _ammr75_window(
    "AMMR.29.4.visa", "29(4)", 18, Unit.MONTHS, "expiry, annulment, revocation or withdrawal of the visa"
)

# AMMR Art 30(1): a diploma counts if registration is less than 6 years after its issue (T20).
DIPLOMA = _ammr75_window("AMMR.30.1", "30(1)", 6, Unit.YEARS, "issue of the diploma or qualification")

# AMMR Art 37(2): Art 36(1) obligations cease 15 months after a border-procedure rejection became final (T21).
BORDER_PROCEDURE_CESSATION = _ammr75_window(
    "AMMR.37.2", "37(2)", 15, Unit.MONTHS, "rejection or withdrawal decision in the border procedure became final"
)

# AMMR Art 37(4): the Art 36(1) obligations cease once the person has left the territory for at least 9 months.
ABSENCE_CESSATION = _ammr75_window("AMMR.37.4", "37(4)", 9, Unit.MONTHS, "departure from the territory of the MS")

# --- solidarity -------------------------------------------------------------------------------------

# AMMR Art 69(2): the reply to an offset request within 30 days; silence has no consequence (T22).
OFFSET_REPLY = _ammr75("AMMR.69.2", "69(2)", 30, Unit.DAYS, "receipt of the offset request")

# AMMR Art 67(11): the relocation transfer within 4 weeks (T23).
RELOCATION_TRANSFER = _ammr75(
    "AMMR.67.11",
    "67(11)",
    4,
    Unit.WEEKS,
    "confirmation by the MS of relocation, or the final decision on an appeal with suspensive effect",
)

# AMMR Art 67(9): the MS of relocation confirms within 1 week; silence confirms (T23a).
RELOCATION_CONFIRMATION = _ammr75("AMMR.67.9", "67(9)", 1, Unit.WEEKS, "receipt of the relocation information")

# AMMR Art 67(9): exceptionally 2 weeks, where announced within the first week (T23a).
RELOCATION_CONFIRMATION_EXCEPTIONAL = _ammr75(
    "AMMR.67.9.exceptional", "67(9)", 2, Unit.WEEKS, "receipt of the relocation information"
)

# AMMR Art 67(10): the relocation transfer decision within 1 week of confirmation (T23b).
RELOCATION_TRANSFER_DECISION = _ammr75("AMMR.67.10", "67(10)", 1, Unit.WEEKS, "confirmation by the MS of relocation")

# --- re-examination (Reg 1560/2003, in force under AMMR Art 83) ---------------------------------------

# Reg 1560/2003 Art 5(2): re-examination asked within 3 weeks of receiving a negative reply.
RE_EXAMINATION_REQUEST = _reg1560("1560.5.2", 3, Unit.WEEKS, "receipt of the negative reply")

# Reg 1560/2003 Art 5(2): the requested MS endeavours to answer within 2 weeks; T01-T04 are not reopened.
RE_EXAMINATION_REPLY = _reg1560("1560.5.2.reply", 2, Unit.WEEKS, "receipt of the re-examination request")

# --- crisis and force majeure (CR Art 12(2), T24) -----------------------------------------------------

# CR Art 12(2)(a): the take-charge request within 4 months of registration.
TAKE_CHARGE_REQUEST_CRISIS = _ammr75("CR.12.2.a", "12(2)(a)", 4, Unit.MONTHS, "registration", act="CR")

# CR Art 12(2)(b): the reply to a take-charge request within 2 months of receipt.
TAKE_CHARGE_REPLY_CRISIS = _ammr75(
    "CR.12.2.b", "12(2)(b)", 2, Unit.MONTHS, "receipt of the take-charge request", act="CR"
)

# CR Art 12(2)(c): the take-back notification within 1 month of receipt of the Eurodac hit.
TAKE_BACK_NOTIFICATION_CRISIS = _ammr75("CR.12.2.c", "12(2)(c)", 1, Unit.MONTHS, "receipt of the Eurodac hit", act="CR")

# CR Art 12(2)(c): confirmation of receipt of a take-back notification within 1 month.
TAKE_BACK_CONFIRMATION_CRISIS = _ammr75(
    "CR.12.2.c.confirmation", "12(2)(c)", 1, Unit.MONTHS, "receipt of the take-back notification", act="CR"
)

# CR Art 12(2)(d): the transfer within 1 year.
TRANSFER_CRISIS = _ammr75("CR.12.2.d", "12(2)(d)", 1, Unit.YEARS, _TRANSFER_START, act="CR")

# AMMR Art 43(2): the national appeal period lies between 1 and 3 weeks.
_APPEAL_WEEKS = range(1, 4)

# AMMR Art 39(2): an urgent reply limit set by the requesting MS is at least 1 week.
_URGENT_MINIMUM_DAYS = 7


# --- specs chosen by case facts ---------------------------------------------------------------------


def appeal_spec(weeks: int) -> DeadlineSpec:
    """The national appeal period of `weeks` weeks against a transfer decision (AMMR Art 43(2), T11)."""
    if not _is_whole(weeks) or weeks not in _APPEAL_WEEKS:
        raise ValueError(f"AMMR Art 43(2): the appeal period is 1 to 3 weeks, not {weeks!r}")
    return _ammr75("AMMR.43.2", "43(2)", weeks, Unit.WEEKS, "notification of the transfer decision")


def urgent_reply_spec(days: int | None) -> DeadlineSpec:
    """The reply limit of an urgent take-charge request (AMMR Art 39(2), 40(7), T03).

    `days` is the limit set by the requesting MS, at least 1 week; without one, 2 weeks.
    """
    if days is None:
        return TAKE_CHARGE_REPLY_URGENT
    if not _is_whole(days) or days < _URGENT_MINIMUM_DAYS:
        raise ValueError(f"AMMR Art 39(2): an urgent reply limit is at least 1 week, not {days!r} days")
    return _ammr75("AMMR.39.2", "39(2)", days, Unit.DAYS, "receipt of the urgent take-charge request")


# --- take charge ------------------------------------------------------------------------------------


def take_charge_request_due(
    registered_at: datetime,
    calendar: HolidayCalendar,
    *,
    hit_received_at: datetime | None = None,
    detained_since: datetime | None = None,
    crisis: bool = False,
    cap_at_registration_limit: bool = True,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The last day to send a take-charge request (T01, T02, T07, T24); `calendar`: the requesting MS.

    Detained: T07 (AMMR Art 45(1)) before a crisis, whose CR Art 12(2) derogates from Art 39 only.
    `hit_received_at`: receipt of a Eurodac hit on Art 22/24 data or of a VIS hit (an Art 23 hit does not count).
    """
    if detained_since is not None:
        return _detained_request_due(registered_at, detained_since, calendar, tz, config)
    if crisis:
        return _due(TAKE_CHARGE_REQUEST_CRISIS, registered_at, calendar, tz, config)
    ordinary = _due(TAKE_CHARGE_REQUEST, registered_at, calendar, tz, config)
    if hit_received_at is None:
        return ordinary
    hit = _due(TAKE_CHARGE_REQUEST_HIT, hit_received_at, calendar, tz, config)
    # Interpretation (dublin.md §3.2, to confirm): the 2 months from registration cap the 1 month from the hit,
    # as the Court held for the predecessor rule (C-670/16, Mengesteab).
    if not cap_at_registration_limit:
        return hit
    return min(ordinary, hit, key=lambda deadline: deadline.legal_end)


def take_charge_reply_due(
    received_at: datetime,
    calendar: HolidayCalendar,
    *,
    hit_based: bool = False,
    urgent: bool = False,
    urgent_days: int | None = None,
    detained: bool = False,
    crisis: bool = False,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The last day to reply to a take-charge request (T03, T04, T08, T24); `calendar`: the requested MS.

    An urgent request (AMMR Art 39(2)) carries the requesting MS's limit in `urgent_days` (at least 1 week);
    `urgent` without one gives 2 weeks (Art 40(7)). Precedence: detained (Art 45(2)), crisis (CR Art 12(2)(b)),
    urgent, hit-based (Art 40(2)), ordinary (Art 40(1)). No reply by then is acceptance (Art 40(8), 45(2)).
    """
    if detained:
        spec = DETAINED_REPLY
    elif crisis:
        spec = TAKE_CHARGE_REPLY_CRISIS
    elif urgent or urgent_days is not None:
        spec = urgent_reply_spec(urgent_days)
    elif hit_based:
        spec = TAKE_CHARGE_REPLY_HIT
    else:
        spec = TAKE_CHARGE_REPLY
    return _due(spec, received_at, calendar, tz, config)


# --- take back --------------------------------------------------------------------------------------


def take_back_notification_due(
    hit_received_at: datetime,
    calendar: HolidayCalendar,
    *,
    registered_at: datetime | None = None,
    detained_since: datetime | None = None,
    crisis: bool = False,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The last day to send a take-back notification (T05, T07, T24); `calendar`: the notifying MS.

    `registered_at`: a new application registered in this MS, from which a detainee's T07 runs (Art 45(1)).
    Lateness does not remove the responsible MS's obligation (Art 41(1)).
    """
    if detained_since is not None:
        start = hit_received_at if registered_at is None else registered_at
        return _detained_request_due(start, detained_since, calendar, tz, config)
    spec = TAKE_BACK_NOTIFICATION_CRISIS if crisis else TAKE_BACK_NOTIFICATION
    return _due(spec, hit_received_at, calendar, tz, config)


def take_back_confirmation_due(
    received_at: datetime,
    calendar: HolidayCalendar,
    *,
    crisis: bool = False,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The last day to confirm or rebut a take-back notification (T06, T24); `calendar`: the notified MS.

    Silence until then is confirmation (AMMR Art 41(4)).
    """
    spec = TAKE_BACK_CONFIRMATION_CRISIS if crisis else TAKE_BACK_CONFIRMATION
    return _due(spec, received_at, calendar, tz, config)


# --- tacit acceptance or confirmation (time.md §3.1) ------------------------------------------------


def tacit_acceptance_day(reply_deadline: Deadline) -> date:
    """The day a tacit acceptance or confirmation takes effect: the legal last day of the reply period.

    AMMR Art 40(8), 41(4), 45(2), 67(9); dated per time.md §3.1 (design).
    """
    if reply_deadline.legal_last_day is None:
        raise ValueError("a reply period is counted in days, weeks or months, not hours")
    return reply_deadline.legal_last_day


# --- transfer decision and transfer -----------------------------------------------------------------


def transfer_decision_due(
    accepted_at: datetime,
    calendar: HolidayCalendar,
    *,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The last day for the transfer decision (T10, AMMR Art 42(1)).

    Late: an SLA breach, no shift of responsibility; for a detainee, detention ends (Art 45(4)).
    """
    return _due(TRANSFER_DECISION, accepted_at, calendar, tz, config)


def transfer_due(
    start: datetime,
    calendar: HolidayCalendar,
    *,
    detained: bool = False,
    crisis: bool = False,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The last day for the transfer (T14, T09, T24); `calendar`: the transferring MS.

    `start`: acceptance or confirmation, or the final decision on an appeal with suspensive effect (Art 46(1)).
    Detained: 5 weeks (Art 45(3)), not derogated by CR Art 12(2). Missing T14 makes the transferring MS
    responsible (Art 37(1)).
    """
    if detained:
        spec = DETAINED_TRANSFER
    elif crisis:
        spec = TRANSFER_CRISIS
    else:
        spec = TRANSFER
    return _due(spec, start, calendar, tz, config)


def imprisonment_transfer_due(
    original_start: datetime,
    calendar: HolidayCalendar,
    *,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The transfer limit extended for imprisonment: 1 year from the start of T14 (AMMR Art 46(2))."""
    return _due(TRANSFER_IMPRISONMENT, original_start, calendar, tz, config)


def absconding_transfer_due(
    informed_at: datetime,
    calendar: HolidayCalendar,
    *,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The transfer limit extended for absconding, resistance or unfitness: 3 years from the day the
    transferring MS informed the responsible MS (AMMR Art 46(2); the act names this new start, time.md §3.3).
    """
    return _due(TRANSFER_ABSCONDING, informed_at, calendar, tz, config)


def available_again_transfer_due(
    current_due: Deadline,
    available_at: datetime,
    calendar: HolidayCalendar,
    *,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The transfer limit once the person is available again (AMMR Art 46(2)).

    Where less than 3 months of `current_due` remain, 3 months from availability; otherwise `current_due`:
    whichever ends later.
    """
    three_months = _due(TRANSFER_AVAILABLE_AGAIN, available_at, calendar, tz, config)
    return max(current_due, three_months, key=lambda deadline: deadline.legal_end)


# --- discretionary clause, relocation, offsets, re-examination ----------------------------------------


def humanitarian_reply_due(
    received_at: datetime,
    calendar: HolidayCalendar,
    *,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The last day to reply to a humanitarian request (T15, AMMR Art 35(2)); `calendar`: the requested MS."""
    return _due(HUMANITARIAN_REPLY, received_at, calendar, tz, config)


def relocation_confirmation_due(
    received_at: datetime,
    calendar: HolidayCalendar,
    *,
    exceptional: bool = False,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The last day for the MS of relocation to confirm (T23a, AMMR Art 67(9)); silence confirms."""
    spec = RELOCATION_CONFIRMATION_EXCEPTIONAL if exceptional else RELOCATION_CONFIRMATION
    return spec.compute(received_at, calendar, tz=tz, config=config)


def relocation_transfer_decision_due(
    confirmed_at: datetime,
    calendar: HolidayCalendar,
    *,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The last day for the relocation transfer decision (T23b, AMMR Art 67(10))."""
    return RELOCATION_TRANSFER_DECISION.compute(confirmed_at, calendar, tz=tz, config=config)


def relocation_transfer_due(
    start: datetime,
    calendar: HolidayCalendar,
    *,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The last day for the relocation transfer (T23, AMMR Art 67(11)); `start` as RELOCATION_TRANSFER."""
    return RELOCATION_TRANSFER.compute(start, calendar, tz=tz, config=config)


def offset_reply_due(
    received_at: datetime,
    calendar: HolidayCalendar,
    *,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The last day to reply to a responsibility-offset request (T22, AMMR Art 69(2))."""
    return OFFSET_REPLY.compute(received_at, calendar, tz=tz, config=config)


def re_examination_request_due(
    negative_reply_received_at: datetime,
    calendar: HolidayCalendar,
    *,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The last day to ask for re-examination of a negative reply (Reg 1560/2003 Art 5(2)); `calendar`: the
    requesting MS."""
    return RE_EXAMINATION_REQUEST.compute(negative_reply_received_at, calendar, tz=tz, config=config)


def re_examination_reply_due(
    received_at: datetime,
    calendar: HolidayCalendar,
    *,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The day by which the requested MS endeavours to answer a re-examination (Reg 1560/2003 Art 5(2))."""
    return RE_EXAMINATION_REPLY.compute(received_at, calendar, tz=tz, config=config)


# --- eligibility windows ----------------------------------------------------------------------------


def irregular_entry_window(
    crossing_day: date, config: DeadlineConfig = DEFAULT_CONFIG, calendar: HolidayCalendar | None = None
) -> EligibilityWindow:
    """The registration days on which the Art 33(1) irregular-entry criterion still applies (T16)."""
    return _window(IRREGULAR_ENTRY, WindowKind.MORE_THAN, crossing_day, config, calendar)


def search_and_rescue_window(
    disembarkation_day: date, config: DeadlineConfig = DEFAULT_CONFIG, calendar: HolidayCalendar | None = None
) -> EligibilityWindow:
    """The registration days on which the Art 33(2) disembarkation criterion still applies (T17)."""
    return _window(SEARCH_AND_RESCUE, WindowKind.MORE_THAN, disembarkation_day, config, calendar)


def expired_residence_document_window(
    ended_day: date, config: DeadlineConfig = DEFAULT_CONFIG, calendar: HolidayCalendar | None = None
) -> EligibilityWindow:
    """The registration days on which an expired or withdrawn residence document still counts (T18)."""
    return _window(EXPIRED_RESIDENCE_DOCUMENT, WindowKind.LESS_THAN, ended_day, config, calendar)


def expired_visa_window(
    ended_day: date, config: DeadlineConfig = DEFAULT_CONFIG, calendar: HolidayCalendar | None = None
) -> EligibilityWindow:
    """The registration days on which an expired or withdrawn visa still counts (T19)."""
    return _window(EXPIRED_VISA, WindowKind.LESS_THAN, ended_day, config, calendar)


def diploma_window(
    issue_day: date, config: DeadlineConfig = DEFAULT_CONFIG, calendar: HolidayCalendar | None = None
) -> EligibilityWindow:
    """The registration days on which a diploma or qualification still counts (T20)."""
    return _window(DIPLOMA, WindowKind.LESS_THAN, issue_day, config, calendar)


def border_procedure_cessation_window(
    final_day: date, config: DeadlineConfig = DEFAULT_CONFIG, calendar: HolidayCalendar | None = None
) -> EligibilityWindow:
    """The days on which the Art 36(1) obligations still run after a final border-procedure rejection (T21).

    An application registered after the window is a new application (Art 37(2)).
    """
    return _window(BORDER_PROCEDURE_CESSATION, WindowKind.MORE_THAN, final_day, config, calendar)


def absence_window(
    departure_day: date, config: DeadlineConfig = DEFAULT_CONFIG, calendar: HolidayCalendar | None = None
) -> EligibilityWindow:
    """The days on which the Art 36(1) obligations still run after the person left the territory (Art 37(4)).

    "At least 9 months" is met from the day after the window, as a "more than" condition.
    """
    return _window(ABSENCE_CESSATION, WindowKind.MORE_THAN, departure_day, config, calendar)


# --- helpers ----------------------------------------------------------------------------------------


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _due(
    spec: DeadlineSpec,
    start: datetime,
    calendar: HolidayCalendar,
    tz: ZoneInfo | str | None,
    config: DeadlineConfig,
) -> Deadline:
    return spec.compute(start, calendar, tz=tz, config=config)


def _detained_request_due(
    start: datetime,
    detained_since: datetime,
    calendar: HolidayCalendar,
    tz: ZoneInfo | str | None,
    config: DeadlineConfig,
) -> Deadline:
    # AMMR Art 45(1): 2 weeks from registration (or the hit); 1 week from detention if it began after that.
    if require_aware(detained_since, "detained_since") > require_aware(start, "start"):
        return _due(DETAINED_REQUEST_AFTER_DETENTION, detained_since, calendar, tz, config)
    return _due(DETAINED_REQUEST, start, calendar, tz, config)


def _window(
    spec: DeadlineSpec,
    kind: WindowKind,
    event_day: date,
    config: DeadlineConfig,
    calendar: HolidayCalendar | None,
) -> EligibilityWindow:
    result = window(spec.rule, event_day, spec.amount, spec.unit, config, calendar, kind=kind)
    step = TraceStep("window", f"{spec.legal_basis}, from {spec.start_event}", spec.id)
    return replace(result, trace=(step, *result.trace))
