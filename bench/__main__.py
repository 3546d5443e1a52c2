"""``python -m bench``: start the services, drive synthetic cases through them, print and keep the figures."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from keten_shared.stack import SERVICES

from .config import BenchConfig
from .report import table, write
from .run import run_local, run_remote
from .stack import remote_target

RESULTS = Path(__file__).resolve().parent / "results"
LOGS = Path(__file__).resolve().parents[1] / ".keten" / "bench-logs"  # .keten/ is not versioned


def _pair(text: str) -> tuple[str, str]:
    service, sep, url = text.partition("=")
    if not sep or service not in SERVICES or not url:
        raise argparse.ArgumentTypeError(f"expected SERVICE=URL with SERVICE one of {', '.join(SERVICES)}")
    return service, url


def _sizes(text: str) -> tuple[int, ...]:
    sizes = tuple(int(n) for n in text.split(",") if int(n) > 0)
    if list(sizes) != sorted(set(sizes)):
        raise argparse.ArgumentTypeError("sizes grow: each larger than the one before")
    return sizes


def parse(argv: list[str]) -> tuple[BenchConfig, argparse.Namespace]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--cases", type=int, default=BenchConfig.cases, help="synthetic cases to drive (default %(default)s)"
    )
    parser.add_argument("--concurrency", type=int, default=BenchConfig.concurrency, help="cases in flight at once")
    parser.add_argument(
        "--negative-share", type=float, default=BenchConfig.negative_share, help="share of negative decisions"
    )
    parser.add_argument(
        "--border-share", type=float, default=BenchConfig.border_share, help="share routed to the border"
    )
    parser.add_argument(
        "--dublin-share", type=float, default=BenchConfig.dublin_share, help="share with a Dublin determination"
    )
    parser.add_argument("--minor-share", type=float, default=BenchConfig.minor_share, help="share of minors")
    parser.add_argument("--seed", type=int, default=BenchConfig.seed, help="for the synthetic people")
    parser.add_argument(
        "--poll-interval", type=float, default=BenchConfig.poll_interval_s, help="seconds between polls"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the aiokafka + PostgreSQL baseline")
    parser.add_argument("--baseline-rounds", type=int, default=BenchConfig.baseline_rounds, help="its median counts")
    parser.add_argument(
        "--profile", action="store_true", help="sample every service with py-spy during the load (bench/profile.py)"
    )
    parser.add_argument(
        "--growth",
        type=_sizes,
        default=BenchConfig.growth_sizes,
        metavar="N,N,…",
        help="(6): stored cases to grow the databases to, in order (default 10000,100000,1000000; 0 skips it)",
    )
    parser.add_argument(
        "--growth-probe-cases", type=int, default=BenchConfig.growth_probe_cases, help="(6): new cases at each size"
    )
    parser.add_argument(
        "--growth-reads", type=int, default=BenchConfig.growth_reads, help="(6): reads by id per service at each size"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the JSON goes (default bench/results)")
    parser.add_argument(
        "--logs", type=Path, default=None, help="service and broker logs (default .keten/bench-logs/<time>)"
    )
    parser.add_argument(
        "--target",
        nargs="+",
        type=_pair,
        metavar="SERVICE=URL",
        help="load services already running there instead of starting them (all five; see bench/README.md)",
    )
    parser.add_argument("--bootstrap-servers", default="", help="with --target: their broker, for the baseline (5)")
    parser.add_argument("--topic-prefix", default="bench.", help="with --target: prefix of the baseline's topics")
    parser.add_argument(
        "--database-url",
        nargs="+",
        type=_pair,
        default=[],
        metavar="SERVICE=URL",
        help="with --target: each service's database, to seed for (6); it gets millions of synthetic rows",
    )
    args = parser.parse_args(argv)
    if args.target and args.profile:
        parser.error("--profile samples the processes the bench starts; it cannot with --target")
    config = BenchConfig(
        cases=args.cases,
        concurrency=args.concurrency,
        negative_share=args.negative_share,
        border_share=args.border_share,
        dublin_share=args.dublin_share,
        minor_share=args.minor_share,
        seed=args.seed,
        poll_interval_s=args.poll_interval,
        baseline=not args.no_baseline,
        baseline_rounds=args.baseline_rounds,
        profile=args.profile,
        growth_sizes=args.growth,
        growth_probe_cases=args.growth_probe_cases,
        growth_reads=args.growth_reads,
    )
    return config, args


def main(argv: list[str] | None = None) -> int:
    config, args = parse(sys.argv[1:] if argv is None else argv)
    logs = args.logs or LOGS / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    logs.mkdir(parents=True, exist_ok=True)
    if args.target:
        try:
            target = remote_target(
                dict(args.target), args.bootstrap_servers, args.topic_prefix, dict(args.database_url)
            )
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        result = asyncio.run(run_remote(target, config, logs))
    else:
        result = asyncio.run(run_local(config, logs))
    path = write(result, args.results)
    print(table(result))
    print(f"\nwritten to {path}; service logs in {logs}")
    errors = result["figures"]["rest"]["error_total"]
    growth = result["figures"]["growth"]["steps"] if result["figures"]["growth"] else []
    errors += sum(step["error_total"] + len(step["failures"]) for step in growth)
    return 1 if result["failures"] or errors else 0


if __name__ == "__main__":
    sys.exit(main())
