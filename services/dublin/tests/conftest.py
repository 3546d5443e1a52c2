"""The dublin service under test: one running instance per test module (see keten_shared.testing.service_fixtures)."""

from keten_dublin.entrypoints.app import spec
from keten_shared.testing.service_fixtures import service_app_fixture

app = service_app_fixture(spec)
