"""Synthetic people: generated names, nationalities from a short list of ISO 3166-1 alpha-3 codes."""

from __future__ import annotations

import random
from dataclasses import dataclass

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

    @property
    def language(self) -> str:
        return LANGUAGES.get(self.nationality, "en")

    def as_json(self) -> dict[str, object]:
        return {
            "family_name": self.family_name,
            "given_names": self.given_names,
            "sex": self.sex,
            "nationalities": [self.nationality],
        }


def synthetic_person(rng: random.Random, number: int) -> Person:
    """A made-up person; the number keeps family names apart across a run."""
    return Person(
        family_name=f"{rng.choice(FAMILY_NAMES)}-{number}",
        given_names=rng.choice(GIVEN_NAMES),
        sex=rng.choice("MF"),
        nationality=rng.choice(NATIONALITIES),
    )
