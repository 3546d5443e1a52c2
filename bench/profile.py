"""Where each service spends its CPU under the load: py-spy samples every service process from outside.

``--profile`` starts ``py-spy record`` on each service for the load (figures 1–5) and keeps its
collapsed stacks (``<logs>/profiles/<service>.txt``, the input of any flame-graph tool). py-spy leaves
out threads it finds idle, so a service's samples divided by those of one thread busy all the time is
how much of a core it kept active: running Python, or inside a system call such as a socket send
(which on two oversubscribed cores includes waiting to be scheduled); its idle detection also lets
some samples in epoll through, which the summary shows as such. Each
sample's innermost frame is charged to the package that holds its code: the summary says which
library (or which keten code) the CPU goes to, and the functions that take most of it; and, callees
included, the share of samples spent inside each main library (e.g. SQLAlchemy with the asyncpg calls
it makes).
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
COLLAPSED = re.compile(r"^(.*? \d+)$", re.MULTILINE | re.DOTALL)
FRAME = re.compile(r"^(?P<function>.*) \((?P<path>[^:()]+)(?::\d+)?\)$", re.DOTALL)  # a name may span lines
# The libraries whose share of the samples, callees included, says where the work goes.
LIBRARIES = (
    "sqlalchemy",
    "asyncpg",
    "fastapi",
    "starlette",
    "pydantic",
    "aiokafka",
    "opentelemetry",
    "structlog",
    "jwt",
)
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
    within: Counter[str] = field(default_factory=Counter)  # samples with a library anywhere in the stack

    def add(self, line: str) -> None:
        stack, _, count = line.rpartition(" ")
        if not stack:
            return
        frames = [found for found in map(FRAME.match, stack.split(";")) if found]
        n = int(count)
        self.samples += n
        for package in {package_of(frame["path"]) for frame in frames} & set(LIBRARIES):
            self.within[package] += n
        if frames:
            leaf, package = frames[-1], package_of(frames[-1]["path"])
            self.by_package[package] += n
            self.by_function[f"{leaf['function']} ({package})"] += n

    def as_dict(self, top: int = 8) -> dict[str, Any]:
        def shares(counter: Counter[str]) -> list[list[Any]]:
            return [[name, round(n / self.samples, 3)] for name, n in counter.most_common(top)] if self.samples else []

        busy = self.samples / (self.seconds * RATE) if self.seconds else None
        return {
            "samples": self.samples,
            "seconds": round(self.seconds, 1),
            "active_share": round(busy, 3) if busy is not None else None,
            "packages": shares(self.by_package),
            "functions": shares(self.by_function),
            "within_libraries": shares(self.within),
        }


def summarise(service: str, path: Path, seconds: float) -> Profile:
    """The collapsed stacks of one service: ``frame;frame;… count`` per line, where a frame's own text may
    hold a line break (a decorator's source), so a line ends only with its count."""
    profile = Profile(service, seconds=seconds)
    if path.exists():
        for stack in COLLAPSED.findall(path.read_text()):
            profile.add(stack)
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
