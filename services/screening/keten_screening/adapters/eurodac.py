"""The Eurodac gateway: the port the screening service transmits datasets through, and an in-memory simulator.

No biometrics pass through keten: a dataset carries only `template_ref`, an opaque reference the screening service
derives from the capture (the fingerprints and facial image themselves stay in the national capture system).
The simulator matches on equal template references, as a stand-in for Eurodac's biometric comparison (ED 27).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from keten_screening.domain.eurodac import EurodacCategory, Hit, Mark, parse_reference_number
from keten_shared.clock import Clock, SystemClock
from keten_shared.errors import InvalidData, KetenError
from keten_shared.events.catalog.common import Sex

_MEMBER_STATE = re.compile(r"^[A-Z]{2}$")
_COUNTRY = re.compile(r"^[A-Z]{3}$")  # ISO 3166-1 alpha-3 / ICAO 9303 ("XXA" stateless)
_TEMPLATE_REF = re.compile(r"^\S{1,200}$")


class EurodacUnavailable(KetenError):
    """Eurodac cannot take the transmission now; the service may apply the + 48 h technical-problems extension
    (ED 15(2), 22(6), 23(5), 24(5)) and retries: the duty to transmit survives (ED 22(5), 24(4))."""

    status, slug, title = 503, "eurodac-unavailable", "Eurodac unavailable"


@dataclass(frozen=True)
class TravelDocument:
    """ED 17(1)(i)-(j), 22(2)(i)-(j): identity or travel document data, where available."""

    document_type: str
    number: str
    issuing_country: str  # three-letter code of the issuing country
    expiry_date: date | None = None
    scan_ref: str | None = None  # opaque reference to the scanned colour copy, never the image itself
    authentic: bool | None = None  # the indication of authenticity

    def __post_init__(self) -> None:
        if not _COUNTRY.fullmatch(self.issuing_country):
            raise InvalidData(f"issuing_country must be a three-letter code, got {self.issuing_country!r}")


@dataclass(frozen=True)
class EurodacDataset:
    """The core dataset screening transmits (ED 17(1) applicants, 22(2) irregular crossers, 23(2) illegally staying,
    24(2) SAR; optional items of 17(2), 22(3), 23(3), 24(3)). The date of transmission (point (m)) is set by Eurodac
    and comes back in the receipt.
    """

    category: EurodacCategory
    template_ref: str  # (a) fingerprints, (b) facial image: only the opaque template reference
    family_name: str  # (c) surname(s)
    given_names: str  # (c) forename(s)
    ms_of_origin: str  # (g) the transmitting member state
    event_place: str  # (g) place of apprehension / disembarkation / application
    event_date: date  # (g) date of apprehension / disembarkation / application
    sex: Sex  # (h)
    reference_number: str  # (k), ED 37(3)-(4)
    biometrics_taken_on: date  # (l)
    operator_user_id: str  # (n)
    other_names: tuple[str, ...] = ()  # (c) names at birth, previously used names, aliases
    nationalities: tuple[str, ...] = ()  # (d), three-letter codes; empty when unknown
    date_of_birth: date | None = None  # (e)
    place_of_birth: str | None = None  # (f)
    document: TravelDocument | None = None  # (i)-(j), where available
    security_flag: bool = False  # ED 17(2)(i), 22(3)(d), 23(3)(e), 24(3)(f)
    ms_responsible: str | None = None  # ED 17(2)(a), applicants only
    ms_of_relocation: str | None = None  # ED 17(2)(b), 22(3), 23(3)

    def __post_init__(self) -> None:
        category = EurodacCategory(self.category)
        if not _TEMPLATE_REF.fullmatch(self.template_ref):
            raise InvalidData("template_ref must be an opaque reference of 1-200 characters without spaces")
        member_states = {
            "ms_of_origin": self.ms_of_origin,
            "ms_responsible": self.ms_responsible,
            "ms_of_relocation": self.ms_of_relocation,
        }
        for name, value in member_states.items():
            if value is not None and not _MEMBER_STATE.fullmatch(value):
                raise InvalidData(f"{name} must be a two-letter member state code, got {value!r}")
        for nationality in self.nationalities:
            if not _COUNTRY.fullmatch(nationality):
                raise InvalidData(f"nationalities must be three-letter codes, got {nationality!r}")
        if not self.operator_user_id.strip():
            raise InvalidData("operator_user_id is required (ED Art 22(2)(n))")
        if self.biometrics_taken_on < self.event_date and category is not EurodacCategory.APPLICANT:
            raise InvalidData("biometrics_taken_on lies before the apprehension or disembarkation")
        if self.ms_responsible is not None and category is not EurodacCategory.APPLICANT:
            # ED 17(2)(a): the MS responsible is recorded with applicant data only.
            raise InvalidData("ms_responsible is recorded with applicant data only (ED Art 17(2)(a))")
        # ED 37(3)-(4): the reference number shows the category of the data.
        if parse_reference_number(self.reference_number).category is not category:
            raise InvalidData(f"reference number {self.reference_number!r} does not carry the {category} category code")


@dataclass(frozen=True)
class TransmissionReceipt:
    """Eurodac's answer to a transmission: the data are recorded and compared at once (ED 27(1), 28(4))."""

    reference_number: str
    transmitted_at: datetime
    hits: tuple[Hit, ...] = ()  # every matching dataset, with its marks; empty for a negative result


@runtime_checkable
class EurodacGateway(Protocol):
    async def transmit(self, dataset: EurodacDataset, *, compare_own_data: bool = False) -> TransmissionReceipt:
        """Record `dataset` in Eurodac and return the comparison result.

        Raises EurodacUnavailable when Eurodac cannot take it now (serious technical problems), InvalidData when the
        dataset is refused. `compare_own_data`: ED 27(3), also compare with the transmitting MS's own data.
        """
        ...


@dataclass(frozen=True)
class _Stored:
    dataset: EurodacDataset
    marks: tuple[Mark, ...]


@dataclass
class EurodacSimulator:
    """An in-memory Eurodac for local runs and tests.

    Datasets are kept per template reference; `preload()` seeds datasets "from other member states", so that a
    later transmission with the same template reference returns a hit. `fail_next(n)` makes the next n transmissions
    raise EurodacUnavailable without recording anything.
    """

    clock: Clock = field(default_factory=SystemClock)
    _store: dict[str, list[_Stored]] = field(default_factory=dict, init=False, repr=False)
    _references: set[str] = field(default_factory=set, init=False, repr=False)
    _failures_left: int = field(default=0, init=False)
    _hit_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1), init=False, repr=False)

    def preload(self, template_ref: str, dataset: EurodacDataset, *, marks: tuple[Mark, ...] = ()) -> None:
        """Store `dataset` (typically another MS's) as matching `template_ref`, with its marks (ED 31(1), 31(4))."""
        stored = replace(dataset, template_ref=template_ref)  # re-validates the reference
        self._record(stored, tuple(marks))

    def fail_next(self, n: int = 1) -> None:
        """Make the next `n` transmissions fail with EurodacUnavailable."""
        if n < 0:
            raise ValueError("n must not be negative")
        self._failures_left = n

    def stored(self, template_ref: str) -> tuple[EurodacDataset, ...]:
        """The datasets held for a template reference, oldest first (for inspection in tests)."""
        return tuple(entry.dataset for entry in self._store.get(template_ref, ()))

    async def transmit(self, dataset: EurodacDataset, *, compare_own_data: bool = False) -> TransmissionReceipt:
        if self._failures_left:
            self._failures_left -= 1
            raise EurodacUnavailable("Eurodac simulator: transmission failed (simulated technical problem)")
        if dataset.reference_number in self._references:
            raise InvalidData(f"reference number {dataset.reference_number} was already transmitted")
        transmitted_at = self.clock.now()
        # ED 27(1): compared with the data of other MS already stored; own data only on request (ED 27(3)).
        hits = tuple(
            self._hit(entry)
            for entry in self._store.get(dataset.template_ref, ())
            if compare_own_data or entry.dataset.ms_of_origin != dataset.ms_of_origin
        )
        self._record(dataset, ())
        return TransmissionReceipt(reference_number=dataset.reference_number, transmitted_at=transmitted_at, hits=hits)

    def _record(self, dataset: EurodacDataset, marks: tuple[Mark, ...]) -> None:
        if dataset.reference_number in self._references:
            raise InvalidData(f"reference number {dataset.reference_number} is already stored")
        self._references.add(dataset.reference_number)
        self._store.setdefault(dataset.template_ref, []).append(_Stored(dataset, marks))

    def _hit(self, entry: _Stored) -> Hit:
        matched = entry.dataset
        return Hit(
            hit_id=f"HIT-{next(self._hit_ids):06d}",
            matched_category=matched.category,
            ms_of_origin=matched.ms_of_origin,
            date=matched.event_date,
            place=matched.event_place,
            ms_responsible=matched.ms_responsible,
            ms_of_relocation=matched.ms_of_relocation,
            marks=entry.marks,
            matched_sex=matched.sex,
            matched_reference=matched.reference_number,
        )
