"""JWT bearer authentication and roles, in local (HS256) and OIDC (RS256/ES256 via JWKS) mode."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Annotated, Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import APIRouter, Depends

from keten_shared.audit import current_actor
from keten_shared.http.auth import SUPERVISOR, Principal, mint_token, require_roles
from keten_shared.settings import DEV_JWT_SECRET, ServiceSettings

ROLE = "probe-officer"
PROBLEM_JSON = "application/problem+json"

router = APIRouter()


@router.get("/probe/whoami")
async def whoami(who: Annotated[Principal, Depends(require_roles(ROLE, SUPERVISOR))]) -> dict[str, Any]:
    return {"subject": who.subject, "roles": sorted(who.roles), "actor": current_actor()}


def claims(**changes: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    values = {
        "sub": "alice",
        "roles": [ROLE],
        "iss": "keten-local",
        "aud": "keten",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
    }
    return {k: v for k, v in (values | changes).items() if v is not None}


def local_token(secret: str = DEV_JWT_SECRET, **changes: Any) -> str:
    return jwt.encode(claims(**changes), secret, algorithm="HS256")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def assert_unauthenticated(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert body["type"] == "urn:keten:problem:unauthenticated"
    assert body["status"] == 401 and body["instance"] == "/probe/whoami"


async def test_local_mode_accepts_a_minted_token_and_binds_the_actor(bare_app, kit) -> None:
    async with bare_app(kit.probe_spec(routers=[router])) as (app, client):
        settings: ServiceSettings = app.state.runtime.settings
        token = mint_token(settings, subject="alice", roles=[ROLE], ttl=timedelta(minutes=5), now=datetime.now(UTC))
        response = await client.get("/probe/whoami", headers=bearer(token))
        assert response.status_code == 200
        assert response.json() == {"subject": "alice", "roles": [ROLE], "actor": "user:alice"}
        # Any of the admitted roles will do.
        response = await client.get("/probe/whoami", headers=bearer(local_token(roles=["auditor", SUPERVISOR])))
        assert response.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="missing"),
        pytest.param({"Authorization": "Basic YWxpY2U6c2VjcmV0"}, id="not-bearer"),
        pytest.param(bearer("not-a-jwt"), id="malformed"),
        pytest.param(bearer(local_token(exp=int(time.time()) - 60)), id="expired"),
        pytest.param(bearer(local_token(aud="another-api")), id="wrong-audience"),
        pytest.param(bearer(local_token(iss="someone-else")), id="wrong-issuer"),
        pytest.param(bearer(local_token(secret="another-secret-of-32-bytes-or-more!!")), id="wrong-signature"),
        pytest.param(bearer(local_token(sub=None)), id="no-subject"),
        pytest.param(bearer(local_token(exp=None)), id="no-expiry"),
        pytest.param(bearer(jwt.encode(claims(), key=None, algorithm="none")), id="unsigned"),
    ],
)
async def test_bad_credentials_are_401_problems(bare_app, kit, headers: dict[str, str]) -> None:
    async with bare_app(kit.probe_spec(routers=[router])) as (_app, client):
        await assert_unauthenticated(await client.get("/probe/whoami", headers=headers))


async def test_a_valid_token_without_the_role_is_403(bare_app, kit) -> None:
    async with bare_app(kit.probe_spec(routers=[router])) as (_app, client):
        response = await client.get("/probe/whoami", headers=bearer(local_token(roles=["auditor"])))
        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM_JSON
        body = response.json()
        assert body["type"] == "urn:keten:problem:forbidden"
        assert ROLE in body["detail"] and SUPERVISOR in body["detail"]
        assert "www-authenticate" not in response.headers
        # No roles claim at all: authenticated, but admitted nowhere.
        response = await client.get("/probe/whoami", headers=bearer(local_token(roles=None)))
        assert response.status_code == 403


async def test_roles_are_read_from_a_nested_claim(bare_app, kit) -> None:
    async with bare_app(kit.probe_spec(routers=[router]), auth_roles_claim="realm_access.roles") as (_app, client):
        nested = local_token(roles=None, realm_access={"roles": [ROLE]})
        response = await client.get("/probe/whoami", headers=bearer(nested))
        assert response.status_code == 200 and response.json()["roles"] == [ROLE]
        top_level_only = local_token(roles=[ROLE])
        assert (await client.get("/probe/whoami", headers=bearer(top_level_only))).status_code == 403
        not_a_list = local_token(roles=None, realm_access={"roles": ROLE})
        assert (await client.get("/probe/whoami", headers=bearer(not_a_list))).status_code == 403


class JwksServer:
    """An identity provider's JWKS endpoint over real HTTP (PyJWKClient refuses file:// URLs)."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.delay = 0.0
        self.requests = 0
        self.fetch_started, self.fetch_finished = threading.Event(), threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests += 1
                server.fetch_started.set()
                time.sleep(server.delay)
                body = json.dumps({"keys": server.keys}).encode()
                server.fetch_finished.set()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/.well-known/jwks.json"

    def add(self, private_key: Any, kid: str, alg: str) -> None:
        algorithm = jwt.get_algorithm_by_name(alg)
        jwk = json.loads(algorithm.to_jwk(private_key.public_key()))
        self.keys.append(jwk | {"kid": kid, "use": "sig", "alg": alg})


@pytest.fixture
def jwks() -> Iterator[JwksServer]:
    server = JwksServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def oidc_settings(jwks: JwksServer) -> dict[str, Any]:
    return {
        "auth_mode": "oidc",
        "auth_jwks_url": jwks.url,
        "auth_issuer": "https://idp.example/realms/keten",
        "auth_audience": "keten-probe",
        "auth_roles_claim": "realm_access.roles",
    }


def idp_token(key: Any, kid: str, alg: str = "RS256", **changes: Any) -> str:
    values = claims(iss="https://idp.example/realms/keten", aud="keten-probe", roles=None)
    values |= {"realm_access": {"roles": [ROLE]}} | changes
    return jwt.encode({k: v for k, v in values.items() if v is not None}, key, algorithm=alg, headers={"kid": kid})


async def test_oidc_mode_verifies_tokens_against_the_jwks(bare_app, kit, jwks: JwksServer) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    jwks.add(rsa_key, "rsa-1", "RS256")
    jwks.add(ec_key, "ec-1", "ES256")
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    async with bare_app(kit.probe_spec(routers=[router]), **oidc_settings(jwks)) as (app, client):
        response = await client.get("/probe/whoami", headers=bearer(idp_token(rsa_key, "rsa-1")))
        assert response.status_code == 200, response.text
        assert response.json() == {"subject": "alice", "roles": [ROLE], "actor": "user:alice"}
        ok = await client.get("/probe/whoami", headers=bearer(idp_token(ec_key, "ec-1", alg="ES256")))
        assert ok.status_code == 200

        for token in [
            idp_token(impostor, "rsa-1"),  # the right kid, the wrong key
            idp_token(rsa_key, "unknown-kid"),
            idp_token(rsa_key, "rsa-1", aud="keten"),
            idp_token(rsa_key, "rsa-1", iss="keten-local"),
            idp_token(rsa_key, "rsa-1", exp=int(time.time()) - 60),
            local_token(),  # a development token is worthless here
            jwt.encode(claims(), DEV_JWT_SECRET, algorithm="HS256", headers={"kid": "rsa-1"}),
        ]:
            await assert_unauthenticated(await client.get("/probe/whoami", headers=bearer(token)))

        no_role = idp_token(rsa_key, "rsa-1", realm_access={"roles": ["auditor"]})
        assert (await client.get("/probe/whoami", headers=bearer(no_role))).status_code == 403

        settings: ServiceSettings = app.state.runtime.settings
        with pytest.raises(RuntimeError, match="local auth mode"):
            mint_token(settings, subject="alice", roles=[ROLE], ttl=timedelta(minutes=5), now=datetime.now(UTC))


async def test_fetching_the_jwks_does_not_block_other_requests(bare_app, kit, jwks: JwksServer) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks.add(rsa_key, "rsa-1", "RS256")
    jwks.delay = 0.5  # a slow identity provider

    async with bare_app(kit.probe_spec(routers=[router]), **oidc_settings(jwks)) as (_app, client):
        authenticated = asyncio.ensure_future(client.get("/probe/whoami", headers=bearer(idp_token(rsa_key, "rsa-1"))))
        await kit.wait_for(jwks.fetch_started.is_set)
        # The event loop is free while the keys are on their way: other requests are served.
        assert not jwks.fetch_finished.is_set()
        assert (await client.get("/health/live")).status_code == 200
        assert not jwks.fetch_finished.is_set()
        assert (await authenticated).status_code == 200
        assert jwks.requests == 1
