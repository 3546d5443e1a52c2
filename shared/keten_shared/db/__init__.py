"""Database plumbing: engines, column types, the shared tables and migrations."""
