"""What this service transmitted to Eurodac for a person, and what came back (ED 13-31)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from keten_screening.domain.eurodac import EurodacCategory, Hit, HitStatus
from keten_shared.errors import NotFound


class Transmission(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    category: EurodacCategory
    reference_number: str
    transmitted_at: AwareDatetime
    retention_until: date = Field(description="ED 29: automatic erasure after this day")
    within_limit: bool


class EurodacRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    due: list[EurodacCategory] = Field(default_factory=list, description="datasets still to transmit")
    transmissions: list[Transmission] = Field(default_factory=list)
    hits: list[Hit] = Field(default_factory=list)
    delayed_reported: list[EurodacCategory] = Field(default_factory=list)

    def transmitted(self, category: EurodacCategory) -> bool:
        return any(t.category is category for t in self.transmissions)

    def hit(self, hit_id: str) -> Hit:
        for hit in self.hits:
            if hit.hit_id == hit_id:
                return hit
        raise NotFound(f"no Eurodac hit {hit_id}")

    @property
    def confirmed_hits(self) -> list[Hit]:
        return [hit for hit in self.hits if hit.status is HitStatus.CONFIRMED]


@dataclass
class EurodacRegistration:
    """A person's Eurodac registration, kept apart from the screening itself: it changes in the background (the
    transmission, late hits) and outlives screening (ED 22(5)), so its changes never collide with officers' steps."""

    screening_id: str
    record: EurodacRecord
    version: int = 1
