"""Optimistic concurrency (ETag / If-Match) and keyset pagination, on a small table of the test's own."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, update

from keten_shared.db.engine import create_engine
from keten_shared.db.types import UTCDateTime
from keten_shared.errors import NotFound
from keten_shared.http.pagination import Page, encode_cursor, keyset, page
from keten_shared.http.versioning import check_if_match, set_etag
from keten_shared.service import unit_of_work
from keten_shared.uow import UnitOfWork

metadata = MetaData()
items = Table(
    "probe_items",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)
T0 = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)

router = APIRouter(prefix="/probe/items")
UoW = Annotated[UnitOfWork, Depends(unit_of_work)]


class ItemOut(BaseModel):
    id: str
    name: str
    version: int


class Rename(BaseModel):
    name: str


async def _load(uow: UnitOfWork, item_id: str) -> Any:
    row = (await uow.session.execute(select(items).where(items.c.id == item_id))).first()
    if row is None:
        raise NotFound(f"no item {item_id}")
    return row


@router.get("")
async def list_items(
    uow: UoW, cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=50)] = 3
) -> Page[ItemOut]:
    found = list(
        (await uow.session.execute(keyset(select(items), items.c.created_at, items.c.id, cursor, limit))).all()
    )
    return page(found, limit, lambda row: ItemOut(id=row.id, name=row.name, version=row.version))


@router.get("/{item_id}")
async def get_item(item_id: str, uow: UoW, response: Response) -> ItemOut:
    row = await _load(uow, item_id)
    set_etag(response, row.version)
    return ItemOut(id=row.id, name=row.name, version=row.version)


@router.put("/{item_id}")
async def rename_item(item_id: str, body: Rename, uow: UoW, request: Request, response: Response) -> ItemOut:
    row = await _load(uow, item_id)
    check_if_match(request, row.version)
    await uow.session.execute(
        update(items).where(items.c.id == item_id).values(name=body.name, version=row.version + 1)
    )
    await uow.commit()
    set_etag(response, row.version + 1)
    return ItemOut(id=item_id, name=body.name, version=row.version + 1)


@pytest.fixture
async def app_with_items(bare_app, plumbing_url, kit):  # type: ignore[no-untyped-def]
    engine = create_engine(plumbing_url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(
            insert(items),
            [
                # Three share one instant: the id breaks the tie.
                {"id": f"item-{n}", "name": f"n{n}", "created_at": T0 + timedelta(minutes=min(n, 4)), "version": 1}
                for n in (6, 3, 0, 5, 1, 4, 2)
            ],
        )
    await engine.dispose()
    async with bare_app(kit.probe_spec(routers=[router]), database_url=plumbing_url) as (_app, client):
        yield client


async def test_if_match_guards_against_lost_updates(app_with_items) -> None:
    client = app_with_items
    response = await client.get("/probe/items/item-1")
    assert response.status_code == 200 and response.headers["etag"] == '"1"'

    first = await client.put("/probe/items/item-1", json={"name": "first"}, headers={"If-Match": '"1"'})
    assert first.status_code == 200 and first.headers["etag"] == '"2"'

    stale = await client.put("/probe/items/item-1", json={"name": "stale"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    body = stale.json()
    assert body["type"] == "urn:keten:problem:precondition-failed"
    assert body["current_etag"] == '"2"'
    assert (await client.get("/probe/items/item-1")).json()["name"] == "first"

    listed = await client.put("/probe/items/item-1", json={"name": "listed"}, headers={"If-Match": '"7", "2"'})
    assert listed.status_code == 200 and listed.headers["etag"] == '"3"'
    anything = await client.put("/probe/items/item-1", json={"name": "any"}, headers={"If-Match": "*"})
    assert anything.status_code == 200 and anything.headers["etag"] == '"4"'
    unquoted = await client.put("/probe/items/item-1", json={"name": "x"}, headers={"If-Match": "4"})
    assert unquoted.status_code == 412  # an entity tag is a quoted string


async def test_keyset_pages_cover_every_row_once_in_order(app_with_items) -> None:
    client = app_with_items
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        response = await client.get("/probe/items", params=params)
        assert response.status_code == 200
        body = response.json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == [f"item-{n}" for n in range(7)]  # by (created_at, id), ties included

    whole = (await client.get("/probe/items", params={"limit": 7})).json()
    assert whole["next_cursor"] is None and len(whole["items"]) == 7
    assert (await client.get("/probe/items", params={"limit": 0})).status_code == 422


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(json.dumps(["yesterday", "item-1"]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([1, 2, 3]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps(["2026-04-01T12:00:00", "item-1"]).encode()).decode(),  # no offset
    ],
)
async def test_a_forged_cursor_is_a_422_problem(app_with_items, cursor: str) -> None:
    response = await app_with_items.get("/probe/items", params={"cursor": cursor})
    assert response.status_code == 422, response.text
    assert response.json()["type"] == "urn:keten:problem:invalid-data"


async def test_a_cursor_from_another_zone_means_the_same_instant(app_with_items) -> None:
    from zoneinfo import ZoneInfo

    local = (T0 + timedelta(minutes=1)).astimezone(ZoneInfo("Europe/Amsterdam"))
    response = await app_with_items.get("/probe/items", params={"cursor": encode_cursor(local, "item-1")})
    assert [item["id"] for item in response.json()["items"]] == ["item-2", "item-3", "item-4"]
