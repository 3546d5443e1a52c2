"""Loading and storing return cases."""

from __future__ import annotations

from keten_return.adapters.orm import return_cases
from keten_return.domain.model import ReturnCase
from keten_shared.db.repository import Repository


class ReturnCaseRepository(Repository[ReturnCase]):
    entity, table, entity_type = ReturnCase, return_cases, "return_case"
