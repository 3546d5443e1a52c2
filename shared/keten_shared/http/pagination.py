"""Keyset pagination: a page costs the same however many records are stored before it."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, tuple_

from keten_shared.errors import InvalidData

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(None, description="pass as `cursor` to get the next page")


def encode_cursor(created_at: datetime, key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([created_at.isoformat(), key]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        created_at, key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        after = datetime.fromisoformat(created_at)
        if after.tzinfo is None:  # every cursor this API returns has an offset
            raise ValueError("naive instant in cursor")
        return after, str(key)
    except (ValueError, TypeError) as exc:
        raise InvalidData("cursor is not one this API returned") from exc


def keyset(
    query: Select[Any], created_at: ColumnElement[Any], key: ColumnElement[Any], cursor: str | None, limit: int
) -> Select[Any]:
    """Order by (created_at, key) and start after the cursor; fetch one extra row to know if more follow."""
    if cursor:
        after_at, after_key = decode_cursor(cursor)
        # A row comparison, which a (created_at, id) index answers as one range read.
        query = query.where(tuple_(created_at, key) > tuple_(after_at, after_key))
    return query.order_by(created_at, key).limit(limit + 1)


def page(found: list[Any], limit: int, render: Any) -> Page[Any]:
    """A page from ``limit`` + 1 rows fetched by ``keyset``; rows need ``created_at`` and ``id``."""
    items = found[:limit]
    more = len(found) > limit
    return Page(
        items=[render(item) for item in items],
        next_cursor=encode_cursor(items[-1].created_at, str(items[-1].id)) if more else None,
    )
