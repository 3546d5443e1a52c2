"""Eurodac registration done in or right after screening (screening chapter §5; Reg. (EU) 2024/1358, "ED").

Pure rules, no I/O: the categories a screening case transmits, the minimum age, the transmission time limits and
their extensions, the ED 22(4) custody rule, the state of a transmission, the reference number, retention, hits and
what a confirmed hit tells the Dublin and asylum services, the security flag and the advance-erasure reasons.

Every time limit is declared once as a DeadlineSpec and computed by the shared deadline library. The ED has no
computation article of its own, so Reg. 1182/71 applies (time.md §2): for hour limits the hour of the event is not
counted and the period ends when its last hour expires (`legal_end`, 14:30 + 72 h -> 15:00 three days later); alerts
use `target_ts` = event + N h; hour limits never roll forward (time.md §3.7).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

from keten_shared.deadlines import (
    DEFAULT_CONFIG,
    Deadline,
    DeadlineConfig,
    DeadlineError,
    DeadlineSpec,
    HolidayCalendar,
    Purpose,
    Rule,
    TraceStep,
    Unit,
    extend,
)
from keten_shared.errors import InvalidData, TransitionNotAllowed
from keten_shared.events.catalog.common import Sex
from keten_shared.events.catalog.screening import ScreeningReason

# --- Categories --------------------------------------------------------------------------------------------------


class EurodacCategory(StrEnum):
    """The Eurodac categories screening deals with; `code` is the ED 37(4) category code of the reference number."""

    APPLICANT = "APPLICANT"  # ED 15(1): applicant for international protection
    IRREGULAR_CROSSER = "IRREGULAR_CROSSER"  # ED 22(1): apprehended crossing the external border irregularly
    ILLEGALLY_STAYING = "ILLEGALLY_STAYING"  # ED 23(1): found staying illegally in the territory
    SAR = "SAR"  # ED 24(1): disembarked after a search-and-rescue operation

    @property
    def code(self) -> str:
        """The category code that follows the member state letters in the reference number (ED 37(3)-(4))."""
        return _CATEGORY_CODES[self]

    @property
    def article(self) -> str:
        """The ED provision that defines the category."""
        return _CATEGORY_ARTICLES[self]


# ED 37(3)-(4) (verified from the IT text, screening chapter §5.1): "1" applicants, "2" irregular crossers,
# "3" illegally staying, "9" SAR ("8" Art 20 persons and "0" temporary protection are not screening categories).
_CATEGORY_CODES = MappingProxyType(
    {
        EurodacCategory.APPLICANT: "1",
        EurodacCategory.IRREGULAR_CROSSER: "2",
        EurodacCategory.ILLEGALLY_STAYING: "3",
        EurodacCategory.SAR: "9",
    }
)
_CATEGORY_BY_CODE = MappingProxyType({code: category for category, code in _CATEGORY_CODES.items()})
_CATEGORY_ARTICLES = MappingProxyType(
    {
        EurodacCategory.APPLICANT: "ED 15(1)",
        EurodacCategory.IRREGULAR_CROSSER: "ED 22(1)",
        EurodacCategory.ILLEGALLY_STAYING: "ED 23(1)",
        EurodacCategory.SAR: "ED 24(1)",
    }
)


def categories_for(reason: ScreeningReason, application_made: bool) -> list[EurodacCategory]:
    """The Eurodac datasets a screening case gives rise to, the category of the screening reason first.

    A person who is screened as an irregular crosser, SAR person or illegal stayer and applies gets a second dataset
    as applicant, with its own retention clock (screening chapter §5.1, design reading of ED 22 + 15).
    """
    reason = ScreeningReason(reason)
    if reason is ScreeningReason.BORDER_BCP_APPLICANT:
        if not application_made:
            # SR 5(2): the category is defined by the application made at the border crossing point (as the case model).
            raise InvalidData("a BORDER_BCP_APPLICANT screening needs an application (SR Art 5(2), ED Art 15(1)(b))")
        # ED 15(1)(b): biometrics are taken when the application is made at the border crossing point / transit zone.
        return [EurodacCategory.APPLICANT]
    primary = {
        ScreeningReason.BORDER_IRREGULAR: EurodacCategory.IRREGULAR_CROSSER,  # ED 22(1)
        ScreeningReason.BORDER_SAR: EurodacCategory.SAR,  # ED 24(1)
        ScreeningReason.TERRITORY: EurodacCategory.ILLEGALLY_STAYING,  # ED 23(1)
    }[reason]
    # ED 15(1): an application adds the applicant dataset (screening chapter §5.1, design reading).
    return [primary, EurodacCategory.APPLICANT] if application_made else [primary]


# --- Minimum age (ED 14(1), 15(1), 22(1), 23(1), 24(1)) ------------------------------------------------------------

# ED 15(1), 22(1), 23(1), 24(1): biometrics are taken from persons of at least 6 years of age.
EURODAC_MINIMUM_AGE = 6


def biometrics_due(age: int | None, age_doubt_around_six: bool) -> bool:
    """Whether Eurodac biometrics are to be taken, given the person's (established or claimed) age in years.

    `age=None` with no doubt around six means no one questions that the person is 6 or older (an adult without
    papers): biometrics are due. Screening itself runs either way (SR 5(1)(a)).
    """
    if age is not None and age < 0:
        raise InvalidData(f"age must not be negative, got {age}")
    # ED 14(1): uncertain whether the child is under 6 and no proof of age -> treated as under 6, no biometrics.
    if age_doubt_around_six:
        return False
    # ED 15(1), 22(1), 23(1), 24(1): minimum age 6.
    return age is None or age >= EURODAC_MINIMUM_AGE


def check_biometric_capture(age: int | None, age_doubt_around_six: bool = False) -> None:
    """Refuse to record captured Eurodac biometrics for a child under the minimum age (bad input, 422)."""
    if not biometrics_due(age, age_doubt_around_six):
        if age_doubt_around_six:
            # ED 14(1): a child possibly under 6 without proof of age is treated as under 6.
            raise InvalidData(
                "no Eurodac biometrics for a child who may be under 6 without proof of age (ED Art 14(1))",
                age=age,
                minimum_age=EURODAC_MINIMUM_AGE,
            )
        raise InvalidData(
            f"no Eurodac biometrics for a child under {EURODAC_MINIMUM_AGE} (ED Art 15(1), 22(1), 23(1), 24(1))",
            age=age,
            minimum_age=EURODAC_MINIMUM_AGE,
        )


# --- Transmission time limits (screening chapter §3, T4-T11, T13) -------------------------------------------------


def _hours(spec_id: str, article: str, amount: int, start_event: str) -> DeadlineSpec:
    return DeadlineSpec(
        id=spec_id,
        act="ED",
        article=article,
        rule=Rule.EU_1182_71,
        amount=amount,
        unit=Unit.HOURS,
        purpose=Purpose.ACT_TIME_LIMIT,
        start_event=start_event,
        legal_basis=f"ED Art {article}",
    )


# T4, ED 22(2): irregular crosser, 72 h from apprehension.
IRREGULAR_CROSSER_TRANSMISSION = _hours("ED.22.2", "22(2)", 72, "apprehension")
# T5, ED 24(2): SAR, 72 h from disembarkation.
SAR_TRANSMISSION = _hours("ED.24.2", "24(2)", 72, "disembarkation")
# T6, ED 15(1)(b): applicant at a border crossing point / transit zone, 72 h from taking the biometrics.
APPLICANT_AT_MAKING_TRANSMISSION = _hours(
    "ED.15.1.b", "15(1)(b)", 72, "biometrics taken at the making of the application"
)
# T7, ED 15(1)(a): applicant, 72 h from the registration of the application (APR 27).
APPLICANT_AT_REGISTRATION_TRANSMISSION = _hours("ED.15.1.a", "15(1)(a)", 72, "registration of the application")
# T8, ED 23(2): illegally staying, 72 h from the moment the person is found staying illegally (apprehension).
ILLEGALLY_STAYING_TRANSMISSION = _hours("ED.23.2", "23(2)", 72, "apprehension in the territory")

# Serious technical problems: + 48 h at most (ED 15(2), 22(6), 23(5), 24(5)).
TECHNICAL_EXTENSIONS = MappingProxyType(
    {
        EurodacCategory.APPLICANT: _hours("ED.15.2.technical", "15(2)", 48, "start of the transmission limit"),
        EurodacCategory.IRREGULAR_CROSSER: _hours("ED.22.6.technical", "22(6)", 48, "start of the transmission limit"),
        EurodacCategory.ILLEGALLY_STAYING: _hours("ED.23.5.technical", "23(5)", 48, "start of the transmission limit"),
        EurodacCategory.SAR: _hours("ED.24.5.technical", "24(5)", 48, "start of the transmission limit"),
    }
)
# ED 24(6): SAR only, sudden influx: + 48 h at most, effective on notification to the Commission and the other MS,
# for the notified duration of at most one month (whether a notification is in force is the caller's input).
SUDDEN_INFLUX_EXTENSION = _hours("ED.24.6", "24(6)", 48, "start of the transmission limit")

# T9: re-transmission after poor-quality fingerprints, at the latest 48 h after the successful retake
# (ED 15(1) 2nd subparagraph, 22(5), 23(4), 24(4)).
RETAKE_RETRANSMISSION = MappingProxyType(
    {
        EurodacCategory.APPLICANT: _hours("ED.15.1.retake", "15(1) second subparagraph", 48, "successful retake"),
        EurodacCategory.IRREGULAR_CROSSER: _hours("ED.22.5.retake", "22(5)", 48, "successful retake"),
        EurodacCategory.ILLEGALLY_STAYING: _hours("ED.23.4.retake", "23(4)", 48, "successful retake"),
        EurodacCategory.SAR: _hours("ED.24.4.retake", "24(4)", 48, "successful retake"),
    }
)
# T10: biometrics blocked by health / public-health measures, at the latest 48 h after the grounds cease
# (ED 15(2), 22(6), 23(5), 24(5)).
HEALTH_GROUNDS_TRANSMISSION = MappingProxyType(
    {
        EurodacCategory.APPLICANT: _hours("ED.15.2.health", "15(2)", 48, "health grounds ceased"),
        EurodacCategory.IRREGULAR_CROSSER: _hours("ED.22.6.health", "22(6)", 48, "health grounds ceased"),
        EurodacCategory.ILLEGALLY_STAYING: _hours("ED.23.5.health", "23(5)", 48, "health grounds ceased"),
        EurodacCategory.SAR: _hours("ED.24.5.health", "24(5)", 48, "health grounds ceased"),
    }
)
# T11, ED 38(2): Eurodac processes a comparison within 24 h of the request (1 h where national law requires urgency).
EURODAC_PROCESSING = _hours("ED.38.2", "38(2)", 24, "comparison request received by Eurodac")
EURODAC_PROCESSING_URGENT = _hours("ED.38.2.urgent", "38(2)", 1, "urgent comparison request received by Eurodac")
# T13, ED 31(1): Eurodac tells the other MS holding matching data of a protection mark within 72 h.
PROTECTION_MARK_NOTIFICATION = _hours("ED.31.1", "31(1)", 72, "protection mark set")
# ED 30(2): Eurodac tells the other MS of origin with hits of an advance erasure within 72 h.
ERASURE_NOTIFICATION = _hours("ED.30.2", "30(2)", 72, "advance erasure")
# T14, ED 26(2): temporary-protection registration, 10 days (not a screening case; declared for completeness).
TEMPORARY_PROTECTION_TRANSMISSION = DeadlineSpec(
    id="ED.26.2",
    act="ED",
    article="26(2)",
    rule=Rule.EU_1182_71,
    amount=10,
    unit=Unit.DAYS,
    purpose=Purpose.ACT_TIME_LIMIT,
    start_event="registration as beneficiary of temporary protection",
    legal_basis="ED Art 26(2)",
)
# ED 38(6): a result that final identification shows to be wrong is erased at once; eu-LISA is told within
# 3 working days (working days per 1182/71 Art 2(2), unverified: not a Saturday, Sunday or public holiday).
REJECTED_HIT_NOTIFICATION = DeadlineSpec(
    id="ED.38.6",
    act="ED",
    article="38(6)",
    rule=Rule.EU_1182_71,
    amount=3,
    unit=Unit.WORKING_DAYS,
    purpose=Purpose.ACT_TIME_LIMIT,
    start_event="hit rejected on final identification",
    legal_basis="ED Art 38(6)",
)


class ApplicantTrigger(StrEnum):
    """Which ED 15(1) limit an applicant dataset runs under."""

    MAKING = "MAKING"  # ED 15(1)(b): biometrics taken when the application is made at a BCP / in a transit zone (T6)
    REGISTRATION = "REGISTRATION"  # ED 15(1)(a): registration of the application (T7)


class TransmissionExtension(StrEnum):
    TECHNICAL_PROBLEMS = "TECHNICAL_PROBLEMS"  # ED 15(2), 22(6), 23(5), 24(5): + 48 h at most
    SUDDEN_INFLUX = "SUDDEN_INFLUX"  # ED 24(6), SAR only: + 48 h at most while a notification is in force


def transmission_spec(category: EurodacCategory, applicant_trigger: ApplicantTrigger | None = None) -> DeadlineSpec:
    """The transmission limit of a dataset; an applicant dataset needs the ED 15(1) point it falls under."""
    category = EurodacCategory(category)
    if category is EurodacCategory.APPLICANT:
        if applicant_trigger is None:
            raise InvalidData("an applicant dataset needs applicant_trigger: MAKING (ED 15(1)(b)) or REGISTRATION (a)")
        if ApplicantTrigger(applicant_trigger) is ApplicantTrigger.MAKING:
            return APPLICANT_AT_MAKING_TRANSMISSION
        return APPLICANT_AT_REGISTRATION_TRANSMISSION
    if applicant_trigger is not None:
        raise InvalidData(f"applicant_trigger only applies to applicant datasets, not {category}")
    return {
        EurodacCategory.IRREGULAR_CROSSER: IRREGULAR_CROSSER_TRANSMISSION,
        EurodacCategory.ILLEGALLY_STAYING: ILLEGALLY_STAYING_TRANSMISSION,
        EurodacCategory.SAR: SAR_TRANSMISSION,
    }[category]


def extension_spec(category: EurodacCategory, extension: TransmissionExtension) -> DeadlineSpec:
    """The extension of a transmission limit, refused where the ED grants none."""
    category, extension = EurodacCategory(category), TransmissionExtension(extension)
    if extension is TransmissionExtension.TECHNICAL_PROBLEMS:
        return TECHNICAL_EXTENSIONS[category]
    if category is not EurodacCategory.SAR:
        # ED 24(6): the sudden-influx extension exists for SAR data only.
        raise InvalidData(f"the sudden-influx extension (ED Art 24(6)) applies to SAR data only, not {category}")
    return SUDDEN_INFLUX_EXTENSION


def transmission_limit(
    category: EurodacCategory,
    event_ts: datetime,
    calendar: HolidayCalendar,
    *,
    extension: TransmissionExtension | None = None,
    applicant_trigger: ApplicantTrigger | None = None,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """The Eurodac transmission limit (T4-T8) from its start event, optionally with the + 48 h extension.

    The extension is counted from the original event (72 + 48 = 120 h; hour periods never roll forward, so the
    library's extension base does not matter). One extension at a time: the chapter does not say whether the
    technical and the sudden-influx extensions add up (SAR), so combining them is refused by construction.
    Missing the limit never cancels the duty to transmit (ED 15(1), 22(5), 23(4), 24(4)): see transmission_state().
    For irregular crossers held in custody for more than 72 h see due_before_release() (ED 22(4)).
    """
    spec = transmission_spec(category, applicant_trigger)
    base = _compute(spec, event_ts, calendar, tz=tz, config=config)
    if extension is None:
        return base
    more = extension_spec(category, extension)
    try:
        result = extend(
            base, more.amount, calendar, config=config, legal_basis=f"{spec.legal_basis} + {more.legal_basis}"
        )
    except DeadlineError as exc:
        raise InvalidData(f"{more.legal_basis} cannot be applied: {exc}") from exc
    step = TraceStep("extension", f"{extension.value}: + {more.amount} h at most ({more.legal_basis})", more.id)
    return replace(result, trace=(base.trace[0], step, *result.trace))


def retake_retransmission_limit(
    category: EurodacCategory, retaken_at: datetime, calendar: HolidayCalendar, *, tz: ZoneInfo | str | None = None
) -> Deadline:
    """T9: re-transmission at the latest 48 h after a successful retake of poor-quality fingerprints."""
    return _compute(RETAKE_RETRANSMISSION[EurodacCategory(category)], retaken_at, calendar, tz=tz)


def health_grounds_limit(
    category: EurodacCategory, ceased_at: datetime, calendar: HolidayCalendar, *, tz: ZoneInfo | str | None = None
) -> Deadline:
    """T10: biometrics taken and transmitted at the latest 48 h after the health grounds cease."""
    return _compute(HEALTH_GROUNDS_TRANSMISSION[EurodacCategory(category)], ceased_at, calendar, tz=tz)


def processing_limit(
    received_at: datetime, calendar: HolidayCalendar, *, urgent: bool = False, tz: ZoneInfo | str | None = None
) -> Deadline:
    """T11: Eurodac answers a comparison within 24 h, or 1 h where national law requires urgency (ED 38(2))."""
    return _compute(EURODAC_PROCESSING_URGENT if urgent else EURODAC_PROCESSING, received_at, calendar, tz=tz)


def mark_notification_limit(
    marked_at: datetime, calendar: HolidayCalendar, *, tz: ZoneInfo | str | None = None
) -> Deadline:
    """T13: Eurodac notifies the other MS of a protection mark within 72 h (ED 31(1))."""
    return _compute(PROTECTION_MARK_NOTIFICATION, marked_at, calendar, tz=tz)


# ED 22(4): the custody threshold, counted as elapsed time since apprehension (time.md §3.7).
CUSTODY_THRESHOLD = timedelta(hours=72)


def due_before_release(
    category: EurodacCategory,
    apprehended_at: datetime,
    *,
    held_since_apprehension: bool,
    released_at: datetime | None,
    now: datetime,
) -> bool:
    """Whether the data are due before release instead of within the 72-h limit (a condition, not a deadline).

    ED 22(4): an irregular crosser kept in custody, confinement or detention for more than 72 h from apprehension
    has the data taken and transmitted before release. "More than 72 hours" is elapsed time up to the release, or
    up to `now` while the person is still held. Released earlier (or never held), the 72-h limit applies.
    The chapter names no such rule for the other categories: False for them.
    """
    _aware(apprehended_at, "apprehended_at")
    _aware(now, "now")
    if apprehended_at > now:
        raise InvalidData("apprehended_at lies in the future")
    if released_at is not None:
        _aware(released_at, "released_at")
        if released_at < apprehended_at:
            raise InvalidData("released_at lies before apprehended_at")
        if released_at > now:
            raise InvalidData("released_at lies in the future")
    if EurodacCategory(category) is not EurodacCategory.IRREGULAR_CROSSER or not held_since_apprehension:
        return False
    held_until = now if released_at is None else released_at
    # ED 22(4): "more than 72 hours" from apprehension.
    return held_until - apprehended_at > CUSTODY_THRESHOLD


class TransmissionState(StrEnum):
    ON_TIME = "ON_TIME"  # transmitted before the legal end
    DUE = "DUE"  # not transmitted yet, the legal end not reached
    DELAYED = "DELAYED"  # the legal end passed without a transmission, or the transmission came after it


def transmission_state(now: datetime, deadline: Deadline, transmitted_at: datetime | None) -> TransmissionState:
    """Where a transmission stands against its limit. The duty survives a missed limit (ED 15(1), 22(5), 23(4),
    24(4)): DELAYED is no end state; the service raises `eurodac.transmission.delayed` and keeps trying.

    The legal end is the instant the period has expired (time.md §3.7: breaches are recorded after it), so a
    transmission at exactly the legal end is late. Alerts use `deadline.target_ts`, not this state.
    """
    _aware(now, "now")
    if transmitted_at is not None:
        _aware(transmitted_at, "transmitted_at")
        if transmitted_at > now:
            raise InvalidData("transmitted_at lies in the future")
        return TransmissionState.ON_TIME if transmitted_at < deadline.legal_end else TransmissionState.DELAYED
    return TransmissionState.DUE if now < deadline.legal_end else TransmissionState.DELAYED


# --- Reference number (ED 37(3)-(4)) ------------------------------------------------------------------------------

# ED 37(4): the reference number begins with the identification letter(s) of the transmitting MS. The regulation does
# not list the letters (they are set in the technical norm / interface control document), so this table is
# configuration with the ISO 3166-1 alpha-2 code as default (unverified): NL -> "NL", DE -> "DE"; Greece is "GR"
# (ISO), also when the service names it "EL" (the EU code). Override per deployment with the `letters` argument.
_EURODAC_STATES = (
    *("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "HR", "HU", "IE"),
    *("IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "CH", "IS", "LI", "NO"),
)
DEFAULT_MEMBER_STATE_LETTERS: Mapping[str, str] = MappingProxyType(
    {**{ms: ms for ms in _EURODAC_STATES}, "GR": "GR", "EL": "GR"}
)

_LETTERS = re.compile(r"^[A-Z]{1,3}$")
_UNIQUE_PART = re.compile(r"^[A-Z0-9]{1,32}$")
_REFERENCE = re.compile(r"^(?P<letters>[A-Z]{1,3})(?P<code>[0-9])(?P<unique>[A-Z0-9]{1,32})$")


def member_state_letters(ms: str, letters: Mapping[str, str] | None = None) -> str:
    """The identification letters of a member state (configuration, ISO alpha-2 default, unverified)."""
    table = DEFAULT_MEMBER_STATE_LETTERS if letters is None else letters
    try:
        return table[ms.upper()]
    except KeyError:
        raise InvalidData(f"no Eurodac identification letters configured for member state {ms!r}") from None


def reference_number(member_state_letters: str, category: EurodacCategory, unique_part: str) -> str:
    """ED 37(3)-(4): MS identification letters, then the category code, then a part unique to the person.

    `unique_part` must be an opaque number (1-32 letters or digits, upper-cased), never personal data.
    Example: reference_number("NL", EurodacCategory.IRREGULAR_CROSSER, "000123") == "NL2000123".
    """
    letters = member_state_letters.strip()
    if not _LETTERS.fullmatch(letters):
        raise InvalidData(f"member state letters must be 1-3 capital letters, got {member_state_letters!r}")
    unique = unique_part.strip().upper()
    if not _UNIQUE_PART.fullmatch(unique):
        raise InvalidData(f"the unique part must be 1-32 letters or digits, got {unique_part!r}")
    # ED 37(4): the letters are followed by the category code.
    return f"{letters}{EurodacCategory(category).code}{unique}"


@dataclass(frozen=True)
class ReferenceNumber:
    letters: str
    category: EurodacCategory
    unique_part: str


def parse_reference_number(value: str) -> ReferenceNumber:
    """Split a reference number built by reference_number(); the category code must be a screening category."""
    match = _REFERENCE.fullmatch(value)
    if match is None:
        raise InvalidData(f"not a Eurodac reference number: {value!r}")
    category = _CATEGORY_BY_CODE.get(match["code"])
    if category is None:
        raise InvalidData(f"category code {match['code']!r} of {value!r} is not a screening category (ED Art 37(4))")
    return ReferenceNumber(match["letters"], category, match["unique"])


# --- Retention (ED 29) ----------------------------------------------------------------------------------------------


def _years(spec_id: str, article: str, amount: int) -> DeadlineSpec:
    return DeadlineSpec(
        id=spec_id,
        act="ED",
        article=article,
        rule=Rule.EU_1182_71,
        amount=amount,
        unit=Unit.YEARS,
        # Design: retention is a storage maximum, not a time limit for an act. Like an entry ban it ends on the same
        # date N years later and never rolls forward (time.md §3.10): erasure on a weekend is harmless, and keeping
        # data longer than the period would breach the storage limit. Purpose.PROHIBITION gives exactly that: the
        # legal, unrolled and operational ends coincide, so no consumer can pick a rolled-forward date by mistake.
        purpose=Purpose.PROHIBITION,
        start_event="biometric data transmitted to Eurodac",
        legal_basis=f"ED Art {article}",
    )


# Counted from the date the biometric data were transmitted, then automatic erasure (ED 29(1)-(8), 29(10)).
RETENTION = MappingProxyType(
    {
        EurodacCategory.APPLICANT: _years("ED.29.1", "29(1)", 10),  # ED 29(1): applicants, 10 years
        EurodacCategory.IRREGULAR_CROSSER: _years("ED.29.6", "29(6)", 5),  # ED 29(6): irregular crossers, 5 years
        EurodacCategory.ILLEGALLY_STAYING: _years("ED.29.7", "29(7)", 5),  # ED 29(7): illegally staying, 5 years
        EurodacCategory.SAR: _years("ED.29.8", "29(8)", 5),  # ED 29(8): SAR, 5 years
    }
)


def retention(
    category: EurodacCategory, transmitted_at: datetime, calendar: HolidayCalendar, *, tz: ZoneInfo | str | None = None
) -> Deadline:
    """The retention period of a dataset; erasure is due once `unrolled_end` (= legal_end) has passed."""
    return _compute(RETENTION[EurodacCategory(category)], transmitted_at, calendar, tz=tz)


def retention_until(
    category: EurodacCategory, transmitted_at: datetime, calendar: HolidayCalendar, *, tz: ZoneInfo | str | None = None
) -> date:
    """The last day the data may be kept: the transmission date (in the MS zone) N years on, 29 Feb -> 28 Feb."""
    last_day = retention(category, transmitted_at, calendar, tz=tz).unrolled_last_day
    assert last_day is not None  # a year period always has a last day
    return last_day


# --- Hits (ED 2(1)(j), 27, 28, 38(4), 38(6)) ------------------------------------------------------------------------


class HitStatus(StrEnum):
    UNCONFIRMED = "UNCONFIRMED"  # ED 2(1)(j): subject to the receiving MS's check
    CONFIRMED = "CONFIRMED"  # ED 38(4): checked by a trained fingerprint expert
    REJECTED = "REJECTED"  # ED 38(6): final identification shows the result is wrong


class MarkKind(StrEnum):
    PROTECTION_GRANTED = "PROTECTION_GRANTED"  # ED 31(1): international protection granted
    RESIDENCE_DOCUMENT = "RESIDENCE_DOCUMENT"  # ED 31(4): residence document issued


@dataclass(frozen=True)
class Mark:
    """A mark on the matched data (ED 28(4): a hit returns the marks with the datasets)."""

    kind: MarkKind
    member_state: str  # the MS that granted protection / issued the residence document
    marked_on: date | None = None


@dataclass(frozen=True)
class Hit:
    """One matching dataset Eurodac returned (ED 2(1)(j), 28(4)); decided once by an expert (ED 38(4)).

    `date` and `place` are those of the matched record's event: application (ED 17(1)(g)), apprehension
    (22(2)(g), 23(2)(g)) or disembarkation (24(2)(g)).
    """

    hit_id: str
    matched_category: EurodacCategory
    ms_of_origin: str
    date: date
    place: str | None = None
    ms_responsible: str | None = None  # ED 16(1), 17(2)(a), applicant data only
    ms_of_relocation: str | None = None  # ED 17(2)(b), 22(3), 23(3)
    marks: tuple[Mark, ...] = ()
    status: HitStatus = HitStatus.UNCONFIRMED
    checked_by: str | None = None
    checked_at: datetime | None = None
    matched_sex: Sex = Sex.UNKNOWN  # sex recorded with the matched data (ED 17(1)(h), 22(2)(h))
    matched_reference: str | None = None  # the other MS's reference number, for Dublin requests

    def confirm(self, expert: str, at: datetime) -> Hit:
        """ED 38(4): the expert confirms the hit; only an unconfirmed hit can be decided."""
        return self._decide(HitStatus.CONFIRMED, expert, at)

    def reject(self, expert: str, at: datetime) -> Hit:
        """ED 38(6): a wrong result; the service erases it at once and tells eu-LISA (see eu_lisa_notification_due)."""
        return self._decide(HitStatus.REJECTED, expert, at)

    def _decide(self, status: HitStatus, expert: str, at: datetime) -> Hit:
        if self.status is not HitStatus.UNCONFIRMED:
            raise TransitionNotAllowed(f"hit {self.hit_id} is already {self.status}", current_status=self.status.value)
        if not expert.strip():
            raise InvalidData("the checking expert must be named (ED Art 38(4))")
        _aware(at, "at")
        return replace(self, status=status, checked_by=expert.strip(), checked_at=at)

    def to_dict(self) -> dict[str, object]:
        """A JSON-safe form for the `eurodac.*` event payloads."""
        return {
            "hit_id": self.hit_id,
            "category": self.matched_category.value,
            "ms_of_origin": self.ms_of_origin,
            "date": self.date.isoformat(),
            "place": self.place,
            "ms_responsible": self.ms_responsible,
            "ms_of_relocation": self.ms_of_relocation,
            "marks": [
                {
                    "kind": mark.kind.value,
                    "member_state": mark.member_state,
                    "marked_on": None if mark.marked_on is None else mark.marked_on.isoformat(),
                }
                for mark in self.marks
            ],
            "status": self.status.value,
            "checked_by": self.checked_by,
            "checked_at": None if self.checked_at is None else self.checked_at.isoformat(),
            "matched_reference": self.matched_reference,
        }


def requires_expert_check(hit: Hit, person_sex: Sex, *, face_mismatch: bool = False) -> bool:
    """Whether a fingerprint expert must check the hit before it is used (ED 38(4) and the recital on expert checks:
    in particular a matched record of a different sex, or a face that does not match).

    An unknown sex on either side cannot rule out a difference, so it asks for a check too (design, conservative).
    """
    ours, theirs = Sex(person_sex), Sex(hit.matched_sex)
    if face_mismatch or Sex.UNKNOWN in (ours, theirs):
        return True
    return ours is not theirs


def eu_lisa_notification_due(hit: Hit, calendar: HolidayCalendar, *, tz: ZoneInfo | str | None = None) -> Deadline:
    """ED 38(6): eu-LISA is told of a rejected result within 3 working days of the rejection."""
    if hit.status is not HitStatus.REJECTED or hit.checked_at is None:
        raise InvalidData(f"hit {hit.hit_id} is {hit.status}: only a rejected result is reported to eu-LISA")
    return _compute(REJECTED_HIT_NOTIFICATION, hit.checked_at, calendar, tz=tz)


@dataclass(frozen=True)
class EarlierRecord:
    """An earlier event in another MS, as a confirmed hit shows it (screening chapter §5.2)."""

    hit_id: str
    category: EurodacCategory
    member_state: str  # the MS of origin of the matched data
    date: date
    place: str | None
    reference_number: str | None
    ms_responsible: str | None = None
    ms_of_relocation: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "hit_id": self.hit_id,
            "category": self.category.value,
            "member_state": self.member_state,
            "date": self.date.isoformat(),
            "place": self.place,
            "reference_number": self.reference_number,
            "ms_responsible": self.ms_responsible,
            "ms_of_relocation": self.ms_of_relocation,
        }


@dataclass(frozen=True)
class DownstreamFacts:
    """What confirmed hits tell the Dublin and asylum services (screening chapter §5.2, last bullet)."""

    earlier_applications: tuple[EarlierRecord, ...] = ()  # ED 17(1)(g); MS responsible 16(1), 17(2)(a); (b)
    earlier_irregular_entries: tuple[EarlierRecord, ...] = ()  # ED 22(2)(g)
    earlier_sar_disembarkations: tuple[EarlierRecord, ...] = ()  # ED 24(2)(g)
    earlier_illegal_stays: tuple[EarlierRecord, ...] = ()  # ED 23(2)(g) (not in the §5.2 list; passed on, design)
    protected_in_ms: tuple[str, ...] = ()  # mark ED 31(1): asylum (admissibility) and return
    residence_document_ms: tuple[str, ...] = ()  # mark ED 31(4)

    @property
    def empty(self) -> bool:
        return self == DownstreamFacts()

    def to_dict(self) -> dict[str, object]:
        return {
            "earlier_applications": [record.to_dict() for record in self.earlier_applications],
            "earlier_irregular_entries": [record.to_dict() for record in self.earlier_irregular_entries],
            "earlier_sar_disembarkations": [record.to_dict() for record in self.earlier_sar_disembarkations],
            "earlier_illegal_stays": [record.to_dict() for record in self.earlier_illegal_stays],
            "protected_in_ms": list(self.protected_in_ms),
            "residence_document_ms": list(self.residence_document_ms),
        }


def downstream_facts(hits: Iterable[Hit]) -> DownstreamFacts:
    """The facts the referral carries for Dublin/asylum; unconfirmed and rejected hits are left out (design, §5.2).

    Records are sorted by date; member states of marks are listed once each, in order of first appearance.
    """
    confirmed = sorted(
        (hit for hit in hits if hit.status is HitStatus.CONFIRMED), key=lambda hit: (hit.date, hit.hit_id)
    )
    records: dict[EurodacCategory, list[EarlierRecord]] = {category: [] for category in EurodacCategory}
    protected: dict[str, None] = {}
    residence: dict[str, None] = {}
    for hit in confirmed:
        applicant = hit.matched_category is EurodacCategory.APPLICANT
        records[hit.matched_category].append(
            EarlierRecord(
                hit_id=hit.hit_id,
                category=hit.matched_category,
                member_state=hit.ms_of_origin,
                date=hit.date,
                place=hit.place,
                reference_number=hit.matched_reference,
                # ED 16(1), 17(2)(a): the MS responsible is recorded with applicant data only.
                ms_responsible=hit.ms_responsible if applicant else None,
                ms_of_relocation=hit.ms_of_relocation,
            )
        )
        for mark in hit.marks:
            # ED 31(1): protection granted; ED 31(4): residence document issued.
            target = protected if mark.kind is MarkKind.PROTECTION_GRANTED else residence
            target.setdefault(mark.member_state, None)
    return DownstreamFacts(
        earlier_applications=tuple(records[EurodacCategory.APPLICANT]),
        earlier_irregular_entries=tuple(records[EurodacCategory.IRREGULAR_CROSSER]),
        earlier_sar_disembarkations=tuple(records[EurodacCategory.SAR]),
        earlier_illegal_stays=tuple(records[EurodacCategory.ILLEGALLY_STAYING]),
        protected_in_ms=tuple(protected),
        residence_document_ms=tuple(residence),
    )


# --- Security flag (ED 17(2)(i), 22(3)(d), 23(3)(e), 24(3)(f)) -----------------------------------------------------


def security_flag_due(armed: bool, violent: bool, terrorist_indications: bool, eaw_offence_indications: bool) -> bool:
    """Whether the dataset records that the person may be a threat to internal security.

    ED 22(3)(d), 23(3)(e), 24(3)(f), 17(2)(i): only where screening shows the person is armed or violent, or there
    are indications of involvement in a terrorist offence (Dir. 2017/541) or an offence of FD 2002/584 Art 2(2).
    The flag is deleted by the MS finding that the threat has ceased, after consulting the others (ED 17(4)).
    """
    return armed or violent or terrorist_indications or eaw_offence_indications


# --- Advance erasure (ED 30) ---------------------------------------------------------------------------------------


class ErasureReason(StrEnum):
    """Reason codes of `eurodac.erasure.requested`, as far as the screening chapter (§5.3) states them."""

    # ED 30: the person became a citizen of the MS of origin before the retention period ended: erase without delay.
    CITIZENSHIP_OF_ORIGIN_MS = "CITIZENSHIP_OF_ORIGIN_MS"
    # ED 30: the person became a citizen of another MS: the MS of origin erases as soon as it learns of it.
    CITIZENSHIP_OF_OTHER_MS = "CITIZENSHIP_OF_OTHER_MS"


# --- helpers -------------------------------------------------------------------------------------------------------


def _aware(value: datetime, name: str) -> None:
    if value.utcoffset() is None:
        raise InvalidData(f"{name} must be timezone-aware")


def _compute(
    spec: DeadlineSpec,
    start: datetime,
    calendar: HolidayCalendar,
    *,
    tz: ZoneInfo | str | None = None,
    config: DeadlineConfig = DEFAULT_CONFIG,
) -> Deadline:
    """spec.compute() with the library's errors (naive instant, missing calendar year) turned into bad input."""
    try:
        return spec.compute(start, calendar, tz=tz, config=config)
    except DeadlineError as exc:
        raise InvalidData(f"{spec.legal_basis or spec.id} cannot be computed from {start.isoformat()}: {exc}") from exc


ALL_SPECS: tuple[DeadlineSpec, ...] = (
    IRREGULAR_CROSSER_TRANSMISSION,
    SAR_TRANSMISSION,
    APPLICANT_AT_MAKING_TRANSMISSION,
    APPLICANT_AT_REGISTRATION_TRANSMISSION,
    ILLEGALLY_STAYING_TRANSMISSION,
    *TECHNICAL_EXTENSIONS.values(),
    SUDDEN_INFLUX_EXTENSION,
    *RETAKE_RETRANSMISSION.values(),
    *HEALTH_GROUNDS_TRANSMISSION.values(),
    EURODAC_PROCESSING,
    EURODAC_PROCESSING_URGENT,
    PROTECTION_MARK_NOTIFICATION,
    ERASURE_NOTIFICATION,
    TEMPORARY_PROTECTION_TRANSMISSION,
    REJECTED_HIT_NOTIFICATION,
    *RETENTION.values(),
)
