"""Identifying a screened person (SR 14; SR 17(1)(a)-(b)): country codes, nationality facts, ICAO 9303 MRZs,
identity status, birth dates and document findings. Pure tests: no service, no database."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keten_screening.domain.identity import (
    EXPIRY_WINDOW_YEARS,
    MAX_PLAUSIBLE_AGE,
    DocumentFinding,
    DocumentFindingCode,
    DocumentType,
    IdentityDocument,
    IdentityStatus,
    MachineReadableZone,
    MrzCheck,
    MrzLayout,
    NationalityFacts,
    age_on,
    check_digit,
    identity_status,
    nationality_from_mrz,
    parse_mrz,
    validate_birth_date,
)
from keten_shared.countries import ISSUING_ORGANISATIONS, validate_issuing_country, validate_nationality
from keten_shared.errors import InvalidData
from keten_shared.events.catalog.common import Sex

TODAY = date(2025, 6, 30)
MRZ_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
WEIGHTS = (7, 3, 1)

# ICAO Doc 9303 specimens ("UTO" is ICAO's fictional Utopia).
TD3_SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TD1_SPECIMEN = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
TD2_SPECIMEN = (
    "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "D231458907UTO7408122F1204159<<<<<<<6",
)
# ICAO 9303 Part 11 Appendix D.2: document number longer than 9 characters (D23145890734).
TD1_LONG_NUMBER = (
    "I<UTOD23145890<7349<<<<<<<<<<<",
    "3407127M9507122UTO<<<<<<<<<<<2",
    "STEVENSON<<PETER<JOHN<<<<<<<<<",
)
TD2_LONG_NUMBER = (
    "I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<",
    "D23145890<UTO3407127M95071227349<<<8",
)


def value(char: str) -> int:
    """ICAO 9303 character value, written independently of the module under test."""
    if char == "<":
        return 0
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def cd(data: str) -> str:
    return str(check_digit(data))


def td3(
    *,
    issuer: str = "NLD",
    names: str = "DE<JONG<<WILLEM<JAN",
    number: str = "XN01BC8D2",
    nationality: str = "NLD",
    dob: str = "850315",
    sex: str = "M",
    expiry: str = "300101",
    personal: str = "",
) -> tuple[str, str]:
    """A TD3 MRZ with correct check digits."""
    line1 = ("P<" + issuer.ljust(3, "<") + names).ljust(44, "<")
    num, pn = number.ljust(9, "<"), personal.ljust(14, "<")
    line2 = num + cd(num) + nationality.ljust(3, "<") + dob + cd(dob) + sex + expiry + cd(expiry) + pn + cd(pn)
    return line1, line2 + cd(line2[0:10] + line2[13:20] + line2[21:43])


def td1(*, number: str = "D23145890", dob: str = "740812", expiry: str = "120415") -> tuple[str, str, str]:
    """A TD1 MRZ (number of at most 9 characters) with correct check digits."""
    num = number.ljust(9, "<")
    line1 = ("I<UTO" + num + cd(num)).ljust(30, "<")
    line2 = (dob + cd(dob) + "F" + expiry + cd(expiry) + "UTO").ljust(29, "<")
    line2 += cd(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return line1, line2, "ERIKSSON<<ANNA<MARIA".ljust(30, "<")


def alter(lines: tuple[str, ...], line: int, pos: int, char: str) -> tuple[str, ...]:
    assert lines[line][pos] != char
    changed = list(lines)
    changed[line] = changed[line][:pos] + char + changed[line][pos + 1 :]
    return tuple(changed)


# --- check digits ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "digit"),
    [
        ("L898902C3", 6),
        ("740812", 2),
        ("120415", 9),
        ("ZE184226B<<<<<", 1),
        ("D23145890", 7),
        ("", 0),
        ("<<<<<<<<<", 0),
        # Belgian ID card (PRADO BEL-BO-11005): a long number is checked without the filler that splits it.
        ("600001795015", 2),
    ],
)
def test_check_digit_known_values(data: str, digit: int) -> None:
    assert check_digit(data) == digit


def test_check_digit_rejects_characters_outside_the_mrz_set() -> None:
    with pytest.raises(InvalidData, match="not an MRZ character"):
        check_digit("L89890 2C")


@given(st.data(), st.text(alphabet=MRZ_CHARS, min_size=1, max_size=44))
def test_single_substitution_changes_the_digit_iff_the_values_differ_mod_10(data: st.DataObject, field: str) -> None:
    # Weights 7, 3 and 1 are all coprime to 10, so a change of value d at any position changes the sum by w·d,
    # which is 0 mod 10 exactly when d is. Hence "0"/"A"/"K"/"U"/"<" are interchangeable, and so are "L" and "V".
    pos = data.draw(st.integers(0, len(field) - 1))
    char = data.draw(st.sampled_from(MRZ_CHARS))
    changed = field[:pos] + char + field[pos + 1 :]
    assert (check_digit(changed) != check_digit(field)) == ((value(char) - value(field[pos])) % 10 != 0)


@given(st.data(), st.text(alphabet="0123456789", min_size=1, max_size=44))
def test_replacing_a_digit_by_another_digit_always_changes_the_check_digit(data: st.DataObject, field: str) -> None:
    pos = data.draw(st.integers(0, len(field) - 1))
    char = data.draw(st.sampled_from("0123456789").filter(lambda c: c != field[pos]))
    assert check_digit(field[:pos] + char + field[pos + 1 :]) != check_digit(field)


@given(st.data(), st.text(alphabet=MRZ_CHARS, min_size=2, max_size=44))
def test_adjacent_transposition_is_missed_iff_weight_and_value_differences_multiply_to_0_mod_10(
    data: st.DataObject, field: str
) -> None:
    # Adjacent weights differ by 4, 2 or 6 (all even), so swapping values that differ by 5 mod 10 is never caught.
    pos = data.draw(st.integers(0, len(field) - 2))
    swapped = field[:pos] + field[pos + 1] + field[pos] + field[pos + 2 :]
    weight_diff = WEIGHTS[pos % 3] - WEIGHTS[(pos + 1) % 3]
    missed = (weight_diff * (value(field[pos]) - value(field[pos + 1]))) % 10 == 0
    assert (check_digit(swapped) == check_digit(field)) == missed


def test_known_blind_spots_of_the_check_digit() -> None:
    assert check_digit("05") == check_digit("50")  # transposition of values 5 apart
    assert check_digit("L") == check_digit("V")  # 21 and 31
    assert check_digit("0") == check_digit("<") == check_digit("A") == check_digit("K")


@given(st.text(alphabet=MRZ_CHARS, max_size=30), st.integers(0, 14))
def test_trailing_fillers_do_not_change_the_check_digit(field: str, fillers: int) -> None:
    assert check_digit(field + "<" * fillers) == check_digit(field)


# --- ICAO specimens --------------------------------------------------------------------------------------------------


def test_td3_specimen() -> None:
    mrz = parse_mrz("\n".join(TD3_SPECIMEN), today=TODAY)
    assert mrz.mrz_valid and mrz.failed_checks == ()
    assert mrz.layout is MrzLayout.TD3
    assert (mrz.document_code, mrz.document_type, mrz.issuing_state) == ("P", "P", "UTO")
    assert (mrz.surname, mrz.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert (mrz.document_number, mrz.nationality, mrz.sex) == ("L898902C3", "UTO", Sex.FEMALE)
    assert (mrz.date_of_birth, mrz.date_of_expiry) == (date(1974, 8, 12), date(2012, 4, 15))
    assert (mrz.optional_data, mrz.optional_data_2) == ("ZE184226B", "")
    assert (mrz.birth_date_field, mrz.expiry_date_field) == ("740812", "120415")
    assert mrz.lines == TD3_SPECIMEN


def test_older_td3_specimen_with_a_filler_in_the_number() -> None:
    mrz = parse_mrz(
        ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C<3UTO6908061F9406236ZE184226B<<<<<14"], today=TODAY
    )
    assert mrz.mrz_valid
    assert mrz.document_number == "L898902C"
    assert mrz.date_of_birth == date(1969, 8, 6)
    # The century is the one that puts the expiry within 50 years of today: this specimen expired in 1994.
    assert mrz.date_of_expiry == date(1994, 6, 23)


def test_td1_specimen() -> None:
    mrz = parse_mrz(TD1_SPECIMEN, today=TODAY)
    assert mrz.mrz_valid
    assert mrz.layout is MrzLayout.TD1
    assert (mrz.document_code, mrz.issuing_state, mrz.nationality) == ("I", "UTO", "UTO")
    assert (mrz.surname, mrz.given_names, mrz.sex) == ("ERIKSSON", "ANNA MARIA", Sex.FEMALE)
    assert mrz.document_number == "D23145890"
    assert (mrz.date_of_birth, mrz.date_of_expiry) == (date(1974, 8, 12), date(2012, 4, 15))
    assert (mrz.optional_data, mrz.optional_data_2) == ("", "")


def test_td2_specimen() -> None:
    mrz = parse_mrz(TD2_SPECIMEN, today=TODAY)
    assert mrz.mrz_valid
    assert mrz.layout is MrzLayout.TD2
    assert (mrz.surname, mrz.given_names, mrz.document_number) == ("ERIKSSON", "ANNA MARIA", "D23145890")
    assert (mrz.date_of_birth, mrz.date_of_expiry, mrz.nationality) == (date(1974, 8, 12), date(2012, 4, 15), "UTO")


@pytest.mark.parametrize("lines", [TD1_LONG_NUMBER, TD2_LONG_NUMBER], ids=["TD1", "TD2"])
def test_document_number_longer_than_nine_characters(lines: tuple[str, ...]) -> None:
    mrz = parse_mrz(lines, today=TODAY)
    assert mrz.mrz_valid
    assert mrz.document_number == "D23145890734"
    assert mrz.optional_data == ""
    assert (mrz.surname, mrz.given_names, mrz.sex) == ("STEVENSON", "PETER JOHN", Sex.MALE)
    assert mrz.date_of_birth == date(1934, 7, 12)


def test_long_number_check_digit_is_verified() -> None:
    mrz = parse_mrz(alter(TD1_LONG_NUMBER, 0, 18, "8"), today=TODAY)
    assert mrz.failed_checks == (MrzCheck.DOCUMENT_NUMBER, MrzCheck.COMPOSITE)


def test_helpers_reproduce_the_specimens() -> None:
    assert (
        td3(
            issuer="UTO",
            names="ERIKSSON<<ANNA<MARIA",
            number="L898902C3",
            nationality="UTO",
            dob="740812",
            sex="F",
            expiry="120415",
            personal="ZE184226B",
        )
        == TD3_SPECIMEN
    )
    assert td1() == TD1_SPECIMEN


def test_lines_may_come_with_surrounding_whitespace_and_crlf() -> None:
    text = "\r\n  " + TD3_SPECIMEN[0] + "  \r\n" + TD3_SPECIMEN[1] + "\r\n\r\n"
    assert parse_mrz(text, today=TODAY).mrz_valid


D = MrzCheck.DOCUMENT_NUMBER
B = MrzCheck.DATE_OF_BIRTH
E = MrzCheck.DATE_OF_EXPIRY
O = MrzCheck.OPTIONAL_DATA  # noqa: E741
C = MrzCheck.COMPOSITE


@pytest.mark.parametrize(
    ("specimen", "line", "pos", "char", "failed"),
    [
        # TD3: every check digit, and what no check digit covers.
        (TD3_SPECIMEN, 1, 0, "M", (D, C)),  # number
        (TD3_SPECIMEN, 1, 9, "7", (D, C)),  # number check digit (also in the composite)
        (TD3_SPECIMEN, 1, 13, "8", (B, C)),  # date of birth
        (TD3_SPECIMEN, 1, 19, "3", (B, C)),  # its check digit
        (TD3_SPECIMEN, 1, 21, "2", (E, C)),  # date of expiry
        (TD3_SPECIMEN, 1, 27, "8", (E, C)),  # its check digit
        (TD3_SPECIMEN, 1, 30, "X", (O, C)),  # personal number
        (TD3_SPECIMEN, 1, 42, "2", (O, C)),  # its check digit
        (TD3_SPECIMEN, 1, 43, "1", (C,)),  # composite digit alone
        (TD3_SPECIMEN, 1, 10, "A", ()),  # nationality: no check digit covers it
        (TD3_SPECIMEN, 1, 20, "M", ()),  # sex: not covered
        (TD3_SPECIMEN, 0, 5, "F", ()),  # name: not covered
        (TD3_SPECIMEN, 1, 38, "0", ()),  # filler → 0: same value, undetectable
        (TD3_SPECIMEN, 1, 0, "V", ()),  # L (21) → V (31): same value mod 10, undetectable
        # TD1
        (TD1_SPECIMEN, 0, 6, "3", (D, C)),
        (TD1_SPECIMEN, 0, 14, "<", (D, C)),  # filler instead of the check digit, and no long number follows
        (TD1_SPECIMEN, 0, 20, "B", (C,)),  # optional data 1: only the composite covers it
        (TD1_SPECIMEN, 1, 0, "8", (B, C)),
        (TD1_SPECIMEN, 1, 8, "2", (E, C)),
        (TD1_SPECIMEN, 1, 20, "B", (C,)),  # optional data 2
        (TD1_SPECIMEN, 1, 29, "7", (C,)),
        (TD1_SPECIMEN, 1, 16, "X", ()),  # nationality
        (TD1_SPECIMEN, 2, 0, "A", ()),  # name line
        # TD2
        (TD2_SPECIMEN, 1, 1, "3", (D, C)),
        (TD2_SPECIMEN, 1, 13, "8", (B, C)),
        (TD2_SPECIMEN, 1, 22, "3", (E, C)),
        (TD2_SPECIMEN, 1, 30, "B", (C,)),  # optional data
        (TD2_SPECIMEN, 1, 35, "5", (C,)),
        (TD2_SPECIMEN, 0, 10, "X", ()),  # name
    ],
)
def test_one_altered_character_fails_exactly_the_checks_that_cover_it(
    specimen: tuple[str, ...], line: int, pos: int, char: str, failed: tuple[MrzCheck, ...]
) -> None:
    mrz = parse_mrz(alter(specimen, line, pos, char), today=TODAY)
    assert mrz.failed_checks == failed
    assert mrz.mrz_valid is (failed == ())


def test_td3_personal_number_check_digit_may_be_a_filler_when_the_field_is_empty() -> None:
    line1, line2 = td3()
    assert line2[42] == "0"
    # "<" and "0" have the same value, so the composite digit does not move either.
    assert parse_mrz((line1, line2[:42] + "<" + line2[43:]), today=TODAY).mrz_valid
    # A filler check digit is not allowed when there is a personal number.
    line1, line2 = td3(personal="123456789")
    assert line2[42] == "7"
    assert parse_mrz((line1, line2[:42] + "<" + line2[43:]), today=TODAY).failed_checks == (O, C)


# --- malformed MRZs --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mrz", "message"),
    [
        ("", "empty"),
        (TD3_SPECIMEN[:1], "got 1 line"),
        ((*TD1_SPECIMEN, TD1_SPECIMEN[2]), "got 4 line"),
        ((TD3_SPECIMEN[0], TD3_SPECIMEN[1][:43]), "length"),
        ((TD3_SPECIMEN[0][:36], TD2_SPECIMEN[1]), "starts with"),  # 2 x 36 is TD2, whose code cannot start with P
        ((TD3_SPECIMEN[0], TD2_SPECIMEN[1]), "length"),
        ("".join(TD3_SPECIMEN), "got 1 line"),  # one 88-character line
        ((TD3_SPECIMEN[0].lower(), TD3_SPECIMEN[1]), "outside A-Z"),
        ((TD3_SPECIMEN[0], TD3_SPECIMEN[1][:20] + " " + TD3_SPECIMEN[1][21:]), "outside A-Z"),
        ((TD3_SPECIMEN[0], TD3_SPECIMEN[1].replace("<", "«")), "outside A-Z"),
        (alter(TD3_SPECIMEN, 1, 14, "O"), "date of birth"),  # letter O read for zero
        (alter(TD3_SPECIMEN, 1, 22, "I"), "date of expiry"),
        (alter(TD3_SPECIMEN, 1, 20, "Q"), "sex"),
        (alter(TD3_SPECIMEN, 0, 0, "I"), "starts with"),  # a TD3 code starts with P
        (alter(TD1_SPECIMEN, 0, 0, "P"), "starts with"),
        (alter(TD3_SPECIMEN, 0, 0, "V"), "visa"),
    ],
)
def test_malformed_mrz_is_rejected(mrz: str | tuple[str, ...], message: str) -> None:
    with pytest.raises(InvalidData, match=message):
        parse_mrz(mrz, today=TODAY)


# --- dates in the MRZ ------------------------------------------------------------------------------------------------


def mrz_with(*, dob: str = "850315", expiry: str = "300101", today: date = TODAY) -> MachineReadableZone:
    return parse_mrz(td3(dob=dob, expiry=expiry), today=today)


def test_birth_year_is_the_latest_year_not_in_the_future() -> None:
    assert mrz_with(dob="250630").date_of_birth == date(2025, 6, 30)  # today
    assert mrz_with(dob="250701").date_of_birth == date(1925, 7, 1)  # tomorrow → a century earlier
    assert mrz_with(dob="000229", today=date(2000, 1, 1)).date_of_birth is None  # 1900 was no leap year
    assert mrz_with(dob="000229", today=date(2000, 3, 1)).date_of_birth == date(2000, 2, 29)


@given(st.dates(min_value=TODAY.replace(year=TODAY.year - 100) + timedelta(days=1), max_value=TODAY))
def test_any_birth_date_in_the_last_hundred_years_round_trips(dob: date) -> None:
    mrz = mrz_with(dob=dob.strftime("%y%m%d"))
    assert mrz.mrz_valid and mrz.date_of_birth == dob


@given(
    st.dates(
        min_value=date(TODAY.year - EXPIRY_WINDOW_YEARS + 1, 1, 1),
        max_value=date(TODAY.year + EXPIRY_WINDOW_YEARS, 12, 31),
    )
)
def test_any_expiry_within_fifty_years_of_today_round_trips(expiry: date) -> None:
    # Design: the two-digit year is read in the century that puts it within 50 years of today (the year exactly
    # 50 back and 50 ahead share two digits; the future reading wins).
    mrz = mrz_with(expiry=expiry.strftime("%y%m%d"))
    assert mrz.mrz_valid and mrz.date_of_expiry == expiry


@pytest.mark.parametrize("field", ["74<<<<", "7408<<", "<<<<<<", "741312", "740230", "000000"])
def test_unknown_or_impossible_birth_dates_are_kept_raw(field: str) -> None:
    mrz = mrz_with(dob=field)
    assert mrz.mrz_valid  # the check digit covers the field as printed
    assert mrz.date_of_birth is None
    assert mrz.birth_date_field == field


@pytest.mark.parametrize(("char", "sex"), [("F", Sex.FEMALE), ("M", Sex.MALE), ("X", Sex.OTHER), ("<", Sex.UNKNOWN)])
def test_sex(char: str, sex: Sex) -> None:
    line1, line2 = td3(sex=char)
    assert parse_mrz((line1, line2), today=TODAY).sex is sex


def test_names_with_several_parts_and_fillers() -> None:
    mrz = parse_mrz(td3(names="VAN<DER<BERG<<MARIA<<<<ANNA"), today=TODAY)
    assert (mrz.surname, mrz.given_names) == ("VAN DER BERG", "MARIA ANNA")
    mrz = parse_mrz(td3(names="AL<HASSAN"), today=TODAY)  # no given name
    assert (mrz.surname, mrz.given_names) == ("AL HASSAN", "")


def test_parse_does_not_validate_country_codes() -> None:
    mrz = parse_mrz(td3(issuer="ZZZ", nationality="Q"), today=TODAY)
    assert (mrz.issuing_state, mrz.nationality, mrz.mrz_valid) == ("ZZZ", "Q", True)


def test_machine_readable_zone_is_immutable() -> None:
    mrz = parse_mrz(TD3_SPECIMEN, today=TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        mrz.surname = "X"  # type: ignore[misc]


# --- country codes ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [("SYR", "SYR"), ("syr", "SYR"), (" Afg ", "AFG"), ("D", "DEU"), ("GBD", "GBD"), ("RKS", "RKS")],
)
def test_valid_nationalities_are_normalised(code: str, expected: str) -> None:
    # Decision: typed codes are trimmed and upper-cased rather than rejected.
    assert validate_nationality(code) == expected


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("XXX", "'XXX'.*nationality_unknown=true"),
        ("xxx", "'XXX'.*nationality_unknown=true"),
        ("XXA", "'XXA'.*stateless=true"),
        ("XXB", "'XXB'.*refugee"),
        ("XXC", "'XXC'.*refugee"),
        ("ZZZ", "'ZZZ' is not a known"),
        ("UTO", "'UTO' is not a known"),
        ("EUE", "'EUE' is not a known"),  # an issuer, not a nationality
        ("UNK", "'UNK' is not a known"),
        ("SY", "'SY' is not a known"),
        ("SYRIA", "'SYRIA' is not a known"),
        ("unknown", "'UNKNOWN' is not a known"),
        ("", "missing"),
        ("   ", "missing"),
    ],
)
def test_invalid_nationalities_are_rejected_naming_the_code(code: str, message: str) -> None:
    with pytest.raises(InvalidData, match=message):
        validate_nationality(code)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("DEU", "DEU"),
        ("D", "DEU"),
        ("d", "DEU"),
        ("NLD", "NLD"),
        ("RKS", "RKS"),
        *((c, c) for c in ISSUING_ORGANISATIONS),
    ],
)
def test_valid_issuers(code: str, expected: str) -> None:
    assert validate_issuing_country(code) == expected


def test_well_known_organisation_issuers_are_listed() -> None:
    assert {"EUE", "UNO", "UNA", "UNK", "XOM", "XPO", "XCC", "XES", "XIM", "XDC", "XBA", "XEC"} <= set(
        ISSUING_ORGANISATIONS
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("XXA", "nationality code, not a document issuer"),
        ("XXX", "nationality code, not a document issuer"),
        ("GBD", "nationality code, not a document issuer"),
        ("UTO", "'UTO' is not a known"),
        ("ZZZ", "'ZZZ' is not a known"),
        ("", "missing"),
    ],
)
def test_invalid_issuers(code: str, message: str) -> None:
    with pytest.raises(InvalidData, match=message):
        validate_issuing_country(code)


# --- nationality facts -----------------------------------------------------------------------------------------------


def test_nationalities_are_normalised_and_deduplicated_in_order() -> None:
    facts = NationalityFacts(nationalities=("SYR", "irq", "syr", "D", "DEU"))
    assert facts.nationalities == ("SYR", "IRQ", "DEU")
    assert not facts.stateless and not facts.nationality_unknown
    assert NationalityFacts(nationalities=["AFG"]).nationalities == ("AFG",)  # type: ignore[arg-type]


def test_constructors() -> None:
    assert NationalityFacts.of("ERI", "ETH").nationalities == ("ERI", "ETH")
    assert NationalityFacts.stateless_person() == NationalityFacts((), stateless=True)
    assert NationalityFacts.unknown() == NationalityFacts((), nationality_unknown=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"nationalities": ("SYR",), "stateless": True}, "stateless person has no nationalities"),
        ({"nationalities": ("SYR",), "nationality_unknown": True}, "excludes"),
        ({"stateless": True, "nationality_unknown": True}, "excludes"),
        ({}, "at least one nationality"),
        ({"nationalities": ("XXX",)}, "nationality_unknown=true"),
        ({"nationalities": ("XXA",)}, "stateless=true"),
        ({"nationalities": "SYR"}, "not a string"),
    ],
)
def test_nationality_facts_invariants(kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidData, match=message):
        NationalityFacts(**kwargs)


def test_nationality_facts_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        NationalityFacts.of("SYR").stateless = True  # type: ignore[misc]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("XXA", NationalityFacts.stateless_person()),
        ("XXA<<", NationalityFacts.stateless_person()),
        ("XXX", NationalityFacts.unknown()),
        ("XXB", NationalityFacts.unknown()),
        ("XXC", NationalityFacts.unknown()),
        ("D<<", NationalityFacts.of("DEU")),
        ("SYR", NationalityFacts.of("SYR")),
    ],
)
def test_nationality_from_mrz(code: str, expected: NationalityFacts) -> None:
    assert nationality_from_mrz(code) == expected


def test_nationality_from_an_mrz_still_validates_the_code() -> None:
    mrz = parse_mrz(TD3_SPECIMEN, today=TODAY)
    with pytest.raises(InvalidData, match="'UTO'"):
        nationality_from_mrz(mrz.nationality)


# --- identity status -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "biometric", "declared", "expected"),
    [
        (True, True, True, IdentityStatus.VERIFIED_DOCUMENT),
        (True, True, False, IdentityStatus.VERIFIED_DOCUMENT),
        (True, False, True, IdentityStatus.VERIFIED_DOCUMENT),
        (True, False, False, IdentityStatus.VERIFIED_DOCUMENT),
        (False, True, True, IdentityStatus.ESTABLISHED_BIOMETRIC),
        (False, True, False, IdentityStatus.ESTABLISHED_BIOMETRIC),
        (False, False, True, IdentityStatus.DECLARED_ONLY),
        (False, False, False, IdentityStatus.UNKNOWN),
    ],
)
def test_identity_status_precedence(document: bool, biometric: bool, declared: bool, expected: IdentityStatus) -> None:
    assert identity_status(authentic_document=document, biometric_match=biometric, declared=declared) is expected


def test_only_document_and_biometric_status_count_as_confirmed_by_the_authorities() -> None:
    assert {s for s in IdentityStatus if s.confirmed_by_authorities} == {
        IdentityStatus.VERIFIED_DOCUMENT,
        IdentityStatus.ESTABLISHED_BIOMETRIC,
    }


# --- birth date and age ----------------------------------------------------------------------------------------------


def test_birth_date_today_is_accepted_and_tomorrow_rejected() -> None:
    assert validate_birth_date(TODAY, TODAY) == TODAY
    with pytest.raises(InvalidData, match="in the future"):
        validate_birth_date(TODAY + timedelta(days=1), TODAY)


def test_birth_date_more_than_120_years_ago_is_rejected() -> None:
    oldest = TODAY.replace(year=TODAY.year - MAX_PLAUSIBLE_AGE - 1) + timedelta(days=1)
    assert age_on(oldest, TODAY) == MAX_PLAUSIBLE_AGE
    assert validate_birth_date(oldest, TODAY) == oldest
    with pytest.raises(InvalidData, match="over 120"):
        validate_birth_date(oldest - timedelta(days=1), TODAY)


def test_age_on_the_day_before_and_of_a_birthday() -> None:
    dob = date(2007, 7, 1)
    assert age_on(dob, date(2025, 6, 30)) == 17
    assert age_on(dob, date(2025, 7, 1)) == 18
    assert age_on(dob, dob) == 0


def test_age_for_a_29_february_birthday() -> None:
    dob = date(2008, 2, 29)
    assert age_on(dob, date(2026, 2, 28)) == 17  # common year: the birthday is 1 March
    assert age_on(dob, date(2026, 3, 1)) == 18
    assert age_on(dob, date(2028, 2, 28)) == 19
    assert age_on(dob, date(2028, 2, 29)) == 20


def test_age_before_birth_is_rejected() -> None:
    with pytest.raises(InvalidData, match="before the date of birth"):
        age_on(date(2020, 1, 2), date(2020, 1, 1))


@given(st.dates(max_value=date(2100, 1, 1)), st.integers(0, 40000))
def test_age_grows_by_at_most_one_a_day_and_by_one_a_year(dob: date, days: int) -> None:
    day = dob + timedelta(days=days)
    age, next_age = age_on(dob, day), age_on(dob, day + timedelta(days=1))
    assert next_age - age in (0, 1)
    assert days // 366 <= age <= days // 365


# --- identity documents ----------------------------------------------------------------------------------------------

GERMAN_PASSPORT = td3(issuer="D", nationality="D", names="MUSTERMANN<<ERIKA", number="C01X00T47", expiry="310801")


def passport(**overrides: object) -> IdentityDocument:
    fields: dict[str, object] = {
        "type": DocumentType.PASSPORT,
        "number": "C01X00T47",
        "issuing_country": "DEU",
        "expiry": date(2031, 8, 1),
        "authentic": True,
        "mrz": parse_mrz(GERMAN_PASSPORT, today=TODAY),
    }
    fields.update(overrides)
    return IdentityDocument(**fields)  # type: ignore[arg-type]


def codes(findings: tuple[DocumentFinding, ...]) -> list[DocumentFindingCode]:
    return [f.code for f in findings]


def test_a_consistent_valid_document_has_no_findings() -> None:
    assert passport().findings(TODAY) == ()
    # "D" in the MRZ agrees with DEU; typed numbers may carry spaces and hyphens.
    assert passport(number="C01X 00T-47", issuing_country="d").findings(TODAY) == ()


def test_document_record_is_normalised_and_validated() -> None:
    doc = passport(type="ID_CARD", number="  C01X00T47 ", issuing_country="D", mrz=None)
    assert (doc.type, doc.number, doc.issuing_country) == (DocumentType.ID_CARD, "C01X00T47", "DEU")
    with pytest.raises(InvalidData, match="'UTO'"):
        passport(issuing_country="UTO")
    with pytest.raises(InvalidData, match="number is missing"):
        passport(number=" ")
    with pytest.raises(InvalidData, match="document type"):
        passport(type="DRIVING_LICENCE")


def test_expired_document() -> None:
    assert codes(passport().findings(date(2031, 8, 1))) == []  # valid through its expiry date
    found = passport().findings(date(2031, 8, 2))
    assert codes(found) == [DocumentFindingCode.EXPIRED]
    assert "2031-08-01" in found[0].detail
    # Without a typed expiry the MRZ expiry counts.
    assert codes(passport(expiry=None).findings(date(2032, 1, 1))) == [DocumentFindingCode.EXPIRED]
    assert passport(expiry=None, mrz=None).findings(date(2099, 1, 1)) == ()


def test_document_found_not_authentic() -> None:
    assert codes(passport(authentic=False).findings(TODAY)) == [DocumentFindingCode.NOT_AUTHENTIC]
    assert passport(authentic=None).findings(TODAY) == ()


def test_mrz_check_digit_failures_are_findings() -> None:
    tampered = parse_mrz(alter(GERMAN_PASSPORT, 1, 13, "9"), today=TODAY)  # date of birth changed
    found = passport(mrz=tampered).findings(TODAY)
    assert codes(found) == [DocumentFindingCode.MRZ_CHECK_DIGIT_FAILED] * 2
    assert ["date_of_birth" in found[0].detail, "composite" in found[1].detail] == [True, True]


def test_mrz_disagreeing_with_the_record() -> None:
    assert codes(passport(number="C01X00T48").findings(TODAY)) == [DocumentFindingCode.MRZ_NUMBER_MISMATCH]
    assert codes(passport(issuing_country="AUT").findings(TODAY)) == [DocumentFindingCode.MRZ_ISSUER_MISMATCH]
    found = passport(expiry=date(2033, 8, 1)).findings(TODAY)
    assert codes(found) == [DocumentFindingCode.MRZ_EXPIRY_MISMATCH]
    assert "2031-08-01" in found[0].detail and "2033-08-01" in found[0].detail


def test_all_findings_together() -> None:
    specimen = parse_mrz(TD3_SPECIMEN, today=TODAY)  # UTO, expired 2012
    doc = passport(mrz=specimen, authentic=False, expiry=date(2026, 1, 1), issuing_country="NLD")
    assert codes(doc.findings(TODAY)) == [
        DocumentFindingCode.NOT_AUTHENTIC,
        DocumentFindingCode.EXPIRED,
        DocumentFindingCode.MRZ_NUMBER_MISMATCH,
        DocumentFindingCode.MRZ_ISSUER_MISMATCH,
        DocumentFindingCode.MRZ_EXPIRY_MISMATCH,
    ]
