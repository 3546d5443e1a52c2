"""Identifying a screened person (SR 14; form items SR 17(1)(a)-(b)); pure domain, no I/O.

Country codes and nationality facts, the machine-readable zone (MRZ) of travel and identity documents
(ICAO Doc 9303), the identity status, birth-date checks and the findings a document record gives rise to.
Parsing an MRZ never validates its country codes: that is a separate step (`validate_issuing_country`,
`nationality_from_mrz`), so that ICAO's specimen state "UTO" (Utopia) parses and an unknown code is reported
as such rather than as an unreadable MRZ.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from keten_shared.countries import (
    ICAO_ALIASES,
    REFUGEE_CODES,
    STATELESS_CODE,
    UNSPECIFIED_NATIONALITY_CODE,
    validate_issuing_country,
    validate_nationality,
)
from keten_shared.errors import InvalidData
from keten_shared.events.catalog.common import Sex


@dataclass(frozen=True)
class NationalityFacts:
    """Form item SR 17(1)(b): nationalities, or statelessness, or that the nationality is unknown."""

    nationalities: tuple[str, ...] = ()
    stateless: bool = False
    nationality_unknown: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.nationalities, str):
            raise InvalidData("nationalities must be a sequence of country codes, not a string")
        # Normalised and de-duplicated, first occurrence first.
        codes = tuple(dict.fromkeys(validate_nationality(c) for c in self.nationalities))
        object.__setattr__(self, "nationalities", codes)
        # Chapter §8.9 (SR 17(1)(b)): unknown means no nationality and no statelessness finding.
        if self.nationality_unknown and (self.stateless or codes):
            raise InvalidData("nationality_unknown excludes both stateless and nationalities")
        # SR 17(1)(b): "nationalities or stateless": a stateless person has no nationality.
        if self.stateless and codes:
            raise InvalidData("a stateless person has no nationalities", nationalities=list(codes))
        if not (codes or self.stateless or self.nationality_unknown):
            raise InvalidData("give at least one nationality, or stateless=true, or nationality_unknown=true")

    @classmethod
    def of(cls, *codes: str) -> NationalityFacts:
        return cls(nationalities=codes)

    @classmethod
    def stateless_person(cls) -> NationalityFacts:
        return cls(stateless=True)

    @classmethod
    def unknown(cls) -> NationalityFacts:
        return cls(nationality_unknown=True)


def nationality_from_mrz(code: str) -> NationalityFacts:
    """What an MRZ nationality field (fillers allowed, e.g. "D<<") says about SR 17(1)(b).

    "XXA" means stateless. "XXX" leaves the nationality unknown; so do "XXB"/"XXC": a refugee travel document
    states the refugee status, not the holder's nationality. Anything else must be a valid nationality code.
    """
    norm = code.strip().strip("<").upper() if isinstance(code, str) else code
    # ICAO 9303 Part 3 + chapter §8.9: MRZ "XXA" becomes stateless=true.
    if norm == STATELESS_CODE:
        return NationalityFacts.stateless_person()
    # Chapter §8.9: no free-text "unknown" code; the flag says it.
    if norm == UNSPECIFIED_NATIONALITY_CODE or norm in REFUGEE_CODES:
        return NationalityFacts.unknown()
    return NationalityFacts.of(norm)


# ---------------------------------------------------------------------------------------------------------------------
# Machine-readable zone (ICAO Doc 9303 Parts 3-6)
# ---------------------------------------------------------------------------------------------------------------------

_CHAR_VALUES: dict[str, int] = {
    **{str(d): d for d in range(10)},
    **{chr(ord("A") + i): 10 + i for i in range(26)},
    "<": 0,
}
_WEIGHTS = (7, 3, 1)
_MRZ_LINE = re.compile(r"[A-Z0-9<]+")
_DATE_FIELD = re.compile(r"[0-9<]{6}")


def check_digit(data: str) -> int:
    """ICAO 9303 check digit of ``data``."""
    # ICAO 9303 Part 3: weights 7, 3, 1 repeating; 0-9 count as themselves, A-Z as 10-35, "<" as 0; sum mod 10.
    total = 0
    for i, char in enumerate(data):
        value = _CHAR_VALUES.get(char)
        if value is None:
            raise InvalidData(f"{char!r} is not an MRZ character (A-Z, 0-9, <)", data=data)
        total += value * _WEIGHTS[i % 3]
    return total % 10


class MrzLayout(StrEnum):
    TD1 = "TD1"  # 3 lines of 30: ID cards (ICAO 9303 Part 5)
    TD2 = "TD2"  # 2 lines of 36 (ICAO 9303 Part 6)
    TD3 = "TD3"  # 2 lines of 44: passports (ICAO 9303 Part 4)


_LAYOUTS = {(3, 30): MrzLayout.TD1, (2, 36): MrzLayout.TD2, (2, 44): MrzLayout.TD3}


class MrzCheck(StrEnum):
    """A check digit of the MRZ; `MachineReadableZone.failed_checks` names the ones that do not match."""

    DOCUMENT_NUMBER = "document_number"
    DATE_OF_BIRTH = "date_of_birth"
    DATE_OF_EXPIRY = "date_of_expiry"
    OPTIONAL_DATA = "optional_data"  # TD3 only: the personal number
    COMPOSITE = "composite"


# ICAO 9303 Parts 4-6: sex is F, M or "<" (unspecified); states that print X keep that code (Sex.OTHER = "X").
_SEX = {"F": Sex.FEMALE, "M": Sex.MALE, "X": Sex.OTHER, "<": Sex.UNKNOWN}


@dataclass(frozen=True)
class MachineReadableZone:
    """A parsed MRZ. Codes are as printed (fillers removed), not validated; see the module docstring."""

    layout: MrzLayout
    document_code: str  # e.g. "P", "PO", "I", "ID"
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    date_of_birth: date | None  # None: the field has fillers (partly unknown date) or is no calendar date
    sex: Sex
    date_of_expiry: date | None
    optional_data: str  # TD3: personal number; TD1: line 1 optional data; TD2: the optional data
    optional_data_2: str  # TD1: line 2 optional data; "" otherwise
    failed_checks: tuple[MrzCheck, ...]
    birth_date_field: str  # YYMMDD as printed
    expiry_date_field: str
    lines: tuple[str, ...]

    @property
    def mrz_valid(self) -> bool:
        """Every check digit matches. A mismatch may be a misreading or a forgery: the caseworker must see it."""
        return not self.failed_checks

    @property
    def document_type(self) -> str:
        """The first letter of the document code: P passport; A, C or I other official travel documents."""
        return self.document_code[:1]


def _split_lines(mrz: str | Sequence[str]) -> tuple[str, ...]:
    raw = mrz.splitlines() if isinstance(mrz, str) else list(mrz)
    lines = tuple(line.strip() for line in raw if line.strip())
    for number, line in enumerate(lines, start=1):
        if _MRZ_LINE.fullmatch(line) is None:
            bad = sorted({c for c in line if c not in _CHAR_VALUES})
            raise InvalidData(f"MRZ line {number} has characters outside A-Z, 0-9 and '<': {bad}", line=number)
    return lines


def _layout(lines: tuple[str, ...]) -> MrzLayout:
    lengths = sorted({len(line) for line in lines})
    layout = _LAYOUTS.get((len(lines), lengths[0])) if len(lengths) == 1 else None
    if layout is None:
        raise InvalidData(
            "an MRZ has 3 lines of 30 (TD1), 2 lines of 36 (TD2) or 2 lines of 44 (TD3) characters; "
            f"got {len(lines)} line(s) of length {[len(line) for line in lines]}"
        )
    return layout


def _document_code(field: str, layout: MrzLayout) -> str:
    first = field[0]
    # ICAO 9303 Part 7: visas (V) have their own layouts, which this parser does not read.
    if first == "V":
        raise InvalidData("this is a machine-readable visa (ICAO 9303 Part 7), not a travel or identity document")
    # ICAO 9303 Part 4: a TD3 document code starts with P; Parts 5-6: TD1/TD2 codes start with A, C or I.
    allowed = "P" if layout is MrzLayout.TD3 else "ACI"
    if first not in allowed:
        raise InvalidData(f"a {layout} document code starts with one of {list(allowed)}, not {first!r}")
    return field.rstrip("<")


def _text(field: str) -> str:
    """Fillers become spaces; leading, trailing and repeated fillers are dropped."""
    return " ".join(part for part in field.split("<") if part)


def _names(field: str) -> tuple[str, str]:
    # ICAO 9303 Part 3: primary identifier, "<<", secondary identifier; single fillers separate name parts.
    surname, _, given = field.partition("<<")
    return _text(surname), _text(given)


def _sex(char: str) -> Sex:
    try:
        return _SEX[char]
    except KeyError:
        raise InvalidData(f"MRZ sex must be F, M, X or '<', not {char!r}") from None


def _date_parts(field: str, what: str) -> tuple[int, int, int] | None:
    if _DATE_FIELD.fullmatch(field) is None:
        raise InvalidData(f"MRZ {what} {field!r} must be YYMMDD digits or fillers")
    if "<" in field:  # ICAO 9303 Part 3: fillers stand for an unknown part of the date
        return None
    return int(field[:2]), int(field[2:4]), int(field[4:])


def _calendar_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _birth_date(field: str, today: date) -> date | None:
    parts = _date_parts(field, "date of birth")
    if parts is None:
        return None
    yy, month, day = parts
    # Design: a two-digit birth year is the latest year ending in YY whose date is not after `today`.
    latest = today.year - (today.year - yy) % 100
    for year in (latest, latest - 100, latest - 200):
        born = _calendar_date(year, month, day)
        if born is not None and born <= today:
            return born
    return None


EXPIRY_WINDOW_YEARS = 50  # design: no travel document is valid for anything like half a century


def _expiry_date(field: str, today: date) -> date | None:
    parts = _date_parts(field, "date of expiry")
    if parts is None:
        return None
    yy, month, day = parts
    # Design: the century that puts the expiry within 50 years of today, so a document that expired in 1994 is
    # read as expired, not as valid until 2094.
    year = (today.year // 100) * 100 + yy
    if year > today.year + EXPIRY_WINDOW_YEARS:
        year -= 100
    elif year < today.year - EXPIRY_WINDOW_YEARS:
        year += 100
    return _calendar_date(year, month, day)


class _Checks:
    def __init__(self) -> None:
        self.failed: list[MrzCheck] = []

    def verify(self, check: MrzCheck, data: str, digit: str, *, filler_allowed: bool = False) -> None:
        if filler_allowed and digit == "<":
            return
        if digit != str(check_digit(data)):
            self.failed.append(check)


def _document_number(principal: str, digit: str, optional: str) -> tuple[str, str, str]:
    """Number, its check digit and the remaining optional data, for TD1/TD2 (ICAO 9303 Parts 5-6).

    A number longer than 9 characters: 9 characters, "<" instead of the check digit, then the rest of the number,
    its check digit and a filler at the start of the optional data. The check digit covers the whole number.
    """
    if digit != "<" or principal.endswith("<"):
        return principal, digit, optional
    extension = optional.split("<", 1)[0]
    if not extension:  # "<" where a check digit belongs, and no extension: a failed check
        return principal, digit, optional
    return principal + extension[:-1], extension[-1], optional[len(extension) + 1 :]


def parse_mrz(mrz: str | Sequence[str], *, today: date) -> MachineReadableZone:
    """Parse an MRZ (newline-separated text or its lines) and verify every check digit of its layout.

    Raises InvalidData when the MRZ is malformed (line count or length, characters outside A-Z0-9<, a field that
    cannot hold its content). A check digit that does not match is not an error: it is listed in `failed_checks`.
    ``today`` resolves the century of the birth year.
    """
    lines = _split_lines(mrz)
    if not lines:
        raise InvalidData("the MRZ is empty")
    layout = _layout(lines)
    checks = _Checks()
    if layout is MrzLayout.TD3:
        line1, line2 = lines
        # ICAO 9303 Part 4: TD3 line 2 positions 1-9 number, 10 check, 11-13 nationality, 14-19 birth, 20 check,
        # 21 sex, 22-27 expiry, 28 check, 29-42 personal number, 43 its check, 44 composite.
        document_code, issuer, names_field = line1[0:2], line1[2:5], line1[5:44]
        number, number_digit = line2[0:9].rstrip("<"), line2[9]
        checks.verify(MrzCheck.DOCUMENT_NUMBER, line2[0:9], number_digit)
        nationality, birth, sex, expiry = line2[10:13], line2[13:19], line2[20], line2[21:27]
        birth_digit, expiry_digit = line2[19], line2[27]
        optional, optional_2 = line2[28:42], ""
        # ICAO 9303 Part 4: the personal-number check digit may be "<" when the field is all fillers.
        checks.verify(MrzCheck.OPTIONAL_DATA, optional, line2[42], filler_allowed=set(optional) == {"<"})
        # ICAO 9303 Part 4: composite over line 2 positions 1-10, 14-20 and 22-43.
        composite_data, composite_digit = line2[0:10] + line2[13:20] + line2[21:43], line2[43]
    elif layout is MrzLayout.TD2:
        line1, line2 = lines
        # ICAO 9303 Part 6: as TD3 line 2 up to position 28, then 29-35 optional data and 36 composite.
        document_code, issuer, names_field = line1[0:2], line1[2:5], line1[5:36]
        number, number_digit, optional = _document_number(line2[0:9], line2[9], line2[28:35])
        checks.verify(MrzCheck.DOCUMENT_NUMBER, number, number_digit)
        nationality, birth, sex, expiry = line2[10:13], line2[13:19], line2[20], line2[21:27]
        birth_digit, expiry_digit, optional_2 = line2[19], line2[27], ""
        # ICAO 9303 Part 6: composite over line 2 positions 1-10, 14-20 and 22-35.
        composite_data, composite_digit = line2[0:10] + line2[13:20] + line2[21:35], line2[35]
    else:
        line1, line2, line3 = lines
        # ICAO 9303 Part 5: line 1 code, issuer, number (6-14), check (15), optional data (16-30); line 2 birth (1-6),
        # check (7), sex (8), expiry (9-14), check (15), nationality (16-18), optional data (19-29), composite (30).
        document_code, issuer, names_field = line1[0:2], line1[2:5], line3
        number, number_digit, optional = _document_number(line1[5:14], line1[14], line1[15:30])
        checks.verify(MrzCheck.DOCUMENT_NUMBER, number, number_digit)
        nationality, birth, sex, expiry = line2[15:18], line2[0:6], line2[7], line2[8:14]
        birth_digit, expiry_digit, optional_2 = line2[6], line2[14], line2[18:29]
        # ICAO 9303 Part 5: composite over line 1 positions 6-30 and line 2 positions 1-7, 9-15 and 19-29.
        composite_data = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
        composite_digit = line2[29]
    checks.verify(MrzCheck.DATE_OF_BIRTH, birth, birth_digit)
    checks.verify(MrzCheck.DATE_OF_EXPIRY, expiry, expiry_digit)
    checks.verify(MrzCheck.COMPOSITE, composite_data, composite_digit)
    surname, given_names = _names(names_field)
    return MachineReadableZone(
        layout=layout,
        document_code=_document_code(document_code, layout),
        issuing_state=issuer.rstrip("<"),
        surname=surname,
        given_names=given_names,
        document_number=number.rstrip("<"),
        nationality=nationality.rstrip("<"),
        date_of_birth=_birth_date(birth, today),
        sex=_sex(sex),
        date_of_expiry=_expiry_date(expiry, today),
        optional_data=optional.strip("<"),
        optional_data_2=optional_2.strip("<"),
        failed_checks=tuple(sorted(set(checks.failed), key=list(MrzCheck).index)),
        birth_date_field=birth,
        expiry_date_field=expiry,
        lines=lines,
    )


# ---------------------------------------------------------------------------------------------------------------------
# Identity status
# ---------------------------------------------------------------------------------------------------------------------


class IdentityStatus(StrEnum):
    """How the identity was established (chapter §2.5, design)."""

    VERIFIED_DOCUMENT = "VERIFIED_DOCUMENT"
    ESTABLISHED_BIOMETRIC = "ESTABLISHED_BIOMETRIC"
    DECLARED_ONLY = "DECLARED_ONLY"
    UNKNOWN = "UNKNOWN"

    @property
    def confirmed_by_authorities(self) -> bool:
        # SR 17(3): the form shows whether items (a) and (b) were confirmed by the authorities or only declared.
        return self in (IdentityStatus.VERIFIED_DOCUMENT, IdentityStatus.ESTABLISHED_BIOMETRIC)


def identity_status(*, authentic_document: bool, biometric_match: bool, declared: bool) -> IdentityStatus:
    """The strongest basis wins: an authentic document, then a biometric match, then the person's word."""
    # SR 14(1): identity is verified from documents, data from the person and biometrics (precedence: design).
    if authentic_document:
        return IdentityStatus.VERIFIED_DOCUMENT
    # SR 14(2): a biometric match in CIR, SIS or a national database establishes the identity held there.
    if biometric_match:
        return IdentityStatus.ESTABLISHED_BIOMETRIC
    # SR 9(2)(a): the person gives name, date of birth, gender and nationality.
    if declared:
        return IdentityStatus.DECLARED_ONLY
    return IdentityStatus.UNKNOWN


# ---------------------------------------------------------------------------------------------------------------------
# Birth date and age
# ---------------------------------------------------------------------------------------------------------------------

MAX_PLAUSIBLE_AGE = 120  # design: an older date of birth is a typing error


def age_on(dob: date, day: date) -> int:
    """Completed years of age on ``day``. A 29 February birthday falls on 1 March in common years (design)."""
    if day < dob:
        raise InvalidData(f"{day.isoformat()} is before the date of birth {dob.isoformat()}")
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def validate_birth_date(dob: date, today: date) -> date:
    """The date of birth for form item SR 17(1)(a), or InvalidData if it is in the future or implausibly old."""
    # SR 17(1)(a): the date of birth is a fact of the past.
    if dob > today:
        raise InvalidData(f"date of birth {dob.isoformat()} is in the future", date_of_birth=dob.isoformat())
    # Design: more than MAX_PLAUSIBLE_AGE completed years is rejected as implausible.
    if age_on(dob, today) > MAX_PLAUSIBLE_AGE:
        raise InvalidData(
            f"date of birth {dob.isoformat()} means an age over {MAX_PLAUSIBLE_AGE} years",
            date_of_birth=dob.isoformat(),
        )
    return dob


# ---------------------------------------------------------------------------------------------------------------------
# Identity documents
# ---------------------------------------------------------------------------------------------------------------------


class DocumentType(StrEnum):
    # SR 14(1): identity, travel or other documents; ED 22(2): Eurodac records the document type.
    PASSPORT = "PASSPORT"
    ID_CARD = "ID_CARD"
    RESIDENCE_PERMIT = "RESIDENCE_PERMIT"
    TRAVEL_DOCUMENT = "TRAVEL_DOCUMENT"  # e.g. refugee or stateless person's travel document, laissez-passer
    OTHER = "OTHER"


class DocumentFindingCode(StrEnum):
    EXPIRED = "EXPIRED"
    NOT_AUTHENTIC = "NOT_AUTHENTIC"
    MRZ_CHECK_DIGIT_FAILED = "MRZ_CHECK_DIGIT_FAILED"
    MRZ_NUMBER_MISMATCH = "MRZ_NUMBER_MISMATCH"
    MRZ_ISSUER_MISMATCH = "MRZ_ISSUER_MISMATCH"
    MRZ_EXPIRY_MISMATCH = "MRZ_EXPIRY_MISMATCH"


@dataclass(frozen=True)
class DocumentFinding:
    code: DocumentFindingCode
    detail: str


def _document_number_key(number: str) -> str:
    """Letters and digits only: typed numbers may carry spaces or hyphens an MRZ cannot hold."""
    return "".join(c for c in number.upper() if c.isascii() and c.isalnum())


@dataclass(frozen=True)
class IdentityDocument:
    """A document the person holds (SR 14(1); SR 17(2) lists documents held), as typed in by the caseworker."""

    type: DocumentType
    number: str
    issuing_country: str
    expiry: date | None = None
    authentic: bool | None = None  # None: not (yet) examined
    mrz: MachineReadableZone | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "type", DocumentType(self.type))
        except ValueError:
            raise InvalidData(f"unknown document type {self.type!r}") from None
        if not isinstance(self.number, str) or not self.number.strip():
            raise InvalidData("the document number is missing")
        object.__setattr__(self, "number", self.number.strip())
        object.__setattr__(self, "issuing_country", validate_issuing_country(self.issuing_country))

    def findings(self, on: date) -> tuple[DocumentFinding, ...]:
        """What the caseworker must look at. Indications only: APR 42(1)(c) needs intent and a chance to explain."""
        found: list[DocumentFinding] = []
        # SR 14(1): identity is verified from the document; a document found not authentic does not verify it.
        if self.authentic is False:
            found.append(DocumentFinding(DocumentFindingCode.NOT_AUTHENTIC, "the document was found not authentic"))
        expiries = {"recorded": self.expiry, "MRZ": self.mrz.date_of_expiry if self.mrz else None}
        expired = [f"{when.isoformat()} ({source})" for source, when in expiries.items() if when and when < on]
        # Design: a document is valid through its expiry date; an expired one is still evidence of identity.
        if expired:
            found.append(
                DocumentFinding(DocumentFindingCode.EXPIRED, f"expired before {on.isoformat()}: {', '.join(expired)}")
            )
        if self.mrz is not None:
            found.extend(self._mrz_findings(self.mrz))
        return tuple(found)

    def _mrz_findings(self, mrz: MachineReadableZone) -> list[DocumentFinding]:
        found = [
            # ICAO 9303 Part 3: a wrong check digit means a misreading or an altered document.
            DocumentFinding(DocumentFindingCode.MRZ_CHECK_DIGIT_FAILED, f"MRZ check digit for {check} does not match")
            for check in mrz.failed_checks
        ]
        # APR 42(1)(c) (later): MRZ and recorded data disagreeing may indicate a false document or misleading identity.
        if _document_number_key(mrz.document_number) != _document_number_key(self.number):
            detail = f"MRZ number {mrz.document_number!r} differs from recorded {self.number!r}"
            found.append(DocumentFinding(DocumentFindingCode.MRZ_NUMBER_MISMATCH, detail))
        mrz_issuer = ICAO_ALIASES.get(mrz.issuing_state, mrz.issuing_state)
        if mrz_issuer != self.issuing_country:
            detail = f"MRZ issuer {mrz.issuing_state!r} differs from recorded {self.issuing_country!r}"
            found.append(DocumentFinding(DocumentFindingCode.MRZ_ISSUER_MISMATCH, detail))
        if self.expiry is not None and mrz.date_of_expiry is not None and mrz.date_of_expiry != self.expiry:
            detail = f"MRZ expiry {mrz.date_of_expiry.isoformat()} differs from recorded {self.expiry.isoformat()}"
            found.append(DocumentFinding(DocumentFindingCode.MRZ_EXPIRY_MISMATCH, detail))
        return found
