"""Service settings from KETEN_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from keten_shared.deadlines import LibertyCapPolicy, Rule, WindowBoundary
from keten_shared.settings import AuthMode, LogFormat, ServiceSettings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("KETEN_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env or relative paths from the repository


def test_defaults_are_the_embedded_local_mode() -> None:
    settings = ServiceSettings()
    assert settings.database_url_for("screening").startswith("sqlite+aiosqlite:///")
    assert settings.auth_mode is AuthMode.LOCAL and settings.log_format is LogFormat.JSON
    assert settings.deadlines.liberty_cap_policy is LibertyCapPolicy.UNROLLED
    assert settings.base_url == "http://127.0.0.1:8000"


def test_environment_variables_with_the_keten_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETEN_DATABASE_URL", "postgresql+asyncpg://keten@db/asylum")
    monkeypatch.setenv("KETEN_TOPIC_PARTITIONS", "7")
    monkeypatch.setenv("KETEN_CONSUMER_ENABLED", "false")
    monkeypatch.setenv("KETEN_MEMBER_STATE", "BE")
    monkeypatch.setenv("KETEN_AUTH_JWT_SECRET", "s3cret")
    monkeypatch.setenv("KETEN_PUBLIC_URL", "https://asylum.example")
    monkeypatch.setenv("KETEN_DEADLINES__LIBERTY_CAP_POLICY", "LEGAL")
    monkeypatch.setenv("KETEN_DEADLINES__WINDOW_BOUNDARY", "STRICT_ANNIVERSARY")
    monkeypatch.setenv("KETEN_DEADLINES__NATIONAL_RULE", '{"be": {"RD.7.1": "APR_73"}}')
    monkeypatch.setenv("TOPIC_PARTITIONS", "99")  # without the prefix: not ours

    settings = ServiceSettings()
    assert settings.database_url == "postgresql+asyncpg://keten@db/asylum"
    assert settings.topic_partitions == 7
    assert settings.consumer_enabled is False
    assert settings.member_state == "BE"
    assert settings.auth_jwt_secret.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)
    assert settings.base_url == "https://asylum.example"
    assert settings.deadlines.liberty_cap_policy is LibertyCapPolicy.LEGAL
    assert settings.deadlines.window_boundary is WindowBoundary.STRICT_ANNIVERSARY
    assert settings.deadlines.national_rule == {"BE": {"RD.7.1": Rule.APR_73}}
    assert settings.database_url_for("asylum") == settings.database_url


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KETEN_MEMBER_STATE", "nl"),
        ("KETEN_TOPIC_PARTITIONS", "0"),
        ("KETEN_HTTP_PORT", "70000"),
        ("KETEN_DEADLINES__LIBERTY_CAP_POLICY", "SOMETIMES"),
        ("KETEN_DEADLINES__NO_SUCH_KEY", "1"),
        ("KETEN_AUTH_MODE", "oidc"),  # without KETEN_AUTH_JWKS_URL
    ],
)
def test_invalid_values_fail_validation(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        ServiceSettings()


def test_oidc_needs_a_jwks_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETEN_AUTH_MODE", "oidc")
    with pytest.raises(ValidationError, match="KETEN_AUTH_JWKS_URL"):
        ServiceSettings()
    monkeypatch.setenv("KETEN_AUTH_JWKS_URL", "https://idp.example/jwks")
    assert ServiceSettings().auth_mode is AuthMode.OIDC


def test_each_service_has_its_own_database_by_default() -> None:
    assert ServiceSettings().database_url_for("asylum") == "sqlite+aiosqlite:///.keten/asylum.db"
    assert ServiceSettings().database_url_for("return") == "sqlite+aiosqlite:///.keten/return.db"
    configured = ServiceSettings(database_url="postgresql+asyncpg://db/asylum")
    assert configured.database_url_for("asylum") == "postgresql+asyncpg://db/asylum"
