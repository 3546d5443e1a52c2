"""Loading and storing return cases and what the asylum service reported on its decisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from keten_return.adapters.orm import asylum_remedies, return_cases
from keten_return.domain.model import AsylumRemedy, ReturnCase
from keten_shared.db.repository import Repository


class ReturnCaseRepository(Repository[ReturnCase]):
    entity, table, entity_type = ReturnCase, return_cases, "return_case"


class AsylumRemedyRepository(Repository[AsylumRemedy]):
    entity, table, entity_type = AsylumRemedy, asylum_remedies, "asylum_remedy"

    async def lock(self, asylum_decision_id: str, asylum_case_id: str, now: datetime) -> AsylumRemedy:
        """The record of one asylum decision, locked until commit; made if this is the first event about it.

        Every handler of an asylum decision takes this lock first, so a fact and the return decision it
        concerns are never handled side by side without seeing each other. Two first events racing to make
        the record: one insert fails on the primary key and the consumer retries it, then finding the record."""
        query = (
            select(AsylumRemedy)
            .where(asylum_remedies.c.asylum_decision_id == asylum_decision_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        remedy = (await self.session.execute(query)).scalars().first()
        if remedy is None:
            remedy = AsylumRemedy(asylum_decision_id=asylum_decision_id, asylum_case_id=asylum_case_id, created_at=now)
            self.add(remedy)
            await self.session.flush()
        return remedy
