"""Reading and changing records over REST. Every read of a record by a person goes to the audit log
(ARCHITECTURE.md, Data), whether it is read alone or as part of a list; a change is made to the version the
caller saw (If-Match) and answers with the new one (ETag)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request, Response
from sqlalchemy import ColumnElement

from keten_shared.db.repository import Repository
from keten_shared.http.pagination import Page, page
from keten_shared.http.versioning import check_if_match, set_etag
from keten_shared.uow import UnitOfWork

T = TypeVar("T")


async def read_one(uow: UnitOfWork, repository: Repository[T], item_id: str, response: Response) -> T:
    """The record (404 if unknown), with its version as ETag."""
    item = await repository.get(item_id)
    uow.audit(f"{repository.entity_type}.read", entity_type=repository.entity_type, entity_id=item_id)
    await uow.commit()
    set_etag(response, item.version)  # type: ignore[attr-defined]
    return item


async def read_page(
    uow: UnitOfWork,
    repository: Repository[T],
    render: Callable[[T], Any],
    *conditions: ColumnElement[bool],
    cursor: str | None,
    limit: int,
    **filters: Any,
) -> Page[Any]:
    """One page of the records matching ``conditions`` and ``filters`` (None means no filter)."""
    found = await repository.list(*conditions, cursor=cursor, limit=limit, **filters)
    result = page(found, limit, render)
    for item in found[:limit]:
        uow.audit(
            f"{repository.entity_type}.read",
            entity_type=repository.entity_type,
            entity_id=str(item.id),  # type: ignore[attr-defined]
            details={"in_list": True},
        )
    await uow.commit()
    return result


async def load_for_change(repository: Repository[T], item_id: str, request: Request) -> T:
    """The record to change (404 if unknown; 412 if If-Match names another version)."""
    item = await repository.get(item_id)
    check_if_match(request, item.version)  # type: ignore[attr-defined]
    return item


async def committed(uow: UnitOfWork, item: T, response: Response) -> T:
    """Commit the change to `item` and answer with its new version as ETag."""
    await uow.commit()
    set_etag(response, item.version)  # type: ignore[attr-defined]
    return item
