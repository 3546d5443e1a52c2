"""`keten-asylum recognition-rates import`: loading Eurostat's table as a release, through the real command line."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from keten_shared.db.engine import create_engine
from keten_shared.testing.fixtures import migrated

FIXTURE = Path(__file__).parent / "fixtures" / "migr_asydcfsta.tsv"
COMMAND = Path(sys.executable).parent / "keten-asylum"


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"KETEN_DATABASE_URL": url, "KETEN_LOG_LEVEL": "WARNING"}
    return subprocess.run([str(COMMAND), "recognition-rates", "import", *args], env=env, capture_output=True, text=True)


async def rates(url: str) -> dict[str, str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT country, rate FROM recognition_rates WHERE release = 'r1'"))
            return {row.country: str(row.rate) for row in rows}
    finally:
        await engine.dispose()


async def test_import_a_release_once(postgres_url):
    url = await migrated("keten_asylum", postgres_url)
    done = await asyncio.to_thread(run, url, str(FIXTURE), "--release", "r1")
    assert done.returncode == 0, done.stderr
    assert "r1: 8 nationalities, latest reference year 2024" in done.stdout
    stored = await rates(url)
    # Eurostat's alpha-2 citizen codes become ISO alpha-3; Greece's EL is GR, so GRC.
    assert (stored["BGD"], stored["AFG"], stored["GRC"]) == ("0.0224", "0.5009", "0.0000")

    again = await asyncio.to_thread(run, url, str(FIXTURE), "--release", "r1")
    assert again.returncode == 1
    assert "release r1 exists already" in again.stderr


async def test_a_file_that_is_not_the_table_is_refused(postgres_url, tmp_path):
    url = await migrated("keten_asylum", postgres_url)
    wrong = tmp_path / "wrong.tsv"
    wrong.write_text("hello\tworld\n1\t2\n")
    done = await asyncio.to_thread(run, url, str(wrong), "--release", "r1")
    assert done.returncode == 1
    assert done.stderr.startswith("error: wrong.tsv:")
    assert await rates(url) == {}
