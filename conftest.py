"""Loads the shared test fixtures (real PostgreSQL, the embedded broker) for every test suite."""

pytest_plugins = ["keten_shared.testing.fixtures"]
