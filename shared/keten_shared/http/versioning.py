"""Optimistic concurrency for REST resources: the ETag is the record's version, checked by If-Match."""

from __future__ import annotations

from fastapi import Request, Response

from keten_shared.errors import PreconditionFailed


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def check_if_match(request: Request, current_version: int) -> None:
    """Refuse the change when the caller's If-Match names another version (RFC 9110 §13.1.1)."""
    header = request.headers.get("if-match")
    if header is None or header.strip() == "*":
        return
    # Weak tags are accepted as their strong form: compressing proxies weaken the ETags we send.
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if etag(current_version) not in candidates:
        raise PreconditionFailed(
            f"the record is at version {current_version}; reload it and try again",
            current_etag=etag(current_version),
        )
