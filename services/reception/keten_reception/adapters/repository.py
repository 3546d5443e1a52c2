"""Loading and storing reception files."""

from __future__ import annotations

from keten_reception.adapters.orm import reception_files
from keten_reception.domain.model import ReceptionFile
from keten_shared.db.repository import Repository


class ReceptionFileRepository(Repository[ReceptionFile]):
    entity, table, entity_type = ReceptionFile, reception_files, "reception_file"
