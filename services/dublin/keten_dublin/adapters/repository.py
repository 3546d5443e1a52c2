"""Loading and storing Dublin procedures."""

from __future__ import annotations

from keten_dublin.adapters.orm import procedures
from keten_dublin.domain.model import DublinProcedure
from keten_shared.db.repository import Repository


class ProcedureRepository(Repository[DublinProcedure]):
    entity, table, entity_type = DublinProcedure, procedures, "dublin_procedure"
