"""A repository for an aggregate mapped onto one table: get, add, find and list with keyset paging."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from keten_shared.errors import NotFound
from keten_shared.http.pagination import keyset

T = TypeVar("T")


class Repository(Generic[T]):
    """Subclasses set ``entity`` (the mapped domain class), ``table`` and ``entity_type`` (audit log, messages)."""

    entity: type[T]
    table: Table
    entity_type: str

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, item: T) -> None:
        self.session.add(item)

    async def get(self, item_id: str) -> T:
        item = await self.session.get(self.entity, item_id)
        if item is None:
            raise NotFound(f"no {self.entity_type.replace('_', ' ')} {item_id}")
        return item

    async def find_one(self, **equal: Any) -> T | None:
        query = select(self.entity).where(*(self.table.c[name] == value for name, value in equal.items()))
        return (await self.session.execute(query)).scalars().first()

    async def list(self, *conditions: ColumnElement[bool], cursor: str | None, limit: int, **equal: Any) -> list[T]:
        """Items matching ``conditions`` and every non-None equality filter, oldest first, at most ``limit`` + 1
        (to detect a next page)."""
        query = select(self.entity).where(
            *conditions, *(self.table.c[name] == value for name, value in equal.items() if value is not None)
        )
        query = keyset(query, self.table.c.created_at, self.table.c.id, cursor, limit)
        return list((await self.session.execute(query)).scalars())
