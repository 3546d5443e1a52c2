"""EU-wide first-instance recognition rates read from Eurostat's table ``migr_asydcfsta`` (asylum chapter §2.3).

APR Art 42(1)(j) accelerates the examination of nationals of a country whose share of first-instance decisions
granting international protection is 20 % or lower according to the latest available yearly Union-wide average
Eurostat data. ``migr_asydcfsta`` ("First instance decisions on applications by citizenship, age and sex - annual
aggregated data") holds those decisions; this module turns a published copy of it into rates. It is a pure parser:
it reads the text it is given and nothing else.

Two of Eurostat's dissemination formats are read, told apart by their header line:

- TSV (``.../sdmx/2.1/data/migr_asydcfsta?format=TSV``): one time series per line. The first header cell lists the
  dimensions and ends in ``\\TIME_PERIOD`` (``freq,unit,citizen,sex,age,decision,geo\\TIME_PERIOD``); the other
  header cells are the periods, each followed by a space (``2023 ``). A data cell is the value, a space, then the
  observation flags and optionally ``@`` and a confidentiality status (``12345 ``, ``1234 p``, ``: ``, ``: @C``); ``:``
  means not available. Lines may end in CRLF. Eurostat leaves out series with no data at all.
- SDMX-CSV (``...?format=SDMX-CSV``): one observation per line under the header
  ``DATAFLOW,LAST UPDATE,<dimensions>,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS``; a value that is not available is
  left empty (``:`` is read the same way). Its DATAFLOW column must name ``ESTAT:MIGR_ASYDCFSTA``. The TSV names no
  dataset, so a TSV copy of another table with the same dimensions (for instance the table of final decisions)
  cannot be told apart here: the loader must record which table it fetched.

Columns are found by their dimension code, not by position. The rate is (GENCONV + SUB_PROT) / TOTAL on the row
freq=A, unit=PER, sex=T, age=TOTAL, geo=EU27_2020; national humanitarian status (HUMSTAT, also inside TOTAL_POS) is
not international protection and is left out of the numerator. A nationality-year has no rate where any of the three
figures is missing, where TOTAL is 0, or where GENCONV + SUB_PROT exceeds TOTAL: nothing is inferred (asylum chapter
§9 edge case 6). Only cells of the selected rows are read as numbers; every line is still checked for its shape.

Citizenship codes are ISO 3166-1 alpha-2 except Eurostat's EL (Greece) and UK (United Kingdom), returned as GR and
GB; codes that are not two letters are groups (TOTAL, EXT_EU27_2020, stateless, unknown) and are skipped. Kosovo
stays XK, the code the EU uses. Observation flags (p provisional, e estimated, b break in series, u low reliability,
...) are kept as the set of flag letters seen on the three figures; Eurostat's composite flag codes (``bep``) are
concatenations of those letters. The confidentiality status (``@C``, CONF_STATUS) is accepted and not kept.

Sources: Eurostat's API documentation on the TSV format and the move from bulk download to the API; the decision
codes TOTAL, TOTAL_POS, GENCONV, HUMSTAT, SUB_PROT, TEMP_PROT and REJECTED as they appear in published extracts of the
migr_asydcf* tables. Not verified against a live copy of migr_asydcfsta: the exact order of its dimensions (it is not
relied on) and the spelling of its group citizenship codes (they are skipped by shape).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

DATAFLOW = "ESTAT:MIGR_ASYDCFSTA"
# APR Art 42(1)(j): yearly Union-wide figures, all sexes and ages, counted in persons.
SELECTION = {"freq": "A", "unit": "PER", "sex": "T", "age": "TOTAL", "geo": "EU27_2020"}
TOTAL, REFUGEE, SUBSIDIARY = "TOTAL", "GENCONV", "SUB_PROT"
DIMENSIONS = (*SELECTION, "citizen", "decision")
EUROSTAT_TO_ISO = {"EL": "GR", "UK": "GB"}
RATE_PLACES = 4

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_TSV_CELL = re.compile(rf"(?P<value>:|{_NUMBER.pattern}) ?(?P<flags>[a-z]*)(?:@[A-Z]+)?")
_FLAGS = re.compile(r"[a-z]*")
_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class RateRow:
    country: str  # ISO 3166-1 alpha-2 of the citizenship (after EL->GR, UK->GB)
    reference_year: int
    total: int  # TOTAL: all first-instance decisions
    refugee: int  # GENCONV: refugee status
    subsidiary: int  # SUB_PROT: subsidiary protection
    rate: Decimal  # (refugee + subsidiary) / total, 0..1, 4 places, half to even
    flags: str  # Eurostat flag letters seen on the three figures, sorted; '' if none


class EurostatFormatError(ValueError):
    """The text is not a usable copy of migr_asydcfsta in a format read here."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


@dataclass(frozen=True)
class _Figure:
    line: int
    country: str
    year: int
    decision: str
    value: int | None  # None: not available
    flags: str


def parse(text: str) -> list[RateRow]:
    """The recognition rate of every nationality and year the text gives one for, by country then year."""
    lines = text.removeprefix("\ufeff").splitlines()
    if not lines or not lines[0].strip():
        raise EurostatFormatError(1, "no header line")
    first_cell = lines[0].split("\t", 1)[0].strip()
    if "\\" in first_cell:
        return _rates(_tsv_figures(lines))
    if first_cell.split(",", 1)[0] == "DATAFLOW":
        return _rates(_csv_figures(lines))
    raise EurostatFormatError(1, "neither a Eurostat TSV header (ending in \\TIME_PERIOD) nor an SDMX-CSV header")


def latest_per_country(rows: Iterable[RateRow]) -> dict[str, RateRow]:
    """Per country, the row of the newest reference year that has a rate (APR Art 42(1)(j): latest available data).

    A year without a rate for a country produces no row, so a country whose newest year is missing falls back to its
    newest year with a rate; the row's reference_year shows which year that is. Reading "latest available" per
    nationality rather than per release is an interpretation (flag for legal review).
    """
    latest: dict[str, RateRow] = {}
    for row in rows:
        held = latest.get(row.country)
        if held is not None and held.reference_year == row.reference_year and held != row:
            raise ValueError(f"two different rates for {row.country} in {row.reference_year}")
        if held is None or row.reference_year > held.reference_year:
            latest[row.country] = row
    return latest


def _tsv_figures(lines: list[str]) -> Iterator[_Figure]:
    header = lines[0].split("\t")
    names, _, time = header[0].strip().partition("\\")
    if time != "TIME_PERIOD":
        raise EurostatFormatError(1, f"first header cell ends in \\{time}, expected \\TIME_PERIOD")
    dimensions = names.split(",")
    _require(dimensions, line=1)
    if len(header) < 2:
        raise EurostatFormatError(1, "no period columns")
    years = [_year(cell.strip(), line=1) for cell in header[1:]]
    for number, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        cells = text.split("\t")
        if len(cells) != len(header):
            raise EurostatFormatError(number, f"{len(cells)} tab-separated cells, the header has {len(header)}")
        codes = cells[0].strip().split(",")
        if len(codes) != len(dimensions):
            raise EurostatFormatError(
                number, f"series key {cells[0]!r} has {len(codes)} codes, expected {len(dimensions)}"
            )
        key = dict(zip(dimensions, codes, strict=True))
        country = _wanted(key)
        if country is None:
            continue
        for year, cell in zip(years, cells[1:], strict=True):
            value, flags = _tsv_cell(cell.strip(), line=number)
            yield _Figure(number, country, year, key["decision"], value, flags)


def _tsv_cell(cell: str, line: int) -> tuple[int | None, str]:
    if not cell:
        return None, ""
    match = _TSV_CELL.fullmatch(cell)
    if match is None:
        raise EurostatFormatError(line, f"cell {cell!r} is not a value followed by flags")
    value = None if match["value"] == ":" else _value(match["value"], line)
    return value, match["flags"]


def _csv_figures(lines: list[str]) -> Iterator[_Figure]:
    reader = csv.reader(lines)
    header = next(reader)
    _require(header, line=1)
    missing = [name for name in ("TIME_PERIOD", "OBS_VALUE", "OBS_FLAG") if name not in header]
    if missing:
        raise EurostatFormatError(1, f"missing column(s) {', '.join(missing)}")
    for fields in reader:
        number = reader.line_num
        if not fields:
            continue
        if len(fields) != len(header):
            raise EurostatFormatError(number, f"{len(fields)} fields, the header has {len(header)}")
        row = dict(zip(header, fields, strict=True))
        if row["DATAFLOW"].split("(", 1)[0].upper() != DATAFLOW:
            raise EurostatFormatError(number, f"dataflow {row['DATAFLOW']!r} is not {DATAFLOW}")
        country = _wanted(row)
        if country is None:
            continue
        if _FLAGS.fullmatch(row["OBS_FLAG"]) is None:
            raise EurostatFormatError(number, f"OBS_FLAG {row['OBS_FLAG']!r} is not a Eurostat flag")
        value = None if row["OBS_VALUE"] in ("", ":") else _value(row["OBS_VALUE"], number)
        yield _Figure(number, country, _year(row["TIME_PERIOD"], number), row["decision"], value, row["OBS_FLAG"])


def _require(dimensions: list[str], line: int) -> None:
    missing = [name for name in DIMENSIONS if name not in dimensions]
    if missing:
        raise EurostatFormatError(line, f"missing dimension(s) {', '.join(missing)}")


def _wanted(key: dict[str, str]) -> str | None:
    """The ISO country of a series this module reads, or None for any other series."""
    if key["decision"] not in (TOTAL, REFUGEE, SUBSIDIARY):
        return None
    if any(key[name] != code for name, code in SELECTION.items()):
        return None
    citizen = key["citizen"]
    if len(citizen) != 2 or not citizen.isascii() or not citizen.isalpha() or not citizen.isupper():
        return None
    return EUROSTAT_TO_ISO.get(citizen, citizen)


def _year(period: str, line: int) -> int:
    if _YEAR.fullmatch(period) is None:
        raise EurostatFormatError(line, f"period {period!r} is not a year")
    return int(period)


def _value(text: str, line: int) -> int:
    if _NUMBER.fullmatch(text) is None:
        raise EurostatFormatError(line, f"value {text!r} is not a number")
    number = Decimal(text)
    if number != number.to_integral_value():
        raise EurostatFormatError(line, f"value {text!r} is not a whole number of persons")
    return int(number)


def _rates(figures: Iterable[_Figure]) -> list[RateRow]:
    by_series: dict[tuple[str, int], dict[str, _Figure]] = {}
    for figure in figures:
        decisions = by_series.setdefault((figure.country, figure.year), {})
        earlier = decisions.get(figure.decision)
        if earlier is not None:
            raise EurostatFormatError(
                figure.line,
                f"{figure.decision} for {figure.country} in {figure.year} was already given on line {earlier.line}",
            )
        decisions[figure.decision] = figure
    rows = (_rate_row(country, year, decisions) for (country, year), decisions in sorted(by_series.items()))
    return [row for row in rows if row is not None]


def _rate_row(country: str, year: int, decisions: dict[str, _Figure]) -> RateRow | None:
    figures = [decisions[decision] for decision in (TOTAL, REFUGEE, SUBSIDIARY) if decision in decisions]
    values = [figure.value for figure in figures if figure.value is not None]
    if len(values) < 3:
        return None  # asylum chapter §9 edge case 6: missing data gives no rate
    total, refugee, subsidiary = values
    if total == 0 or refugee + subsidiary > total:
        return None
    # round() on a Fraction rounds half to even, exactly.
    rate = Decimal(round(Fraction(refugee + subsidiary, total) * 10**RATE_PLACES)).scaleb(-RATE_PLACES)
    flags = "".join(sorted({letter for figure in figures for letter in figure.flags}))
    return RateRow(country, year, total, refugee, subsidiary, rate, flags)
