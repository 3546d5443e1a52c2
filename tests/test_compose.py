"""The operators' stack: docker-compose.yml, services/*/Dockerfile and deploy/postgres/.

There is no Docker engine here and the Compose Specification's JSON Schema cannot be fetched
offline, so these tests read the files and check what `docker compose up` depends on: the
services, images, ports, start order, health checks, settings and databases. Variables in the
compose file are resolved the way `docker compose` resolves them with nothing set (no `.env`).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import types
import typing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from keten_shared.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SERVICE_PORTS = {"screening": 8001, "asylum": 8002, "reception": 8003, "dublin": 8004, "return": 8005}
SERVICES = list(SERVICE_PORTS)
CONTAINER_PORT = 8000
KAFKA_ADDRESS = "kafka:9092"  # what the services bootstrap from, inside the compose network
BROKERS = 1  # single-node Kafka: no topic can have more replicas than this
# Settings that must be equal in every service: tokens minted for one are checked by all, events
# cross service boundaries on shared topics, and deadlines are computed for one member state.
MUST_AGREE = re.compile(r"^(auth_|member_state$|timezone$|deadlines|topic_|kafka_bootstrap_servers$)")
INITDB_DIR = "/docker-entrypoint-initdb.d"
POSTGRES_DATA = "/var/lib/postgresql/data"

# A subset check in lieu of the Compose Specification's JSON Schema: a misspelt key (say
# `depend_on` or `healthchek`) is rejected by `docker compose` and must fail here too.
TOP_LEVEL_KEYS = {"name", "version", "services", "networks", "volumes", "secrets", "configs", "include"}
SERVICE_KEYS = {
    "annotations",
    "attach",
    "build",
    "cap_add",
    "cap_drop",
    "cgroup",
    "command",
    "configs",
    "container_name",
    "cpus",
    "depends_on",
    "deploy",
    "develop",
    "devices",
    "dns",
    "entrypoint",
    "env_file",
    "environment",
    "expose",
    "extends",
    "extra_hosts",
    "healthcheck",
    "hostname",
    "image",
    "init",
    "labels",
    "logging",
    "mem_limit",
    "mem_reservation",
    "network_mode",
    "networks",
    "platform",
    "ports",
    "privileged",
    "profiles",
    "pull_policy",
    "read_only",
    "restart",
    "secrets",
    "security_opt",
    "shm_size",
    "stop_grace_period",
    "stop_signal",
    "sysctls",
    "tmpfs",
    "ulimits",
    "user",
    "volumes",
    "working_dir",
}
HEALTHCHECK_KEYS = {"test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"}
DEPENDS_ON_KEYS = {"condition", "restart", "required"}


# --- reading the files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    assert COMPOSE_FILE.is_file(), f"{COMPOSE_FILE} is missing"
    document = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(document, dict), "docker-compose.yml must be a mapping"
    assert isinstance(document.get("services"), dict), "docker-compose.yml needs a `services` mapping"
    return document


def service(compose: dict[str, Any], name: str) -> dict[str, Any]:
    assert name in compose["services"], f"docker-compose.yml has no `{name}` service"
    return compose["services"][name]


_VARIABLE = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_]\w*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|\$(?P<bare>[A-Za-z_]\w*)")


def interpolate(value: str) -> str:
    """`value` as `docker compose` sees it when none of the variables is set."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        if match.group("bare") or not match.group("op"):
            return ""
        if "?" in match.group("op"):
            pytest.fail(
                f"{value!r} makes `docker compose up` fail unless {match.group('name')} is set; "
                "give it a default with ${VAR:-default}"
            )
        return match.group("arg")

    return _VARIABLE.sub(substitute, value)


def environment(svc: dict[str, Any], *, raw: bool = False) -> dict[str, str | None]:
    """A service's environment as a mapping (compose allows a list of NAME=value too)."""
    env = svc.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    result: dict[str, str | None] = {}
    for key, value in env.items():
        if isinstance(value, bool):  # compose passes YAML booleans on as "true"/"false"
            value = str(value).lower()
        text = None if value is None else str(value)
        result[str(key)] = text if raw or text is None else interpolate(text)
    return result


def published_ports(svc: dict[str, Any]) -> list[tuple[int, int]]:
    """(host port, container port) pairs, from the short ("[ip:]host:container") or long syntax."""
    pairs = []
    for entry in svc.get("ports") or []:
        if isinstance(entry, dict):
            assert "published" in entry, f"port {entry} publishes nothing on the host"
            pairs.append((int(entry["published"]), int(entry["target"])))
            continue
        parts = interpolate(str(entry)).split("/")[0].split(":")
        assert len(parts) >= 2, f"port {entry!r} publishes no fixed host port"
        pairs.append((int(parts[-2]), int(parts[-1])))
    return pairs


def healthcheck_command(svc: dict[str, Any]) -> str:
    check = svc.get("healthcheck") or {}
    assert not check.get("disable"), "the health check is disabled"
    test = check.get("test")
    assert test, "the healthcheck has no `test`"
    if isinstance(test, list):
        assert test[0] in ("CMD", "CMD-SHELL"), f"healthcheck test must start with CMD or CMD-SHELL: {test}"
        return " ".join(str(part) for part in test[1:])
    return str(test)


def volume_mounts(svc: dict[str, Any]) -> list[tuple[str, str]]:
    """(source, target) pairs from the short ("source:target[:mode]") or long syntax."""
    mounts = []
    for entry in svc.get("volumes") or []:
        if isinstance(entry, dict):
            mounts.append((str(entry.get("source", "")), str(entry["target"])))
        else:
            parts = str(entry).split(":")
            mounts.append((parts[0], parts[1]) if len(parts) > 1 else ("", parts[0]))
    return mounts


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    instructions, pending = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def kafka_listeners(value: str) -> dict[str, tuple[str, int]]:
    """ "NAME://host:port,..." as {NAME: (host, port)}."""
    listeners = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        name, _, address = item.partition("://")
        host, _, port = address.rpartition(":")
        listeners[name] = (host, int(port))
    return listeners


# --- pydantic-settings: which field an environment variable fills -----------------------------------


def _nested(annotation: Any) -> type[BaseModel] | type[dict] | None:
    """The model (or dict) a nested variable descends into, or None for a plain value."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        candidates = [_nested(arg) for arg in typing.get_args(annotation) if arg is not type(None)]
        return next((c for c in candidates if c is not None), None)
    if typing.get_origin(annotation) is dict or annotation is dict:
        return dict
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def settings_field(env_name: str) -> str | None:
    """The dotted field of ServiceSettings that `env_name` sets, or None if it sets nothing.

    Uses the model's own env_prefix and env_nested_delimiter: KETEN_DEADLINES__LIBERTY_CAP_POLICY
    is `deadlines.liberty_cap_policy`. (The model ignores unknown variables, so a misspelt name
    would otherwise be dropped silently.)
    """
    config = ServiceSettings.model_config
    prefix, delimiter = config.get("env_prefix", ""), config.get("env_nested_delimiter")
    if not config.get("case_sensitive", False):
        env_name, prefix = env_name.lower(), prefix.lower()
    if not env_name.startswith(prefix):
        return None
    rest = env_name[len(prefix) :]
    parts = rest.split(delimiter) if delimiter else [rest]
    model: Any = ServiceSettings
    for index, part in enumerate(parts):
        if model is dict:  # a mapping field takes any key below it
            return ".".join(parts)
        if model is None or part not in model.model_fields:
            return None
        model = _nested(model.model_fields[part].annotation) if index + 1 < len(parts) else None
    return ".".join(parts)


def known_variables() -> list[str]:
    config = ServiceSettings.model_config
    return [config.get("env_prefix", "") + name.upper() for name in ServiceSettings.model_fields]


def test_settings_field_mapping_follows_the_model() -> None:
    """The helper the tests below rely on: nested, mapping and unknown names."""
    assert settings_field("KETEN_DATABASE_URL") == "database_url"
    assert settings_field("KETEN_DEADLINES__LIBERTY_CAP_POLICY") == "deadlines.liberty_cap_policy"
    assert settings_field("KETEN_DEADLINES__NATIONAL_RULE__NL") == "deadlines.national_rule.nl"
    assert settings_field("KETEN_DATABASE_URI") is None
    assert settings_field("KETEN_DEADLINES__NO_SUCH_KEY") is None
    assert settings_field("KETEN_HTTP_PORT__X") is None
    assert settings_field("DATABASE_URL") is None


# --- the file as a whole ---------------------------------------------------------------------------


def test_top_level_and_service_keys_are_compose_keys(compose: dict[str, Any]) -> None:
    unknown = {k for k in compose if k not in TOP_LEVEL_KEYS and not k.startswith("x-")}
    assert not unknown, f"not Compose Specification top-level keys: {sorted(unknown)}"
    for name, svc in compose["services"].items():
        unknown = {k for k in svc if k not in SERVICE_KEYS and not k.startswith("x-")}
        assert not unknown, f"service `{name}`: unknown keys {sorted(unknown)}"
        unknown = set(svc.get("healthcheck") or {}) - HEALTHCHECK_KEYS
        assert not unknown, f"service `{name}`: unknown healthcheck keys {sorted(unknown)}"
        depends_on = svc.get("depends_on")
        for dependency, spec in depends_on.items() if isinstance(depends_on, dict) else ():
            unknown = set(spec or {}) - DEPENDS_ON_KEYS
            assert not unknown, f"service `{name}`: unknown depends_on.{dependency} keys {sorted(unknown)}"


def test_the_five_services_kafka_and_postgres_exist(compose: dict[str, Any]) -> None:
    missing = {*SERVICES, "kafka", "postgres"} - set(compose["services"])
    assert not missing, f"docker-compose.yml lacks the services {sorted(missing)}"


def test_published_host_ports_are_unique(compose: dict[str, Any]) -> None:
    seen: dict[int, str] = {}
    for name, svc in compose["services"].items():
        for host, _ in published_ports(svc):
            assert host not in seen, f"host port {host} is published by both `{seen[host]}` and `{name}`"
            seen[host] = name


def test_dockerignore_keeps_the_build_context_small() -> None:
    path = ROOT / ".dockerignore"
    assert path.is_file(), ".dockerignore is missing: the build context would include .venv and .git"
    patterns = {line.strip().rstrip("/") for line in path.read_text(encoding="utf-8").splitlines()}
    for needed in (".git", ".venv", ".keten"):
        assert needed in patterns or f"**/{needed}" in patterns, f".dockerignore does not exclude {needed}"


# --- the five services ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", SERVICES)
def test_service_builds_from_its_own_dockerfile(compose: dict[str, Any], name: str) -> None:
    build = service(compose, name).get("build")
    assert isinstance(build, dict), f"`{name}`: use `build: {{context: ., dockerfile: ...}}`, got {build!r}"
    context = (ROOT / str(build.get("context", "."))).resolve()
    assert context == ROOT, f"`{name}`: the build context must be the repository root, not {context}"
    dockerfile = (context / str(build.get("dockerfile", "Dockerfile"))).resolve()
    expected = ROOT / "services" / name / "Dockerfile"
    assert dockerfile == expected, f"`{name}` builds from {dockerfile}, expected {expected}"
    assert expected.is_file(), f"{expected} does not exist"


@pytest.mark.parametrize("name", SERVICES)
def test_dockerfile_installs_and_runs_its_service(name: str) -> None:
    path = ROOT / "services" / name / "Dockerfile"
    assert path.is_file(), f"{path} does not exist"
    instructions = dockerfile_instructions(path)
    keywords = [keyword for keyword, _ in instructions]
    values = {keyword: arguments for keyword, arguments in instructions}  # the last of each kind
    assert values.get("FROM", "").startswith("python:3.11"), f"{path}: FROM must be python:3.11(-slim)"

    commands = [keyword for keyword in keywords if keyword == "CMD"]
    assert commands, f"{path}: no CMD"
    try:
        command = json.loads(values["CMD"])
    except json.JSONDecodeError:
        pytest.fail(f"{path}: CMD must be in exec (JSON) form so that the service receives SIGTERM")
    assert command == ["python", "-m", f"keten_{name}", "serve"], f"{path}: CMD runs {command}"
    assert (ROOT / "services" / name / f"keten_{name}" / "__main__.py").is_file(), (
        f"CMD runs `python -m keten_{name}` but services/{name}/keten_{name}/__main__.py is missing"
    )

    # Dockerfiles are copied from one another: catch one that installs another service.
    mentioned = set(re.findall(r"services/(\w+)", path.read_text(encoding="utf-8")))
    assert mentioned == {name}, f"{path} refers to services {sorted(mentioned)}, expected only {name}"
    install = " ".join(arguments for keyword, arguments in instructions if keyword == "RUN")
    assert "pip install" in install and "-c constraints.txt" in install, (
        f"{path}: install with `pip install -c constraints.txt` (pinned versions)"
    )
    for package in ("./shared", f"./services/{name}"):
        assert package in install.split(), f"{path}: `pip install` does not install {package}"
    assert (ROOT / "services" / name / "pyproject.toml").is_file(), f"services/{name}/pyproject.toml missing"

    user = values.get("USER", "root").split(":")[0]
    assert user not in ("root", "0"), f"{path}: the service must run as a non-root USER"
    assert str(CONTAINER_PORT) in values.get("EXPOSE", "").split(), f"{path}: EXPOSE {CONTAINER_PORT}"


@pytest.mark.parametrize("name", SERVICES)
def test_service_publishes_its_port(compose: dict[str, Any], name: str) -> None:
    ports = published_ports(service(compose, name))
    expected = [(SERVICE_PORTS[name], CONTAINER_PORT)]
    assert ports == expected, f"`{name}` publishes {ports}, expected {expected} (host:container)"


@pytest.mark.parametrize("name", SERVICES)
def test_service_waits_for_healthy_kafka_and_postgres(compose: dict[str, Any], name: str) -> None:
    depends_on = service(compose, name).get("depends_on")
    assert isinstance(depends_on, dict), (
        f"`{name}`: depends_on must use the long form with `condition: service_healthy`, got {depends_on!r}"
    )
    for dependency in ("kafka", "postgres"):
        assert dependency in depends_on, f"`{name}` does not depend on {dependency}"
        condition = (depends_on[dependency] or {}).get("condition")
        assert condition == "service_healthy", (
            f"`{name}` waits for {dependency} with condition {condition!r}, expected service_healthy"
        )
        assert service(compose, dependency).get("healthcheck"), (
            f"`{name}` waits for {dependency} to be healthy but {dependency} has no healthcheck"
        )


@pytest.mark.parametrize("name", SERVICES)
def test_service_healthcheck_asks_for_readiness(compose: dict[str, Any], name: str) -> None:
    svc = service(compose, name)
    command = healthcheck_command(svc)
    assert "/health/ready" in command, f"`{name}`: the healthcheck must call /health/ready: {command}"
    assert f":{CONTAINER_PORT}/" in command, f"`{name}`: the healthcheck must use port {CONTAINER_PORT}"
    for tool in ("curl", "wget"):
        assert tool not in command.split(), f"`{name}`: python:3.11-slim has no {tool}; use python"
    assert svc.get("restart") == "unless-stopped", f"`{name}`: restart must be unless-stopped"


@pytest.mark.parametrize("name", SERVICES)
def test_service_environment_names_are_settings(compose: dict[str, Any], name: str) -> None:
    unknown = [
        key
        for key in environment(service(compose, name))
        if key.upper().startswith("KETEN_") and settings_field(key) is None
    ]
    hints = {key: difflib.get_close_matches(key.upper(), known_variables(), n=1) for key in unknown}
    assert not unknown, (
        f"`{name}` sets variables that are no ServiceSettings field (they would be ignored): "
        + ", ".join(f"{key} (did you mean {hint[0]}?)" if hint else key for key, hint in hints.items())
    )


@pytest.mark.parametrize("name", SERVICES)
def test_service_settings_are_complete_and_valid(
    compose: dict[str, Any], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = environment(service(compose, name))
    for required in (
        "KETEN_DATABASE_URL",
        "KETEN_KAFKA_BOOTSTRAP_SERVERS",
        "KETEN_HTTP_HOST",
        "KETEN_MIGRATE_ON_START",
    ):
        assert env.get(required), f"`{name}` does not set {required}"

    for key in list(os.environ):
        if key.upper().startswith("KETEN_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        if value is not None:
            monkeypatch.setenv(key, value)
    try:
        settings = ServiceSettings()
    except ValidationError as exc:
        raise AssertionError(f"`{name}`: its environment is not valid ServiceSettings:\n{exc}") from None

    assert settings.http_host == "0.0.0.0", f"`{name}` must listen on 0.0.0.0 inside its container"
    assert settings.http_port == CONTAINER_PORT, f"`{name}` listens on {settings.http_port}"
    assert settings.migrate_on_start is True, f"`{name}`: KETEN_MIGRATE_ON_START must be true"
    servers = [s.strip() for s in settings.kafka_bootstrap_servers.split(",")]
    assert servers == [KAFKA_ADDRESS], f"`{name}` bootstraps from {servers}, expected {KAFKA_ADDRESS}"
    assert settings.topic_replication_factor <= BROKERS, (
        f"`{name}` creates topics with {settings.topic_replication_factor} replicas on {BROKERS} broker(s)"
    )

    url = urlsplit(settings.database_url)
    postgres_env = environment(service(compose, "postgres"))
    assert url.scheme == "postgresql+asyncpg", f"`{name}`: database URL scheme is {url.scheme!r}"
    assert url.hostname == "postgres" and url.port in (None, 5432), (
        f"`{name}`: the database URL must point at postgres:5432, not {url.hostname}:{url.port}"
    )
    assert url.path == f"/{name}", f"`{name}` uses database {url.path.lstrip('/')!r}, expected {name!r}"
    assert url.username == postgres_env.get("POSTGRES_USER"), (
        f"`{name}` connects as {url.username!r}, not the POSTGRES_USER {postgres_env.get('POSTGRES_USER')!r}"
    )
    raw_url = environment(service(compose, name), raw=True)["KETEN_DATABASE_URL"] or ""
    raw_password = environment(service(compose, "postgres"), raw=True).get("POSTGRES_PASSWORD")
    assert urlsplit(raw_url).password == raw_password, (
        f"`{name}`: the password in its database URL must be written exactly as POSTGRES_PASSWORD "
        f"({raw_password!r}) so that both follow the operator's setting"
    )

    raw_secret = environment(service(compose, name), raw=True).get("KETEN_AUTH_JWT_SECRET") or ""
    assert "${KETEN_AUTH_JWT_SECRET" in raw_secret, (
        f"`{name}`: take KETEN_AUTH_JWT_SECRET from the operator (${{KETEN_AUTH_JWT_SECRET:-...}})"
    )


def test_services_agree_on_shared_settings(compose: dict[str, Any]) -> None:
    """Auth, topics, member state and deadlines are set once, for all (the YAML anchor's job)."""
    common = {
        name: {
            k: v
            for k, v in environment(service(compose, name), raw=True).items()
            if MUST_AGREE.match(settings_field(k) or "")
        }
        for name in SERVICES
    }
    reference = common[SERVICES[0]]
    for name in SERVICES[1:]:
        differing = sorted(k for k in reference.keys() | common[name].keys() if reference.get(k) != common[name].get(k))
        assert not differing, f"`{name}` and `{SERVICES[0]}` differ in {differing}"


# --- postgres --------------------------------------------------------------------------------------


def init_scripts(compose: dict[str, Any]) -> list[Path]:
    scripts = []
    for source, target in volume_mounts(service(compose, "postgres")):
        if not target.rstrip("/").startswith(INITDB_DIR) or not source.startswith((".", "/")):
            continue
        path = (ROOT / source).resolve()
        assert path.exists(), f"postgres mounts {source} into {INITDB_DIR}, but it does not exist"
        if path.is_dir():
            scripts += sorted(p for p in path.iterdir() if p.suffix in (".sh", ".sql"))
        else:
            scripts.append(path)
    return scripts


def test_postgres_has_a_healthcheck_and_a_named_volume(compose: dict[str, Any]) -> None:
    postgres = service(compose, "postgres")
    assert str(postgres.get("image", "")).startswith("postgres:"), "postgres must run the postgres image"
    assert "pg_isready" in healthcheck_command(postgres), "the postgres healthcheck must use pg_isready"
    sources = [source for source, target in volume_mounts(postgres) if target.rstrip("/") == POSTGRES_DATA]
    assert sources, f"postgres keeps {POSTGRES_DATA} on no volume: the data dies with the container"
    assert sources[0] in (compose.get("volumes") or {}), (
        f"postgres data must be on a named volume declared under `volumes:`, not {sources[0]!r}"
    )
    env = environment(postgres)
    assert env.get("POSTGRES_USER") and env.get("POSTGRES_USER") != "postgres", (
        "set POSTGRES_USER to the dedicated keten user"
    )
    assert env.get("POSTGRES_PASSWORD"), "set POSTGRES_PASSWORD (the image refuses to start without it)"


def created_databases(compose: dict[str, Any], tmp_path: Path) -> dict[str, str]:
    """Run the init scripts with a stand-in psql and return {database: owner} from their SQL."""
    env = environment(service(compose, "postgres"))
    user = env.get("POSTGRES_USER") or "postgres"
    stub_dir, captured = tmp_path / "bin", tmp_path / "sql.txt"
    stub_dir.mkdir()
    (stub_dir / "psql").write_text('#!/bin/sh\nprintf "%s\\n" "$*" >> "$CAPTURE"\ncat >> "$CAPTURE"\n')
    (stub_dir / "psql").chmod(0o755)
    sql = ""
    for script in init_scripts(compose):
        if script.suffix == ".sql":
            sql += script.read_text(encoding="utf-8")
            continue
        bash = shutil.which("bash")
        if bash is None:
            pytest.skip("bash is needed to run the postgres init script")
        result = subprocess.run(
            [bash, str(script)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
            env={
                "PATH": f"{stub_dir}{os.pathsep}{os.environ.get('PATH', '')}",
                "CAPTURE": str(captured),
                "POSTGRES_USER": user,
                "POSTGRES_PASSWORD": env.get("POSTGRES_PASSWORD") or "",
                "POSTGRES_DB": env.get("POSTGRES_DB") or user,
            },
        )
        assert result.returncode == 0, f"{script.name} failed: {result.stderr}"
    if captured.exists():
        sql += captured.read_text(encoding="utf-8")
    statements = re.findall(r'CREATE\s+DATABASE\s+"?(\w+)"?([^;]*);', sql, flags=re.IGNORECASE)
    owners = {}
    for database, options in statements:
        owner = re.search(r'OWNER\s*=?\s*"?(\w+)"?', options, flags=re.IGNORECASE)
        owners[database] = owner.group(1) if owner else user
    return owners


def test_postgres_init_script_creates_each_service_database(compose: dict[str, Any], tmp_path: Path) -> None:
    assert init_scripts(compose), f"postgres mounts no init script from deploy/postgres/ into {INITDB_DIR}"
    owners = created_databases(compose, tmp_path)
    missing = [name for name in SERVICES if name not in owners]
    assert not missing, f"the postgres init script does not create the databases {missing}"
    user = environment(service(compose, "postgres")).get("POSTGRES_USER")
    wrong = {name: owners[name] for name in SERVICES if owners[name] != user}
    assert not wrong, f"databases must be owned by {user!r}: {wrong}"


# --- kafka -----------------------------------------------------------------------------------------


def test_kafka_runs_single_node_kraft(compose: dict[str, Any]) -> None:
    kafka = service(compose, "kafka")
    env = environment(kafka)
    assert str(kafka.get("image", "")).startswith("apache/kafka:"), "kafka must run the apache/kafka image"
    zookeeper = [
        name
        for name, svc in compose["services"].items()
        if "zookeeper" in name.lower() or "zookeeper" in str(svc.get("image", "")).lower()
    ]
    assert not zookeeper and "KAFKA_ZOOKEEPER_CONNECT" not in env, "KRaft mode needs no ZooKeeper"
    roles = {role.strip() for role in (env.get("KAFKA_PROCESS_ROLES") or "").split(",")}
    assert roles == {"broker", "controller"}, f"KAFKA_PROCESS_ROLES is {roles}, expected broker,controller"
    node_id = env.get("KAFKA_NODE_ID")
    assert node_id, "KAFKA_NODE_ID is required in KRaft mode"

    listeners = kafka_listeners(env.get("KAFKA_LISTENERS") or "")
    controllers = set((env.get("KAFKA_CONTROLLER_LISTENER_NAMES") or "").split(","))
    assert controllers and controllers <= listeners.keys(), (
        f"controller listeners {controllers} are not among KAFKA_LISTENERS {sorted(listeners)}"
    )
    voters = (env.get("KAFKA_CONTROLLER_QUORUM_VOTERS") or "").split(",")
    assert len(voters) == 1 and voters[0].startswith(f"{node_id}@kafka:"), (
        f"the quorum must be this node alone ({node_id}@kafka:<controller port>), not {voters}"
    )
    controller_ports = {listeners[name][1] for name in controllers}
    assert int(voters[0].rsplit(":", 1)[1]) in controller_ports, "the voter's port is no controller listener"

    protocol_map = env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP") or ""
    protocols = dict(item.split(":", 1) for item in protocol_map.split(",") if ":" in item)
    assert listeners.keys() <= protocols.keys(), (
        f"KAFKA_LISTENER_SECURITY_PROTOCOL_MAP lacks {sorted(listeners.keys() - protocols.keys())}"
    )
    assert env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE") == "false", (
        'KAFKA_AUTO_CREATE_TOPICS_ENABLE must be "false": services create topics with their partitions'
    )
    assert env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR") == str(BROKERS), (
        f"KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR must be {BROKERS}: consumer groups never start otherwise"
    )
    log_dirs = env.get("KAFKA_LOG_DIRS")
    if log_dirs:
        assert log_dirs in [target for _, target in volume_mounts(kafka)], (
            f"KAFKA_LOG_DIRS {log_dirs} is on no volume: topics vanish when the container is recreated"
        )


def test_kafka_advertises_the_addresses_clients_use(compose: dict[str, Any]) -> None:
    kafka = service(compose, "kafka")
    env = environment(kafka)
    listeners = kafka_listeners(env.get("KAFKA_LISTENERS") or "")
    advertised = kafka_listeners(env.get("KAFKA_ADVERTISED_LISTENERS") or "")
    assert advertised.keys() <= listeners.keys(), "every advertised listener must also be in KAFKA_LISTENERS"
    by_address = {f"{host}:{port}": name for name, (host, port) in advertised.items()}
    assert KAFKA_ADDRESS in by_address, (
        f"the services bootstrap from {KAFKA_ADDRESS} but kafka advertises {sorted(by_address)}"
    )
    assert listeners[by_address[KAFKA_ADDRESS]][1] == int(KAFKA_ADDRESS.split(":")[1]), (
        f"the listener advertised as {KAFKA_ADDRESS} does not listen on that port"
    )
    for host_port, container_port in published_ports(kafka):
        names = [name for name, (_, port) in listeners.items() if port == container_port]
        assert names, f"kafka publishes container port {container_port}, which no listener uses"
        assert advertised.get(names[0], ("", 0))[1] == host_port, (
            f"the listener on {container_port} must advertise the published host port {host_port}"
        )


def test_kafka_has_a_healthcheck(compose: dict[str, Any]) -> None:
    command = healthcheck_command(service(compose, "kafka"))
    assert re.search(r"/opt/kafka/bin/kafka-(topics|broker-api-versions)\.sh", command), (
        "the kafka healthcheck must use /opt/kafka/bin/kafka-topics.sh or kafka-broker-api-versions.sh, "
        f"not {command!r}"
    )
