"""Indexes for a table listed page by page, so that a page costs the same at a million records as at ten.

Every list endpoint orders by (created_at, id) and starts after a cursor (keten_shared.http.pagination),
and most filter by status: with these two indexes the first page, and every page after it, is an
index range read of ``limit`` + 1 rows instead of a sort of every stored record.
"""

from __future__ import annotations

from sqlalchemy import Index


def listing_indexes(table: str) -> tuple[Index, Index]:
    """The order of every page, and the same order within one status (which also serves status lookups)."""
    return (
        Index(f"ix_{table}_listed", "created_at", "id"),
        Index(f"ix_{table}_status_listed", "status", "created_at", "id"),
    )
