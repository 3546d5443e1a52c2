"""What the figures were measured on."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parents[1]


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


async def _postgres_version(admin_postgres_url: str) -> str | None:
    try:
        connection = await asyncpg.connect(admin_postgres_url, timeout=10)
    except (OSError, asyncpg.PostgresError):  # a --target deployment's server may not be reachable from here
        return None
    try:
        return await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()


async def machine_info(admin_postgres_url: str) -> dict[str, Any]:
    postgres = await _postgres_version(admin_postgres_url)
    return {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "ram_gib": _memory_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": postgres,
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("--no-optional-locks", "status", "--porcelain")),
    }
