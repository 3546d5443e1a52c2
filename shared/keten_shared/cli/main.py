"""``keten``: run the whole stack locally, mint development tokens, generate the event contracts."""

from __future__ import annotations

import shutil
import signal
from datetime import UTC, datetime, timedelta
from importlib.metadata import entry_points
from pathlib import Path

import typer
import yaml

from keten_shared.events import asyncapi, schemas
from keten_shared.http.auth import mint_token
from keten_shared.messaging.broker_process import EmbeddedBroker
from keten_shared.service import ServiceSpec
from keten_shared.settings import ServiceSettings
from keten_shared.stack import SERVICES, ServiceProcess

app = typer.Typer(
    help="keten: case management for the EU Pact on Migration and Asylum", no_args_is_help=True, add_completion=False
)
schemas_cli = typer.Typer(help="JSON Schemas of the events", no_args_is_help=True)
asyncapi_cli = typer.Typer(help="the AsyncAPI document of every topic", no_args_is_help=True)
app.add_typer(schemas_cli, name="schemas")
app.add_typer(asyncapi_cli, name="asyncapi")

ASYNCAPI_FILE = Path("docs/asyncapi.yaml")


def service_specs() -> dict[str, ServiceSpec]:
    """The installed services, found through the ``keten.services`` entry points."""
    return {ep.name: ep.load()() for ep in entry_points(group="keten.services")}


def asyncapi_document() -> dict:
    consumers = {name: list(spec.event_handlers) for name, spec in service_specs().items()}
    return asyncapi.build(consumers)


@app.command()
def token(
    role: list[str] = typer.Option(..., "--role", "-r", help="a role to grant; repeat for several"),
    subject: str = typer.Option("dev-user", help="the `sub` claim: who acts"),
    hours: float = typer.Option(8.0, help="validity in hours"),
) -> None:
    """Print a development bearer token (local auth mode only)."""
    typer.echo(
        mint_token(ServiceSettings(), subject=subject, roles=role, ttl=timedelta(hours=hours), now=datetime.now(UTC))
    )


@schemas_cli.command("generate")
def schemas_generate() -> None:
    """Write the JSON Schema file of every event type and version (refuses breaking changes)."""
    for path in schemas.generate():
        typer.echo(f"wrote {path}")


@schemas_cli.command("check")
def schemas_check() -> None:
    """Fail if a committed schema is missing, stale or broken by a change of its model."""
    report = schemas.check_committed()
    for event, problems in report.items():
        for problem in problems:
            typer.echo(f"{event}: {problem}", err=True)
    raise typer.Exit(1 if report else 0)


@asyncapi_cli.command("generate")
def asyncapi_generate(output: Path = typer.Option(ASYNCAPI_FILE)) -> None:
    """Write the AsyncAPI 3 document of every topic and event."""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(yaml.safe_dump(asyncapi_document(), sort_keys=False, allow_unicode=True, width=110))
    typer.echo(f"wrote {output}")


@app.command()
def run(
    data_dir: Path = typer.Option(Path(".keten"), help="SQLite databases and logs"),
    kafka_port: int = typer.Option(9092, help="port of the embedded broker"),
    port_base: int = typer.Option(8001, help="screening listens here, the others on the next four ports"),
    fresh: bool = typer.Option(False, help="delete the databases of earlier runs first"),
) -> None:
    """Start the embedded broker and the five services on SQLite; Ctrl-C stops everything."""
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    broker = EmbeddedBroker(port=kafka_port, log_file=data_dir / "broker.log").start()
    processes = [
        ServiceProcess(
            name=name,
            port=port_base + index,
            env={
                "KETEN_DATABASE_URL": f"sqlite+aiosqlite:///{(data_dir / f'{name}.db').resolve()}",
                "KETEN_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
                "KETEN_MIGRATE_ON_START": "true",
                "KETEN_TOPIC_PARTITIONS": "3",
                "KETEN_KAFKA_SESSION_TIMEOUT_MS": "6000",
                "KETEN_KAFKA_REBALANCE_TIMEOUT_MS": "2000",
            },
            log_file=data_dir / "logs" / f"{name}.log",
        )
        for index, name in enumerate(SERVICES)
    ]
    stopping = False

    def request_stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        for process in processes:
            process.start()
        for process in processes:
            process.wait_ready()
        typer.echo(f"\nkafka (embedded tansu)  {broker.bootstrap_servers}")
        for process in processes:
            typer.echo(f"{process.name:<10} {process.url:<24} OpenAPI: {process.url}/docs")
        typer.echo(f"\nlogs: {data_dir / 'logs'}; databases: {data_dir}; Ctrl-C stops everything")
        while not stopping:
            signal.pause()
    finally:
        typer.echo("\nstopping…")
        for process in reversed(processes):
            process.stop()
        broker.stop()
        typer.echo("stopped")
