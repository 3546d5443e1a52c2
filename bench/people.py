"""Synthetic people: generated names and ages, nationalities from a short list of ISO 3166-1 alpha-3 codes."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

NATIONALITIES = ("SYR", "AFG", "ERI", "IRQ", "SOM", "YEM", "SDN", "COL", "VEN", "BGD")
FAMILY_NAMES = ("Haddad", "Karimi", "Yousef", "Tesfaye", "Rahimi", "Nouri", "Salem", "Hassan", "Amini", "Osman")
GIVEN_NAMES = ("Omar", "Amina", "Yonas", "Layla", "Farid", "Sara", "Ali", "Mariam", "Dawit", "Nadia")
LANGUAGES = {"SYR": "ar", "IRQ": "ar", "YEM": "ar", "SDN": "ar", "AFG": "fa", "ERI": "ti", "SOM": "so"}


@dataclass(frozen=True)
class Person:
    family_name: str
    given_names: str
    sex: str
    nationality: str
    date_of_birth: date

    minor: bool

    @property
    def language(self) -> str:
        return LANGUAGES.get(self.nationality, "en")

    def as_json(self) -> dict[str, object]:
        return {
            "family_name": self.family_name,
            "given_names": self.given_names,
            "sex": self.sex,
            "nationalities": [self.nationality],
            "date_of_birth": self.date_of_birth.isoformat(),
        }


def synthetic_person(rng: random.Random, number: int, *, minor: bool = False, today: date | None = None) -> Person:
    """A made-up person, a minor of 6 to 17 (old enough for Eurodac's biometrics, ED Art 15(1)) or an adult of
    19 to 60; the number keeps family names apart."""
    age_days = rng.randint(6 * 365 + 10, 17 * 365) if minor else rng.randint(19 * 365 + 5, 60 * 365)
    return Person(
        family_name=f"{rng.choice(FAMILY_NAMES)}-{number}",
        given_names=rng.choice(GIVEN_NAMES),
        sex=rng.choice("MF"),
        nationality=rng.choice(NATIONALITIES),
        date_of_birth=(today or date.today()) - timedelta(days=age_days),
        minor=minor,
    )
