"""Loading and storing screening cases."""

from __future__ import annotations

from keten_screening.adapters.orm import screenings
from keten_screening.domain.model import ScreeningCase
from keten_shared.db.repository import Repository


class ScreeningRepository(Repository[ScreeningCase]):
    entity, table, entity_type = ScreeningCase, screenings, "screening"
