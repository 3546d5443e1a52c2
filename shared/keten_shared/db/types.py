"""Column types that behave the same on PostgreSQL and SQLite."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ColumnElement,
    DateTime,
    Enum,
    Integer,
    exists,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.types import TypeDecorator, TypeEngine


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware instants stored in UTC; SQLite keeps no offset, so it is restored on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSONB on PostgreSQL (indexable), plain JSON text elsewhere.
JSONDocument = JSON().with_variant(JSONB(), "postgresql")

# A 64-bit surrogate key; SQLite only auto-increments an INTEGER PRIMARY KEY.
BigIntKey = BigInteger().with_variant(Integer(), "sqlite")


def str_enum(cls: type[enum.StrEnum]) -> Enum:
    """A string enum stored by value in a VARCHAR (no database enum type to migrate)."""
    return Enum(cls, native_enum=False, length=40, values_callable=lambda members: [m.value for m in members])


class PydanticJSON(TypeDecorator[Any]):
    """A frozen Pydantic model stored as a JSON document (JSONB on PostgreSQL)."""

    impl = JSON
    cache_ok = True

    def __init__(self, model: type[BaseModel]) -> None:
        super().__init__()
        self.model = model

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def process_bind_param(self, value: BaseModel | None, dialect: Dialect) -> Any:
        return None if value is None else value.model_dump(mode="json")

    def process_result_value(self, value: Any, dialect: Dialect) -> BaseModel | None:
        return None if value is None else self.model.model_validate(value)


class json_array_contains(ColumnElement[bool]):  # an SQL expression, named like the function it acts as
    """``column`` (a JSON array of strings) contains ``value``; JSONB containment on PostgreSQL."""

    inherit_cache = True
    type = Boolean()

    def __init__(self, column: ColumnElement[Any], value: str) -> None:
        self.column = column
        self.value = value


@compiles(json_array_contains, "postgresql")
def _contains_postgresql(element: json_array_contains, compiler: Any, **kw: Any) -> str:
    array = func.jsonb_build_array(literal(element.value))
    return compiler.process(element.column.op("@>")(array), **kw)


@compiles(json_array_contains)
def _contains_generic(element: json_array_contains, compiler: Any, **kw: Any) -> str:
    members = select(literal(1)).select_from(func.json_each(element.column).table_valued("value"))
    members = members.where(literal_column("value") == literal(element.value))
    return compiler.process(exists(members), **kw)
