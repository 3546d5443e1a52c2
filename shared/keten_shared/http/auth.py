"""JWT bearer authentication with roles per service.

Local mode verifies HS256 tokens minted by ``keten token``; OIDC mode verifies the identity
provider's RS256/ES256 tokens against its JWKS. Issuer, audience and expiry are always checked.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from keten_shared.audit import acting_as
from keten_shared.errors import Forbidden, Unauthenticated
from keten_shared.settings import AuthMode, ServiceSettings

SUPERVISOR = "supervisor"
AUDITOR = "auditor"


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]

    @property
    def actor(self) -> str:
        return f"user:{self.subject}"


class TokenVerifier:
    def __init__(self, settings: ServiceSettings) -> None:
        self._settings = settings
        self._jwks = jwt.PyJWKClient(settings.auth_jwks_url) if settings.auth_mode is AuthMode.OIDC else None

    @property
    def may_block(self) -> bool:
        return self._jwks is not None

    def verify(self, token: str) -> Principal:
        s = self._settings
        try:
            if self._jwks is not None:
                key: Any = self._jwks.get_signing_key_from_jwt(token).key
                algorithms = ["RS256", "ES256"]
            else:
                key, algorithms = s.auth_jwt_secret.get_secret_value(), ["HS256"]
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=s.auth_audience,
                issuer=s.auth_issuer,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from exc
        return Principal(subject=str(claims["sub"]), roles=frozenset(_roles(claims, s.auth_roles_claim)))


def _roles(claims: dict[str, Any], path: str) -> list[str]:
    value: Any = claims
    for part in path.split("."):  # e.g. "realm_access.roles" for Keycloak
        value = value.get(part, {}) if isinstance(value, dict) else {}
    return [str(r) for r in value] if isinstance(value, list) else []


def mint_token(settings: ServiceSettings, *, subject: str, roles: list[str], ttl: timedelta, now: datetime) -> str:
    """A development token for local mode; refused in OIDC mode, where the identity provider issues them."""
    if settings.auth_mode is not AuthMode.LOCAL:
        raise RuntimeError("development tokens exist only in local auth mode")
    claims = {
        "sub": subject,
        "roles": roles,
        "iss": settings.auth_issuer,
        "aud": settings.auth_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(claims, settings.auth_jwt_secret.get_secret_value(), algorithm="HS256")


_bearer = HTTPBearer(auto_error=False, description="JWT with the caller's roles")


async def principal(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("a bearer token is required")
    verifier: TokenVerifier = request.app.state.runtime.token_verifier
    if verifier.may_block:  # OIDC: verifying may fetch the JWKS with blocking urllib, so off the event loop
        return await asyncio.to_thread(verifier.verify, credentials.credentials)
    return verifier.verify(credentials.credentials)


def require_roles(*roles: str) -> Callable[..., AsyncIterator[Principal]]:
    """A dependency admitting callers holding any of ``roles``; the caller becomes the audit actor."""
    allowed = frozenset(roles)

    async def dependency(who: Principal = Depends(principal)) -> AsyncIterator[Principal]:
        if not who.roles & allowed:
            raise Forbidden(f"requires one of the roles: {', '.join(sorted(allowed))}")
        with acting_as(who.actor):
            yield who

    return dependency
