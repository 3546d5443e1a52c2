"""Country and organisation codes as travel documents and forms write them (ISO 3166-1 alpha-3, ICAO Doc 9303 Part 3).

Reference data every service validates nationalities against; the rules that use them stay with each service.
"""

from __future__ import annotations

import re

import pycountry

from keten_shared.errors import InvalidData

# ICAO 9303 Part 3: nationality-field codes for a person without a specified nationality.
STATELESS_CODE = "XXA"  # stateless person (1954 Convention, Art 1)
REFUGEE_CODES = frozenset({"XXB", "XXC"})  # refugee under the 1951 Convention / refugee other than that
UNSPECIFIED_NATIONALITY_CODE = "XXX"  # nationality not specified by the issuing state
NO_NATIONALITY_CODES = frozenset({STATELESS_CODE, UNSPECIFIED_NATIONALITY_CODE, *REFUGEE_CODES})

# ICAO 9303 Part 3: Germany writes "D" (padded "D<<") for itself as issuing state and nationality.
ICAO_ALIASES = {"D": "DEU"}

# ICAO 9303 Part 3: British nationality classes other than British citizen (GBR); they are nationalities.
BRITISH_NATIONALITY_CODES = frozenset({"GBD", "GBN", "GBO", "GBP", "GBS"})

# Kosovo has no ISO 3166-1 code; its passports write "RKS" in the MRZ (practice, not ICAO 9303 Part 3; unverified).
KOSOVO_CODE = "RKS"

# ICAO 9303 Part 3: organisations (not states) that issue travel documents, e.g. laissez-passers.
ISSUING_ORGANISATIONS: dict[str, str] = {
    "EUE": "European Union",
    "UNO": "United Nations Organization or one of its officials",
    "UNA": "Specialized agency of the United Nations or one of its officials",
    "UNK": "Resident of Kosovo with a travel document issued by UNMIK",
    "XBA": "African Development Bank",
    "XIM": "African Export-Import Bank",
    "XCC": "Caribbean Community or one of its emissaries",
    "XCE": "Council of Europe",
    "XCO": "Common Market for Eastern and Southern Africa",
    "XDC": "Southern African Development Community",
    "XEC": "Economic Community of West African States",
    "XES": "Organisation of Eastern Caribbean States",
    "XOM": "Sovereign Military Order of Malta or one of its emissaries",
    "XPO": "International Criminal Police Organization (INTERPOL)",
}

_ALPHA = re.compile(r"[A-Z]{1,3}")


def _normalise_code(code: str, what: str) -> str:
    """Trim and upper-case a typed code; ICAO's "D" becomes "DEU"."""
    if not isinstance(code, str) or not code.strip():
        raise InvalidData(f"{what} code is missing", code=code)
    norm = code.strip().upper()
    return ICAO_ALIASES.get(norm, norm)


def _is_iso_country(code: str) -> bool:
    return len(code) == 3 and _ALPHA.fullmatch(code) is not None and pycountry.countries.get(alpha_3=code) is not None


def validate_nationality(code: str) -> str:
    """The normalised nationality code (upper case; "D" → "DEU"), or InvalidData.

    Accepts ISO 3166-1 alpha-3 countries, ICAO's British nationality classes and Kosovo's "RKS". Rejects ICAO's
    no-nationality codes: they describe a status, and the form records it as a flag (`NationalityFacts`).
    """
    norm = _normalise_code(code, "nationality")
    # SR 17(1)(b) (chapter §8.9): statelessness is `stateless=true`, never a country code.
    if norm == STATELESS_CODE:
        raise InvalidData(f"'{norm}' (stateless) is not a nationality: record stateless=true instead", code=code)
    # SR 17(1)(b) (chapter §8.9): an unknown nationality is `nationalities=[]` + `nationality_unknown=true`.
    if norm == UNSPECIFIED_NATIONALITY_CODE:
        raise InvalidData(
            f"'{norm}' (unspecified nationality) is not a nationality: record nationality_unknown=true instead",
            code=code,
        )
    # SR 17(1)(b): refugee status is not a nationality; record the nationality, statelessness or that it is unknown.
    if norm in REFUGEE_CODES:
        raise InvalidData(
            f"'{norm}' (refugee) is not a nationality: "
            "record the nationality, stateless=true or nationality_unknown=true",
            code=code,
        )
    if _is_iso_country(norm) or norm in BRITISH_NATIONALITY_CODES or norm == KOSOVO_CODE:
        return norm
    raise InvalidData(f"'{norm}' is not a known ISO 3166-1 alpha-3 country code", code=code)


def validate_issuing_country(code: str) -> str:
    """The normalised code of a document's issuing state or organisation (upper case; "D" → "DEU"), or InvalidData."""
    norm = _normalise_code(code, "issuing country")
    # ED 22(2): Eurodac stores the issuing-country code of the document; ICAO 9303 Part 3 lists the valid ones.
    if _is_iso_country(norm) or norm in ISSUING_ORGANISATIONS or norm == KOSOVO_CODE:
        return norm
    if norm in NO_NATIONALITY_CODES or norm in BRITISH_NATIONALITY_CODES:
        raise InvalidData(f"'{norm}' is a nationality code, not a document issuer", code=code)
    raise InvalidData(f"'{norm}' is not a known issuing state or organisation code", code=code)
