"""``keten-asylum``: serve, migrate, dead letters, outbox."""

from keten_asylum.entrypoints.app import spec
from keten_shared.cli.service_cli import make_service_cli

app = make_service_cli(spec, "asylum")
