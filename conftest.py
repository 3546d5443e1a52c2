"""Loads the shared test fixtures (real PostgreSQL, the embedded broker, service apps) for every suite."""

pytest_plugins = ["keten_shared.testing.fixtures", "keten_shared.testing.service_fixtures"]
