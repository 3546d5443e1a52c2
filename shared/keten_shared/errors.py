"""Errors a service's domain and service layer raise; the HTTP layer maps each to problem+json.

Plain Python, so domain code can raise them without importing a web framework.
"""

from __future__ import annotations

from typing import Any


class KetenError(Exception):
    status = 500
    slug = "internal-error"
    title = "Internal error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(KetenError):
    status, slug, title = 404, "not-found", "Not found"


class TransitionNotAllowed(KetenError):
    """The state machine forbids this step from the record's current state."""

    status, slug, title = 409, "transition-not-allowed", "Transition not allowed"


class ConcurrentModification(KetenError):
    """Someone else changed the record between this request reading and writing it."""

    status, slug, title = 409, "concurrent-modification", "Concurrent modification"


class PreconditionFailed(KetenError):
    """If-Match named a version that is no longer current (optimistic concurrency)."""

    status, slug, title = 412, "precondition-failed", "Precondition failed"


class InvalidData(KetenError):
    """Well-formed input that breaks a rule of the domain."""

    status, slug, title = 422, "invalid-data", "Invalid data"


class Unauthenticated(KetenError):
    status, slug, title = 401, "unauthenticated", "Authentication required"


class Forbidden(KetenError):
    status, slug, title = 403, "forbidden", "Forbidden"
