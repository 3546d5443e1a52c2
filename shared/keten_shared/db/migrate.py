"""Alembic, driven from code: each service's migrations plus the shared ``plumbing`` branch.

A service's database holds two migration branches: ``plumbing`` (outbox, inbox, audit log,
deadlines; in keten_shared/migrations/versions) and the service's own tables (in
keten_<service>/migrations/versions, whose first revision depends on the plumbing branch).
The environment script (keten_shared/migrations/env.py) is shared; ``alembic.ini`` of each
service names its metadata so operators can also run plain ``alembic upgrade heads``.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config


def alembic_config(service_package: str, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "keten_shared:migrations")
    config.set_main_option("path_separator", "space")
    config.set_main_option(
        "version_locations", f"{service_package}:migrations/versions keten_shared:migrations/versions"
    )
    config.set_main_option("keten_metadata", f"{service_package}.adapters.orm:metadata")
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(service_package: str, database_url: str, revision: str = "heads") -> None:
    """Bring the database to the newest revision of both branches (blocking; call off the event loop)."""
    command.upgrade(alembic_config(service_package, database_url), revision)


def downgrade(service_package: str, database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(service_package, database_url), revision)
