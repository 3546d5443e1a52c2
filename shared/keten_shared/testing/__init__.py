"""Test support shared by every test suite: real PostgreSQL databases, the embedded broker, app clients."""
