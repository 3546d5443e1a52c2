"""`make bench` in miniature: three synthetic cases through the five services, and the figures it writes."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from bench.config import SERVICE_ENV
from bench.stack import local_stack

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ("chain", "propagation", "rest", "events", "baseline", "growth")


def test_the_bench_drives_three_cases_and_writes_every_figure_without_errors(tmp_path: Path):
    size = [
        "--cases",
        "3",
        "--concurrency",
        "3",
        "--border-share",
        "0.34",
        "--dublin-share",
        "0.34",
        "--minor-share",
        "0.34",
        "--poll-interval",
        "0.05",
        "--baseline-rounds",
        "1",
        "--growth",
        "30,60",
        "--growth-probe-cases",
        "2",
        "--growth-reads",
        "10",
    ]
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            *size,
            "--results",
            str(tmp_path / "results"),
            "--logs",
            str(tmp_path / "logs"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    [written] = (tmp_path / "results").glob("*.json")
    result = json.loads(written.read_text())

    assert result["failures"] == []
    assert result["figures"]["rest"]["error_total"] == 0
    assert set(FIGURES) <= set(result["figures"])
    assert {"cores", "ram_gib", "python", "postgresql", "git_commit"} <= set(result["machine"])
    chain = result["figures"]["chain"]
    assert (chain["completed"], chain["negative"], chain["border"], chain["dublin"], chain["minors"]) == (3, 1, 1, 1, 1)
    assert result["figures"]["rest"]["dublin"]["n"] >= 1  # the determination
    assert chain["overall_per_s"] > 0
    assert result["figures"]["propagation"]["recorded_seconds"]["n"] == 1
    assert result["figures"]["propagation"]["recorded_seconds"]["p99"] > 0
    assert {s["errors"] for s in result["figures"]["rest"].values() if isinstance(s, dict)} == {0}
    events = result["figures"]["events"]["services"]
    assert set(events) == {"screening", "asylum", "reception", "dublin", "return"}
    assert events["return"]["consumed"] > 0
    assert events["return"]["ratio_to_baseline"] > 0
    baseline = result["figures"]["baseline"]
    assert baseline["events"] == result["figures"]["events"]["total_consumed"]
    assert [r["rows_committed"] for r in baseline["rounds"]] == [baseline["events"]]
    assert "(1) whole chain" in run.stdout

    growth = result["figures"]["growth"]
    assert [step["stored_cases"] for step in growth["steps"]] == [30, 60]
    small, large = growth["steps"]
    assert small["seeded_rows"] > 0 and large["seeded_rows"] > small["seeded_rows"]
    assert large["database_mb"]["asylum"] >= small["database_mb"]["asylum"]
    for step in growth["steps"]:
        assert step["failures"] == [] and step["error_total"] == 0
        for service in ("screening", "asylum", "reception", "dublin", "return"):
            assert step["rest"][f"{service} read-one"]["n"] > 0
        assert step["rest"]["asylum chain"]["n"] > 0
        assert step["deadline_scan"]["asylum"]["scans"] > 0
    assert "(6) growth" in run.stdout


async def test_the_bench_loads_services_it_did_not_start(tmp_path: Path):
    """``--target``: the same command against a deployment, here one the test starts as the bench would."""
    async with local_stack(tmp_path, SERVICE_ENV) as target:
        urls = [f"{service}={url}" for service, url in target.urls.items()]
        databases = [f"{service}={url}" for service, url in target.database_urls.items()]
        size = ["--cases", "2", "--concurrency", "2", "--poll-interval", "0.05", "--baseline-rounds", "1"]
        growth = ["--growth", "20", "--growth-probe-cases", "1", "--growth-reads", "5"]
        remote = ["--target", *urls, "--bootstrap-servers", target.bootstrap_servers, "--database-url", *databases]
        run = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bench", *size, *growth, *remote, "--results", str(tmp_path / "results")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert run.returncode == 0, run.stdout + run.stderr
    [written] = (tmp_path / "results").glob("*.json")
    result = json.loads(written.read_text())
    assert result["target"].startswith("running services: screening=http://127.0.0.1:")
    assert result["figures"]["chain"]["completed"] == 2
    assert result["figures"]["baseline"]["events"] == result["figures"]["events"]["total_consumed"] > 0
    assert [step["stored_cases"] for step in result["figures"]["growth"]["steps"]] == [20]


def test_a_target_needs_every_service():
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--target", "asylum=http://127.0.0.1:1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert "missing: dublin, reception, return, screening" in run.stderr
