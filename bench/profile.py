"""Where each service spends its CPU under the load: py-spy samples every service process from outside.

``--profile`` starts ``py-spy record`` on each service for the load (figures 1–5) and keeps its
collapsed stacks (``<logs>/profiles/<service>.txt``, the input of any flame-graph tool). Only samples
of a thread running Python code count (py-spy leaves idle threads out), so a service's samples
divided by the samples a fully busy thread would give is the CPU its Python threads used. Each
sample's innermost frame is charged to the package that holds its code: the summary says which
library (or which keten code) the CPU goes to, and the functions that take most of it.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RATE = 100  # samples per second
FRAME = re.compile(r"^(?P<function>.*) \((?P<path>[^:()]+)(?::\d+)?\)$")
STDLIB = Path(sys.base_prefix, "lib", f"python{sys.version_info.major}.{sys.version_info.minor}").as_posix()


def py_spy() -> str:
    """The py-spy next to this interpreter (installed by ``make install``), else one on the PATH."""
    beside = Path(sys.executable).with_name("py-spy")
    found = str(beside) if beside.exists() else shutil.which("py-spy")
    if not found:
        raise RuntimeError("py-spy is not installed: run `make install`")
    return found


def package_of(path: str) -> str:
    """The package a frame's file belongs to: a library, a keten package or a standard-library module."""
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    keten = re.search(r"/(keten_\w+)/", path)
    if keten:
        return keten.group(1)
    if path.startswith(STDLIB):
        return "stdlib " + path[len(STDLIB) + 1 :].split("/", 1)[0].removesuffix(".py")
    return path.rsplit("/", 1)[-1]


@dataclass
class Profile:
    service: str
    samples: int = 0
    seconds: float = 0.0
    by_package: Counter[str] = field(default_factory=Counter)
    by_function: Counter[str] = field(default_factory=Counter)

    def add(self, line: str) -> None:
        stack, _, count = line.rpartition(" ")
        if not stack:
            return
        leaf = FRAME.match(stack.rsplit(";", 1)[-1])
        n = int(count)
        self.samples += n
        if leaf:
            package = package_of(leaf["path"])
            self.by_package[package] += n
            self.by_function[f"{leaf['function']} ({package})"] += n

    def as_dict(self, top: int = 8) -> dict[str, Any]:
        def shares(counter: Counter[str]) -> list[list[Any]]:
            return [[name, round(n / self.samples, 3)] for name, n in counter.most_common(top)] if self.samples else []

        busy = self.samples / (self.seconds * RATE) if self.seconds else None
        return {
            "samples": self.samples,
            "seconds": round(self.seconds, 1),
            "python_cpu_share": round(busy, 3) if busy is not None else None,
            "packages": shares(self.by_package),
            "functions": shares(self.by_function),
        }


def summarise(service: str, path: Path, seconds: float) -> Profile:
    profile = Profile(service, seconds=seconds)
    if path.exists():
        for line in path.read_text().splitlines():
            profile.add(line)
    return profile


class Profiler:
    """py-spy recording each service process, from ``start`` until ``stop``."""

    def __init__(self, pids: dict[str, int], directory: Path) -> None:
        self._pids = pids
        self._directory = directory
        self._running: dict[str, subprocess.Popen[bytes]] = {}
        self._started = 0.0

    def output(self, service: str) -> Path:
        return self._directory / f"{service}.txt"

    def start(self) -> None:
        self._directory.mkdir(parents=True, exist_ok=True)
        binary = py_spy()
        for service, pid in self._pids.items():
            command = [binary, "record", "--pid", str(pid), "--rate", str(RATE), "--format", "raw"]
            command += ["--full-filenames", "--nonblocking", "--output", str(self.output(service))]
            log = (self._directory / f"{service}.py-spy.log").open("wb")
            self._running[service] = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self._started = time.monotonic()

    def stop(self) -> dict[str, Any]:
        """Stop recording (py-spy writes its file on SIGINT); the summary per service."""
        seconds = time.monotonic() - self._started
        for process in self._running.values():
            process.send_signal(signal.SIGINT)
        for process in self._running.values():
            process.wait(timeout=60)
        return {service: summarise(service, self.output(service), seconds).as_dict() for service in self._running}
