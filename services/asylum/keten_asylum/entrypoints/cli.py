"""``keten-asylum``: serve, migrate, dead letters, outbox, and loading recognition rates."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from keten_asylum.entrypoints.app import spec
from keten_asylum.service_layer.reference_data import import_release
from keten_shared.cli.service_cli import make_service_cli
from keten_shared.errors import InvalidData
from keten_shared.service import Runtime
from keten_shared.settings import ServiceSettings

app = make_service_cli(spec, "asylum")
rates = typer.Typer(help="EU-wide recognition rates (APR Art 42(1)(j)) as versioned reference data")
app.add_typer(rates, name="recognition-rates")


@rates.command("import")
def import_rates(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Eurostat migr_asydcfsta, TSV or SDMX-CSV"),
    release: str = typer.Option(..., help="name of this release, e.g. 'migr_asydcfsta 2026-04-15'"),
) -> None:
    """Load Eurostat's first-instance decisions table; routing uses the latest release from now on."""

    text = path.read_text(encoding="utf-8")

    async def run() -> str:
        runtime = Runtime(spec(), ServiceSettings())
        try:
            async with runtime.uow() as uow:
                result = await import_release(uow, text, release=release, source=path.name)
                await uow.commit()
        finally:
            await runtime.engine.dispose()
        return f"{result.release}: {result.countries} nationalities, latest reference year {result.latest_year}"

    try:
        typer.echo(asyncio.run(run()))
    except InvalidData as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
