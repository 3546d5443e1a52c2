"""Checks every request gets before its route sees it."""

from __future__ import annotations

import re

from fastapi import Request

from keten_shared.errors import InvalidData

# A JSON string holds U+0000 only as the escape \u0000 (preceded by an even number of backslashes).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


async def refuse_nul_characters(request: Request) -> None:
    """PostgreSQL text cannot hold U+0000: refuse it here with a 422 rather than fail at the database."""
    in_query = any("\x00" in key or "\x00" in value for key, value in request.query_params.multi_items())
    if "\x00" in request.url.path or in_query or _JSON_NUL.search(await request.body()):
        raise InvalidData("the request contains a NUL character (U+0000)")
