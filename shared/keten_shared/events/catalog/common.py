"""Value types shared by several event payloads."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# ISO 3166-1 alpha-3 country code (nationality, country of return); "XXA" = stateless (ICAO 9303).
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["SYR"])]
# ISO 3166-1 alpha-2 code of an EU+ member state.
MemberState = Annotated[str, Field(pattern=r"^[A-Z]{2}$", examples=["NL"])]
# Case and person identifiers are opaque strings (UUIDs in keten).
Identifier = Annotated[str, Field(min_length=1, max_length=200)]


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"
    OTHER = "X"
    UNKNOWN = "U"


class PersonDetails(BaseModel):
    """What a receiving service needs to identify the person; never biometrics."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    family_name: str = Field(min_length=1, max_length=200)
    given_names: str = Field("", max_length=200)
    date_of_birth: date | None = None
    sex: Sex = Sex.UNKNOWN
    nationalities: list[CountryCode] = Field(default_factory=list)
