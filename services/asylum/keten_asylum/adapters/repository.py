"""Loading and storing applications."""

from __future__ import annotations

from keten_asylum.adapters.orm import applications
from keten_asylum.domain.model import Application
from keten_shared.db.repository import Repository


class ApplicationRepository(Repository[Application]):
    entity, table, entity_type = Application, applications, "application"
