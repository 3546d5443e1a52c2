"""Recognition rates from Eurostat's migr_asydcfsta (APR Art 42(1)(j); asylum chapter §2.3, §9 edge case 6).

The figures in fixtures/migr_asydcfsta.tsv and fixtures/migr_asydcfsta.csv are invented test data laid out in
Eurostat's published TSV and SDMX-CSV formats; both files state the same facts. Pure tests: no service, no database.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keten_asylum.domain.eurostat import EurostatFormatError, RateRow, latest_per_country, parse

FIXTURES = Path(__file__).parent / "fixtures"
ByKey = dict[tuple[str, int], RateRow]
TSV_HEADER = "freq,unit,citizen,sex,age,decision,geo\\TIME_PERIOD\t2024 "
CSV_HEADER = "DATAFLOW,LAST UPDATE,freq,unit,citizen,sex,age,decision,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS"
DATAFLOW = "ESTAT:MIGR_ASYDCFSTA(1.0),14/05/25 11:00:00"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")  # bytes, so the TSV keeps its CRLF line ends


def series(citizen: str, decision: str, cell: str, sex: str = "T", age: str = "TOTAL", geo: str = "EU27_2020") -> str:
    return f"A,PER,{citizen},{sex},{age},{decision},{geo}\t{cell}"


def tsv(*lines: str) -> str:
    return "\r\n".join((TSV_HEADER, *lines)) + "\r\n"


def triple(citizen: str, total: str, refugee: str, subsidiary: str) -> list[str]:
    """The three 2024 series a rate needs, one TSV cell each."""
    return [
        series(citizen, "TOTAL", total),
        series(citizen, "GENCONV", refugee),
        series(citizen, "SUB_PROT", subsidiary),
    ]


def csv_text(*observations: str) -> str:
    return "\n".join((CSV_HEADER, *observations)) + "\n"


def one(text: str) -> RateRow:
    [row] = parse(text)
    return row


@pytest.fixture(scope="module")
def rows() -> list[RateRow]:
    return parse(fixture("migr_asydcfsta.tsv"))


@pytest.fixture(scope="module")
def by_key(rows: list[RateRow]) -> ByKey:
    return {(row.country, row.reference_year): row for row in rows}


# --- the published formats ---------------------------------------------------------------------------------------


def test_the_tsv_and_the_sdmx_csv_copies_give_identical_rows(rows: list[RateRow]) -> None:
    assert parse(fixture("migr_asydcfsta.csv")) == rows


def test_the_fixture_gives_one_row_per_nationality_and_year_with_a_rate(rows: list[RateRow]) -> None:
    assert [(row.country, row.reference_year) for row in rows] == [
        ("AF", 2023),
        ("AF", 2024),
        ("BD", 2023),
        ("BD", 2024),
        ("CO", 2023),
        ("GB", 2023),
        ("GR", 2023),
        ("GR", 2024),
        ("MA", 2023),
        ("MA", 2024),
        ("SY", 2023),
        ("SY", 2024),
        ("TN", 2023),
        ("TN", 2024),
    ]


def test_dimensions_are_found_by_name_not_position() -> None:
    header = "geo,decision,age,sex,citizen,unit,freq\\TIME_PERIOD\t2024 "
    lines = [
        f"EU27_2020,{decision},TOTAL,T,SY,PER,A\t{value} "
        for decision, value in (("GENCONV", 30), ("SUB_PROT", 20), ("TOTAL", 100))
    ]
    assert one("\n".join((header, *lines))) == one(tsv(*triple("SY", "100 ", "30 ", "20 ")))


def test_a_byte_order_mark_and_either_line_end_are_accepted() -> None:
    expected = one(tsv(*triple("SY", "100 ", "30 ", "20 ")))
    assert one("\ufeff" + tsv(*triple("SY", "100 ", "30 ", "20 "))) == expected
    assert one(tsv(*triple("SY", "100 ", "30 ", "20 ")).replace("\r\n", "\n")) == expected


def test_sdmx_csv_reads_an_empty_or_colon_value_as_not_available_and_needs_no_conf_status_column() -> None:
    header = CSV_HEADER.removesuffix(",CONF_STATUS")
    by_year = {2022: ("100", "30", "20"), 2023: ("100", ":", "20"), 2024: ("100", "", "20")}
    observations = [
        f"{DATAFLOW},A,PER,SY,T,TOTAL,{decision},EU27_2020,{year},{value},"
        for year, values in by_year.items()
        for decision, value in zip(("TOTAL", "GENCONV", "SUB_PROT"), values, strict=True)
    ]
    assert parse("\n".join((header, *observations))) == [RateRow("SY", 2022, 100, 30, 20, Decimal("0.5000"), "")]


# --- the rate ----------------------------------------------------------------------------------------------------


def test_the_rate_is_refugee_plus_subsidiary_protection_over_all_decisions(by_key: ByKey) -> None:
    syria = by_key["SY", 2023]
    assert (syria.total, syria.refugee, syria.subsidiary) == (98310, 45120, 40380)
    assert syria.rate == Decimal("0.8697")  # 85500 / 98310 = 0.86969...


def test_humanitarian_status_is_not_counted_as_protection(by_key: ByKey) -> None:
    # TN 2024: TOTAL_POS 950 of 4000 (23.75 %) includes 150 HUMSTAT; international protection is 800 (20 %).
    assert by_key["TN", 2024].rate == Decimal("0.2000")


def test_the_twenty_percent_boundary_is_exact() -> None:
    rate = one(tsv(*triple("MA", "1000 ", "150 ", "50 "))).rate
    assert rate == Decimal("0.2") and str(rate) == "0.2000"
    assert rate <= Decimal("0.20")


@pytest.mark.parametrize(
    ("total", "granted", "rate"),
    [(20000, 1, "0.0000"), (20000, 3, "0.0002"), (20000, 5, "0.0002"), (20000, 7, "0.0004"), (3, 1, "0.3333")],
)
def test_the_rate_is_rounded_to_four_places_half_to_even(total: int, granted: int, rate: str) -> None:
    row = one(tsv(*triple("MA", f"{total} ", f"{granted} ", "0 ")))
    assert row.rate == Decimal(rate) and row.rate.as_tuple().exponent == -4


def test_a_whole_number_written_with_decimals_is_read() -> None:
    assert one(tsv(*triple("SY", "100.0 ", "30 ", "20.00 "))).rate == Decimal("0.5000")


# --- no data, no rate (asylum chapter §9 edge case 6) -----------------------------------------------------------


def test_a_nationality_year_with_a_missing_figure_has_no_row(by_key: ByKey) -> None:
    assert ("CO", 2024) not in by_key  # GENCONV ':'
    assert ("GB", 2024) not in by_key  # every figure ':'


@pytest.mark.parametrize("missing", [": ", ":", ": @C", ": c", ""])
@pytest.mark.parametrize("position", [0, 1, 2])
def test_any_one_missing_figure_removes_the_rate(missing: str, position: int) -> None:
    cells = ["100 ", "30 ", "20 "]
    cells[position] = missing
    assert parse(tsv(*triple("SY", *cells))) == []


def test_a_nationality_with_one_of_the_three_series_absent_has_no_row() -> None:
    assert parse(tsv(*triple("SY", "100 ", "30 ", "20 ")[:2])) == []


def test_a_total_of_zero_gives_no_row_not_a_zero_rate() -> None:
    assert parse(tsv(*triple("SY", "0 ", "0 ", "0 "))) == []


def test_protection_exceeding_the_total_gives_no_row() -> None:
    assert parse(tsv(*triple("SY", "10 ", "5 ", "10 "))) == []


def test_a_zero_rate_from_real_decisions_is_kept(by_key: ByKey) -> None:
    assert by_key["GR", 2024].rate == Decimal("0.0000")


# --- flags, codes and other breakdowns ---------------------------------------------------------------------------


def test_flags_on_any_of_the_three_figures_are_kept(by_key: ByKey) -> None:
    assert by_key["SY", 2024].flags == "p"
    assert by_key["AF", 2024].flags == "e"  # only GENCONV is estimated
    assert by_key["BD", 2024].flags == "bep"  # TOTAL 'bp' and SUB_PROT 'e'
    assert by_key["SY", 2023].flags == ""


def test_eurostat_country_codes_become_iso_codes(rows: list[RateRow]) -> None:
    countries = {row.country for row in rows}
    assert {"GR", "GB"} <= countries
    assert not {"EL", "UK"} & countries


def test_groups_stateless_and_unknown_citizenship_are_skipped(rows: list[RateRow]) -> None:
    # The fixture also has TOTAL, EXT_EU27_2020, STLS and UNK series.
    assert {row.country for row in rows} == {"AF", "BD", "CO", "GB", "GR", "MA", "SY", "TN"}


def test_other_sexes_ages_countries_units_and_decisions_are_ignored() -> None:
    text = tsv(
        *triple("SY", "100 ", "30 ", "20 "),
        series("SY", "GENCONV", "99 ", sex="F"),
        series("SY", "GENCONV", "99 ", age="Y18-34"),
        series("SY", "GENCONV", "99 ", geo="DE"),
        series("SY", "HUMSTAT", "40 "),
        series("SY", "TOTAL_POS", "90 "),
        series("SY", "REJECTED", "10 "),
        series("SY", "TOTAL", "99 ").replace("A,PER,", "A,PC,"),
    )
    assert one(text).rate == Decimal("0.5000")


def test_cells_of_ignored_series_are_not_read_as_numbers() -> None:
    assert one(tsv(*triple("SY", "100 ", "30 ", "20 "), series("SY", "GENCONV", "n/a", geo="DE"))).total == 100


# --- the latest year ---------------------------------------------------------------------------------------------


def test_the_latest_year_with_a_rate_is_used_per_country(rows: list[RateRow]) -> None:
    latest = latest_per_country(rows)
    assert {country: row.reference_year for country, row in latest.items()} == {
        "AF": 2024,
        "BD": 2024,
        "CO": 2023,  # 2024 has no GENCONV figure: the newest year with a rate
        "GB": 2023,
        "GR": 2024,
        "MA": 2024,
        "SY": 2024,
        "TN": 2024,
    }
    assert latest["SY"].rate == Decimal("0.8640")


def test_the_latest_year_does_not_depend_on_the_order_of_the_rows(rows: list[RateRow]) -> None:
    assert latest_per_country(reversed(rows)) == latest_per_country(rows)


def test_two_different_rates_for_one_country_and_year_are_refused(rows: list[RateRow]) -> None:
    syria = next(row for row in rows if row == RateRow("SY", 2024, 84655, 38240, 34905, Decimal("0.8640"), "p"))
    assert latest_per_country([syria, syria]) == {"SY": syria}
    with pytest.raises(ValueError, match="two different rates for SY in 2024"):
        latest_per_country([syria, RateRow("SY", 2024, 100, 10, 10, Decimal("0.2000"), "")])


def test_no_rows_give_no_countries() -> None:
    assert latest_per_country([]) == {}


# --- malformed input ---------------------------------------------------------------------------------------------


def _csv_row(decision: str = "TOTAL", value: str = "100", flag: str = "", period: str = "2024") -> str:
    return f"{DATAFLOW},A,PER,SY,T,TOTAL,{decision},EU27_2020,{period},{value},{flag},"


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("", 1, "no header line"),
        ("country;year;rate\nSY;2024;0.86\n", 1, "neither a Eurostat TSV header"),
        ("unit,citizen,sex,age,decision,geo\\time\t2024 \n", 1, "expected \\TIME_PERIOD"),
        ("freq,unit,citizen,sex,age,geo\\TIME_PERIOD\t2024 \n", 1, "missing dimension(s) decision"),
        ("freq,unit,citizen,sex,age,decision,geo\\TIME_PERIOD\n", 1, "no period columns"),
        ("freq,unit,citizen,sex,age,decision,geo\\TIME_PERIOD\t2024-01 \n", 1, "period '2024-01' is not a year"),
        (tsv(series("SY", "TOTAL", "100 \t5 ")), 2, "3 tab-separated cells, the header has 2"),
        (tsv(*triple("SY", "100 ", "30 ", "20 "), "A,PER,SY,T,TOTAL,EU27_2020\t5 "), 5, "has 6 codes, expected 7"),
        (tsv(*triple("SY", "100 ", "3O ", "20 ")), 3, "cell '3O' is not a value followed by flags"),
        (tsv(*triple("SY", "100 ", "-30 ", "20 ")), 3, "cell '-30' is not a value"),
        (tsv(*triple("SY", "100 ", "30.5 ", "20 ")), 3, "value '30.5' is not a whole number of persons"),
        (tsv(*triple("SY", "100 ", "30 ", "20 "), series("SY", "GENCONV", "31 ")), 5, "already given on line 3"),
        (tsv(*triple("EL", "100 ", "30 ", "20 "), series("GR", "TOTAL", "100 ")), 5, "TOTAL for GR in 2024"),
        (CSV_HEADER.replace(",OBS_VALUE", "") + "\n", 1, "missing column(s) OBS_VALUE"),
        (CSV_HEADER.replace(",citizen", "") + "\n", 1, "missing dimension(s) citizen"),
        (csv_text(_csv_row().replace("MIGR_ASYDCFSTA", "MIGR_ASYDCFINA")), 2, "is not ESTAT:MIGR_ASYDCFSTA"),
        (csv_text(_csv_row(), _csv_row("GENCONV") + ","), 3, "14 fields, the header has 13"),
        (csv_text(_csv_row(), _csv_row("GENCONV", flag="P")), 3, "OBS_FLAG 'P' is not a Eurostat flag"),
        (csv_text(_csv_row(), _csv_row("GENCONV", value="thirty")), 3, "value 'thirty' is not a number"),
        (csv_text(_csv_row(), _csv_row("GENCONV", period="2024-Q1")), 3, "period '2024-Q1' is not a year"),
        (csv_text(_csv_row(), _csv_row()), 3, "TOTAL for SY in 2024 was already given on line 2"),
    ],
)
def test_malformed_input_is_refused_with_its_line_number(text: str, line: int, problem: str) -> None:
    with pytest.raises(EurostatFormatError) as raised:
        parse(text)
    assert raised.value.line == line
    assert problem in raised.value.problem
    assert str(raised.value).startswith(f"line {line}: ")


def test_a_format_error_is_a_value_error() -> None:
    assert issubclass(EurostatFormatError, ValueError)


# --- properties --------------------------------------------------------------------------------------------------

flags = st.text(alphabet="bcdefnprsuz", max_size=3)


@st.composite
def figures(draw: st.DrawFn) -> tuple[int, int, int]:
    total = draw(st.integers(min_value=1, max_value=10**9))
    refugee = draw(st.integers(min_value=0, max_value=total))
    subsidiary = draw(st.integers(min_value=0, max_value=total - refugee))
    return total, refugee, subsidiary


@given(figures(), st.tuples(flags, flags, flags))
def test_the_rate_is_the_rounded_share_within_zero_and_one(
    counts: tuple[int, int, int], cell_flags: tuple[str, str, str]
) -> None:
    total, refugee, subsidiary = counts
    cells = [f"{count} {flag}" for count, flag in zip(counts, cell_flags, strict=True)]
    row = one(tsv(*triple("SY", *cells)))
    with localcontext() as context:
        context.prec = 60
        expected = (Decimal(refugee + subsidiary) / Decimal(total)).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)
    assert row.rate == expected and row.rate.as_tuple().exponent == -4
    assert Decimal(0) <= row.rate <= Decimal(1)
    assert row.flags == "".join(sorted(set("".join(cell_flags))))


@given(figures(), flags)
def test_the_two_formats_agree(counts: tuple[int, int, int], flag: str) -> None:
    total, refugee, subsidiary = counts
    text = csv_text(
        _csv_row("TOTAL", str(total), flag), _csv_row("GENCONV", str(refugee)), _csv_row("SUB_PROT", str(subsidiary))
    )
    assert parse(text) == parse(tsv(*triple("SY", f"{total} {flag}", f"{refugee} ", f"{subsidiary} ")))
