"""`make bench` in miniature: three synthetic cases through the five services, and the figures it writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
    assert (chain["completed"], chain["negative"], chain["border"]) == (3, 1, 1)
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
