"""Loading and storing return cases."""

from __future__ import annotations

from keten_return.adapters.orm import return_cases
from keten_return.domain.model import ReturnCase
from keten_shared.db.repository import Repository


class ReturnCaseRepository(Repository[ReturnCase]):
    entity, table, noun = ReturnCase, return_cases, "return case"
