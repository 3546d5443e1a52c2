"""`make run`'s command, `keten run`: the embedded broker and five services on SQLite, stopped by Ctrl-C,
and the README's walk-through against it."""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from keten_shared.messaging.broker_process import free_port
from keten_shared.stack import SERVICES


def _free_port_range(count: int) -> int:
    for _ in range(100):
        base = random.randint(20_000, 40_000)
        try:
            for port in range(base, base + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError("no free port range")


ROOT = Path(__file__).resolve().parents[1]


def readme_walkthrough(port_base: int, keten: Path) -> str:
    """The README's copy-paste block, pointed at this test's ports."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- walkthrough:start -->")[1].split("<!-- walkthrough:end -->")[0]
    script = block.strip().removeprefix("```bash").removesuffix("```")
    script = re.sub(r"localhost:800(\d)", lambda m: f"localhost:{port_base + int(m.group(1)) - 1}", script)
    return script.replace("K=.venv/bin/keten", f"K={keten}")


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_keten_run_serves_the_readme_walkthrough_and_stops_cleanly_on_ctrl_c(tmp_path: Path):
    base, kafka = _free_port_range(len(SERVICES)), free_port()
    keten = Path(sys.executable).with_name("keten")
    process = subprocess.Popen(
        [str(keten), "run", "--data-dir", str(tmp_path / "data"), "--kafka-port", str(kafka), "--port-base", str(base)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "KETEN_LOG_FORMAT": "json"},
        start_new_session=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 120
        while not any("Ctrl-C stops everything" in line for line in output):
            assert time.monotonic() < deadline, "".join(output)
            line = process.stdout.readline()
            assert line or process.poll() is None, "".join(output)
            output.append(line)
        printed = "".join(output)
        for index in range(len(SERVICES)):
            url = f"http://127.0.0.1:{base + index}"
            assert f"{url}/docs" in printed  # the URL and OpenAPI page of every service
            assert httpx.get(f"{url}/health/ready").json()["status"] == "ready"
            assert httpx.get(f"{url}/openapi.json").json()["openapi"].startswith("3.1")
        assert (tmp_path / "data" / "asylum.db").exists()  # the services run on SQLite

        walk = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", readme_walkthrough(base, keten)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert walk.returncode == 0, walk.stdout + walk.stderr
        assert '"status": "REFERRED_ASYLUM"' in walk.stdout
        assert '"referral_basis": "SR Art 18(2)"' in walk.stdout
        assert '"return_decision_required": true' in walk.stdout
        assert '"status": "SUSPENDED"' in walk.stdout  # issued; suspended during the appeal period (APR 68)
        assert '"APR Art 37"' in walk.stdout

        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        assert process.wait(timeout=60) == 0
        assert "stopped" in process.stdout.read()
        assert not any(_listening(base + i) for i in range(len(SERVICES)))
        assert not _listening(kafka)
    finally:
        if process.poll() is None:
            # A failed assertion above: stop gracefully first, so that `keten run` stops the services it
            # started in sessions of their own (a SIGKILL to its group would leave them running).
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
