"""The asylum time limits of asylum chapter §3 (T1-T18), each computed by the shared deadline library.

Every APR period is counted under APR Art 73; a Crisis Regulation derogation that replaces an APR limit
(CR Art 10(1), 11(1)) is counted under the rule of the act whose limit it replaces (time.md §2). Periods
that national law fixes inside an EU range are built from AsylumSettings. T12 (a return decision "without
undue delay"), T15 (bounded by T13/T14) and T17 (a national "reasonable" limit) have no period of their
own; T19 and T20 are not per case.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from keten_asylum.config import AsylumSettings
from keten_shared.deadlines import (
    DeadlineSpec,
    HolidayCalendar,
    Purpose,
    Rule,
    Unit,
    condition_met_after_working_days,
)
from keten_shared.deadlines.inputs import require_aware, zone_for
from keten_shared.events.catalog.asylum import AdmissibilityGround, RoutedProcedure


def _apr73(
    spec_id: str,
    act: str,
    article: str,
    amount: int,
    unit: Unit,
    start_event: str,
    *,
    purpose: Purpose = Purpose.ACT_TIME_LIMIT,
    legal_basis: str | None = None,
) -> DeadlineSpec:
    # APR Art 73 counts every APR period, and a CR derogation replacing an APR limit (time.md §2).
    return DeadlineSpec(
        id=spec_id,
        act=act,
        article=article,
        rule=Rule.APR_73,
        amount=amount,
        unit=unit,
        purpose=purpose,
        start_event=start_event,
        legal_basis=legal_basis or f"{act} Art {article}",
    )


# APR Art 27(1): registration no later than 5 days after the application is made
# (for SR 5(1) persons the period starts when screening ends, APR Art 27(7)) (T1).
REGISTRATION = _apr73(
    "APR.27.1", "APR", "27(1)", 5, Unit.DAYS, "application made (SR 5(1) persons: referral from screening)"
)

# CR Art 10(1): in a crisis, registration up to 4 weeks after the application is made (T1).
REGISTRATION_CRISIS = _apr73(
    "CR.10.1", "CR", "10(1)", 4, Unit.WEEKS, "application made (SR 5(1) persons: referral from screening)"
)

# APR Art 28(1): lodging no later than 21 days from registration (T2).
LODGING = _apr73("APR.28.1", "APR", "28(1)", 21, Unit.DAYS, "registration")

# APR Art 28(5): in disproportionate numbers, the lodging appointment up to 2 months after registration (T2).
LODGING_DISPROPORTIONATE = _apr73("APR.28.5", "APR", "28(5)", 2, Unit.MONTHS, "registration")

# APR Art 28(2): after a Dublin transfer, lodging within 21 days of identifying to the member state responsible (T3).
LODGING_AFTER_TRANSFER = _apr73(
    "APR.28.2",
    "APR",
    "28(2)",
    21,
    Unit.DAYS,
    "applicant identifies to the authorities of the member state responsible after transfer",
)

# APR Art 20: special procedural guarantees assessed within 30 days; the article names no start event,
# the making is used (T4).
SPECIAL_GUARANTEES = _apr73("APR.20", "APR", "20", 30, Unit.DAYS, "application made")

# APR Art 23(2)(b): a representative for an unaccompanied minor within 15 working days of the making (T5).
UAM_REPRESENTATIVE = _apr73("APR.23.2.b", "APR", "23(2)(b)", 15, Unit.WORKING_DAYS, "application made")

# APR Art 23(3): + 10 working days in disproportionate numbers, counted from the making: 25 in total (T5).
UAM_REPRESENTATIVE_EXTENDED = _apr73("APR.23.3", "APR", "23(3)", 25, Unit.WORKING_DAYS, "application made")

# APR Art 35(1): admissibility decided within 2 months of lodging (38(1)(a)-(d), 38(2)) (T6).
ADMISSIBILITY = _apr73("APR.35.1", "APR", "35(1)", 2, Unit.MONTHS, "lodging")

# APR Art 35(2): the admissibility limit extended by up to 2 months, 4 months in total from lodging (T6).
ADMISSIBILITY_EXTENDED = _apr73("APR.35.2", "APR", "35(2)", 4, Unit.MONTHS, "lodging")

# APR Art 35(1), second subparagraph: 10 working days for the APR Art 38(1)(e) ground (T7).
ADMISSIBILITY_RETURN_DECISION = _apr73(
    "APR.35.1.e", "APR", "35(1), second subparagraph", 10, Unit.WORKING_DAYS, "lodging", legal_basis="APR Art 35(1)"
)

# APR Art 35(3): the accelerated examination concluded within 3 months of lodging; no extension (T8).
ACCELERATED = _apr73("APR.35.3", "APR", "35(3)", 3, Unit.MONTHS, "lodging")

# APR Art 35(4), (6): the regular examination concluded within 6 months of lodging (T9).
REGULAR = _apr73(
    "APR.35.4",
    "APR",
    "35(4)",
    6,
    Unit.MONTHS,
    "lodging (after a Dublin transfer: lodging in the member state responsible)",
)

# APR Art 35(5): the regular limit extended by up to 6 months, 12 months in total from lodging (T9).
REGULAR_EXTENDED = _apr73(
    "APR.35.5",
    "APR",
    "35(5)",
    12,
    Unit.MONTHS,
    "lodging (after a Dublin transfer: lodging in the member state responsible)",
)

# APR Art 35(7): a postponed examination concluded at the latest 21 months after lodging (T10).
POSTPONEMENT_MAXIMUM = _apr73("APR.35.7", "APR", "35(7)", 21, Unit.MONTHS, "lodging")

# APR Art 35(7): the situation in the country of origin reviewed at least every 4 months (T10).
POSTPONEMENT_REVIEW = _apr73("APR.35.7.review", "APR", "35(7)", 4, Unit.MONTHS, "postponement (then each review)")

# APR Art 51(2): the border procedure, all stages included, within 12 weeks of registration (T11).
BORDER_MAXIMUM = _apr73("APR.51.2", "APR", "51(2)", 12, Unit.WEEKS, "registration", purpose=Purpose.LIBERTY_CAP)

# APR Art 51(2), third subparagraph: 16 weeks after an AMMR Art 67(11) relocation (T11).
BORDER_MAXIMUM_RELOCATED = _apr73(
    "APR.51.2.relocated",
    "APR",
    "51(2), third subparagraph",
    16,
    Unit.WEEKS,
    "registration",
    purpose=Purpose.LIBERTY_CAP,
    legal_basis="APR Art 51(2)",
)

# CR Art 11(1): in a crisis + up to 6 weeks, not cumulative with the 16 weeks: 18 weeks at most (T11).
BORDER_MAXIMUM_CRISIS = _apr73("CR.11.1", "CR", "11(1)", 18, Unit.WEEKS, "registration", purpose=Purpose.LIBERTY_CAP)

_BORDER_MAXIMA = {spec.amount: spec for spec in (BORDER_MAXIMUM, BORDER_MAXIMUM_RELOCATED, BORDER_MAXIMUM_CRISIS)}

# APR Art 35(2), 35(5), 23(3): the limits an extension replaces, by the id of the limit extended.
_EXTENSIONS = {
    ADMISSIBILITY.id: ADMISSIBILITY_EXTENDED,
    REGULAR.id: REGULAR_EXTENDED,
    UAM_REPRESENTATIVE.id: UAM_REPRESENTATIVE_EXTENDED,
}

# APR Art 38(1)(e): the application is late once 7 working days have passed since receipt of the return decision.
_RETURN_DECISION_WORKING_DAYS = 7


def registration_disproportionate_spec(settings: AsylumSettings) -> DeadlineSpec:
    # APR Art 27(5): in disproportionate numbers, registration within 15 days of the making (T1).
    return _apr73(
        "APR.27.5",
        "APR",
        "27(5)",
        settings.registration_extension_days,
        Unit.DAYS,
        "application made (SR 5(1) persons: referral from screening)",
    )


def border_lodging_spec(settings: AsylumSettings) -> DeadlineSpec:
    # APR Art 51(1): in the border procedure, lodging within 5 days of first registration (T2).
    return _apr73(
        "APR.51.1",
        "APR",
        "51(1)",
        settings.border_lodging_days,
        Unit.DAYS,
        "first registration (after an AMMR 67(11) relocation: arrival in the member state)",
    )


def short_appeal_spec(settings: AsylumSettings) -> DeadlineSpec:
    # APR Art 67(7)(a): the national appeal period of 5 to 10 days (T13).
    return _appeal_spec(
        "APR.67.7.a", "67(7)(a)", settings.appeal_period_short.amount, settings.appeal_period_short.unit
    )


def long_appeal_spec(settings: AsylumSettings) -> DeadlineSpec:
    # APR Art 67(7)(b): the national appeal period of 2 weeks to 1 month (T14).
    return _appeal_spec("APR.67.7.b", "67(7)(b)", settings.appeal_period_long.amount, settings.appeal_period_long.unit)


def remain_request_spec(settings: AsylumSettings) -> DeadlineSpec:
    # APR Art 68(5)(a): at least 5 days from notification to ask a court for leave to remain (T16).
    return _apr73(
        "APR.68.5.a", "APR", "68(5)(a)", settings.remain_request_days, Unit.DAYS, "notification of the decision"
    )


# QR Art 24(4): the residence permit as soon as possible, at the latest 90 days after the notification of
# the decision granting protection; the QR has no counting article of its own (Reg 1182/71, time.md §2).
PERMIT_ISSUE = DeadlineSpec(
    id="QR.24.4",
    act="QR",
    article="24(4)",
    rule=Rule.EU_1182_71,
    amount=90,
    unit=Unit.DAYS,
    purpose=Purpose.ACT_TIME_LIMIT,
    start_event="decision granting international protection notified",
    legal_basis="QR Art 24(4)",
)


def registration_spec(settings: AsylumSettings, crisis_active: bool, disproportionate: bool) -> DeadlineSpec:
    """The registration limit for an application made while a crisis or disproportionate numbers apply (T1)."""
    # CR Art 10(1) derogates from APR Art 27 as a whole, so a crisis decides before APR Art 27(5).
    if crisis_active:
        return REGISTRATION_CRISIS
    if disproportionate:
        return registration_disproportionate_spec(settings)
    return REGISTRATION


def lodging_spec(
    settings: AsylumSettings, *, border: bool = False, after_transfer: bool = False, disproportionate: bool = False
) -> DeadlineSpec:
    """The lodging limit of an application (T2, T3)."""
    # APR Art 51(1) for the border procedure; APR Art 28(2) after a transfer has no extension.
    if border:
        return border_lodging_spec(settings)
    if after_transfer:
        return LODGING_AFTER_TRANSFER
    if disproportionate:
        return LODGING_DISPROPORTIONATE
    return LODGING


def examination_spec(procedure: RoutedProcedure, admissibility_ground: AdmissibilityGround | None) -> DeadlineSpec:
    """The time limit for the first-instance decision in the procedure an application was routed to (T6-T9, T11)."""
    match procedure:
        case RoutedProcedure.ADMISSIBILITY if admissibility_ground is AdmissibilityGround.LATE_AFTER_RETURN_DECISION:
            return ADMISSIBILITY_RETURN_DECISION  # APR Art 35(1), second subparagraph
        case RoutedProcedure.ADMISSIBILITY | RoutedProcedure.PRELIMINARY_EXAMINATION:
            return ADMISSIBILITY  # APR Art 35(1), including APR Art 38(2)
        case RoutedProcedure.ACCELERATED:
            return ACCELERATED
        case RoutedProcedure.REGULAR:
            return REGULAR
        case RoutedProcedure.BORDER:
            return BORDER_MAXIMUM
    raise ValueError(f"unknown procedure {procedure!r}")


def extended_spec(spec: DeadlineSpec) -> DeadlineSpec | None:
    """The extended limit replacing `spec`, counted from the same event; None where the act allows none."""
    # APR Art 35 extends only the admissibility (35(2)) and the regular (35(5)) limits, not the accelerated one.
    return _EXTENSIONS.get(spec.id)


def border_maximum_spec(weeks: int) -> DeadlineSpec:
    """The border-procedure maximum of `weeks` weeks: 12, 16 or 18 (APR Art 51(2), CR Art 11(1)) (T11)."""
    try:
        return _BORDER_MAXIMA[weeks]
    except KeyError:
        raise ValueError(f"APR Art 51(2), CR Art 11(1): no border maximum of {weeks} weeks") from None


def late_after_return_decision(
    received_at: datetime, made_at: datetime, calendar: HolidayCalendar, tz: ZoneInfo | str
) -> bool:
    """Whether an application made at `made_at` came after 7 working days from receipt of a return decision (T18).

    APR Art 38(1)(e), time.md §3.4: the condition holds from the day after the 7th working day.
    """
    zone = zone_for(tz, calendar.ms)
    received_on = require_aware(received_at, "received_at").astimezone(zone).date()
    made_on = require_aware(made_at, "made_at").astimezone(zone).date()
    return condition_met_after_working_days(received_on, _RETURN_DECISION_WORKING_DAYS, made_on, calendar)


def _appeal_spec(spec_id: str, article: str, amount: int, unit: Unit) -> DeadlineSpec:
    # APR Art 67(7): the period runs from notification and, like every APR period, is counted under APR Art 73.
    return _apr73(spec_id, "APR", article, amount, unit, "notification of the decision")
