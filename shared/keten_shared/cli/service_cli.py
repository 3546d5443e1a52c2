"""The command line of one service (``python -m keten_<service>``): serve, migrate, dead letters, outbox."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

import typer
import uvicorn

from keten_shared.db import migrate as migrations
from keten_shared.db.engine import create_engine, session_factory
from keten_shared.messaging.dead_letters import read_dead_letters, replay_dead_letters
from keten_shared.messaging.outbox_relay import mark_for_republish, unpublished_count
from keten_shared.service import ServiceSpec, create_app
from keten_shared.settings import ServiceSettings


def _aware(value: str) -> datetime:
    at = datetime.fromisoformat(value)
    if at.tzinfo is None:
        raise typer.BadParameter("give a time zone, e.g. 2026-11-23T10:00:00+01:00")
    return at


def make_service_cli(load_spec: Callable[[], ServiceSpec], name: str) -> typer.Typer:
    package = f"keten_{name}"
    app = typer.Typer(help=f"keten {name} service", no_args_is_help=True, add_completion=False)
    dlq = typer.Typer(help="dead letters: events this service could not handle", no_args_is_help=True)
    outbox = typer.Typer(help="the transactional outbox of this service", no_args_is_help=True)
    app.add_typer(dlq, name="dlq")
    app.add_typer(outbox, name="outbox")

    @app.command()
    def serve() -> None:
        """Run the REST API, outbox relay, event consumer and deadline scheduler."""
        settings = ServiceSettings()
        if settings.migrate_on_start:
            migrations.upgrade(package, settings.database_url_for(name))
        uvicorn.run(
            create_app(load_spec(), settings),
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=10,
        )

    @app.command()
    def migrate(revision: str = typer.Argument("heads", help="target revision")) -> None:
        """Apply the database migrations (plumbing branch and this service's own)."""
        migrations.upgrade(package, ServiceSettings().database_url_for(name), revision)
        typer.echo(f"{name}: database at {revision}")

    @dlq.command("list")
    def dlq_list() -> None:
        """Show every dead letter: position, event, original place and error."""
        letters = asyncio.run(read_dead_letters(ServiceSettings(), name))
        for letter in letters:
            event_id, event_type = letter.event_summary()
            typer.echo(
                f"{letter.partition}:{letter.offset}\t{event_type}\t{event_id}\t{letter.original}\t"
                f"{letter.headers.get('keten-failed-at', '')}\t{letter.error}"
            )
        typer.echo(f"{len(letters)} dead letter(s)", err=True)

    @dlq.command("replay")
    def dlq_replay(
        position: list[str] = typer.Argument(None, help="partition:offset as shown by `dlq list`"),
        all_letters: bool = typer.Option(False, "--all", help="replay every dead letter"),
    ) -> None:
        """Send dead letters back to this service's consumer (through its retry topic)."""
        if not position and not all_letters:
            raise typer.BadParameter("name positions (partition:offset) or pass --all")
        settings = ServiceSettings()
        letters = asyncio.run(read_dead_letters(settings, name))
        if not all_letters:
            wanted = set(position)
            letters = [d for d in letters if f"{d.partition}:{d.offset}" in wanted]
            missing = wanted - {f"{d.partition}:{d.offset}" for d in letters}
            if missing:
                raise typer.BadParameter(f"no dead letter at {', '.join(sorted(missing))}")
        count = asyncio.run(replay_dead_letters(settings, name, letters))
        typer.echo(f"replayed {count} dead letter(s)")

    @outbox.command("republish")
    def outbox_republish(
        since: str = typer.Option(..., help="ISO time with zone; events created from then on"),
        until: str | None = typer.Option(None, help="ISO time with zone; events created before then"),
        event_type: str | None = typer.Option(None, "--type", help="only this event type"),
    ) -> None:
        """Publish already published events again, in their original order (consumers deduplicate)."""

        async def run() -> int:
            engine = create_engine(ServiceSettings().database_url_for(name))
            try:
                return await mark_for_republish(
                    session_factory(engine),
                    since=_aware(since),
                    until=_aware(until) if until else None,
                    event_type=event_type,
                )
            finally:
                await engine.dispose()

        count = asyncio.run(run())
        typer.echo(f"{count} event(s) queued; the running relay publishes them")

    @outbox.command("status")
    def outbox_status() -> None:
        """How many events wait to be published."""

        async def run() -> int:
            engine = create_engine(ServiceSettings().database_url_for(name))
            try:
                async with session_factory(engine)() as session:
                    return await unpublished_count(session)
            finally:
                await engine.dispose()

        typer.echo(f"{asyncio.run(run())} event(s) waiting")

    return app
